//! The build's identity for the facts cache: a hash of the crate's source, lockfile and
//! enabled features, so a cache written by one build is never read by another (a changed
//! parser must not be answered with the facts an older one found).

use std::hash::{Hash, Hasher};
use std::path::Path;

fn hash_dir(dir: &Path, h: &mut impl Hasher) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            hash_dir(&p, h);
        } else if let Ok(bytes) = std::fs::read(&p) {
            p.to_string_lossy().hash(h);
            bytes.hash(h);
        }
    }
}

fn main() {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    hash_dir(Path::new("src"), &mut h);
    if let Ok(lock) = std::fs::read("Cargo.lock") {
        lock.hash(&mut h);
    }
    let mut features: Vec<String> = std::env::vars()
        .map(|(k, _)| k)
        .filter(|k| k.starts_with("CARGO_FEATURE_"))
        .collect();
    features.sort();
    features.hash(&mut h);
    println!("cargo:rustc-env=TWELVE_BUILD_ID={:016x}", h.finish());
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=Cargo.lock");
}
