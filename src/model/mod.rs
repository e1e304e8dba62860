//! The project model: every file parsed once, lowered into apps and backing services whose
//! facts carry their origin. Rules read only this.

pub mod commands;
pub mod components;
pub mod dump;
pub mod images;
pub mod processes;
pub mod units;

use crate::parse::compose::{ComposeFile, Service};
use crate::parse::dockerfile::{self, Dockerfile, Kind};
use crate::parse::k8s::Object;
use crate::parse::manifest::{Ecosystem, Manifest};
use crate::parse::python::CodeFacts;
use crate::parse::shell::Script;
use crate::parse::yaml::Yaml;
use crate::parse::{compose, dotenv, k8s, manifest, python, shell, yaml};
use crate::source::{FileId, Origin, SourceFile};
use crate::walk::{self, FileKind, Found, Notice, WalkOptions};
use images::ImageRef;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A stage of a Dockerfile.
#[derive(Debug, Clone)]
pub struct Stage {
    /// Index of the FROM instruction.
    pub from: usize,
    /// One past the last instruction of the stage.
    pub end: usize,
    /// Base image after `ARG` substitution; `None` when it depends on an unknown variable.
    pub base: Option<String>,
    pub name: Option<String>,
    /// Index of an earlier stage this one builds on (`FROM builder`).
    pub parent: Option<usize>,
}

#[derive(Debug)]
pub struct DockerfileModel {
    pub file: FileId,
    /// Directory of the Dockerfile.
    pub dir: String,
    /// Build context: from a compose `build:` naming it, else its own directory.
    pub context: String,
    pub df: Dockerfile,
    pub stages: Vec<Stage>,
    /// Global `ARG` defaults (before the first FROM).
    pub global_args: HashMap<String, String>,
    /// Set when the final stage is a backing-service image (`FROM postgres:16`).
    pub backing: Option<&'static str>,
    /// A development-only Dockerfile (`Dockerfile.dev`, under `local/` or `dev/`).
    pub dev: bool,
}

impl DockerfileModel {
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }
    /// Instructions of a stage and of the stages it builds on, outermost first.
    pub fn lineage(&self, stage: usize) -> Vec<usize> {
        let mut chain = vec![stage];
        let mut cur = stage;
        while let Some(p) = self.stages[cur].parent {
            if chain.contains(&p) {
                break;
            }
            chain.push(p);
            cur = p;
        }
        chain.reverse();
        chain
    }
    /// `ENV` and `ARG` values visible at the end of a stage (through its parents).
    pub fn stage_vars(&self, stage: usize) -> HashMap<String, String> {
        let mut vars = self.global_args.clone();
        for s in self.lineage(stage) {
            let st = &self.stages[s];
            for ins in &self.df.instructions[st.from + 1..st.end] {
                if let Kind::Env(kvs) | Kind::Arg(kvs) = &ins.kind {
                    for kv in kvs {
                        if let Some(v) = &kv.value {
                            let v = dockerfile::substitute(v, &vars).unwrap_or_else(|| v.clone());
                            vars.insert(kv.key.clone(), v);
                        } else {
                            vars.entry(kv.key.clone()).or_default();
                        }
                    }
                }
            }
        }
        vars
    }
    /// Instructions of the final stage including inherited stages.
    pub fn final_instructions(&self) -> Vec<&dockerfile::Instruction> {
        let Some(last) = self.stages.len().checked_sub(1) else {
            return Vec::new();
        };
        self.lineage(last)
            .into_iter()
            .flat_map(|s| {
                let st = &self.stages[s];
                self.df.instructions[st.from..st.end].iter()
            })
            .collect()
    }
}

#[derive(Debug)]
pub struct ComposeModel {
    pub file: FileId,
    pub dir: String,
    pub compose: ComposeFile,
    /// An override or development file (`docker-compose.override.yml`, `*.local.yml`, `*.dev.yml`).
    pub dev: bool,
    /// Per service (same order as `compose.services`): why it is a development service, if
    /// it is one: its file is a development file by its name, or it runs a dev server or
    /// reloader, builds a dev stage, or keeps `node_modules` in an anonymous volume beside
    /// mounted source.
    pub dev_services: Vec<Option<String>>,
    /// Per service (same order as `compose.services`): its `env_file:` entries resolved to the
    /// env files of the repository. `None` for a file that is not in the repository (ignored
    /// or created at deploy time): it provides an unknown set of variables.
    pub env_files: Vec<Vec<(crate::parse::compose::Str, Option<usize>)>>,
}

/// One variable a deployment provides, with where it is set.
#[derive(Debug, Clone)]
pub struct ProvidedVar {
    pub key: String,
    /// `None` when passed through from the host environment (`- KEY`).
    pub value: Option<String>,
    pub origin: Origin,
}

#[derive(Debug)]
pub struct K8sModel {
    pub file: FileId,
    pub object: Object,
}

#[derive(Debug)]
pub struct ManifestModel {
    pub file: FileId,
    pub dir: String,
    pub manifest: Manifest,
}

#[derive(Debug)]
pub struct SourceModel {
    pub lang: crate::parse::code::Lang,
    pub file: FileId,
    pub dir: String,
    pub facts: CodeFacts,
    pub test_tree: bool,
    /// A Rust build script (`build.rs` beside `Cargo.toml`): it runs at build time, so what
    /// it reads is the build's environment, not the app's.
    pub build_script: bool,
}

#[derive(Debug)]
pub struct ScriptModel {
    pub file: FileId,
    pub script: Script,
    /// `${NAME:?}` expansions: variables the script cannot run without.
    pub required_vars: Vec<(String, crate::source::Span)>,
}

#[derive(Debug)]
pub struct DotEnvModel {
    pub file: FileId,
    pub entries: Vec<dotenv::Entry>,
    /// `.env.example`, `.env.sample`, `.env.template`, `.env.dist`.
    pub example: bool,
}

#[derive(Debug)]
pub struct ProcfileModel {
    pub file: FileId,
    pub entries: Vec<(String, String, crate::source::Span)>,
}

/// A deployable unit.
#[derive(Debug, Clone, serde::Serialize)]
pub struct App {
    pub name: String,
    /// Index into `Project::dockerfiles`.
    pub dockerfile: Option<usize>,
    /// Build context directory.
    pub context: Option<String>,
    /// (compose file index, service index) of compose services running this app.
    pub compose: Vec<(usize, usize)>,
    /// (k8s object index, container index) of Kubernetes containers running this app.
    pub k8s: Vec<(usize, usize)>,
}

/// An image a build tool builds from this repository and tags when it deploys: a manifest
/// naming it is rewritten with that tag.
#[derive(Debug, Clone)]
pub struct BuildArtifact {
    /// The image as the tool names it (`web`, `ghcr.io/acme/api`).
    pub image: String,
    pub tool: &'static str,
    pub origin: Origin,
}

/// A backing service (database, cache, queue) or infrastructure (proxy, observability).
#[derive(Debug, Clone, serde::Serialize)]
pub struct BackingService {
    pub name: String,
    pub kind: String,
    pub image: String,
    #[serde(skip)]
    pub origin: Origin,
}

/// What the user's configuration tells the model.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Directories that count as test, example or docs trees, beyond the defaults.
    pub test_dirs: Vec<String>,
    /// `[components]`: a kind per component key.
    pub components: Vec<(String, components::Kind)>,
}

#[derive(Debug, Default)]
pub struct Project {
    pub root: PathBuf,
    pub files: Vec<SourceFile>,
    /// Every file the walk found, read or not, with its kind.
    pub paths: Vec<(String, FileKind)>,
    pub notices: Vec<Notice>,
    pub parse_errors: Vec<(Origin, String)>,
    /// Files whose parse or lowering hit an internal fault (a panic, caught): reported as
    /// TF0004, and the run exits 2.
    pub internal_errors: Vec<(Origin, String)>,
    pub dockerfiles: Vec<DockerfileModel>,
    pub compose: Vec<ComposeModel>,
    pub k8s: Vec<K8sModel>,
    pub manifests: Vec<ManifestModel>,
    pub sources: Vec<SourceModel>,
    pub scripts: Vec<ScriptModel>,
    pub dotenvs: Vec<DotEnvModel>,
    pub procfiles: Vec<ProcfileModel>,
    /// Helm chart directories.
    pub charts: Vec<String>,
    /// Helm templates (text only, never parsed as YAML).
    pub helm_templates: Vec<FileId>,
    /// Helm values files, parsed.
    pub helm_values: Vec<(FileId, Vec<Yaml>)>,
    /// Other YAML documents that are not Kubernetes objects (app config, CI files…).
    pub other_yaml: Vec<(FileId, Vec<Yaml>)>,
    pub apps: Vec<App>,
    pub services: Vec<BackingService>,
    /// Images a build tool builds and tags at deploy time (Skaffold, Tilt).
    pub build_artifacts: Vec<BuildArtifact>,
    /// Every process of every app, with its kind (see `processes`).
    pub processes: Vec<processes::Process>,
    /// Every kustomization, with what it puts together.
    pub kustomizations: Vec<units::KustomizationModel>,
    /// Patches, copies and kustomizations of each Kubernetes object (see `units`).
    pub k8s_units: units::K8sUnits,
    /// Every compose service, Kubernetes workload, Dockerfile and Procfile entry, with its kind.
    pub components: Vec<components::Component>,
    /// Kinds set in `[components]` of `twelve.toml`, by component key.
    pub component_overrides: Vec<(String, components::Kind)>,
    /// Path prefixes (directories) that count as test/example/doc trees, beyond the defaults.
    pub extra_test_dirs: Vec<String>,
    /// For each entry of `python`, the app whose build context holds it.
    pub source_app: Vec<Option<usize>>,
    /// Per Dockerfile: its RUN steps as commands (instruction index, commands).
    pub runs: Vec<Vec<(usize, Vec<commands::Cmd>)>>,
    /// Per app: the command lines that start it.
    pub starts: Vec<Vec<commands::CommandLine>>,
    /// Every secret value in the project: reports mask these whatever rules ran.
    pub secret_spans: Vec<Origin>,
    /// The root is inside a git work tree.
    pub in_git: bool,
}

enum Parsed {
    Dockerfile(Dockerfile),
    Yaml(Vec<Yaml>),
    Manifest(Manifest),
    Source(crate::parse::code::Lang, Box<CodeFacts>),
    /// Source in a language this build was compiled without.
    #[cfg_attr(
        all(feature = "javascript", feature = "go", feature = "rust"),
        allow(dead_code)
    )]
    Unsupported(&'static str),
    Script(Script),
    DotEnv(Vec<dotenv::Entry>),
    Procfile(Vec<(String, String, crate::source::Span)>),
    /// The images a Tiltfile builds.
    Tiltfile(Vec<(String, crate::source::Span)>),
    Text,
    Error(usize, String),
    /// The parser panicked (an internal fault, caught): the message.
    Internal(String),
    /// Looks like a template (Jinja, Go templates): not checked, said in a notice.
    Template,
}

fn parse_one(kind: FileKind, rel: &str, text: &str) -> Parsed {
    match kind {
        FileKind::Dockerfile => match dockerfile::parse(text) {
            Ok(d) => Parsed::Dockerfile(d),
            Err(e) if looks_templated(text) => {
                let _ = e;
                Parsed::Template
            }
            Err(e) => Parsed::Error(e.offset, e.message),
        },
        FileKind::Compose | FileKind::Yaml | FileKind::HelmChart => match yaml::parse(text) {
            Ok(docs) => Parsed::Yaml(docs),
            Err(_) if looks_templated(text) => Parsed::Template,
            Err(e) => Parsed::Error(e.offset, e.message),
        },
        FileKind::Manifest => {
            let name = walk::file_name(rel);
            match manifest::kind_of(name) {
                Some(k) => match manifest::parse(k, text) {
                    Ok(m) => Parsed::Manifest(m),
                    Err(_) if looks_templated(text) => Parsed::Template,
                    Err(e) => Parsed::Error(e.offset, e.message),
                },
                None => Parsed::Text,
            }
        }
        FileKind::Python => Parsed::Source(
            crate::parse::code::Lang::Python,
            Box::new(python::parse(text)),
        ),
        #[cfg(feature = "javascript")]
        FileKind::JavaScript | FileKind::TypeScript => {
            let dialect = crate::parse::javascript::dialect_of(walk::file_name(rel));
            let lang = match kind {
                FileKind::TypeScript => crate::parse::code::Lang::TypeScript,
                _ => crate::parse::code::Lang::JavaScript,
            };
            Parsed::Source(
                lang,
                Box::new(crate::parse::javascript::parse(text, dialect)),
            )
        }
        #[cfg(not(feature = "javascript"))]
        FileKind::JavaScript | FileKind::TypeScript => Parsed::Unsupported("javascript"),
        #[cfg(feature = "go")]
        FileKind::Go => Parsed::Source(
            crate::parse::code::Lang::Go,
            Box::new(crate::parse::golang::parse(text)),
        ),
        #[cfg(not(feature = "go"))]
        FileKind::Go => Parsed::Unsupported("go"),
        #[cfg(feature = "rust")]
        FileKind::Rust => Parsed::Source(
            crate::parse::code::Lang::Rust,
            Box::new(crate::parse::rust::parse(text)),
        ),
        #[cfg(not(feature = "rust"))]
        FileKind::Rust => Parsed::Unsupported("rust"),
        FileKind::Shell => Parsed::Script(shell::parse(text)),
        FileKind::DotEnv => Parsed::DotEnv(dotenv::parse(text)),
        FileKind::Procfile => Parsed::Procfile(dotenv::parse_procfile(text)),
        FileKind::Tiltfile => Parsed::Tiltfile(crate::parse::buildtools::tilt_artifacts(text)),
        _ => Parsed::Text,
    }
}

/// Whether a file holds template syntax (Jinja, Go templates, Helm): `{{ expr }}`, `{%`; or
/// ERB (Rails fixtures and configs): `<%= expr %>`, `<% code %>`.
fn looks_templated(text: &str) -> bool {
    text.contains("{%")
        || text.contains("<%=")
        || text.contains("<% ")
        || text.split("{{").skip(1).any(|after| {
            after.trim_start_matches([' ', '-']).starts_with(|c: char| {
                c.is_alphanumeric() || matches!(c, '.' | '$' | '/' | '_' | '"')
            })
        })
}

/// Paths that are test, example or documentation trees.
pub fn is_test_path(rel: &str) -> bool {
    let segs: Vec<&str> = rel.split('/').collect();
    let (dirs, name) = segs.split_at(segs.len().saturating_sub(1));
    let name = name.first().copied().unwrap_or("");
    dirs.iter().any(|d| {
        matches!(
            d.to_ascii_lowercase().as_str(),
            "test"
                | "tests"
                | "__tests__"
                | "spec"
                | "specs"
                | "fixtures"
                | "fixture"
                | "__fixtures__"
                | "testdata"
                | "testfiles"
                | "test-data"
                | "test_data"
                | "examples"
                | "example"
                | "docs"
                | "doc"
                | "e2e"
        )
    }) || dirs.iter().any(|d| {
        // `testfiles-negative/`, `testfile-line/`, `test-fixtures/`, `tests_e2e/`
        let d = d.to_ascii_lowercase();
        d.starts_with("testfile")
            || d.starts_with("testdata")
            || ["test-", "test_", "tests-", "tests_"]
                .iter()
                .any(|p| d.starts_with(p))
    }) || name.starts_with("test_")
        || name.contains("_test.")
        || name.contains(".spec.")
        || name.contains(".test.")
        || name == "conftest.py"
}

/// A path that shows the repository has database migrations (`alembic.ini`, Django or SQL
/// `migrations/`, diesel/sqlx `up.sql`, `prisma/migrations`).
pub fn is_migration_marker(rel: &str) -> bool {
    if rel.contains("node_modules/") || rel.contains("site-packages/") {
        return false;
    }
    let name = walk::file_name(rel);
    let dir = walk::parent_dir(rel);
    name == "alembic.ini"
        || (walk::file_name(dir) == "migrations"
            && (name.ends_with(".py") && name != "__init__.py" || name.ends_with(".sql")))
        || (dir.contains("migrations/") && name == "up.sql")
        || (dir.contains("prisma/migrations") && name.ends_with(".sql"))
}

/// Whether a compose file or Dockerfile is for development only.
pub fn is_dev_path(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let name = walk::file_name(&lower);
    let words: Vec<&str> = name
        .split(['.', '-', '_'])
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().any(|w| {
        matches!(
            *w,
            "override" | "local" | "dev" | "development" | "test" | "tests" | "ci"
        )
    }) || lower
        .split('/')
        .rev()
        .skip(1)
        .any(|d| matches!(d, "local" | "dev" | "development" | ".devcontainer"))
}

impl Project {
    /// Walk `root`, read and parse every file in parallel, and lower it all into the model.
    pub fn load(root: &Path, opts: &WalkOptions) -> Project {
        Project::load_with(root, opts, &Options::default())
    }

    /// `load`, with what the user's configuration says about the repository.
    pub fn load_with(root: &Path, opts: &WalkOptions, options: &Options) -> Project {
        let (mut found, mut notices) = walk::discover(root, opts);
        // project templates (cookiecutter, copier): paths holding `{{` are not a project yet
        let mut template_roots: std::collections::BTreeSet<String> = Default::default();
        found.retain(|f| {
            if !f.rel.contains("{{") {
                return true;
            }
            // the path down to the first segment that holds `{{`
            let segs: Vec<&str> = f.rel.split('/').collect();
            let upto = segs.iter().position(|s| s.contains("{{")).unwrap_or(0);
            template_roots.insert(segs[..=upto].join("/"));
            false
        });
        for r in template_roots {
            notices.push(Notice {
                path: r,
                message: "not checked: a project template (its path holds `{{`), not a project"
                    .into(),
            });
        }
        let paths: Vec<(String, FileKind)> =
            found.iter().map(|f| (f.rel.clone(), f.kind)).collect();
        let mut dependency_trees: std::collections::BTreeSet<String> = Default::default();
        let dockerfile_dirs: std::collections::HashSet<&str> = found
            .iter()
            .filter(|d| d.kind == FileKind::Dockerfile)
            .map(|d| walk::parent_dir(&d.rel))
            .collect();
        let to_read: Vec<&Found> = found
            .iter()
            .filter(|f| {
                // installed or vendored dependencies are not the app's code
                if f.kind.lang().is_some()
                    && let Some(tree) = walk::dependency_tree(&f.rel)
                {
                    if !dependency_trees.contains(tree) {
                        dependency_trees.insert(tree.to_string());
                    }
                    return false;
                }
                // an extension-less file beside a Dockerfile may be its entrypoint script
                let beside_dockerfile = f.kind == FileKind::Other
                    && !walk::file_name(&f.rel).contains('.')
                    && dockerfile_dirs.contains(walk::parent_dir(&f.rel));
                f.kind.is_read() || beside_dockerfile || is_migration_marker(&f.rel)
            })
            .collect();
        let read: Vec<(String, PathBuf, FileKind, Result<String, String>)> = to_read
            .par_iter()
            .map(|f| {
                (
                    f.rel.clone(),
                    f.abs.clone(),
                    f.kind,
                    walk::read(f, opts.max_file_size),
                )
            })
            .collect();
        for tree in dependency_trees {
            notices.push(Notice {
                path: tree,
                message: "not checked: installed dependencies, not the app's code".into(),
            });
        }
        let mut files = Vec::new();
        let mut inputs = Vec::new();
        for (rel, abs, kind, res) in read {
            match res {
                Ok(text) => {
                    let id = FileId(files.len() as u32);
                    let kind = if kind == FileKind::Other {
                        if is_migration_marker(&rel) {
                            FileKind::Other
                        } else if text.starts_with("#!")
                            && (text.lines().next().unwrap_or("").contains("sh"))
                        {
                            FileKind::Shell
                        } else {
                            continue;
                        }
                    } else {
                        kind
                    };
                    files.push(SourceFile::new(id, rel, abs, text));
                    inputs.push((id, kind));
                }
                Err(msg) => notices.push(Notice {
                    path: rel,
                    message: msg,
                }),
            }
        }
        let parsed: Vec<Parsed> = inputs
            .par_iter()
            .map(|(id, kind)| {
                let f = &files[id.0 as usize];
                crate::fault::catch(|| {
                    crate::fault::injection_point("parse", &f.rel);
                    parse_one(*kind, &f.rel, &f.text)
                })
                .unwrap_or_else(Parsed::Internal)
            })
            .collect();
        let mut p = Project {
            root: root.to_path_buf(),
            in_git: walk::in_git_work_tree(root),
            extra_test_dirs: options.test_dirs.clone(),
            component_overrides: options.components.clone(),
            paths,
            ..Project::default()
        };
        p.charts = found
            .iter()
            .filter(|f| f.kind == FileKind::HelmChart)
            .map(|f| walk::parent_dir(&f.rel).to_string())
            .collect();
        let mut compose_docs = Vec::new();
        for ((id, kind), parsed) in inputs.iter().zip(parsed) {
            let rel = files[id.0 as usize].rel.clone();
            let dir = walk::parent_dir(&rel).to_string();
            match parsed {
                Parsed::Error(offset, message) => p
                    .parse_errors
                    .push((Origin::new(*id, offset..offset), one_line(&message))),
                Parsed::Internal(message) => {
                    p.internal_errors.push((Origin::new(*id, 0..0), message))
                }
                Parsed::Template => notices.push(Notice {
                    path: rel.clone(),
                    message: "not checked: looks like a template (`{{`, `{%`, ERB `<%`), not plain syntax"
                        .into(),
                }),
                Parsed::Dockerfile(df) => {
                    match crate::fault::catch(|| lower_dockerfile(*id, &rel, df)) {
                        Ok(d) => p.dockerfiles.push(d),
                        Err(m) => p.internal_errors.push((Origin::new(*id, 0..0), m)),
                    }
                }
                Parsed::Yaml(docs) => match kind {
                    FileKind::Compose => compose_docs.push((*id, dir, docs)),
                    FileKind::HelmChart => {}
                    _ => {
                        let in_chart = p.charts.iter().any(|c| {
                            walk::parent_dir(&rel) == c.as_str()
                                && walk::file_name(&rel).starts_with("values")
                        });
                        // a Skaffold config names the images it builds; it is no object
                        // of the cluster
                        let (skaffold, docs): (Vec<Yaml>, Vec<Yaml>) = docs
                            .into_iter()
                            .partition(crate::parse::buildtools::is_skaffold);
                        // a kustomization puts files together; it is no object either
                        let name = walk::file_name(&rel);
                        let (kustomizations, docs): (Vec<Yaml>, Vec<Yaml>) = docs
                            .into_iter()
                            .partition(|d| crate::parse::kustomize::is_kustomization(name, d));
                        p.kustomizations.extend(kustomizations.iter().map(|d| {
                            units::KustomizationModel {
                                file: *id,
                                dir: walk::parent_dir(&rel).to_string(),
                                k: crate::parse::kustomize::read(d),
                            }
                        }));
                        for d in &skaffold {
                            p.build_artifacts.extend(
                                crate::parse::buildtools::skaffold_artifacts(d)
                                    .into_iter()
                                    .map(|(image, span)| BuildArtifact {
                                        image,
                                        tool: "Skaffold",
                                        origin: Origin::new(*id, span),
                                    }),
                            );
                        }
                        if in_chart {
                            p.helm_values.push((*id, docs));
                        } else if docs.iter().any(k8s::is_object) {
                            let lowered = crate::fault::catch(|| {
                                let mut objs = Vec::new();
                                for d in &docs {
                                    k8s::lower(d, &mut objs);
                                }
                                objs
                            });
                            match lowered {
                                Ok(objs) => p.k8s.extend(
                                    objs.into_iter()
                                        .map(|object| K8sModel { file: *id, object }),
                                ),
                                Err(m) => p.internal_errors.push((Origin::new(*id, 0..0), m)),
                            }
                        } else {
                            p.other_yaml.push((*id, docs));
                        }
                    }
                },
                Parsed::Manifest(m) => p.manifests.push(ManifestModel {
                    file: *id,
                    dir,
                    manifest: m,
                }),
                Parsed::Unsupported(feature) => notices.push(Notice {
                    path: rel.clone(),
                    message: format!(
                        "not checked: this build of twelve has no `{feature}` feature"
                    ),
                }),
                Parsed::Source(lang, facts) => p.sources.push(SourceModel {
                    lang,
                    file: *id,
                    dir,
                    facts: *facts,
                    test_tree: is_test_path(&rel),
                    build_script: lang == crate::parse::code::Lang::Rust
                        && walk::file_name(&rel) == "build.rs",
                }),
                Parsed::Script(script) => {
                    let required_vars = shell::required_vars(&files[id.0 as usize].text);
                    p.scripts.push(ScriptModel {
                        file: *id,
                        script,
                        required_vars,
                    })
                }
                Parsed::DotEnv(entries) => {
                    let lower = walk::file_name(&rel).to_ascii_lowercase();
                    let example = ["example", "sample", "template", "dist", "tmpl", "defaults"]
                        .iter()
                        .any(|w| lower.contains(w));
                    p.dotenvs.push(DotEnvModel {
                        file: *id,
                        entries,
                        example,
                    })
                }
                Parsed::Procfile(entries) => p.procfiles.push(ProcfileModel { file: *id, entries }),
                Parsed::Tiltfile(images) => {
                    p.build_artifacts
                        .extend(images.into_iter().map(|(image, span)| BuildArtifact {
                            image,
                            tool: "Tilt",
                            origin: Origin::new(*id, span),
                        }))
                }
                Parsed::Text => {
                    if *kind == FileKind::HelmTemplate {
                        p.helm_templates.push(*id);
                    }
                }
            }
        }
        p.files = files;
        // `include:`d files are compose files whatever their name
        let mut queue: Vec<(FileId, String, Vec<Yaml>)> = compose_docs;
        let mut compose_docs = Vec::new();
        while let Some((id, dir, docs)) = queue.pop() {
            let vars = p.dotenv_vars(&dir);
            for d in &docs {
                for inc in compose::lower(d, &vars).includes {
                    let Some(target) = walk::join(&dir, &inc.text) else {
                        continue;
                    };
                    if let Some(pos) = p
                        .other_yaml
                        .iter()
                        .position(|(f, _)| p.files[f.0 as usize].rel == target)
                    {
                        let (fid, idocs) = p.other_yaml.remove(pos);
                        queue.push((fid, walk::parent_dir(&target).to_string(), idocs));
                    }
                }
            }
            compose_docs.push((id, dir, docs));
        }
        compose_docs.sort_by_key(|(id, _, _)| *id);
        for (id, dir, docs) in compose_docs {
            let vars = p.dotenv_vars(&dir);
            for d in &docs {
                let compose = match crate::fault::catch(|| compose::lower(d, &vars)) {
                    Ok(c) => c,
                    Err(m) => {
                        p.internal_errors.push((Origin::new(id, 0..0), m));
                        continue;
                    }
                };
                let rel = p.files[id.0 as usize].rel.clone();
                let env_files = compose
                    .services
                    .iter()
                    .map(|s| {
                        s.env_files
                            .iter()
                            .map(|ef| {
                                let idx = walk::join(&dir, &ef.text).and_then(|target| {
                                    p.env_file_index(&found, &target, opts, &mut notices)
                                });
                                (ef.clone(), idx)
                            })
                            .collect()
                    })
                    .collect();
                for svc in &compose.services {
                    if let Some((Some(other), base, _)) = &svc.extends {
                        notices.push(Notice {
                            path: rel.clone(),
                            message: format!(
                                "service `{}` extends `{base}` from `{other}`: extends from another file is not followed yet",
                                svc.name
                            ),
                        });
                    }
                }
                p.compose.push(ComposeModel {
                    file: id,
                    dir: dir.clone(),
                    dev: is_dev_path(&rel),
                    dev_services: Vec::new(),
                    compose,
                    env_files,
                });
            }
        }
        notices.sort();
        p.notices = notices;
        p.mark_dev_services();
        p.compute_units();
        p.link();
        p.compute_commands();
        p.compute_processes();
        p.secret_spans = crate::secrets::collect(&p);
        p
    }

    /// The env file at `rel` as an index into `dotenvs`, reading and parsing it now when the
    /// walk found it under a name it did not classify as an env file.
    fn env_file_index(
        &mut self,
        found: &[Found],
        rel: &str,
        opts: &WalkOptions,
        notices: &mut Vec<Notice>,
    ) -> Option<usize> {
        if let Some(i) = self
            .dotenvs
            .iter()
            .position(|d| self.files[d.file.0 as usize].rel == rel)
        {
            return Some(i);
        }
        let f = found.iter().find(|f| f.rel == rel)?;
        match walk::read(f, opts.max_file_size) {
            Ok(text) => {
                let id = FileId(self.files.len() as u32);
                let entries = dotenv::parse(&text);
                self.files
                    .push(SourceFile::new(id, f.rel.clone(), f.abs.clone(), text));
                self.dotenvs.push(DotEnvModel {
                    file: id,
                    entries,
                    example: false,
                });
                Some(self.dotenvs.len() - 1)
            }
            Err(message) => {
                notices.push(Notice {
                    path: f.rel.clone(),
                    message,
                });
                None
            }
        }
    }

    /// What a compose service's environment provides: its `env_file:` entries, then its
    /// `environment:` (which wins). The flag is false when an env file is missing from the
    /// repository, so the full set is unknown.
    pub fn service_env(&self, ci: usize, si: usize) -> (Vec<ProvidedVar>, bool) {
        let cm = &self.compose[ci];
        let svc = &cm.compose.services[si];
        let mut out: Vec<ProvidedVar> = Vec::new();
        let mut complete = true;
        for (_, idx) in cm.env_files.get(si).map(Vec::as_slice).unwrap_or(&[]) {
            match idx {
                Some(i) => {
                    let d = &self.dotenvs[*i];
                    for e in &d.entries {
                        out.retain(|v| v.key != e.key);
                        out.push(ProvidedVar {
                            key: e.key.clone(),
                            value: Some(e.value.clone()),
                            origin: Origin::new(d.file, e.key_span.clone()),
                        });
                    }
                }
                None => complete = false,
            }
        }
        for e in &svc.environment {
            out.retain(|v| v.key != e.key);
            out.push(ProvidedVar {
                key: e.key.clone(),
                value: e.value.clone(),
                origin: Origin::new(cm.file, e.key_span.clone()),
            });
        }
        (out, complete)
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn rel(&self, id: FileId) -> &str {
        &self.files[id.0 as usize].rel
    }

    /// Variables from the `.env` file in `dir` (compose's interpolation source).
    pub fn dotenv_vars(&self, dir: &str) -> HashMap<String, String> {
        let want = if dir.is_empty() {
            ".env".to_string()
        } else {
            format!("{dir}/.env")
        };
        self.dotenvs
            .iter()
            .filter(|d| self.rel(d.file) == want)
            .flat_map(|d| d.entries.iter().map(|e| (e.key.clone(), e.value.clone())))
            .collect()
    }

    pub fn is_test_file(&self, id: FileId) -> bool {
        let rel = self.rel(id);
        is_test_path(rel) || self.extra_test_dirs.iter().any(|d| walk::is_within(rel, d))
    }

    /// Every walked path with this kind.
    pub fn paths_of(&self, kind: FileKind) -> impl Iterator<Item = &str> {
        self.paths
            .iter()
            .filter(move |(_, k)| *k == kind)
            .map(|(p, _)| p.as_str())
    }

    pub fn has_lockfile(&self, dir: &str, names: &[&str]) -> bool {
        self.paths_of(FileKind::Lockfile)
            .any(|p| walk::parent_dir(p) == dir && names.contains(&walk::file_name(p)))
    }

    /// Manifests for an ecosystem in `dir` or any directory above it.
    pub fn manifests_above(&self, dir: &str, eco: Ecosystem) -> Vec<&ManifestModel> {
        self.manifests
            .iter()
            .filter(|m| m.manifest.kind.ecosystem() == eco && walk::is_within(dir, &m.dir))
            .collect()
    }

    /// Whether the project holds anything twelve checks: a manifest, Dockerfile, compose file,
    /// Kubernetes object, Helm chart, Procfile or source file. Without one there is nothing to
    /// score (and TF0003 says so).
    pub fn has_anything_to_check(&self) -> bool {
        self.paths.iter().any(|(_, k)| {
            matches!(
                k,
                FileKind::Dockerfile
                    | FileKind::Compose
                    | FileKind::Manifest
                    | FileKind::Python
                    | FileKind::JavaScript
                    | FileKind::TypeScript
                    | FileKind::Go
                    | FileKind::Rust
                    | FileKind::HelmChart
                    | FileKind::Procfile
            )
        }) || !self.k8s.is_empty()
    }

    /// The app whose build context holds `rel` (the deepest one).
    pub fn app_of_path(&self, rel: &str) -> Option<usize> {
        self.apps
            .iter()
            .enumerate()
            .filter_map(|(i, a)| {
                let c = a.context.as_deref()?;
                walk::is_within(rel, c).then_some((i, c.len()))
            })
            .max_by_key(|(_, l)| *l)
            .map(|(i, _)| i)
    }

    /// Whether a source file is code the app runs: not a test, example or docs tree (by
    /// default or by `test-paths`), not a build script.
    pub fn is_app_code(&self, src: &SourceModel) -> bool {
        !src.test_tree && !src.build_script && !self.is_test_file(src.file)
    }

    /// Every source file that is code an app runs (see `is_app_code`).
    pub fn app_code(&self) -> impl Iterator<Item = &SourceModel> {
        self.sources.iter().filter(|s| self.is_app_code(s))
    }

    /// The source files of an app's build context that are code it runs.
    pub fn sources_of_app(&self, ai: usize) -> impl Iterator<Item = &SourceModel> {
        self.sources
            .iter()
            .zip(&self.source_app)
            .filter(move |(py, app)| **app == Some(ai) && self.is_app_code(py))
            .map(|(py, _)| py)
    }

    /// Fold compose apps that are another app seen again into it: a service that only runs the
    /// image another service builds (same text after interpolation), or that only patches a
    /// service of its name in a sibling compose file. Renumbers the Dockerfile → app map.
    fn merge_image_only_services(&self, apps: &mut Vec<App>, df_app: &mut HashMap<usize, usize>) {
        let image_of = |(ci, si): (usize, usize)| {
            self.compose[ci].compose.services[si]
                .image
                .as_ref()
                .map(|i| i.text.trim().to_string())
                .filter(|t| t.chars().any(char::is_alphanumeric))
        };
        let mut by_image: HashMap<String, usize> = HashMap::new();
        for (ai, a) in apps.iter().enumerate() {
            if a.dockerfile.is_none() && a.context.is_none() {
                continue;
            }
            for cs in &a.compose {
                if let Some(img) = image_of(*cs) {
                    by_image.entry(img).or_insert(ai);
                }
            }
        }
        // a service with neither image nor build only patches the service of its name in
        // another compose file of its directory (`docker compose -f base.yaml -f patch.yaml`)
        let svc = |(ci, si): (usize, usize)| &self.compose[ci].compose.services[si];
        let patched = |ai: usize, (ci, si): (usize, usize)| {
            let (dir, name) = (&self.compose[ci].dir, &svc((ci, si)).name);
            apps.iter().enumerate().position(|(bi, b)| {
                bi != ai
                    && b.compose.iter().any(|&(cj, sj)| {
                        let other = svc((cj, sj));
                        cj != ci
                            && self.compose[cj].dir == *dir
                            && other.name == *name
                            && (other.image.is_some() || other.build.is_some())
                    })
            })
        };
        // the same image-only service (name and image) in sibling compose files is one app
        let same_image_before = |ai: usize, cs: (usize, usize)| {
            let (s, img) = (svc(cs), image_of(cs)?);
            apps[..ai].iter().position(|b| {
                b.dockerfile.is_none()
                    && b.context.is_none()
                    && matches!(b.compose.as_slice(), [other] if svc(*other).name == s.name
                        && self.compose[other.0].dir == self.compose[cs.0].dir
                        && image_of(*other).as_deref() == Some(img.as_str()))
            })
        };
        // a patch of a backing service (in the base file) is no app at all
        let patches_backing = |(ci, si): (usize, usize)| {
            let (dir, name) = (&self.compose[ci].dir, &svc((ci, si)).name);
            self.services.iter().any(|b| {
                b.name == *name
                    && self.compose.iter().any(|c| {
                        c.file == b.origin.file && c.file != self.compose[ci].file && c.dir == *dir
                    })
            })
        };
        // per app: None, keep it; Some(Some(t)), fold it into app t; Some(None), drop it
        let merged: Vec<Option<Option<usize>>> = apps
            .iter()
            .enumerate()
            .map(|(ai, a)| match a.compose.as_slice() {
                [cs] if a.dockerfile.is_none() && a.context.is_none() => {
                    let s = svc(*cs);
                    if s.image.is_none() && s.build.is_none() {
                        match patched(ai, *cs) {
                            Some(t) => Some(Some(t)),
                            None if patches_backing(*cs) => Some(None),
                            None => None,
                        }
                    } else {
                        image_of(*cs)
                            .and_then(|img| by_image.get(&img).copied())
                            .filter(|t| *t != ai)
                            .or_else(|| same_image_before(ai, *cs))
                            .map(Some)
                    }
                }
                _ => None,
            })
            .collect();
        if merged.iter().all(Option::is_none) {
            return;
        }
        // follow folds to the app that stays (a fold into a folded app goes on to its target)
        let resolve = |mut t: usize| {
            for _ in 0..apps.len() {
                match merged[t] {
                    Some(Some(next)) => t = next,
                    Some(None) => return None,
                    None => return Some(t),
                }
            }
            None
        };
        let targets: Vec<Option<usize>> = merged
            .iter()
            .map(|m| match m {
                Some(Some(t)) => resolve(*t),
                _ => None,
            })
            .collect();
        for (ai, target) in targets.iter().enumerate() {
            if let Some(t) = target {
                let links = apps[ai].compose.clone();
                apps[*t].compose.extend(links);
            }
        }
        let mut new_index = vec![0; apps.len()];
        let mut kept = Vec::new();
        for (ai, a) in std::mem::take(apps).into_iter().enumerate() {
            if merged[ai].is_none() {
                new_index[ai] = kept.len();
                kept.push(a);
            }
        }
        *apps = kept;
        for v in df_app.values_mut() {
            *v = new_index[*v];
        }
    }

    /// Why each compose service is a development service, if it is one. A `*prod*` sibling
    /// does not make a compose file a development one: it is as often an override applied on
    /// top of it (`-f compose.yaml -f compose.prod.yaml`), so the base reaches production too.
    fn mark_dev_services(&mut self) {
        for cm in &mut self.compose {
            let file_dev = cm.dev.then(|| {
                let rel = self.files[cm.file.0 as usize].rel.as_str();
                format!("`{}` is a development file", walk::file_name(rel))
            });
            cm.dev_services = cm
                .compose
                .services
                .iter()
                .map(|s| file_dev.clone().or_else(|| dev_service(s)))
                .collect();
        }
    }

    /// Why the compose service named `name` of `cm` is a development service, if it is one.
    pub fn dev_service<'a>(&self, cm: &'a ComposeModel, name: &str) -> Option<&'a str> {
        let si = cm.compose.services.iter().position(|s| s.name == name)?;
        cm.dev_services.get(si)?.as_deref()
    }

    /// The build tool that builds and tags `image` at deploy time, if one does: a Skaffold or
    /// Tilt artifact of the same repository, a `ko://` import path, or a name a kustomization's
    /// `images:` gives a tag.
    pub fn build_artifact(&self, image: &str) -> Option<&'static str> {
        let image = image.trim();
        if image.starts_with("ko://") {
            return Some("ko");
        }
        let repo = ImageRef::parse(image).repository;
        if let Some(a) = self
            .build_artifacts
            .iter()
            .find(|a| ImageRef::parse(&a.image).repository == repo)
        {
            return Some(a.tool);
        }
        self.kustomizations
            .iter()
            .flat_map(|k| &k.k.images)
            .any(|(name, _, tag, _)| *name == repo && tag.is_some())
            .then_some("kustomize")
    }

    /// The kind a user gave a component in `[components]`.
    fn overridden(&self, key: &str) -> Option<components::Verdict> {
        self.component_overrides
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, kind)| components::verdict(*kind, "set in twelve.toml"))
    }

    /// A component in a test, example or docs tree is tooling.
    fn in_test_tree(&self, file: FileId) -> Option<components::Verdict> {
        self.is_test_file(file).then(|| {
            components::verdict(components::Kind::Tooling, "in a test, example or docs tree")
        })
    }

    /// What a compose service is, from its build, image, environment, volumes and name.
    fn classify_service(
        &self,
        cm: &ComposeModel,
        svc: &Service,
        dockerfile: Option<usize>,
    ) -> components::Verdict {
        use components::{Kind, verdict};
        let key = format!("{}:{}", self.rel(cm.file), svc.name);
        if let Some(v) = self.overridden(&key).or_else(|| self.in_test_tree(cm.file)) {
            return v;
        }
        if let Some(b) = &svc.build {
            let df = dockerfile.map(|d| &self.dockerfiles[d]);
            return match df.and_then(|d| Some((d.backing?, d.final_stage()?.base.clone()?))) {
                Some((kind, base)) => components::Verdict {
                    kind: Kind::Backing,
                    evidence: format!("built here FROM `{base}`, a {kind} server"),
                    service: Some(kind),
                },
                None => verdict(Kind::App, format!("built here from `{}`", b.context)),
            };
        }
        let Some(image) = svc.image.as_ref().map(|i| i.text.as_str()) else {
            return verdict(
                Kind::App,
                "no image or build: completes a service of its name",
            );
        };
        let targets = || svc.volumes.iter().map(|v| v.target.as_str());
        components::by_image(image)
            .or_else(|| {
                components::by_signals(svc.environment.iter().map(|e| e.key.as_str()), targets())
            })
            .or_else(|| components::by_name(&svc.name, targets()))
            .unwrap_or_else(|| {
                verdict(
                    Kind::App,
                    format!("runs `{image}`, not a known service or product"),
                )
            })
    }

    /// What a Kubernetes workload is, from its kind, hooks, host access and main container.
    /// `built` says whether an image is one this repository builds.
    fn classify_workload(
        &self,
        km: &K8sModel,
        built: &dyn Fn(&str) -> bool,
    ) -> components::Verdict {
        use components::{Kind, verdict};
        let o = &km.object;
        let key = format!(
            "{}:{}",
            self.rel(km.file),
            o.name.as_deref().unwrap_or(&o.kind)
        );
        if let Some(v) = self.overridden(&key).or_else(|| self.in_test_tree(km.file)) {
            return v;
        }
        if components::helm_test_hook(&o.annotations) {
            return verdict(Kind::Tooling, "a Helm test hook");
        }
        let Some(pod) = &o.pod else {
            return verdict(Kind::Placeholder, "no pod template");
        };
        if let Some(v) = components::node_agent(&o.kind, pod.host_namespaces, &pod.host_paths) {
            return v;
        }
        let main = components::main_container(
            pod.containers
                .iter()
                .map(|c| c.image.as_ref().map(|i| i.text.as_str())),
        );
        let Some(c) = pod.containers.get(main) else {
            return verdict(Kind::Placeholder, "no containers");
        };
        let image = c.image.as_ref().map(|i| i.text.as_str()).unwrap_or("");
        if built(image) {
            return verdict(
                Kind::App,
                match self.build_artifact(image) {
                    Some(tool) => format!("runs `{image}`, a {tool} artifact built here"),
                    None => format!("runs `{image}`, built here"),
                },
            );
        }
        let mounts = || c.mounts.iter().map(|m| m.1.as_str());
        components::by_image(image)
            .or_else(|| components::by_signals(c.env.iter().map(|e| e.name.as_str()), mounts()))
            .or_else(|| components::by_name(o.name.as_deref().unwrap_or(""), mounts()))
            .unwrap_or_else(|| {
                verdict(
                    Kind::App,
                    format!("runs `{image}`, not a known service or product"),
                )
            })
    }

    /// Build links: Dockerfile ↔ compose services (context + dockerfile) ↔ k8s workloads
    /// (image repository name); classify every component.
    fn link(&mut self) {
        use components::{Component, Kind, Site};
        let mut apps: Vec<App> = Vec::new();
        let mut df_app: HashMap<usize, usize> = HashMap::new();
        let mut compose_backing: Vec<usize> = Vec::new();
        let mut comps: Vec<Component> = Vec::new();
        // compose services first: they may set a Dockerfile's context
        for (ci, cm) in self.compose.iter().enumerate() {
            for (si, svc) in cm.compose.services.iter().enumerate() {
                let build = svc.build.as_ref().and_then(|b| {
                    let context = walk::join(&cm.dir, &b.context)?;
                    let df_rel = match &b.dockerfile {
                        Some(d) => walk::join(&context, d),
                        None => walk::join(&context, "Dockerfile"),
                    };
                    let df_idx = df_rel.and_then(|r| {
                        self.dockerfiles
                            .iter()
                            .position(|d| self.files[d.file.0 as usize].rel == r)
                    });
                    Some((context, df_idx))
                });
                let v = self.classify_service(cm, svc, build.as_ref().and_then(|b| b.1));
                let origin = Origin::new(cm.file, svc.name_span.clone());
                comps.push(Component {
                    key: format!("{}:{}", self.rel(cm.file), svc.name),
                    name: svc.name.clone(),
                    site: Site::Compose {
                        compose: ci,
                        service: si,
                    },
                    kind: v.kind,
                    evidence: v.evidence.clone(),
                    origin: origin.clone(),
                });
                let image = svc.image.as_ref().map(|i| i.text.as_str()).unwrap_or("");
                match v.kind {
                    Kind::App => {}
                    Kind::Backing => {
                        let base = build.as_ref().and_then(|(context, df)| {
                            let d = &self.dockerfiles[(*df)?];
                            compose_backing.push((*df)?);
                            Some((context.clone(), d.final_stage()?.base.clone()?))
                        });
                        self.services.push(BackingService {
                            name: svc.name.clone(),
                            kind: v.service.unwrap_or("service").into(),
                            image: base.map(|b| b.1).unwrap_or_else(|| image.into()),
                            origin,
                        });
                        continue;
                    }
                    Kind::Product => {
                        self.services.push(BackingService {
                            name: svc.name.clone(),
                            kind: "infrastructure".into(),
                            image: image.into(),
                            origin,
                        });
                        continue;
                    }
                    Kind::NodeAgent | Kind::Placeholder | Kind::Tooling => continue,
                }
                match build {
                    Some((context, Some(di))) => {
                        let ai = *df_app.entry(di).or_insert_with(|| {
                            apps.push(App {
                                name: svc.name.clone(),
                                dockerfile: Some(di),
                                context: Some(context.clone()),
                                compose: Vec::new(),
                                k8s: Vec::new(),
                            });
                            apps.len() - 1
                        });
                        apps[ai].compose.push((ci, si));
                    }
                    Some((context, None)) => apps.push(App {
                        name: svc.name.clone(),
                        dockerfile: None,
                        context: Some(context),
                        compose: vec![(ci, si)],
                        k8s: Vec::new(),
                    }),
                    None => apps.push(App {
                        name: svc.name.clone(),
                        dockerfile: None,
                        context: None,
                        compose: vec![(ci, si)],
                        k8s: Vec::new(),
                    }),
                }
            }
        }
        // a Dockerfile's context is the one a compose service builds it with
        for c in &comps {
            if let Site::Compose { compose, service } = c.site
                && let Some(b) = &self.compose[compose].compose.services[service].build
                && let Some(context) = walk::join(&self.compose[compose].dir, &b.context)
                && let Some(di) = df_app
                    .iter()
                    .find(|(_, ai)| apps[**ai].compose.contains(&(compose, service)))
                    .map(|(di, _)| *di)
                    .or_else(|| {
                        compose_backing.iter().copied().find(|d| {
                            let r = match &b.dockerfile {
                                Some(d) => walk::join(&context, d),
                                None => walk::join(&context, "Dockerfile"),
                            };
                            r.as_deref() == Some(self.rel(self.dockerfiles[*d].file))
                        })
                    })
            {
                self.dockerfiles[di].context = context;
            }
        }
        // a service that only runs the image another compose service builds (the same service
        // in another compose file) is that app, not one more
        self.merge_image_only_services(&mut apps, &mut df_app);
        // every Dockerfile is a component; those not built by compose are apps of their own
        // directory
        for (di, d) in self.dockerfiles.iter().enumerate() {
            let rel = self.rel(d.file).to_string();
            let v = self
                .overridden(&rel)
                .or_else(|| self.in_test_tree(d.file))
                .unwrap_or_else(|| {
                    match (d.backing, d.final_stage().and_then(|s| s.base.clone())) {
                        (Some(kind), Some(base)) => components::Verdict {
                            kind: Kind::Backing,
                            evidence: format!("FROM `{base}`, a {kind} server"),
                            service: Some(kind),
                        },
                        _ => components::verdict(Kind::App, "an image built here"),
                    }
                });
            comps.push(Component {
                key: rel,
                name: d.dir.rsplit('/').next().unwrap_or("").to_string(),
                site: Site::Dockerfile { dockerfile: di },
                kind: v.kind,
                evidence: v.evidence,
                origin: Origin::new(d.file, 0..0),
            });
            if df_app.contains_key(&di) || v.kind != Kind::App {
                continue;
            }
            let name = match d.dir.rsplit('/').next() {
                Some(n) if !n.is_empty() => n.to_string(),
                _ => {
                    // the directory checked (the parent, when a single file was given)
                    let dir = self.root.canonicalize().ok().map(|r| match r.is_file() {
                        true => r.parent().map(Path::to_path_buf).unwrap_or(r),
                        false => r,
                    });
                    dir.and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
                        .unwrap_or_else(|| "app".into())
                }
            };
            df_app.insert(di, apps.len());
            apps.push(App {
                name,
                dockerfile: Some(di),
                context: Some(d.context.clone()),
                compose: Vec::new(),
                k8s: Vec::new(),
            });
        }
        // the names an app's image may go by, best evidence first: the compose `image:` that
        // names the build output, the Dockerfile's directory, the app (service) name
        let built_names: Vec<Vec<(String, u8)>> = apps
            .iter()
            .map(|a| {
                let mut names: Vec<(String, u8)> = a
                    .compose
                    .iter()
                    .filter_map(|(ci, si)| {
                        let s = &self.compose[*ci].compose.services[*si];
                        s.image
                            .as_ref()
                            .map(|i| (ImageRef::parse(&i.text).name().to_string(), 0))
                    })
                    .collect();
                if let Some(di) = a.dockerfile {
                    let dir = &self.dockerfiles[di].dir;
                    if let Some(n) = dir.rsplit('/').next().filter(|n| !n.is_empty()) {
                        names.push((n.to_string(), 1));
                    }
                }
                names.push((a.name.clone(), 2));
                names
            })
            .collect();
        let built_by = |image: &str| {
            let name = ImageRef::parse(image).name().to_string();
            built_names
                .iter()
                .enumerate()
                .filter_map(|(ai, names)| {
                    names
                        .iter()
                        .filter(|(n, _)| *n == name)
                        .map(|(_, rank)| (*rank, ai))
                        .min()
                })
                .min()
                .map(|(_, ai)| ai)
        };
        // an image this repository builds: one an app of a Dockerfile here goes by
        let builds: Vec<bool> = apps
            .iter()
            .map(|a| a.dockerfile.is_some() || a.context.is_some())
            .collect();
        let artifacts: Vec<String> = self
            .k8s
            .iter()
            .filter_map(|k| k.object.pod.as_ref())
            .flat_map(|pod| pod.containers.iter().filter_map(|c| c.image.as_ref()))
            .filter(|i| self.build_artifact(&i.text).is_some())
            .map(|i| i.text.clone())
            .collect();
        let built = |image: &str| {
            built_by(image).is_some_and(|ai| builds[ai]) || artifacts.iter().any(|a| a == image)
        };
        for (oi, km) in self.k8s.iter().enumerate() {
            let Some(pod) = &km.object.pod else { continue };
            // a patch is part of a workload stated elsewhere; a copy is that workload again
            if self.is_patch_or_copy(oi) {
                continue;
            }
            let v = self.classify_workload(km, &built);
            let name = km
                .object
                .name
                .clone()
                .unwrap_or_else(|| km.object.kind.clone());
            let at = Origin::new(km.file, km.object.kind_span.clone());
            comps.push(Component {
                key: format!("{}:{name}", self.rel(km.file)),
                name: name.clone(),
                site: Site::Kubernetes { object: oi },
                kind: v.kind,
                evidence: v.evidence.clone(),
                origin: at.clone(),
            });
            match v.kind {
                Kind::App => {}
                Kind::Backing => {
                    let main = components::main_container(
                        pod.containers
                            .iter()
                            .map(|c| c.image.as_ref().map(|i| i.text.as_str())),
                    );
                    let image = pod.containers.get(main).and_then(|c| c.image.as_ref());
                    self.services.push(BackingService {
                        name,
                        kind: v.service.unwrap_or("service").into(),
                        image: image.map(|i| i.text.clone()).unwrap_or_default(),
                        origin: image.map_or(at, |i| Origin::new(km.file, i.span.clone())),
                    });
                    continue;
                }
                _ => continue,
            }
            // the app's containers: not a sidecar (a proxy, an exporter) or a product beside
            // it, unless that is all the pod runs (a kind set in the config)
            let beside = |image: &str| {
                !built(image)
                    && (components::is_sidecar(image)
                        || images::is_infra(image)
                        || images::backing_kind(image).is_some())
            };
            let main = components::main_container(
                pod.containers
                    .iter()
                    .map(|c| c.image.as_ref().map(|i| i.text.as_str())),
            );
            let all_beside = pod
                .containers
                .iter()
                .all(|c| c.image.as_ref().is_none_or(|i| beside(&i.text)));
            for (ci, c) in pod.containers.iter().enumerate() {
                let Some(image) = &c.image else { continue };
                if beside(&image.text) && !(all_beside && ci == main) {
                    continue;
                }
                match built_by(&image.text) {
                    Some(ai) => apps[ai].k8s.push((oi, ci)),
                    None => apps.push(App {
                        name: km
                            .object
                            .name
                            .clone()
                            .unwrap_or_else(|| ImageRef::parse(&image.text).name().to_string()),
                        dockerfile: None,
                        context: None,
                        compose: Vec::new(),
                        k8s: vec![(oi, ci)],
                    }),
                }
            }
        }
        for (pi, pf) in self.procfiles.iter().enumerate() {
            for (ei, (name, _, span)) in pf.entries.iter().enumerate() {
                let key = format!("{}:{name}", self.rel(pf.file));
                let v = self
                    .overridden(&key)
                    .or_else(|| self.in_test_tree(pf.file))
                    .unwrap_or_else(|| components::verdict(Kind::App, "a Procfile process"));
                comps.push(Component {
                    key,
                    name: name.clone(),
                    site: Site::Procfile {
                        procfile: pi,
                        entry: ei,
                    },
                    kind: v.kind,
                    evidence: v.evidence,
                    origin: Origin::new(pf.file, span.clone()),
                });
            }
        }
        for (di, d) in self.dockerfiles.iter().enumerate() {
            if compose_backing.contains(&di) {
                continue;
            }
            let backing = comps
                .iter()
                .any(|c| c.site == Site::Dockerfile { dockerfile: di } && c.kind == Kind::Backing);
            if backing {
                self.services.push(BackingService {
                    name: d.dir.rsplit('/').next().unwrap_or("").to_string(),
                    kind: d.backing.unwrap_or("service").into(),
                    image: d
                        .final_stage()
                        .and_then(|s| s.base.clone())
                        .unwrap_or_default(),
                    origin: Origin::new(d.file, 0..0),
                });
            }
        }
        self.apps = apps;
        self.components = comps;
        self.source_app = self
            .sources
            .iter()
            .map(|py| self.app_of_path(&self.files[py.file.0 as usize].rel))
            .collect();
    }

    /// Kubernetes Services (indices into `k8s`) whose selector picks the pods of workload `oi`:
    /// a non-empty selector whose every label the pod template carries, in the same namespace.
    pub fn services_selecting(&self, oi: usize) -> Vec<usize> {
        let w = &self.k8s[oi].object;
        let Some(pod) = &w.pod else { return Vec::new() };
        let ns = |o: &Object| o.namespace.as_ref().map(|n| n.text.clone());
        self.k8s
            .iter()
            .enumerate()
            .filter(|(_, s)| {
                s.object.kind == "Service"
                    && !s.object.selector.is_empty()
                    && ns(&s.object) == ns(w)
                    && s.object.selector.iter().all(|kv| pod.labels.contains(kv))
            })
            .filter(|(si, _)| self.same_k8s_unit(oi, *si))
            .map(|(i, _)| i)
            .collect()
    }

    /// Compose services that run an app (not backing services).
    pub fn app_services(&self) -> impl Iterator<Item = (usize, &ComposeModel, &Service)> {
        self.apps.iter().enumerate().flat_map(move |(ai, a)| {
            a.compose.iter().map(move |(ci, si)| {
                let cm = &self.compose[*ci];
                (ai, cm, &cm.compose.services[*si])
            })
        })
    }
}

/// A compose service's own signs of development: a dev server or reloader as its command, a
/// dev build stage, an anonymous volume keeping the image's `node_modules` under mounted source.
fn dev_service(s: &Service) -> Option<String> {
    let words: Vec<&str> = [&s.entrypoint, &s.command]
        .into_iter()
        .flatten()
        .flat_map(|c| match c {
            compose::CmdValue::String(t) => t.text.split_whitespace().collect::<Vec<_>>(),
            compose::CmdValue::List(l) => l
                .iter()
                .flat_map(|w| w.text.split_whitespace())
                .collect::<Vec<_>>(),
        })
        .collect();
    if let Some(w) = commands::dev_server(&words) {
        return Some(format!("runs `{w}`, a development server"));
    }
    if let Some(t) = s.build.as_ref().and_then(|b| b.target.as_deref()) {
        let lower = t.to_ascii_lowercase();
        if ["dev", "development", "develop", "local", "debug"].contains(&lower.as_str()) {
            return Some(format!("builds the `{t}` stage"));
        }
    }
    let anonymous_modules = s
        .volumes
        .iter()
        .any(|v| v.source.is_none() && v.target.trim_end_matches('/').ends_with("/node_modules"));
    if anonymous_modules && s.volumes.iter().any(|v| v.bind) {
        return Some("mounts its source, keeping `node_modules` in an anonymous volume".into());
    }
    None
}

fn one_line(s: &str) -> String {
    let first = s.lines().next().unwrap_or("").trim();
    first.trim_end_matches('.').to_string()
}

fn lower_dockerfile(file: FileId, rel: &str, df: Dockerfile) -> DockerfileModel {
    let dir = walk::parent_dir(rel).to_string();
    let mut global_args = HashMap::new();
    let mut stages: Vec<Stage> = Vec::new();
    for (i, ins) in df.instructions.iter().enumerate() {
        match &ins.kind {
            Kind::Arg(kvs) if stages.is_empty() => {
                for kv in kvs {
                    global_args.insert(kv.key.clone(), kv.value.clone().unwrap_or_default());
                }
            }
            Kind::From { image, name } => {
                if let Some(last) = stages.last_mut() {
                    last.end = i;
                }
                let base = dockerfile::substitute(&image.text, &global_args);
                let parent = base.as_deref().and_then(|b| {
                    stages
                        .iter()
                        .position(|s| s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(b)))
                });
                stages.push(Stage {
                    from: i,
                    end: df.instructions.len(),
                    base,
                    name: name.as_ref().map(|n| n.text.clone()),
                    parent,
                });
            }
            _ => {}
        }
    }
    let backing = stages.last().and_then(|s| {
        if s.parent.is_some() {
            return None;
        }
        s.base.as_deref().and_then(images::backing_kind)
    });
    DockerfileModel {
        file,
        context: dir.clone(),
        dev: is_dev_path(rel),
        dir,
        df,
        stages,
        global_args,
        backing,
    }
}

#[cfg(test)]
mod tests {
    use super::is_test_path;

    #[test]
    fn erb_and_jinja_are_templates() {
        assert!(super::looks_templated(
            "blob: <%= ActiveStorage::FixtureSet.blob filename: \"a.png\" %>\n"
        ));
        assert!(super::looks_templated("<% if x %>\nkey: v\n<% end %>\n"));
        assert!(super::looks_templated("image: {{ .Values.image }}\n"));
        assert!(!super::looks_templated("a: 1 # 100% <= b\n"));
    }

    #[test]
    fn test_example_and_fixture_trees() {
        for rel in [
            "tests/compose.yaml",
            "frontend/dockerfile/parser/testfiles/nginx/Dockerfile",
            "parser/testfiles-negative/env_no_value/Dockerfile",
            "parser/testfile-line/Dockerfile",
            "pkg/test-fixtures/k8s.yaml",
            "src/__fixtures__/app.js",
            "api/app_test.go",
            "docs/examples/compose.yaml",
        ] {
            assert!(is_test_path(rel), "{rel}");
        }
        for rel in [
            "Dockerfile",
            "testing/Dockerfile",
            "contest/app.py",
            "latest/compose.yaml",
            "k8s/tests.yaml",
        ] {
            assert!(!is_test_path(rel), "{rel}");
        }
    }
}
