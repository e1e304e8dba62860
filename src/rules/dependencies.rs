//! TF02 — II. Dependencies: explicitly declare and isolate dependencies.

use super::{DiagExt, Input, Meta, Rule, diag};
use crate::diagnostic::Diagnostic;
use crate::meta;
use crate::model::commands::Cmd;
use crate::model::images::ImageRef;
use crate::model::{DockerfileModel, Project};
use crate::parse::dockerfile::Kind;
use crate::parse::manifest::{Ecosystem, ManifestKind};
use crate::source::Origin;
use crate::walk::{self, FileKind};
use std::collections::BTreeMap;

/// Python's standard library top-level modules (3.8–3.13), enough to tell third-party imports.
const PY_STDLIB: &[&str] = &[
    "__future__",
    "_thread",
    "abc",
    "aifc",
    "argparse",
    "array",
    "ast",
    "asynchat",
    "asyncio",
    "asyncore",
    "atexit",
    "audioop",
    "base64",
    "bdb",
    "binascii",
    "bisect",
    "builtins",
    "bz2",
    "calendar",
    "cgi",
    "cgitb",
    "chunk",
    "cmath",
    "cmd",
    "code",
    "codecs",
    "codeop",
    "collections",
    "colorsys",
    "compileall",
    "concurrent",
    "configparser",
    "contextlib",
    "contextvars",
    "copy",
    "copyreg",
    "cProfile",
    "crypt",
    "csv",
    "ctypes",
    "curses",
    "dataclasses",
    "datetime",
    "dbm",
    "decimal",
    "difflib",
    "dis",
    "doctest",
    "email",
    "encodings",
    "ensurepip",
    "enum",
    "errno",
    "faulthandler",
    "fcntl",
    "filecmp",
    "fileinput",
    "fnmatch",
    "fractions",
    "ftplib",
    "functools",
    "gc",
    "getopt",
    "getpass",
    "gettext",
    "glob",
    "graphlib",
    "grp",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "imaplib",
    "imghdr",
    "imp",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "keyword",
    "lib2to3",
    "linecache",
    "locale",
    "logging",
    "lzma",
    "mailbox",
    "mailcap",
    "marshal",
    "math",
    "mimetypes",
    "mmap",
    "modulefinder",
    "msvcrt",
    "multiprocessing",
    "netrc",
    "nntplib",
    "numbers",
    "operator",
    "optparse",
    "os",
    "ossaudiodev",
    "pathlib",
    "pdb",
    "pickle",
    "pickletools",
    "pipes",
    "pkgutil",
    "platform",
    "plistlib",
    "poplib",
    "posix",
    "pprint",
    "profile",
    "pstats",
    "pty",
    "pwd",
    "py_compile",
    "pyclbr",
    "pydoc",
    "queue",
    "quopri",
    "random",
    "re",
    "readline",
    "reprlib",
    "resource",
    "rlcompleter",
    "runpy",
    "sched",
    "secrets",
    "select",
    "selectors",
    "shelve",
    "shlex",
    "shutil",
    "signal",
    "site",
    "smtpd",
    "smtplib",
    "sndhdr",
    "socket",
    "socketserver",
    "spwd",
    "sqlite3",
    "ssl",
    "stat",
    "statistics",
    "string",
    "stringprep",
    "struct",
    "subprocess",
    "sunau",
    "symtable",
    "sys",
    "sysconfig",
    "syslog",
    "tabnanny",
    "tarfile",
    "telnetlib",
    "tempfile",
    "termios",
    "textwrap",
    "threading",
    "time",
    "timeit",
    "tkinter",
    "token",
    "tokenize",
    "tomllib",
    "trace",
    "traceback",
    "tracemalloc",
    "tty",
    "turtle",
    "types",
    "typing",
    "unicodedata",
    "unittest",
    "urllib",
    "uu",
    "uuid",
    "venv",
    "warnings",
    "wave",
    "weakref",
    "webbrowser",
    "winreg",
    "winsound",
    "wsgiref",
    "xdrlib",
    "xml",
    "xmlrpc",
    "zipapp",
    "zipfile",
    "zipimport",
    "zlib",
    "zoneinfo",
    "typing_extensions_stdlib_placeholder",
];

/// Names importable from inside the repository: every `*.py` file stem and every directory name.
fn local_modules(p: &Project) -> foldhash::HashSet<&str> {
    let mut set = foldhash::HashSet::default();
    for (rel, _) in p.paths.iter() {
        let name = walk::file_name(rel);
        if let Some(stem) = name.strip_suffix(".py") {
            set.insert(stem);
        }
        let dir = walk::parent_dir(rel);
        set.extend(dir.split('/').filter(|d| !d.is_empty()));
    }
    set
}

/// The first third-party import of a directory: its file and the import.
type FirstImport<'a> = (
    &'a crate::model::SourceModel,
    &'a (crate::name::Name, crate::source::Sp),
);

pub struct MissingManifest;
impl Rule for MissingManifest {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0201",
            "missing-dependency-manifest",
            2,
            Error,
            "source imports third-party packages but no dependency manifest declares them"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.sources.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Source]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let local = local_modules(p);
        let mut by_dir: BTreeMap<(&str, Ecosystem), FirstImport<'_>> = BTreeMap::new();
        for src in p.app_code() {
            let eco = ecosystem_of(src.lang);
            if !p.manifests_above(p.source_dir(src), eco).is_empty() {
                continue;
            }
            let third = p
                .code(src)
                .imports
                .iter()
                .find(|(m, _)| third_party(src.lang, m) && !local.contains(m.as_str()));
            if let Some(imp) = third {
                by_dir.entry((p.source_dir(src), eco)).or_insert((src, imp));
            }
        }
        for ((dir, eco), (src, (module, span))) in by_dir {
            let where_ = if dir.is_empty() {
                "the repository root".to_string()
            } else {
                format!("`{dir}/`")
            };
            let (kind, manifest) = match eco {
                Ecosystem::Python => ("Python", "requirements.txt or pyproject.toml"),
                Ecosystem::Node => ("JavaScript", "package.json"),
                Ecosystem::Go => ("Go", "go.mod"),
                Ecosystem::Rust => ("Rust", "Cargo.toml"),
                Ecosystem::Ruby => ("Ruby", "Gemfile"),
                Ecosystem::Php => ("PHP", "composer.json"),
                Ecosystem::Java => ("Java", "pom.xml or build.gradle"),
                Ecosystem::Dotnet => (".NET", "the .csproj"),
            };
            out.push(
                diag(self.meta(), format!("`{module}` is a third-party import but no {kind} dependency manifest covers {where_}"))
                    .at(Origin::new(src.file, *span), "third-party import")
                    .help(format!("declare dependencies in {manifest} at the app's root")),
            );
        }
    }
}

fn ecosystem_of(lang: crate::parse::code::Lang) -> Ecosystem {
    lang.spec().ecosystem
}

/// Node's built-in modules.
const NODE_BUILTINS: &[&str] = &[
    "assert",
    "async_hooks",
    "buffer",
    "child_process",
    "cluster",
    "console",
    "crypto",
    "dgram",
    "dns",
    "events",
    "fs",
    "http",
    "http2",
    "https",
    "inspector",
    "module",
    "net",
    "os",
    "path",
    "perf_hooks",
    "process",
    "querystring",
    "readline",
    "repl",
    "stream",
    "string_decoder",
    "timers",
    "tls",
    "tty",
    "url",
    "util",
    "v8",
    "vm",
    "worker_threads",
    "zlib",
    "test",
];

/// Whether an import names a third-party package (not the language's standard library).
fn third_party(lang: crate::parse::code::Lang, module: &str) -> bool {
    use crate::parse::code::Lang;
    match lang {
        Lang::Python => !PY_STDLIB.contains(&module),
        Lang::JavaScript | Lang::TypeScript => !NODE_BUILTINS.contains(&module),
        // the standard library's import paths have no dot in their first element
        Lang::Go => module
            .split('/')
            .next()
            .is_some_and(|first| first.contains('.')),
        Lang::Rust => true,
        // their imports are not recorded: a `require`/`using`/`import` names a namespace,
        // not the package that declares it
        Lang::Ruby | Lang::Java | Lang::CSharp | Lang::Php => false,
    }
}

/// Why a dependency of a Ruby, PHP, Java or .NET manifest resolves to whatever is newest when
/// installed (no lockfile pins it); `None` when its version is fixed or a range a lock would pin.
fn floating_version(kind: ManifestKind, d: &crate::parse::manifest::Dep) -> Option<String> {
    let v = d.spec.trim();
    match kind {
        ManifestKind::Gemfile => (d.git_pinned == Some(false)).then(|| {
            "follows a git branch (no `ref:` or `tag:`) and no Gemfile.lock pins it".into()
        }),
        ManifestKind::ComposerJson => {
            let platform =
                d.name == "php" || d.name.starts_with("ext-") || d.name.starts_with("lib-");
            (!platform && (v == "*" || v.starts_with("dev-") || v.ends_with("@dev"))).then(|| {
                format!("requires `{v}`, whatever is newest, and no composer.lock pins it")
            })
        }
        ManifestKind::PomXml => matches!(v, "LATEST" | "RELEASE")
            .then(|| format!("asks Maven for the `{v}` version at every build")),
        ManifestKind::Gradle => (v.ends_with('+') || v.starts_with("latest."))
            .then(|| format!("is a dynamic version (`{v}`) and no gradle.lockfile pins it")),
        ManifestKind::Csproj => {
            (v.contains('*')).then(|| format!("floats (`{v}`) and no packages.lock.json pins it"))
        }
        _ => None,
    }
}

fn requirement_pinned(spec: &str) -> bool {
    spec.contains("==")
        || spec.contains("===")
        || (spec.contains('@') && spec.contains('#') || spec.contains(".git@"))
}

fn npm_unpinned(spec: &str) -> Option<&'static str> {
    let s = spec.trim();
    let s = s
        .strip_prefix("npm:")
        .map(|r| r.rsplit('@').next().unwrap_or(r))
        .unwrap_or(s);
    if s.starts_with("workspace:")
        || s.starts_with("file:")
        || s.starts_with("link:")
        || s.starts_with("portal:")
    {
        return None;
    }
    if matches!(s, "" | "*" | "latest" | "x" | "X" | "next") {
        return Some("accepts any version");
    }
    if s.contains("://") || s.starts_with("git") || s.starts_with("github:") {
        let pinned = s
            .rsplit_once('#')
            .is_some_and(|(_, r)| r.len() >= 7 && r.chars().all(|c| c.is_ascii_hexdigit()));
        return (!pinned).then_some("points at a moving git ref");
    }
    if s.starts_with(">") && !s.contains('<') && !s.contains(" - ") {
        return Some("has no upper bound");
    }
    None
}

pub struct UnpinnedDependency;
impl Rule for UnpinnedDependency {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0202",
            "unpinned-dependency",
            2,
            Warning,
            "a dependency is not pinned and no lockfile pins it"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.manifests.iter().any(|m| {
            matches!(
                m.manifest.kind,
                ManifestKind::Requirements
                    | ManifestKind::PackageJson
                    | ManifestKind::CargoToml
                    | ManifestKind::Gemfile
                    | ManifestKind::ComposerJson
                    | ManifestKind::PomXml
                    | ManifestKind::Gradle
                    | ManifestKind::Csproj
            )
        })
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Manifest]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for m in &p.manifests {
            if p.is_test_file(m.file) {
                continue;
            }
            match m.manifest.kind {
                ManifestKind::Requirements => {
                    let locked = m.manifest.constrained
                        || p.has_lockfile(
                            &m.dir,
                            &["Pipfile.lock", "poetry.lock", "uv.lock", "pdm.lock"],
                        )
                        || p.paths_in(&m.dir)
                            .any(|(r, _)| walk::file_name(r).starts_with("constraints"));
                    if locked {
                        continue;
                    }
                    for d in &m.manifest.deps {
                        if d.hashed || requirement_pinned(&d.spec) {
                            continue;
                        }
                        let what = if d.spec.is_empty() {
                            "has no version".to_string()
                        } else {
                            format!("`{}` allows many versions", d.spec)
                        };
                        out.push(
                            diag(
                                self.meta(),
                                format!(
                                    "`{}` {what} and no lock or constraints file pins it",
                                    d.name
                                ),
                            )
                            .at(Origin::new(m.file, d.span.clone()), "not pinned")
                            .help(
                                "pin with `==` (or generate a lock with pip-compile, uv or poetry)",
                            ),
                        );
                    }
                }
                ManifestKind::PackageJson => {
                    for d in &m.manifest.deps {
                        if let Some(why) = npm_unpinned(&d.spec) {
                            out.push(
                                diag(
                                    self.meta(),
                                    format!("`{}` version `{}` {why}", d.name, d.spec),
                                )
                                .at(Origin::new(m.file, d.span.clone()), "not pinned")
                                .help(
                                    "use a semver range such as `^1.2.3` and commit the lockfile",
                                ),
                            );
                        }
                    }
                }
                ManifestKind::CargoToml => {
                    for d in &m.manifest.deps {
                        let why = if d.git_pinned == Some(false) {
                            Some("is a git dependency without `rev` or `tag`")
                        } else if d.git_pinned.is_none() && d.spec.trim() == "*" {
                            Some("accepts any version (`*`)")
                        } else {
                            None
                        };
                        if let Some(why) = why {
                            out.push(
                                diag(self.meta(), format!("`{}` {why}", d.name))
                                    .at(Origin::new(m.file, d.span.clone()), "not pinned")
                                    .help("give a version requirement, or `rev = \"<commit>\"` for git"),
                            );
                        }
                    }
                }
                kind => {
                    let (lock, help) = match kind {
                        ManifestKind::Gemfile => (
                            "Gemfile.lock",
                            "commit Gemfile.lock, or pin the git source with `ref:` or `tag:`",
                        ),
                        ManifestKind::ComposerJson => (
                            "composer.lock",
                            "require a version range (`^1.2`) and commit composer.lock",
                        ),
                        ManifestKind::Gradle => (
                            "gradle.lockfile",
                            "write a fixed version, or enable Gradle dependency locking and commit gradle.lockfile",
                        ),
                        ManifestKind::Csproj => (
                            "packages.lock.json",
                            "write a fixed version, or set RestorePackagesWithLockFile and commit packages.lock.json",
                        ),
                        ManifestKind::PomXml => (
                            "",
                            "write a fixed version (or let the parent or a BOM manage it)",
                        ),
                        _ => continue,
                    };
                    if !lock.is_empty() && p.has_lockfile(&m.dir, &[lock]) {
                        continue;
                    }
                    for d in &m.manifest.deps {
                        if let Some(why) = floating_version(kind, d) {
                            out.push(
                                diag(self.meta(), format!("`{}` {why}", d.name))
                                    .at(Origin::new(m.file, d.span.clone()), "not pinned")
                                    .help(help),
                            );
                        }
                    }
                }
            }
        }
    }
}

pub struct MissingLockfile;
impl Rule for MissingLockfile {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0203",
            "missing-lockfile",
            2,
            Warning,
            "a deployable app has no committed lockfile"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.manifests.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Manifest]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for m in &p.manifests {
            if p.is_test_file(m.file) || !deployable(p, &m.dir) {
                continue;
            }
            let above = |names: &[&str]| {
                walk::dirs_holding(&m.dir).any(|d| {
                    p.paths_in(d).any(|(l, k)| {
                        k == FileKind::Lockfile && names.contains(&walk::file_name(l))
                    })
                })
            };
            let here = |names: &[&str]| p.has_lockfile(&m.dir, names);
            let want: Option<&str> = match m.manifest.kind {
                ManifestKind::PackageJson => {
                    let locks = [
                        "package-lock.json",
                        "npm-shrinkwrap.json",
                        "yarn.lock",
                        "pnpm-lock.yaml",
                        "bun.lock",
                        "bun.lockb",
                    ];
                    (!above(&locks))
                        .then_some("package-lock.json (or yarn.lock, pnpm-lock.yaml, bun.lock)")
                }
                ManifestKind::CargoToml => {
                    let main = if m.dir.is_empty() {
                        "src/main.rs".to_string()
                    } else {
                        format!("{}/src/main.rs", m.dir)
                    };
                    let bin = m.manifest.declares_bin || p.has_path(&main);
                    (bin && !above(&["Cargo.lock"])).then_some("Cargo.lock")
                }
                ManifestKind::Pipfile => (!here(&["Pipfile.lock"])).then_some("Pipfile.lock"),
                ManifestKind::Pyproject => {
                    let tools = &m.manifest.tools;
                    if tools.iter().any(|t| t == "poetry") && !here(&["poetry.lock"]) {
                        Some("poetry.lock")
                    } else if tools.iter().any(|t| t == "uv") && !above(&["uv.lock"]) {
                        Some("uv.lock")
                    } else if tools.iter().any(|t| t == "pdm") && !here(&["pdm.lock"]) {
                        Some("pdm.lock")
                    } else {
                        None
                    }
                }
                ManifestKind::GoMod => {
                    (m.manifest.has_requires && !here(&["go.sum"])).then_some("go.sum")
                }
                ManifestKind::Gemfile => (!m.manifest.deps.is_empty() && !above(&["Gemfile.lock"]))
                    .then_some("Gemfile.lock"),
                ManifestKind::ComposerJson => {
                    let packages = m.manifest.deps.iter().any(|d| d.name.contains('/'));
                    (packages && !above(&["composer.lock"])).then_some("composer.lock")
                }
                // Maven has no lockfile; Gradle's and NuGet's are opt-in (TF0202 judges their
                // floating versions instead)
                _ => None,
            };
            if let Some(lock) = want {
                out.push(
                    diag(
                        self.meta(),
                        format!("`{}` has no committed {lock}", p.rel(m.file)),
                    )
                    .at(p.file_origin(m.file), "manifest without a lockfile")
                    .help("generate the lockfile, commit it, and install from it in the image"),
                );
            }
        }
    }
}

/// A manifest directory is deployable when an app is built from it or a Procfile runs it.
fn deployable(p: &Project, dir: &str) -> bool {
    p.apps.iter().any(|a| a.context.as_deref() == Some(dir))
        || p.paths_in(dir)
            .any(|(_, k)| matches!(k, FileKind::Procfile | FileKind::Dockerfile))
}

const PY_INSTALLERS: &[&str] = &[
    "pip",
    "setuptools",
    "wheel",
    "poetry",
    "uv",
    "pipenv",
    "pip-tools",
    "virtualenv",
    "pdm",
    "hatch",
    "build",
    "pipx",
    "poetry-plugin-export",
];
const PIP_OPTS_WITH_VALUE: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
    "-i",
    "--index-url",
    "--extra-index-url",
    "-f",
    "--find-links",
    "-t",
    "--target",
    "--prefix",
    "--root",
    "--platform",
    "--python-version",
    "--only-binary",
    "--no-binary",
    "--trusted-host",
    "--cache-dir",
    "--src",
    "--progress-bar",
    "--python",
    "--implementation",
    "--abi",
    "--upgrade-strategy",
    "--global-option",
    "--config-settings",
    "-C",
    "--timeout",
    "--retries",
];

fn package_name(arg: &str) -> &str {
    arg.split(['=', '<', '>', '~', '!', '[', ';', '@'])
        .next()
        .unwrap_or(arg)
}

/// Package names installed by name in a command, with the origin of the first, and the ecosystem.
fn adhoc_names(c: &Cmd) -> Option<(&'static str, Vec<(String, Origin)>)> {
    let c = c.unwrapped();
    let words: Vec<&str> = c.words.iter().map(|(w, _)| w.as_str()).collect();
    let prog = c.program();
    let (eco, start) = if matches!(prog, "pip" | "pip3") || prog.starts_with("pip3.") {
        ("pip", 1)
    } else if prog.starts_with("python")
        && words.get(1) == Some(&"-m")
        && words.get(2).is_some_and(|w| *w == "pip")
    {
        ("pip", 3)
    } else if prog == "uv" && words.get(1) == Some(&"pip") {
        ("pip", 2)
    } else if matches!(
        prog,
        "npm" | "pnpm" | "yarn" | "gem" | "go" | "pecl" | "pear" | "composer" | "cargo"
    ) {
        (prog_static(prog), 1)
    } else {
        return None;
    };
    let sub = *words.get(start)?;
    let ok_sub = match eco {
        "pip" => matches!(sub, "install" | "wheel"),
        "npm" => matches!(sub, "install" | "i" | "add"),
        "pnpm" => sub == "add",
        "yarn" => sub == "add" || (sub == "global" && words.get(start + 1) == Some(&"add")),
        "gem" | "pecl" | "pear" => sub == "install",
        "go" => sub == "get",
        "composer" => matches!(sub, "require" | "global"),
        "cargo" => sub == "install",
        _ => false,
    };
    if !ok_sub {
        return None;
    }
    // `cargo install` with `--locked` and a version, or `--path`, is reproducible
    if eco == "cargo"
        && (words.contains(&"--path")
            || words.contains(&"--locked")
                && (words
                    .iter()
                    .any(|w| *w == "--version" || w.starts_with("--version="))
                    || words.iter().skip(start + 1).any(|w| w.contains('@'))))
    {
        return None;
    }
    let mut names = Vec::new();
    let mut skip_next = false;
    for (w, o) in c.words.iter().skip(start + 1) {
        if skip_next {
            skip_next = false;
            continue;
        }
        if w.starts_with('-') {
            skip_next = (eco == "pip" && PIP_OPTS_WITH_VALUE.contains(&w.as_str()))
                || (eco == "gem"
                    && matches!(
                        w.as_str(),
                        "-v" | "--version"
                            | "-i"
                            | "--install-dir"
                            | "-n"
                            | "--bindir"
                            | "--source"
                    ))
                || (eco == "cargo"
                    && matches!(
                        w.as_str(),
                        "--version"
                            | "--root"
                            | "--git"
                            | "--branch"
                            | "--tag"
                            | "--rev"
                            | "--features"
                            | "-F"
                            | "--target"
                            | "-j"
                            | "--jobs"
                            | "--bin"
                            | "--profile"
                            | "--index"
                            | "--registry"
                    ));
            continue;
        }
        if w == "add"
            || w == "require" && eco == "composer"
            || w.is_empty()
            || w.starts_with('$')
            || w.starts_with('.')
            || w.contains('/') && !matches!(eco, "go" | "composer")
            || w.ends_with(".whl")
            || w.ends_with(".tar.gz")
            || w.ends_with(".zip")
        {
            continue;
        }
        let name = package_name(w).to_ascii_lowercase();
        let installer = match eco {
            "pip" => PY_INSTALLERS.contains(&name.as_str()),
            "npm" | "pnpm" | "yarn" => {
                matches!(name.as_str(), "npm" | "pnpm" | "yarn" | "corepack" | "bun")
            }
            "gem" => matches!(name.as_str(), "bundler" | "rubygems-update"),
            _ => false,
        };
        if !installer && !name.is_empty() {
            names.push((package_name(w).to_string(), c.at(*o)));
        }
    }
    (!names.is_empty()).then_some((eco, names))
}

fn prog_static(p: &str) -> &'static str {
    match p {
        "npm" => "npm",
        "pnpm" => "pnpm",
        "yarn" => "yarn",
        "gem" => "gem",
        "pecl" => "pecl",
        "pear" => "pear",
        "composer" => "composer",
        "cargo" => "cargo",
        _ => "go",
    }
}

fn app_dockerfiles(p: &Project) -> impl Iterator<Item = (usize, &DockerfileModel)> {
    p.dockerfiles
        .iter()
        .enumerate()
        .filter(|(_, d)| d.backing.is_none() && !p.is_test_file(d.file))
}

pub struct AdhocPackageInstall;
impl Rule for AdhocPackageInstall {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0204",
            "adhoc-package-install",
            2,
            Warning,
            "a Dockerfile installs language packages by name instead of from the manifest"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.dockerfiles.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Dockerfile]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for (di, _) in app_dockerfiles(p) {
            for (_, cmds) in p.run_commands(di) {
                for c in cmds {
                    let Some((eco, names)) = adhoc_names(c) else {
                        continue;
                    };
                    let list = names
                        .iter()
                        .map(|(n, _)| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let mut d = diag(self.meta(), format!("{eco} installs {list} by name, outside the dependency manifest"))
                        .at(names[0].1.clone(), "installed by name")
                        .help("declare the package in the manifest (requirements.txt, pyproject.toml, package.json, go.mod) and install from it");
                    for (_, o) in names.iter().skip(1) {
                        d = d.also(o.clone(), "also installed by name");
                    }
                    out.push(d);
                }
            }
        }
    }
}

/// Whether a command installs an ecosystem's manifest.
fn installs(c: &Cmd, eco: Ecosystem) -> bool {
    let c = c.unwrapped();
    let w: Vec<&str> = c.words.iter().map(|(w, _)| w.as_str()).collect();
    let prog = c.program();
    let sub = w.get(1).copied().unwrap_or("");
    match eco {
        Ecosystem::Python => {
            let pip = matches!(prog, "pip" | "pip3")
                || prog.starts_with("pip3.")
                || (prog.starts_with("python")
                    && w.get(1) == Some(&"-m")
                    && w.get(2) == Some(&"pip"))
                || (prog == "uv" && sub == "pip");
            (pip && w.iter().any(|a| {
                matches!(*a, "-r" | "--requirement" | "." | "-e" | "sync")
                    || a.starts_with("--requirement=")
                    || a.starts_with("-r") && a.len() > 2
                    || a.starts_with("./")
                    || a.starts_with('/')
            })) || (matches!(prog, "poetry" | "pipenv" | "pdm")
                && matches!(sub, "install" | "sync"))
                || (prog == "uv" && sub == "sync")
                || prog == "pip-sync"
                || (prog.starts_with("python") && w.contains(&"setup.py") && w.contains(&"install"))
        }
        Ecosystem::Node => {
            (matches!(prog, "npm" | "pnpm" | "bun") && matches!(sub, "ci" | "install" | "i"))
                || (prog == "yarn" && (w.len() == 1 || sub == "install" || sub.starts_with("--")))
        }
        Ecosystem::Rust => prog == "cargo" && matches!(sub, "build" | "install" | "chef"),
        Ecosystem::Go => {
            prog == "go"
                && (matches!(sub, "build" | "install")
                    || (sub == "mod" && w.get(2) == Some(&"download")))
        }
        Ecosystem::Ruby => {
            prog == "bundle" && (w.len() == 1 || matches!(sub, "install" | "--deployment"))
                || prog.ends_with("/bundle")
        }
        Ecosystem::Php => {
            prog.trim_end_matches(".phar").ends_with("composer")
                && matches!(sub, "install" | "update" | "i")
        }
        Ecosystem::Java => matches!(
            prog.rsplit('/').next().unwrap_or(prog),
            "mvn" | "mvnw" | "gradle" | "gradlew"
        ),
        Ecosystem::Dotnet => prog == "dotnet" && matches!(sub, "restore" | "build" | "publish"),
    }
}

pub struct ManifestNotInstalled;
impl Rule for ManifestNotInstalled {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0205",
            "manifest-not-installed",
            2,
            Warning,
            "the image copies a dependency manifest but never installs from it"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.dockerfiles.is_empty() && !p.manifests.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Dockerfile]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for (di, d) in app_dockerfiles(p) {
            let manifests: Vec<_> = p
                .manifests
                .iter()
                .filter(|m| m.dir == d.context && m.manifest.kind != ManifestKind::Constraints)
                .collect();
            if manifests.is_empty() {
                continue;
            }
            // which manifests does the image copy (by name or with the whole context)?
            let mut copied = Vec::new();
            for ins in &d.df.instructions {
                let (srcs, from) = match &ins.kind {
                    Kind::Copy { srcs, from, .. } => (srcs, from.is_some()),
                    Kind::Add { srcs, .. } => (srcs, false),
                    _ => continue,
                };
                if from {
                    continue;
                }
                for m in &manifests {
                    let name = walk::file_name(p.rel(m.file));
                    let by_name = srcs.iter().any(|s| walk::file_name(&s.text) == name);
                    let whole = srcs
                        .iter()
                        .any(|s| matches!(s.text.trim_end_matches('/'), "." | "*" | ""));
                    // a manifest that only comes along with the whole context counts when no
                    // build driver (make, a Rails task, a script) could install from it
                    if (by_name || whole && !drives_build(p, di))
                        && !copied.iter().any(
                            |(mm, _): &(&&crate::model::ManifestModel, Origin)| mm.file == m.file,
                        )
                    {
                        copied.push((m, Origin::new(d.file, ins.span)));
                    }
                }
            }
            if copied.is_empty() {
                continue;
            }
            let runs: Vec<&Cmd> = p.run_commands(di).iter().flat_map(|(_, c)| c).collect();
            let any_installed = copied.iter().any(|(m, _)| {
                runs.iter()
                    .any(|c| installs(c, m.manifest.kind.ecosystem()))
            });
            if any_installed {
                continue;
            }
            let (m, at) = &copied[0];
            out.push(
                diag(self.meta(), format!("the image copies `{}` but no step installs from it", p.rel(m.file)))
                    .at(at.clone(), "manifest copied here")
                    .also(p.file_origin(m.file), "declared dependencies")
                    .help("install from the manifest in a RUN step (`pip install -r requirements.txt`, `npm ci`, `cargo build --release`, `go build`)"),
            );
        }
    }
}

/// Whether a RUN step of Dockerfile `di` hands the build to a driver whose steps twelve does
/// not see: `make`, `just`, a Rails or Rake task, Gradle, Maven, Bazel, a build script.
fn drives_build(p: &Project, di: usize) -> bool {
    p.run_commands(di).iter().flat_map(|(_, c)| c).any(|c| {
        let u = c.unwrapped();
        let prog = u.program();
        matches!(
            prog.rsplit('/').next().unwrap_or(prog),
            "make"
                | "just"
                | "task"
                | "bundle"
                | "rake"
                | "rails"
                | "gradle"
                | "gradlew"
                | "mvn"
                | "mvnw"
                | "bazel"
        ) || prog.starts_with("./")
            || prog.starts_with("bin/")
            // `sh scripts/build.sh`, not `curl … | sh` (an installer)
            || matches!(prog, "sh" | "bash")
                && u.args()
                    .find(|(a, _)| !a.starts_with('-'))
                    .is_some_and(|(a, _)| a.ends_with(".sh"))
    })
}

pub struct UnpinnedBaseImage;
impl Rule for UnpinnedBaseImage {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0206",
            "unpinned-base-image",
            2,
            Warning,
            "the base image in FROM has no tag or the `latest` tag"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.dockerfiles.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Dockerfile]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for d in &p.dockerfiles {
            if p.is_test_file(d.file) {
                continue;
            }
            for (si, st) in d.stages.iter().enumerate() {
                let Some(base) = &st.base else { continue };
                if base.eq_ignore_ascii_case("scratch") || base.contains('$') || st.parent.is_some()
                {
                    continue;
                }
                if d.stages[..si].iter().any(|s| {
                    s.name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(base))
                }) {
                    continue;
                }
                let Some(why) = ImageRef::parse(base).floating() else {
                    continue;
                };
                let Kind::From { image, .. } = &d.df.instructions[st.from].kind else {
                    continue;
                };
                out.push(
                    diag(self.meta(), format!("base image `{base}` {why}"))
                        .at(Origin::new(d.file, image.span), "floating base image")
                        .help("pin a version tag (`python:3.12-slim`) or a digest (`@sha256:…`)"),
                );
            }
            // `COPY --from=<image>` pulls files from an image as FROM does
            for (i, ins) in d.df.instructions.iter().enumerate() {
                let Some(from) = d.copy_from_image(i) else {
                    continue;
                };
                let Some(why) = ImageRef::parse(&from).floating() else {
                    continue;
                };
                out.push(
                    diag(
                        self.meta(),
                        format!("`COPY --from={from}` copies from an image that {why}"),
                    )
                    .at(
                        Origin::new(d.file, ins.keyword_span),
                        "files from a floating image",
                    )
                    .help("pin a version tag or a digest, as for FROM"),
                );
            }
        }
    }
}

pub struct PipedRemoteScript;
impl Rule for PipedRemoteScript {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0209",
            "piped-remote-script",
            2,
            Warning,
            "a RUN pipes a downloaded script into a shell"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.dockerfiles.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Dockerfile]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        const SHELLS: &[&str] = &[
            "sh", "bash", "zsh", "ash", "dash", "python", "python3", "perl", "ruby", "node",
        ];
        for (di, _) in app_dockerfiles(p) {
            for (_, cmds) in p.run_commands(di) {
                for (i, c) in cmds.iter().enumerate() {
                    let prog = c.unwrapped().program().to_string();
                    // `sh -c "$(curl …)"`: the shell runs the downloaded text as its script
                    let named_by_download = c
                        .unwrapped()
                        .words
                        .first()
                        .is_some_and(|(w, _)| w.starts_with("$(") || w.starts_with('`'))
                        && c.runs_downloaded_text();
                    if !SHELLS.contains(&prog.as_str()) && !named_by_download {
                        continue;
                    }
                    let fetcher = c.pipeline.and_then(|(pid, pos)| {
                        cmds[..i].iter().find(|o| {
                            o.pipeline.is_some_and(|(p2, pos2)| p2 == pid && pos2 < pos)
                                && matches!(o.program(), "curl" | "wget")
                        })
                    });
                    if fetcher.is_none() && !c.runs_downloaded_text() {
                        continue;
                    }
                    let prog = if named_by_download {
                        "sh -c".to_string()
                    } else {
                        prog
                    };
                    let mut dg = diag(self.meta(), format!("a downloaded script is run by `{prog}` without being pinned or verified"))
                        .at(c.origin.clone(), "runs the downloaded script")
                        .help("download a versioned artifact, verify its checksum, then run it; or install the tool from a package manager");
                    if let Some(f) = fetcher {
                        dg = dg.also(f.origin.clone(), "downloaded here");
                    }
                    out.push(dg);
                }
            }
        }
    }
}

/// Import names whose distribution is named differently.
const IMPORT_TO_DIST: &[(&str, &str)] = &[
    ("yaml", "pyyaml"),
    ("cv2", "opencv-python"),
    ("PIL", "pillow"),
    ("sklearn", "scikit-learn"),
    ("bs4", "beautifulsoup4"),
    ("dateutil", "python-dateutil"),
    ("dotenv", "python-dotenv"),
    ("jwt", "pyjwt"),
    ("MySQLdb", "mysqlclient"),
    ("attr", "attrs"),
    ("OpenSSL", "pyopenssl"),
    ("Crypto", "pycryptodome"),
    ("serial", "pyserial"),
    ("zmq", "pyzmq"),
    ("git", "gitpython"),
    ("docx", "python-docx"),
    ("jose", "python-jose"),
    ("multipart", "python-multipart"),
    ("slugify", "python-slugify"),
    ("magic", "python-magic"),
    ("kafka", "kafka-python"),
    ("ldap", "python-ldap"),
    ("rest_framework", "djangorestframework"),
    ("corsheaders", "django-cors-headers"),
    ("debug_toolbar", "django-debug-toolbar"),
    ("environ", "django-environ"),
    ("storages", "django-storages"),
    ("allauth", "django-allauth"),
    ("crispy_forms", "django-crispy-forms"),
    ("google", "google"),
    ("psycopg2", "psycopg2"),
    ("websocket", "websocket-client"),
    ("socketio", "python-socketio"),
    ("engineio", "python-engineio"),
    ("fitz", "pymupdf"),
    ("Levenshtein", "python-levenshtein"),
    ("telegram", "python-telegram-bot"),
];

/// Imports that need no declaration of their own: tooling and implicit namespaces.
const ALWAYS_AVAILABLE: &[&str] = &[
    "pkg_resources",
    "setuptools",
    "pip",
    "_pytest",
    "typing_extensions",
    "distutils",
];

fn normalise(dist: &str) -> String {
    dist.to_ascii_lowercase().replace(['_', '.'], "-")
}

pub struct UndeclaredImport;
impl Rule for UndeclaredImport {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0207",
            "undeclared-import",
            2,
            Warning,
            "code imports a third-party package its manifest does not declare",
            preview
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.sources.is_empty()
            && p.manifests
                .iter()
                .any(|m| m.manifest.kind.ecosystem() == Ecosystem::Python)
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Source]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let local = local_modules(p);
        for py in p.app_code() {
            let manifests = p.manifests_above(p.source_dir(py), Ecosystem::Python);
            // a setup.py/setup.cfg declares what we do not read: unknown, stay silent
            if manifests.is_empty()
                || manifests.iter().any(|m| {
                    matches!(
                        m.manifest.kind,
                        ManifestKind::SetupPy | ManifestKind::SetupCfg
                    )
                })
            {
                continue;
            }
            let declared: Vec<String> = manifests
                .iter()
                .flat_map(|m| m.manifest.deps.iter().map(|d| normalise(&d.name)))
                .collect();
            let mut reported: Vec<&str> = Vec::new();
            for (module, span) in p.code(py).imports {
                if PY_STDLIB.contains(&module.as_str())
                    || local.contains(module.as_str())
                    || ALWAYS_AVAILABLE.contains(&module.as_str())
                    || reported.contains(&module.as_str())
                {
                    continue;
                }
                let dist = IMPORT_TO_DIST
                    .iter()
                    .find(|(i, _)| i == module)
                    .map(|(_, d)| d.to_string())
                    .unwrap_or_else(|| module.to_string());
                let want = normalise(&dist);
                let ok = declared.iter().any(|d| {
                    *d == want
                        || d.starts_with(&format!("{want}-"))
                        || want == "google" && d.starts_with("google-")
                        || (want == "psycopg2" && d.starts_with("psycopg2"))
                        || (want == "opencv-python" && d.starts_with("opencv-"))
                });
                if ok {
                    continue;
                }
                reported.push(module);
                out.push(
                    diag(self.meta(), format!("`{module}` is imported but `{dist}` is not declared in {}", p.rel(manifests[0].file)))
                        .at(Origin::new(py.file, *span), "undeclared third-party import")
                        .also(p.file_origin(manifests[0].file), "the app's manifest")
                        .help(format!("declare `{dist}` (pinned) in the manifest, even when another package pulls it in today")),
                );
            }
        }
    }
}

/// Programs every Debian or Alpine base image ships (coreutils, busybox, the shell).
const BASE_TOOLS: &[&str] = &[
    "sh", "bash", "ls", "cat", "cp", "mv", "rm", "mkdir", "chmod", "chown", "echo", "env", "grep",
    "sed", "awk", "find", "xargs", "tar", "gzip", "gunzip", "sort", "head", "tail", "wc", "date",
    "sleep", "kill", "ps", "uname", "id", "whoami", "true", "false", "test", "touch", "ln", "df",
    "du", "tee", "tr", "cut", "python", "python3", "pip", "node", "npm",
];

pub struct ImplicitSystemTool;
impl Rule for ImplicitSystemTool {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0208",
            "implicit-system-tool",
            2,
            Info,
            "code runs an external program that the app's image does not install",
            preview
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.sources
            .iter()
            .any(|py| !py.facts.rare.programs.is_empty())
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Source]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for (ai, app) in p.apps.iter().enumerate() {
            let Some(di) = app.dockerfile else { continue };
            let installed: String = p
                .run_commands(di)
                .iter()
                .flat_map(|(_, cmds)| cmds)
                .flat_map(|c| c.words.iter().map(|(w, _)| w.as_str()))
                .collect::<Vec<_>>()
                .join(" ");
            for py in p.sources_of_app(ai) {
                for (prog, span) in &py.facts.rare.programs {
                    let name = prog.rsplit('/').next().unwrap_or(prog);
                    if BASE_TOOLS.contains(&name)
                        || installed.contains(name)
                        || name.ends_with(".py")
                        || name.ends_with(".sh")
                    {
                        continue;
                    }
                    out.push(
                        diag(self.meta(), format!("the code runs `{name}`, which the image of app `{}` does not install", app.name))
                            .at(Origin::new(py.file, span.clone()), "external program")
                            .help(format!("install `{name}` explicitly in the Dockerfile (and pin it), or use a library instead")),
                    );
                }
            }
        }
    }
}
