//! The facts cache: what parsing and scanning each source file found, kept between runs so
//! that a second run parses only the files that changed.
//!
//! An entry is keyed by a 128-bit hash of the build that wrote it (its source, lockfile and
//! features), the language, the file's name (facts depend on it: test files, entrypoints) and
//! its content; the value is the file's facts, serialized. One cache file per scanned root
//! lives in the user's cache directory (`$XDG_CACHE_HOME/twelve`, `~/.cache/twelve`), never in
//! the scanned repository: twelve reads repositories, it does not write into them (they may be
//! mounted read-only). The file is replaced atomically (written beside, then renamed) and
//! checksummed, so a concurrent or interrupted run leaves the old file or the new one, and a
//! damaged file is a cold cache, never a wrong answer. Entries this run did not use are dropped
//! when it writes.

use crate::lang::Lang;
use crate::parse::code::CodeFacts;
use crate::secrets::ShapeHit;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The build writing and reading the cache (see `build.rs`).
pub const BUILD_ID: &str = env!("TWELVE_BUILD_ID");

const MAGIC: &[u8; 8] = b"twelve\x01\x00";

/// The key of a source file's facts.
pub fn key(lang: Lang, file_name: &str, text: &str) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    h.update(BUILD_ID.as_bytes());
    h.update(&[0]);
    h.update(&[lang as u8]);
    h.update(&[0]);
    h.update(file_name.as_bytes());
    h.update(&[0]);
    h.update(text.as_bytes());
    h.digest128()
}

/// The cache directory to use: `dir` when given, else the platform's user cache directory.
pub fn default_dir() -> Option<PathBuf> {
    let xdg = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute());
    xdg.or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .map(|d| d.join("twelve"))
}

/// What a source file is to twelve once read: its facts, the secrets its text holds by their
/// shape, and the span of its first line and its line count (what is kept of its text).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SourceEntry {
    pub facts: CodeFacts,
    pub shapes: Vec<ShapeHit>,
    pub outline: (std::ops::Range<usize>, usize),
}

/// The facts cache of one scanned root, for one run.
pub struct Cache {
    file: PathBuf,
    /// The cache file as read (empty when there was none).
    data: Vec<u8>,
    index: HashMap<u128, (usize, usize)>,
    /// What this run will write: the entries it used, old and new.
    used: Mutex<Vec<(u128, Entry)>>,
    fresh: std::sync::atomic::AtomicUsize,
}

enum Entry {
    Old(usize, usize),
    New(Vec<u8>),
}

impl Cache {
    /// Open the cache of `root` under `dir` (created on write). A missing, unreadable,
    /// damaged or foreign file is an empty cache.
    pub fn open(dir: &Path, root: &Path) -> Cache {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let name = format!(
            "{:032x}.bin",
            xxhash_rust::xxh3::xxh3_128(root.to_string_lossy().as_bytes())
        );
        let file = dir.join(BUILD_ID).join(name);
        let data = std::fs::read(&file).unwrap_or_default();
        let index = read_index(&data).unwrap_or_default();
        let data = if index.is_empty() { Vec::new() } else { data };
        Cache {
            file,
            data,
            index,
            used: Mutex::new(Vec::new()),
            fresh: Default::default(),
        }
    }

    /// What a file is, from the cache when this build already read the same content, else
    /// from `read` (and remembered; `None`, an internal fault, is not).
    pub fn entry(
        &self,
        lang: Lang,
        file_name: &str,
        text: &str,
        read: impl FnOnce() -> Option<SourceEntry>,
    ) -> Option<SourceEntry> {
        let k = key(lang, file_name, text);
        if let Some(&(s, e)) = self.index.get(&k)
            && let Some(bytes) = self.data.get(s..e)
            && let Ok(entry) = postcard::from_bytes::<SourceEntry>(bytes)
        {
            self.remember(k, Entry::Old(s, e));
            return Some(entry);
        }
        let entry = read()?;
        if let Ok(bytes) = postcard::to_stdvec(&entry) {
            self.fresh
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            self.remember(k, Entry::New(bytes));
        }
        Some(entry)
    }

    fn remember(&self, k: u128, e: Entry) {
        if let Ok(mut used) = self.used.lock() {
            used.push((k, e));
        }
    }

    /// Write the entries this run used, when anything changed; a failure to write (a
    /// read-only home, a full disk) costs the next run its warm start, nothing else.
    pub fn save(self) {
        let mut used = match self.used.into_inner() {
            Ok(u) => u,
            Err(_) => return,
        };
        let fresh = self.fresh.load(std::sync::atomic::Ordering::Relaxed);
        used.sort_by_key(|(k, _)| *k);
        used.dedup_by_key(|(k, _)| *k);
        if fresh == 0 && used.len() == self.index.len() {
            return;
        }
        let mut body = Vec::new();
        body.extend_from_slice(&(used.len() as u64).to_le_bytes());
        for (k, e) in &used {
            let bytes: &[u8] = match e {
                Entry::Old(s, e) => self.data.get(*s..*e).unwrap_or_default(),
                Entry::New(b) => b,
            };
            body.extend_from_slice(&k.to_le_bytes());
            body.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            body.extend_from_slice(bytes);
        }
        let mut out = Vec::with_capacity(body.len() + 16);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&xxhash_rust::xxh3::xxh3_64(&body).to_le_bytes());
        out.extend_from_slice(&body);
        let Some(dir) = self.file.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let tmp = dir.join(format!(
            ".{}.{}.tmp",
            self.file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            std::process::id()
        ));
        if std::fs::write(&tmp, &out).is_ok() && std::fs::rename(&tmp, &self.file).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// The entries of a cache file: key → byte range of its value. `None` when the file is not a
/// whole cache file of this format.
fn read_index(data: &[u8]) -> Option<HashMap<u128, (usize, usize)>> {
    let header = data.get(..16)?;
    if header.get(..8)? != MAGIC {
        return None;
    }
    let sum = u64::from_le_bytes(header.get(8..16)?.try_into().ok()?);
    let body = data.get(16..)?;
    if xxhash_rust::xxh3::xxh3_64(body) != sum {
        return None;
    }
    let mut at = 16;
    let take = |at: &mut usize, n: usize| -> Option<&[u8]> {
        let s = data.get(*at..at.checked_add(n)?)?;
        *at += n;
        Some(s)
    };
    let count = u64::from_le_bytes(take(&mut at, 8)?.try_into().ok()?);
    let mut index = HashMap::with_capacity(count.min(1 << 20) as usize);
    for _ in 0..count {
        let k = u128::from_le_bytes(take(&mut at, 16)?.try_into().ok()?);
        let len = usize::try_from(u64::from_le_bytes(take(&mut at, 8)?.try_into().ok()?)).ok()?;
        let start = at;
        take(&mut at, len)?;
        index.insert(k, (start, at));
    }
    (at == data.len()).then_some(index)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(text: &str) -> Option<SourceEntry> {
        Some(SourceEntry {
            facts: crate::parse::code::parse_source(Lang::Python, "app.py", text).unwrap(),
            shapes: crate::secrets::prescan(text),
            outline: (
                0..text.find('\n').unwrap_or(text.len()),
                text.lines().count(),
            ),
        })
    }

    #[test]
    fn a_second_run_reads_the_facts_the_first_wrote() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        let text = "import os\nURL = os.environ['DATABASE_URL']\nT = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789AB'\n";
        let c = Cache::open(dir.path(), &root);
        let first = c.entry(Lang::Python, "app.py", text, || facts(text));
        c.save();
        let c = Cache::open(dir.path(), &root);
        assert_eq!(c.index.len(), 1);
        let second = c.entry(Lang::Python, "app.py", text, || panic!("parsed again"));
        assert_eq!(format!("{first:?}"), format!("{second:?}"));
        let second = second.unwrap();
        assert_eq!(second.facts.env_reads[0].name, "DATABASE_URL");
        assert_eq!(
            second.shapes[0].what, "GitHub token",
            "a shape's name survives the cache"
        );
    }

    #[test]
    fn changed_content_or_name_is_parsed_again_and_stale_entries_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let c = Cache::open(dir.path(), root);
        c.entry(Lang::Python, "a.py", "x = 1\n", || facts("x = 1\n"));
        c.save();
        let c = Cache::open(dir.path(), root);
        let mut parsed = 0;
        c.entry(Lang::Python, "a.py", "x = 2\n", || {
            parsed += 1;
            facts("x = 2\n")
        });
        c.entry(Lang::Python, "test_a.py", "x = 1\n", || {
            parsed += 1;
            facts("x = 1\n")
        });
        assert_eq!(parsed, 2);
        c.save();
        let c = Cache::open(dir.path(), root);
        assert_eq!(c.index.len(), 2, "the entry no run used any more is gone");
    }

    #[test]
    fn a_damaged_or_truncated_file_is_a_cold_cache() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let c = Cache::open(dir.path(), root);
        c.entry(Lang::Python, "a.py", "x = 1\n", || facts("x = 1\n"));
        let file = c.file.clone();
        c.save();
        let good = std::fs::read(&file).unwrap();
        for bad in [
            good[..good.len() - 1].to_vec(),
            {
                let mut b = good.clone();
                let last = b.len() - 1;
                b[last] ^= 0xff;
                b
            },
            b"not a cache".to_vec(),
            Vec::new(),
        ] {
            std::fs::write(&file, &bad).unwrap();
            let c = Cache::open(dir.path(), root);
            assert!(c.index.is_empty());
            let mut parsed = false;
            c.entry(Lang::Python, "a.py", "x = 1\n", || {
                parsed = true;
                facts("x = 1\n")
            });
            assert!(parsed);
        }
    }

    #[test]
    fn an_unwritable_cache_directory_is_no_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "").unwrap();
        // the cache directory would be below a regular file
        let c = Cache::open(&blocker, dir.path());
        c.entry(Lang::Python, "a.py", "x = 1\n", || facts("x = 1\n"));
        c.save();
    }
}
