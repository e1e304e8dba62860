//! Discovery: find the files twelve understands, classify them by kind, and read them.
//! Nothing else in the crate reads the disk.

use ignore::WalkBuilder;
use std::path::{Path, PathBuf};

/// Files larger than this are skipped with a notice.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileKind {
    Dockerfile,
    Compose,
    /// Any other YAML: Kubernetes manifests, kustomizations, Helm values, app config.
    Yaml,
    HelmChart,
    HelmTemplate,
    Manifest,
    /// A lockfile: only its existence matters, its content is not read.
    Lockfile,
    Procfile,
    DotEnv,
    GitIgnore,
    DockerIgnore,
    Python,
    JavaScript,
    TypeScript,
    Go,
    Rust,
    Shell,
    /// Any other file: recorded by path only (migrations folders, alembic.ini, …).
    Other,
}

impl FileKind {
    /// Whether the content of a file of this kind is read.
    pub fn is_read(self) -> bool {
        !matches!(self, FileKind::Lockfile | FileKind::Other)
    }
}

/// A file found by the walk.
#[derive(Debug, Clone)]
pub struct Found {
    pub rel: String,
    pub abs: PathBuf,
    pub kind: FileKind,
}

/// Something the walk could not read, said to the user instead of skipped silently.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Notice {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub no_ignore: bool,
    pub excludes: Vec<String>,
    pub max_file_size: u64,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            no_ignore: false,
            excludes: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

/// Classify a file by its path (relative, `/`-separated).
pub fn classify(rel: &str) -> FileKind {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if lower == "dockerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
        || lower == "containerfile"
        || lower.starts_with("containerfile.")
    {
        return FileKind::Dockerfile;
    }
    let yaml = ext == "yml" || ext == "yaml";
    if yaml
        && (lower.starts_with("docker-compose")
            || lower == "compose.yml"
            || lower == "compose.yaml"
            || lower.starts_with("compose."))
    {
        return FileKind::Compose;
    }
    match lower.as_str() {
        "chart.yaml" | "chart.yml" => return FileKind::HelmChart,
        "pnpm-lock.yaml"
        | "package-lock.json"
        | "npm-shrinkwrap.json"
        | "yarn.lock"
        | "bun.lock"
        | "bun.lockb"
        | "cargo.lock"
        | "go.sum"
        | "pipfile.lock"
        | "poetry.lock"
        | "uv.lock"
        | "pdm.lock" => return FileKind::Lockfile,
        "pyproject.toml" | "pipfile" | "setup.py" | "setup.cfg" | "package.json" | "cargo.toml"
        | "go.mod" => return FileKind::Manifest,
        "procfile" => return FileKind::Procfile,
        ".gitignore" => return FileKind::GitIgnore,
        ".dockerignore" => return FileKind::DockerIgnore,
        _ => {}
    }
    if (lower.starts_with("requirements") || lower.starts_with("constraints")) && ext == "txt" {
        return FileKind::Manifest;
    }
    if lower == ".env" || lower.starts_with(".env.") || lower.ends_with(".env") && ext == "env" {
        return FileKind::DotEnv;
    }
    if yaml {
        return FileKind::Yaml;
    }
    match ext {
        "py" => FileKind::Python,
        "js" | "mjs" | "cjs" | "jsx" => FileKind::JavaScript,
        "ts" | "mts" | "cts" | "tsx" if !lower.ends_with(".d.ts") => FileKind::TypeScript,
        "go" => FileKind::Go,
        "rs" => FileKind::Rust,
        "sh" | "bash" => FileKind::Shell,
        _ => {
            if is_script_name(&lower) {
                FileKind::Shell
            } else {
                FileKind::Other
            }
        }
    }
}

impl FileKind {
    /// The source language of a file of this kind.
    pub fn lang(self) -> Option<crate::parse::code::Lang> {
        use crate::parse::code::Lang;
        Some(match self {
            FileKind::Python => Lang::Python,
            FileKind::JavaScript => Lang::JavaScript,
            FileKind::TypeScript => Lang::TypeScript,
            FileKind::Go => Lang::Go,
            FileKind::Rust => Lang::Rust,
            _ => return None,
        })
    }
}

/// Installed dependencies (or vendored ones): their source is not the app's code.
pub fn dependency_tree(rel: &str) -> Option<&str> {
    let mut end = 0;
    for seg in rel.split('/') {
        end += seg.len();
        if matches!(
            seg,
            "node_modules" | "site-packages" | "bower_components" | "vendor"
        ) {
            return rel.get(..end);
        }
        end += 1;
    }
    None
}

/// Extension-less names that are conventionally entrypoint or start scripts.
fn is_script_name(lower: &str) -> bool {
    if lower.contains('.') {
        return false;
    }
    matches!(
        lower,
        "entrypoint" | "docker-entrypoint" | "start" | "run" | "init" | "migrate" | "release"
    ) || lower.starts_with("start-")
        || lower.starts_with("entrypoint-")
        || lower.starts_with("docker-entrypoint")
}

/// Walk `root` and return every file by kind, plus notices for what could not be taken.
pub fn discover(root: &Path, opts: &WalkOptions) -> (Vec<Found>, Vec<Notice>) {
    let mut found = Vec::new();
    let mut notices = Vec::new();
    let canon_root = match root.canonicalize() {
        Ok(r) => r,
        Err(e) => {
            notices.push(Notice {
                path: root.display().to_string(),
                message: format!("cannot read the path: {e}"),
            });
            return (found, notices);
        }
    };
    if canon_root.is_file() {
        let rel = canon_root
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let kind = classify(&rel);
        found.push(Found {
            rel,
            abs: canon_root,
            kind,
        });
        return (found, notices);
    }
    let mut overrides = ignore::overrides::OverrideBuilder::new(&canon_root);
    for ex in &opts.excludes {
        // An exclude is a gitignore-style glob; overrides use `!` for "ignore".
        let _ = overrides.add(&format!("!{ex}"));
    }
    let overrides = overrides
        .build()
        .unwrap_or_else(|_| ignore::overrides::Override::empty());
    let mut builder = WalkBuilder::new(&canon_root);
    // symbolic links are followed only while they stay inside the root: a link to a directory
    // elsewhere is refused here, before the walk descends into it
    let refused: std::sync::Arc<std::sync::Mutex<Vec<Notice>>> = Default::default();
    let refused_in_filter = refused.clone();
    let root_for_filter = canon_root.clone();
    builder
        .hidden(false)
        .follow_links(true)
        .require_git(false)
        .overrides(overrides)
        .filter_entry(move |e| {
            if e.file_name() == ".git" {
                return false;
            }
            if e.path_is_symlink() {
                let inside = e
                    .path()
                    .canonicalize()
                    .is_ok_and(|t| t.starts_with(&root_for_filter));
                if !inside {
                    if let Ok(mut v) = refused_in_filter.lock() {
                        v.push(Notice {
                            path: rel_of(&root_for_filter, e.path()),
                            message: "skipped: symbolic link leads outside the scanned root".into(),
                        });
                    }
                    return false;
                }
            }
            true
        });
    if opts.no_ignore {
        builder
            .ignore(false)
            .git_ignore(false)
            .git_global(false)
            .git_exclude(false)
            .parents(false);
    }
    for entry in builder.build() {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let (path, message) = describe(&canon_root, &err);
                notices.push(Notice {
                    path,
                    message: format!("skipped: {message}"),
                });
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let rel = rel_of(&canon_root, path);
        if entry.path_is_symlink() {
            match path.canonicalize() {
                Ok(target) if target.starts_with(&canon_root) => {}
                _ => {
                    notices.push(Notice {
                        path: rel,
                        message: "skipped: symbolic link leads outside the scanned root".into(),
                    });
                    continue;
                }
            }
        }
        let kind = classify(&rel);
        found.push(Found {
            rel,
            abs: path.to_path_buf(),
            kind,
        });
    }
    if let Ok(mut v) = refused.lock() {
        notices.append(&mut v);
    }
    found.sort_by(|a, b| a.rel.cmp(&b.rel));
    found.dedup_by(|a, b| a.rel == b.rel);
    // Helm: everything under `<chart>/templates/` is a template, not YAML.
    let charts: Vec<String> = found
        .iter()
        .filter(|f| f.kind == FileKind::HelmChart)
        .map(|f| parent_dir(&f.rel).to_string())
        .collect();
    for f in &mut found {
        if matches!(f.kind, FileKind::Yaml | FileKind::Other | FileKind::Compose)
            && charts.iter().any(|c| {
                let prefix = if c.is_empty() {
                    "templates/".to_string()
                } else {
                    format!("{c}/templates/")
                };
                f.rel.starts_with(&prefix)
            })
        {
            f.kind = FileKind::HelmTemplate;
        }
    }
    (found, notices)
}

/// Whether `root` lies in a git work tree (a `.git` directory or file in it or above it).
pub fn in_git_work_tree(root: &Path) -> bool {
    let Ok(mut dir) = root.canonicalize() else {
        return false;
    };
    if dir.is_file() {
        dir.pop();
    }
    loop {
        if dir.join(".git").exists() {
            return true;
        }
        if !dir.pop() {
            return false;
        }
    }
}

/// Read a file for parsing. `Err` carries the notice to show when it cannot be taken.
pub fn read(found: &Found, max: u64) -> Result<String, String> {
    let meta = std::fs::metadata(&found.abs).map_err(|e| format!("skipped: cannot read: {e}"))?;
    if meta.len() > max {
        return Err(format!(
            "skipped: {} bytes is over the {} byte limit",
            meta.len(),
            max
        ));
    }
    let bytes = std::fs::read(&found.abs).map_err(|e| format!("skipped: cannot read: {e}"))?;
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err("skipped: binary file".into());
    }
    Ok(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

pub fn parent_dir(rel: &str) -> &str {
    rel.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

pub fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// Join a directory (relative, `/`-separated, "" for the root) with a relative path, normalising
/// `.` and `..`. Returns `None` when the path climbs above the root.
pub fn join(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if path.starts_with('/') {
        Vec::new()
    } else {
        dir.split('/').filter(|s| !s.is_empty()).collect()
    };
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Whether `rel` lies in directory `dir` or below it ("" is the root).
pub fn is_within(rel: &str, dir: &str) -> bool {
    dir.is_empty()
        || rel == dir
        || rel.starts_with(dir) && rel.as_bytes().get(dir.len()) == Some(&b'/')
}

fn rel_of(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if s.is_empty() {
        ".".into()
    } else {
        s.join("/")
    }
}

/// The path a walk error is about, and what went wrong, without repeating the path.
fn describe(root: &Path, err: &ignore::Error) -> (String, String) {
    match err {
        ignore::Error::WithPath { path, err } => (rel_of(root, path), describe(root, err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            describe(root, err)
        }
        ignore::Error::Loop { child, .. } => (
            rel_of(root, child),
            "a symbolic link back to one of its own parent directories (loop)".into(),
        ),
        ignore::Error::Io(e) => (
            ".".into(),
            match e.raw_os_error() {
                Some(code) => std::io::Error::from_raw_os_error(code).to_string(),
                None => e.to_string(),
            },
        ),
        other => (".".into(), one_line(&other.to_string())),
    }
}

fn one_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_name() {
        assert_eq!(classify("a/Dockerfile"), FileKind::Dockerfile);
        assert_eq!(classify("Dockerfile.prod"), FileKind::Dockerfile);
        assert_eq!(classify("web.Dockerfile"), FileKind::Dockerfile);
        assert_eq!(classify("docker-compose.override.yml"), FileKind::Compose);
        assert_eq!(classify("compose.yaml"), FileKind::Compose);
        assert_eq!(classify("k8s/deploy.yaml"), FileKind::Yaml);
        assert_eq!(classify("pnpm-lock.yaml"), FileKind::Lockfile);
        assert_eq!(classify("requirements-dev.txt"), FileKind::Manifest);
        assert_eq!(classify(".env.production"), FileKind::DotEnv);
        assert_eq!(classify("app/main.py"), FileKind::Python);
        assert_eq!(classify("docker-entrypoint.sh"), FileKind::Shell);
        assert_eq!(classify("compose/production/django/start"), FileKind::Shell);
        assert_eq!(classify("README.md"), FileKind::Other);
    }

    #[test]
    fn joins_paths() {
        assert_eq!(join("a/b", "../c").as_deref(), Some("a/c"));
        assert_eq!(join("", "./x/y").as_deref(), Some("x/y"));
        assert_eq!(join("", ".").as_deref(), Some(""));
        assert_eq!(join("", ".."), None);
        assert!(is_within("a/b/c", "a/b"));
        assert!(!is_within("a/bc", "a/b"));
        assert!(is_within("x", ""));
    }
}
