//! TF01 — I. Codebase: one codebase tracked in revision control, many deploys.

use super::{DiagExt, Meta, Rule, diag};
use crate::diagnostic::Diagnostic;
use crate::meta;
use crate::model::{Project, is_test_path};
use crate::walk;

pub struct NotVersionControlled;
impl Rule for NotVersionControlled {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0101",
            "not-version-controlled",
            1,
            Warning,
            "the checked code is in no git work tree"
        )
    }
    fn applies(&self, _: &Project) -> bool {
        true
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        if !p.in_git && !p.files.is_empty() {
            out.push(
                diag(self.meta(), format!("`{}` is not in a git work tree", p.root.display()))
                    .help("track the codebase in version control (`git init`); every deploy is built from a commit"),
            );
        }
    }
}

/// The directory or file that makes a path build output, if it is.
fn build_output(rel: &str) -> Option<String> {
    let segs: Vec<&str> = rel.split('/').collect();
    for (i, s) in segs.iter().enumerate() {
        let upto = || segs[..=i].join("/");
        match *s {
            "node_modules" | "__pycache__" | "site-packages" => {
                return Some(format!("{}/", upto()));
            }
            _ if s.ends_with(".egg-info") && i + 1 < segs.len() => {
                return Some(format!("{}/", upto()));
            }
            _ => {}
        }
    }
    let name = walk::file_name(rel);
    let dir = walk::parent_dir(rel);
    if name == "gradle-wrapper.jar" || name == "maven-wrapper.jar" {
        return None; // wrappers are committed on purpose
    }
    if [".pyc", ".class", ".jar", ".war", ".whl"]
        .iter()
        .any(|e| name.ends_with(e))
    {
        return Some(rel.to_string());
    }
    // a Rust or Maven target directory
    if walk::file_name(dir) == "target" && matches!(name, "CACHEDIR.TAG" | ".rustc_info.json") {
        return Some(format!("{dir}/"));
    }
    if dir.ends_with("dist") && (name.ends_with(".tar.gz") || name.ends_with(".egg")) {
        return Some(rel.to_string());
    }
    None
}

pub struct CommittedBuildOutput;
impl Rule for CommittedBuildOutput {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0103",
            "committed-build-output",
            1,
            Warning,
            "build output or installed dependencies are in the tree and not ignored"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.paths.is_empty()
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let mut found: Vec<String> = Vec::new();
        for (rel, _) in &p.paths {
            if is_test_path(rel) {
                continue;
            }
            if let Some(o) = build_output(rel) {
                // report a directory once, and nothing inside one already reported
                if !found
                    .iter()
                    .any(|f| f.ends_with('/') && o.starts_with(f.as_str()) || *f == o)
                {
                    found.push(o);
                }
            }
        }
        for o in found {
            out.push(
                diag(self.meta(), format!("`{o}` is build output or installed dependencies, and is not ignored"))
                    .help("add it to .gitignore and remove it from the repository; build it from the manifest instead"),
            );
        }
    }
}

/// Share of equal non-blank lines between two texts (0.0–1.0), by the larger one.
fn similarity(a: &str, b: &str) -> f64 {
    use std::collections::HashMap;
    let lines = |t: &str| {
        t.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect::<Vec<_>>()
    };
    let (la, lb) = (lines(a), lines(b));
    let max = la.len().max(lb.len());
    if max == 0 {
        return 0.0;
    }
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for l in &la {
        *counts.entry(l).or_default() += 1;
    }
    let mut common = 0;
    for l in &lb {
        if let Some(c) = counts.get_mut(l.as_str())
            && *c > 0
        {
            *c -= 1;
            common += 1;
        }
    }
    common as f64 / max as f64
}

pub struct EnvironmentCopiedConfig;
impl Rule for EnvironmentCopiedConfig {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0102",
            "environment-copied-config",
            1,
            Warning,
            "near-identical copies of deploy config or code exist per environment"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.files.len() > 1
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        use crate::rules::parity::env_of_path;
        use crate::source::Origin;
        // kustomize overlays and Helm values per environment are the compliant form
        let overlay_dirs: Vec<&str> = p.kustomizations.iter().map(|k| k.dir.as_str()).collect();
        let mut groups: Vec<(String, Vec<(usize, &'static str)>)> = Vec::new();
        for (i, f) in p.files.iter().enumerate() {
            let Some(env) = env_of_path(&f.rel) else {
                continue;
            };
            let name = walk::file_name(&f.rel);
            if name.starts_with("values")
                || name.starts_with(".env")
                || is_test_path(&f.rel)
                || overlay_dirs.contains(&walk::parent_dir(&f.rel))
            {
                continue;
            }
            // the path with its environment word replaced
            let key: String = f
                .rel
                .split_inclusive(['/', '.', '-', '_'])
                .map(|t| {
                    let word = t.trim_end_matches(['/', '.', '-', '_']);
                    if word.eq_ignore_ascii_case(env) {
                        t.replacen(word, "{env}", 1)
                    } else {
                        t.to_string()
                    }
                })
                .collect();
            match groups.iter_mut().find(|(k, _)| *k == key) {
                Some((_, members)) => members.push((i, env)),
                None => groups.push((key, vec![(i, env)])),
            }
        }
        for (_, members) in groups {
            for (j, (b, eb)) in members.iter().enumerate() {
                let Some((a, ea)) = members[..j].iter().find(|(_, e)| e != eb) else {
                    continue;
                };
                let (fa, fb) = (&p.files[*a], &p.files[*b]);
                if similarity(&fa.text, &fb.text) < 0.8 {
                    continue;
                }
                out.push(
                    diag(self.meta(), format!("`{}` is a near-identical copy of `{}` for another environment", fb.rel, fa.rel))
                        .at(Origin::new(fb.id, fb.line_span(1)), format!("{eb} copy"))
                        .also(Origin::new(fa.id, fa.line_span(1)), format!("{ea} copy"))
                        .help("keep one base and put only the differences per environment in overlays (kustomize), values files (Helm) or the environment"),
                );
            }
        }
    }
}
