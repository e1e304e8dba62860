//! Discovery: find the files twelve understands, classify them by kind, and read them.
//! Nothing else in the crate reads the disk.

use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Files larger than this are skipped with a notice.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 2 * 1024 * 1024;

pub use crate::lang::Lang;

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
    /// Application source in a language twelve reads.
    Source(Lang),
    Shell,
    /// A Tiltfile (Starlark): only the images it builds are read from it.
    Tiltfile,
    /// An app configuration file that is not YAML: TOML, JSON, INI, Java properties.
    Config,
    /// A logging configuration in XML (logback, log4j, NLog).
    LogConfig,
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
    pub rel: crate::source::Rel,
    pub at: Location,
    pub kind: FileKind,
}

impl Found {
    /// The file's path on disk.
    pub fn abs(&self) -> std::borrow::Cow<'_, Path> {
        self.at.path(&self.rel)
    }
}

pub use crate::source::Location;

/// A file as the walk meets it, before the paths of all are put in one table (`Found`).
struct Entry {
    rel: Box<str>,
    at: Location,
    kind: FileKind,
}

impl Entry {
    fn abs(&self) -> std::borrow::Cow<'_, Path> {
        self.at.path(&self.rel)
    }
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
    /// Read generated and bundled code too (`--include-generated`); by default it is left out
    /// with a notice.
    pub include_generated: bool,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            no_ignore: false,
            excludes: Vec::new(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            include_generated: false,
        }
    }
}

/// The format of an app configuration file that is not YAML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFormat {
    Toml,
    Json,
    Ini,
    Properties,
    /// Human JSON: comments, unquoted keys, quoteless strings to the end of the line.
    Hjson,
}

/// The config format of a file, by its (lowercase) name; `None` for files that are no app
/// configuration (manifests, lockfiles, editor and tool settings).
pub fn config_format(lower_name: &str) -> Option<ConfigFormat> {
    let ext = lower_name.rsplit_once('.').map(|(_, e)| e)?;
    match ext {
        "toml" => Some(ConfigFormat::Toml),
        "ini" | "cfg" => Some(ConfigFormat::Ini),
        // supervisord's programs and systemd units are INI files
        "conf" if lower_name.contains("supervisor") => Some(ConfigFormat::Ini),
        "service" => Some(ConfigFormat::Ini),
        "properties" => Some(ConfigFormat::Properties),
        "hjson" => Some(ConfigFormat::Hjson),
        "json" if !tool_json(lower_name) => Some(ConfigFormat::Json),
        _ => None,
    }
}

/// JSON files of tools and package managers: their keys are not the app's settings.
fn tool_json(name: &str) -> bool {
    name.starts_with("tsconfig")
        || name.starts_with("jsconfig")
        || name.starts_with(".eslintrc")
        || name.starts_with(".babelrc")
        || name.starts_with(".prettierrc")
        || name.starts_with("composer.")
        || name.ends_with(".lock.json")
        || name.ends_with("-lock.json")
        || name.ends_with(".schema.json")
        || matches!(
            name,
            "package.json"
                | "lerna.json"
                | "nx.json"
                | "turbo.json"
                | "angular.json"
                | "project.json"
                | "renovate.json"
                | "vercel.json"
                | "deno.json"
                | "bower.json"
                | "manifest.json"
                | "launch.json"
                | "tasks.json"
                | "extensions.json"
                | "devcontainer.json"
                | ".devcontainer.json"
        )
}

/// Whether a file, by its (lowercase) name, is an XML logging configuration.
pub fn is_xml_log_config(lower_name: &str) -> bool {
    lower_name.ends_with(".xml")
        && (lower_name.starts_with("logback")
            || lower_name.starts_with("log4j")
            || lower_name.starts_with("nlog"))
        || lower_name == "nlog.config"
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
        | "pdm.lock"
        | "gemfile.lock"
        | "composer.lock"
        | "packages.lock.json"
        | "gradle.lockfile" => return FileKind::Lockfile,
        "pyproject.toml" | "pipfile" | "setup.py" | "setup.cfg" | "package.json" | "cargo.toml"
        | "go.mod" | "gemfile" | "composer.json" | "pom.xml" | "build.gradle"
        | "build.gradle.kts" => return FileKind::Manifest,
        "procfile" => return FileKind::Procfile,
        "tiltfile" => return FileKind::Tiltfile,
        ".gitignore" => return FileKind::GitIgnore,
        ".dockerignore" => return FileKind::DockerIgnore,
        _ => {}
    }
    if ext == "csproj" {
        return FileKind::Manifest;
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
    // declaration files describe types only
    if lower.ends_with(".d.ts") {
        return FileKind::Other;
    }
    if let Some(lang) = Lang::of_extension(ext) {
        return FileKind::Source(lang);
    }
    match ext {
        "sh" | "bash" => FileKind::Shell,
        _ if config_format(&lower).is_some() => FileKind::Config,
        _ if is_xml_log_config(&lower) => FileKind::LogConfig,
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
    pub fn lang(self) -> Option<Lang> {
        match self {
            FileKind::Source(lang) => Some(lang),
            _ => None,
        }
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

/// Generated or bundled source, known by its path: protocol buffer and gRPC stubs
/// (`*_pb2.py`, `*.pb.go`, `*_pb.js`, `genproto/`), minified or bundled JavaScript
/// (`*.min.js`, `*.bundle.js`, a `dist/` build), client libraries copied into a web root
/// (`wwwroot/lib/`), designer and `*.g.cs` files. Nobody edits them: a finding there has no
/// line to fix, and they are most of the bytes of the repositories that carry them.
pub fn generated_path(rel: &str) -> bool {
    let name = file_name(rel);
    let lower = name.to_ascii_lowercase();
    const SUFFIXES: &[&str] = &[
        "_pb2.py",
        "_pb2.pyi",
        "_pb2_grpc.py",
        ".pb.go",
        ".pb.gw.go",
        ".pb.validate.go",
        "_pb.js",
        "_pb.d.ts",
        "_grpc_pb.js",
        "_pb.ts",
        ".pb.cc",
        ".pb.rs",
        ".min.js",
        ".min.mjs",
        ".min.cjs",
        ".bundle.js",
        ".chunk.js",
        ".g.cs",
        ".g.i.cs",
        ".designer.cs",
        "_generated.go",
        ".gen.go",
    ];
    if SUFFIXES.iter().any(|s| lower.ends_with(s)) {
        return true;
    }
    let dirs: Vec<&str> = rel.split('/').collect();
    let parents = dirs.get(..dirs.len().saturating_sub(1)).unwrap_or(&[]);
    parents.contains(&"genproto")
        || parents.windows(2).any(|w| w[0] == "wwwroot" && w[1] == "lib")
        // a JavaScript build's output; Go, Python and Rust keep no code in `dist/`
        || (parents.contains(&"dist")
            && matches!(
                lower.rsplit_once('.').map(|(_, e)| e),
                Some("js" | "mjs" | "cjs")
            ))
}

/// Generated code, known by the header its generator writes in the first lines: Go's
/// `// Code generated … DO NOT EDIT.`, `@generated`, `<auto-generated>`, the protocol buffer
/// and Thrift compilers' notices; or minified code (lines of thousands of characters).
pub fn generated_header(text: &str) -> bool {
    // searchers built once: a run asks this of every source file
    static MARKS: std::sync::LazyLock<[memchr::memmem::Finder<'static>; 6]> =
        std::sync::LazyLock::new(|| {
            [
                "Code generated",
                "DO NOT EDIT",
                "@generated",
                "<auto-generated",
                "Generated by the protocol buffer compiler",
                "Autogenerated by Thrift",
            ]
            .map(memchr::memmem::Finder::new)
        });
    let head = text.as_bytes();
    let head = head.get(..head.len().min(1024)).unwrap_or(head);
    let [code_generated, do_not_edit, rest @ ..] = &*MARKS;
    let has = |f: &memchr::memmem::Finder<'_>| f.find(head).is_some();
    if (has(code_generated) && has(do_not_edit)) || rest.iter().any(has) {
        return true;
    }
    // minified: a file of at least 8 KiB that averages a line break per 1,000 bytes or fewer
    let bytes = text.as_bytes();
    let most = bytes.len() / 1000;
    bytes.len() >= 8 * 1024
        && memchr::memchr_iter(b'\n', bytes)
            .nth(most.saturating_sub(1))
            .is_none()
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

/// The globs of `--exclude` (and the config's `exclude`), checked: an invalid glob is an
/// error naming it, never an exclude that silently matches nothing.
pub fn excludes(root: &Path, globs: &[String]) -> Result<ignore::overrides::Override, String> {
    let mut overrides = ignore::overrides::OverrideBuilder::new(root);
    for ex in globs {
        // an exclude is a gitignore-style glob; overrides use `!` for "ignore"
        overrides
            .add(&format!("!{ex}"))
            .map_err(|e| format!("invalid exclude glob `{ex}`: {}", glob_error(&e)))?;
    }
    overrides.build().map_err(|e| glob_error(&e))
}

fn glob_error(e: &ignore::Error) -> String {
    match e {
        ignore::Error::Glob { err, .. } => err.clone(),
        other => one_line(&other.to_string()),
    }
}

/// The ignore files of one directory, in the order they take precedence.
const IGNORE_FILES: [&str; 2] = [".ignore", ".gitignore"];

/// The ignore rules of one directory (`.ignore`, then `.gitignore`).
struct Rules {
    matchers: Vec<ignore::gitignore::Gitignore>,
}

impl Rules {
    /// `Some(true)` when a rule of this directory ignores the path, `Some(false)` when one
    /// re-includes it (`!pattern`), `None` when none speaks of it.
    fn decide(&self, path: &Path, is_dir: bool) -> Option<bool> {
        self.matchers
            .iter()
            .find_map(|m| match m.matched(path, is_dir) {
                ignore::Match::None => None,
                ignore::Match::Ignore(_) => Some(true),
                ignore::Match::Whitelist(_) => Some(false),
            })
    }
}

/// A directory still to walk, with the ignore rules in force there (nearest last).
struct Pending {
    abs: PathBuf,
    rel: String,
    /// `rel` is the path on disk under the root (every name on the way is UTF-8).
    exact: bool,
    rules: Vec<std::sync::Arc<Rules>>,
    /// Canonical paths of the directories above (and this one), to see a symbolic link
    /// leading back into one of them.
    chain: Vec<PathBuf>,
}

/// Walk `root` and return every file by kind, plus notices for what could not be taken.
///
/// Only regular files are found: a FIFO, socket or device is a notice, whatever its name, so
/// nothing can block the run. Ignore files (`.ignore`, `.gitignore`) are read only inside the
/// root, and above it only inside the git work tree that holds it (with that repository's
/// `info/exclude`); they are read the same careful way as every other file. A symbolic link
/// is followed only while it stays inside the root.
pub fn discover(root: &Path, opts: &WalkOptions) -> (Vec<Found>, Vec<Notice>) {
    let mut found: Vec<Entry> = Vec::new();
    let mut notices = Vec::new();
    let canon_root = match root.canonicalize() {
        Ok(r) => r,
        Err(e) => {
            notices.push(Notice {
                path: root.display().to_string(),
                message: format!("cannot read the path: {e}"),
            });
            return (Vec::new(), notices);
        }
    };
    if canon_root.is_file() {
        let rel = canon_root.file_name().map(path_text).unwrap_or_default();
        let kind = classify(&rel);
        let found = Found {
            rel: rel.as_str().into(),
            at: Location::at(canon_root),
            kind,
        };
        return (vec![found], notices);
    }
    // globs were checked by the caller (`excludes`); one that fails here excludes nothing
    let overrides = excludes(&canon_root, &opts.excludes)
        .unwrap_or_else(|_| ignore::overrides::Override::empty());
    let base_rules = if opts.no_ignore {
        Vec::new()
    } else {
        ancestor_rules(&canon_root, &mut notices)
    };
    let shared_root = Location::under(canon_root.clone());
    let mut level = vec![Pending {
        abs: canon_root.clone(),
        rel: String::new(),
        exact: true,
        rules: base_rules,
        chain: vec![canon_root.clone()],
    }];
    // a level of directories at a time, side by side; the order is the sort's, below
    while !level.is_empty() {
        let visited: Vec<Visited> = level
            .into_par_iter()
            .map(|dir| visit(dir, &canon_root, &shared_root, &overrides, opts))
            .collect();
        level = Vec::new();
        for v in visited {
            found.extend(v.found);
            notices.extend(v.notices);
            level.extend(v.subdirs);
        }
    }
    found.sort_by(|a, b| a.rel.cmp(&b.rel).then_with(|| a.abs().cmp(&b.abs())));
    // two names that differ only in bytes that are not UTF-8 escape alike only if a real
    // name holds the escape itself: keep the first, and say so
    let mut unique: Vec<Entry> = Vec::with_capacity(found.len());
    for f in found {
        if unique.last().is_some_and(|u| u.rel == f.rel) {
            notices.push(Notice {
                path: f.rel.to_string(),
                message: "skipped: another file's name reads the same once escaped".into(),
            });
            continue;
        }
        unique.push(f);
    }
    let mut found = unique;
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
    let rels = crate::source::PathTable::build(found.iter().map(|f| &*f.rel));
    let found = found
        .into_iter()
        .zip(rels)
        .map(|(f, rel)| Found {
            rel,
            at: f.at,
            kind: f.kind,
        })
        .collect();
    (found, notices)
}

/// What one directory holds: its files, what could not be taken, the directories to walk next.
struct Visited {
    found: Vec<Entry>,
    notices: Vec<Notice>,
    subdirs: Vec<Pending>,
}

fn visit(
    dir: Pending,
    canon_root: &Path,
    shared_root: &Location,
    overrides: &ignore::overrides::Override,
    opts: &WalkOptions,
) -> Visited {
    let mut found = Vec::new();
    let mut notices = Vec::new();
    // the entry's type comes with the directory listing: no call per entry unless it is a
    // symbolic link or something other than a file or directory
    let mut entries: Vec<(std::ffi::OsString, PathBuf, Option<std::fs::FileType>)> =
        match std::fs::read_dir(&dir.abs) {
            Ok(rd) => rd
                .filter_map(|e| match e {
                    Ok(e) => Some((e.file_name(), e.path(), e.file_type().ok())),
                    Err(err) => {
                        notices.push(Notice {
                            path: rel_or_root(&dir.rel),
                            message: format!("skipped an entry: {}", io_message(&err)),
                        });
                        None
                    }
                })
                .collect(),
            Err(err) => {
                notices.push(Notice {
                    path: rel_or_root(&dir.rel),
                    message: format!("skipped: cannot read the directory: {}", io_message(&err)),
                });
                return Visited {
                    found,
                    notices,
                    subdirs: Vec::new(),
                };
            }
        };
    entries.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    let mut rules = dir.rules.clone();
    if !opts.no_ignore
        && let Some(r) = dir_rules(&dir.abs, &dir.rel, canon_root, &mut notices, |name| {
            // the listing says which ignore files there are: no probe per directory
            entries.iter().any(|(n, _, _)| n == name)
        })
    {
        rules.push(std::sync::Arc::new(r));
    }
    let mut subdirs = Vec::new();
    for (name, path, file_type) in entries {
        if name == ".git" {
            continue;
        }
        let rel = join_rel(&dir.rel, &path_text(&name));
        let exact = dir.exact && name.to_str().is_some();
        let file_type = match file_type {
            Some(t) => t,
            None => match std::fs::symlink_metadata(&path) {
                Ok(m) => m.file_type(),
                Err(_) => {
                    notices.push(Notice {
                        path: rel,
                        message: "skipped: cannot read its metadata".into(),
                    });
                    continue;
                }
            },
        };
        let (file_type, canon) = if file_type.is_symlink() {
            match path.canonicalize() {
                Ok(t) if t.starts_with(canon_root) => match std::fs::metadata(&t) {
                    Ok(m) => (m.file_type(), Some(t)),
                    Err(e) => {
                        notices.push(Notice {
                            path: rel,
                            message: format!("skipped: broken symbolic link: {}", io_message(&e)),
                        });
                        continue;
                    }
                },
                Ok(_) => {
                    notices.push(Notice {
                        path: rel,
                        message: "skipped: symbolic link leads outside the scanned root".into(),
                    });
                    continue;
                }
                Err(e) => {
                    notices.push(Notice {
                        path: rel,
                        message: format!("skipped: broken symbolic link: {}", io_message(&e)),
                    });
                    continue;
                }
            }
        } else {
            (file_type, None)
        };
        let is_dir = file_type.is_dir();
        if !matches!(overrides.matched(&path, is_dir), ignore::Match::None) {
            continue;
        }
        if rules.iter().rev().find_map(|r| r.decide(&path, is_dir)) == Some(true) {
            continue;
        }
        if is_dir {
            // a directory that is no link is its canonical parent's, joined
            let canon = match canon {
                Some(c) => c,
                None => match dir.chain.last() {
                    Some(parent) => parent.join(&name),
                    None => path.canonicalize().unwrap_or_else(|_| path.clone()),
                },
            };
            if dir.chain.contains(&canon) {
                notices.push(Notice {
                    path: rel,
                    message:
                        "skipped: a symbolic link back to one of its own parent directories (loop)"
                            .into(),
                });
                continue;
            }
            let mut chain = dir.chain.clone();
            chain.push(canon);
            subdirs.push(Pending {
                abs: path,
                rel,
                exact,
                rules: rules.clone(),
                chain,
            });
        } else if file_type.is_file() {
            let kind = classify(&rel);
            found.push(Entry {
                rel: rel.into(),
                at: if exact {
                    shared_root.clone()
                } else {
                    Location::at(path)
                },
                kind,
            });
        } else {
            notices.push(Notice {
                path: rel,
                message: format!("skipped: not a regular file ({})", special_kind(file_type)),
            });
        }
    }
    Visited {
        found,
        notices,
        subdirs,
    }
}

fn rel_or_root(rel: &str) -> String {
    if rel.is_empty() {
        ".".into()
    } else {
        rel.into()
    }
}

fn join_rel(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// What a file that is not a regular file is, for its notice.
fn special_kind(t: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = t;
    "a special file"
}

/// A file or directory name as text: UTF-8 as it is, each byte that is not UTF-8 written as
/// `\xNN`, so that two names that differ only there stay two paths.
pub fn path_text(name: &std::ffi::OsStr) -> String {
    if let Some(s) = name.to_str() {
        return s.to_string();
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in name.as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02X}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned()
    }
}

/// The ignore rules of one directory, from its `.ignore` and `.gitignore`.
fn dir_rules(
    dir: &Path,
    rel: &str,
    root: &Path,
    notices: &mut Vec<Notice>,
    holds: impl Fn(&str) -> bool,
) -> Option<Rules> {
    let mut matchers = Vec::new();
    for name in IGNORE_FILES {
        if !holds(name) {
            continue;
        }
        let path = dir.join(name);
        let shown = join_rel(rel, name);
        if let Some(m) = ignore_file(dir, &path, &shown, root, notices) {
            matchers.push(m);
        }
    }
    (!matchers.is_empty()).then_some(Rules { matchers })
}

/// One ignore file, read like any scanned file (a regular file inside `inside`, bounded, not
/// blocking); `None` with a notice when it cannot be taken.
fn ignore_file(
    dir: &Path,
    path: &Path,
    shown: &str,
    inside: &Path,
    notices: &mut Vec<Notice>,
) -> Option<ignore::gitignore::Gitignore> {
    let found = Found {
        rel: shown.into(),
        at: Location::at(path.to_path_buf()),
        kind: FileKind::GitIgnore,
    };
    let text = match read_inside(&found, DEFAULT_MAX_FILE_SIZE, inside) {
        Ok(t) => t,
        Err(message) => {
            notices.push(Notice {
                path: shown.to_string(),
                message: format!("{message} (its ignore rules are not applied)"),
            });
            return None;
        }
    };
    let mut b = ignore::gitignore::GitignoreBuilder::new(dir);
    for line in text.lines() {
        // a line that is not a valid glob is ignored, as git does
        let _ = b.add_line(Some(path.to_path_buf()), line);
    }
    b.build().ok()
}

/// The ignore rules above the root that apply to it: those of the directories between the
/// top of the git work tree holding the root and the root's parent, nearest last, and the
/// repository's `info/exclude` first (weakest). Outside a git work tree: none, so that no
/// file above the scanned root can hide it.
fn ancestor_rules(root: &Path, notices: &mut Vec<Notice>) -> Vec<std::sync::Arc<Rules>> {
    let Some(top) = root.ancestors().find(|d| d.join(".git").exists()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let exclude = top.join(".git").join("info").join("exclude");
    if std::fs::symlink_metadata(&exclude).is_ok()
        && let Some(m) = ignore_file(top, &exclude, ".git/info/exclude", top, notices)
    {
        out.push(std::sync::Arc::new(Rules { matchers: vec![m] }));
    }
    let mut above: Vec<&Path> = root
        .ancestors()
        .skip(1)
        .take_while(|d| d.starts_with(top))
        .collect();
    above.reverse();
    for dir in above {
        let shown = match root.strip_prefix(dir) {
            Ok(r) => {
                let up = r.components().count();
                std::iter::repeat_n("..", up).collect::<Vec<_>>().join("/")
            }
            Err(_) => dir.display().to_string(),
        };
        let holds = |name: &str| std::fs::symlink_metadata(dir.join(name)).is_ok();
        if let Some(r) = dir_rules(dir, &shown, top, notices, holds) {
            out.push(std::sync::Arc::new(r));
        }
    }
    out
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
    read_bytes(found, max).and_then(text_of)
}

/// Read a file that must be a regular file inside `inside` (after following symbolic links).
pub fn read_inside(found: &Found, max: u64, inside: &Path) -> Result<String, String> {
    match found.abs().canonicalize() {
        Ok(c) if c.starts_with(inside) => read(found, max),
        Ok(_) => Err("skipped: symbolic link leads outside the scanned root".into()),
        Err(e) => Err(format!("skipped: cannot read: {}", io_message(&e))),
    }
}

/// Open a path for reading without blocking (a FIFO opened for reading waits for a writer)
/// and check that what was opened is a regular file.
pub fn open_regular(path: &Path) -> Result<std::fs::File, String> {
    open_checked(path).map(|(file, _)| file)
}

/// `open_regular`, with the length of the file.
fn open_checked(path: &Path) -> Result<(std::fs::File, u64), String> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let file = opts
        .open(path)
        .map_err(|e| format!("skipped: cannot read: {}", io_message(&e)))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("skipped: cannot read: {}", io_message(&e)))?;
    if !meta.is_file() {
        return Err(format!(
            "skipped: not a regular file ({})",
            special_kind(meta.file_type())
        ));
    }
    Ok((file, meta.len()))
}

/// The bytes of a regular file of at most `max` bytes.
pub fn read_bytes(found: &Found, max: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let (file, len) = open_checked(&found.abs())?;
    if len > max {
        return Err(format!("skipped: {len} bytes is over the {max} byte limit"));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    // never more than the limit, even when the file grows while it is read
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("skipped: cannot read: {}", io_message(&e)))?;
    if bytes.len() as u64 > max {
        return Err(format!("skipped: over the {max} byte limit"));
    }
    Ok(bytes)
}

/// The text of a file's bytes: a binary file (a NUL in its first 8 KiB) is refused, a
/// byte-order mark dropped, bytes that are not UTF-8 replaced.
fn text_of(bytes: Vec<u8>) -> Result<String, String> {
    if memchr::memchr(0, bytes.get(..8192).unwrap_or(&bytes)).is_some() {
        return Err("skipped: binary file".into());
    }
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    Ok(crate::text::strip_bom(text))
}

/// An I/O error's message without the "(os error N)" tail.
fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.rsplit_once(" (os error") {
        Some((m, _)) => m.to_string(),
        None => s,
    }
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

/// Every directory `dir` for which `is_within(rel, dir)` holds, deepest first: `rel` itself,
/// each prefix of it that ends before a `/`, and the root "".
pub fn dirs_holding(rel: &str) -> impl Iterator<Item = &str> {
    std::iter::once(rel)
        .chain(
            rel.char_indices()
                .rev()
                .filter(|(_, c)| *c == '/')
                .filter_map(|(i, _)| rel.get(..i)),
        )
        .chain((!rel.is_empty()).then_some(""))
}

/// Whether `rel` lies in directory `dir` or below it ("" is the root).
pub fn is_within(rel: &str, dir: &str) -> bool {
    dir.is_empty()
        || rel == dir
        || rel.starts_with(dir) && rel.as_bytes().get(dir.len()) == Some(&b'/')
}

fn one_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn generated_code_by_path() {
        for rel in [
            "api/items_pb2.py",
            "api/items_pb2_grpc.py",
            "internal/pb/items.pb.go",
            "internal/pb/items.pb.gw.go",
            "genproto/googleapis/api.go",
            "web/static/jquery.min.js",
            "web/dist/main.js",
            "src/Shop/wwwroot/lib/bootstrap/dist/js/bootstrap.js",
            "src/Form1.Designer.cs",
            "obj/Api.g.cs",
        ] {
            assert!(generated_path(rel), "{rel}");
        }
        for rel in [
            "app/main.py",
            "cmd/server/main.go",
            "web/src/dist.js",
            "dist/app.py",
            "src/lib/client.js",
            "wwwroot/site.js",
            "proto/items.proto",
        ] {
            assert!(!generated_path(rel), "{rel}");
        }
    }

    #[test]
    fn generated_code_by_header_or_minified() {
        assert!(generated_header(
            "// Code generated by protoc-gen-go. DO NOT EDIT.\npackage pb\n"
        ));
        assert!(generated_header("# @generated by a tool\nx = 1\n"));
        assert!(generated_header(
            "# Generated by the protocol buffer compiler.  DO NOT EDIT!\n"
        ));
        assert!(generated_header(&"var a=1;".repeat(2000)));
        // a hand-written file that mentions generation, or a long one with lines
        assert!(!generated_header(
            "# Generated by Django 4.2 on 2024-01-01\nfrom django.db import migrations\n"
        ));
        assert!(!generated_header(
            "// DO NOT EDIT this by hand\nfn main() {}\n"
        ));
        assert!(!generated_header(&"let x = 1;\n".repeat(2000)));
        // a multi-byte character across the 1 KiB boundary
        let mut t = "a".repeat(1023);
        t.push_str("é Code generated DO NOT EDIT");
        assert!(!generated_header(&t));
    }

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
        assert_eq!(classify("app/main.py"), FileKind::Source(Lang::Python));
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
