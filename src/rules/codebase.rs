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
        if !p.in_git && p.has_files() {
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
        for (rel, _) in p.paths.iter() {
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
        p.paths.len() > 1
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for c in &p.environment_copies {
            // a few shared lines are no copy to keep in step: two settings files that each only
            // import a common base (`from .base import *`) are the compliant form
            if c.similarity < 0.8 || c.shared_lines < 5 {
                continue;
            }
            out.push(
                diag(self.meta(), format!("`{}` is a near-identical copy of `{}` for another environment", p.rel(c.copy), p.rel(c.of)))
                    .at(p.file_origin(c.copy), format!("{} copy", c.copy_env))
                    .also(p.file_origin(c.of), format!("{} copy", c.of_env))
                    .help("keep one base and put only the differences per environment in overlays (kustomize), values files (Helm) or the environment"),
            );
        }
    }
}
