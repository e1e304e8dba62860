//! The project model: every file parsed once, lowered into apps and backing services whose
//! facts carry their origin. Rules read only this.

pub mod code;
pub mod commands;
pub mod components;
pub mod configs;
pub mod env;
mod facts;
pub mod helm;
pub mod images;
pub mod index;
mod link;
mod load;
mod logs;
mod lower;
pub mod ownership;
pub mod ports;
pub mod processes;
pub mod reach;
pub mod secrets;
pub mod units;

pub use facts::{in_test_tree, is_dev_path, is_migration_marker, is_test_path};

use crate::parse::compose::{ComposeFile, Service};
use crate::parse::dockerfile::{self, Dockerfile, Kind};
use crate::parse::k8s::Object;
use crate::parse::manifest::{Ecosystem, Manifest};
use crate::parse::python::CodeFacts;
use crate::parse::shell::Script;
use crate::parse::yaml::Yaml;
use crate::parse::{compose, dotenv, k8s, manifest, shell, yaml};
use crate::source::{FileId, Origin, SourceFile};
use crate::walk::{self, FileKind, Found, Notice, WalkOptions};
use foldhash::HashMap;
use images::ImageRef;
use rayon::prelude::*;
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
                            let v =
                                dockerfile::substitute(v, &vars).unwrap_or_else(|| v.to_string());
                            vars.insert(kv.key.to_string(), v);
                        } else {
                            vars.entry(kv.key.to_string()).or_default();
                        }
                    }
                }
            }
        }
        vars
    }
    /// The image a `COPY --from=` at instruction `ins` names, its variables substituted with
    /// the values its stage sees (`--from=busybox:${TAG:-latest}`); `None` when it names a
    /// stage, or depends on a variable with no value.
    pub fn copy_from_image(&self, ins: usize) -> Option<String> {
        let Kind::Copy {
            from: Some(from), ..
        } = &self.df.instructions.get(ins)?.kind
        else {
            return None;
        };
        let is_stage = |name: &str| {
            name.parse::<usize>().is_ok()
                || self.stages.iter().any(|s| {
                    s.name
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(name))
                })
        };
        if is_stage(from) {
            return None;
        }
        if !from.contains('$') {
            return Some(from.clone());
        }
        let stage = self
            .stages
            .iter()
            .position(|s| s.from <= ins && ins < s.end)?;
        let image = dockerfile::substitute(from, &self.stage_vars(stage))?;
        (!image.contains('$') && !is_stage(&image)).then_some(image)
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
    /// For an override file (`compose.override.yaml`, `docker-compose.override.yml`): the
    /// file of its directory that `docker compose` merges it onto by default (index into
    /// `compose`). The two are one project.
    pub merged_onto: Option<usize>,
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
    /// The chart and values it was rendered from, when a Helm template produced it (its
    /// spans are then on the template).
    pub helm: Option<helm::HelmOrigin>,
}

#[derive(Debug)]
pub struct DockerIgnore {
    patterns: Box<str>,
    matcher: std::sync::OnceLock<Option<ignore::gitignore::Gitignore>>,
}

impl DockerIgnore {
    pub fn new(text: &str) -> DockerIgnore {
        DockerIgnore {
            patterns: text.into(),
            matcher: std::sync::OnceLock::new(),
        }
    }

    /// The matcher of its patterns (`None` when they do not build one).
    pub fn matcher(&self) -> Option<&ignore::gitignore::Gitignore> {
        self.matcher
            .get_or_init(|| {
                let mut b = ignore::gitignore::GitignoreBuilder::new("");
                for line in self.patterns.lines() {
                    let _ = b.add_line(None, line);
                }
                b.build().ok()
            })
            .as_ref()
    }
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
    /// Where its facts are in `Project::code_tables` (read them with `Project::code`), and
    /// the facts few files have.
    pub facts: code::FileFacts,
    /// A Rust build script (`build.rs` beside `Cargo.toml`): it runs at build time, so what
    /// it reads is the build's environment, not the app's.
    pub build_script: bool,
    /// JavaScript a bundler reads or compiles (see `mark_bundled_code`): its
    /// `process.env.NODE_ENV` is replaced at build time. Why, for `twelve model`, is in
    /// `Project::bundled_code`.
    pub bundled: bool,
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

/// A logging configuration entry that writes logs to a file.
#[derive(Debug, Clone)]
pub struct LogFile {
    /// The appender, handler or setting.
    pub origin: Origin,
    /// What it is, for a message (`RollingFileAppender writes logs to a file`).
    pub what: String,
}

/// Who makes a secret of a committed file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretSource {
    /// A compose file's top-level `secrets:` (index into `compose`).
    Compose(usize),
    /// A kustomization's `secretGenerator:` (index into `kustomizations`).
    Kustomize(usize),
}

/// A committed file that compose or kustomize makes a secret of.
#[derive(Debug, Clone)]
pub struct SecretFile {
    /// The file read.
    pub file: FileId,
    /// The secret's name (`db_password`; a generator's name).
    pub name: String,
    /// Where the file is named.
    pub reference: Origin,
    pub by: SecretSource,
}

/// An app configuration file that is not YAML, with its string settings.
#[derive(Debug)]
pub struct ConfigFileModel {
    pub file: FileId,
    pub settings: Vec<crate::parse::settings::Setting>,
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
    /// The directory of the facts cache; `None` parses every source file.
    pub cache_dir: Option<PathBuf>,
    /// Files (relative to the root) the run reports on; `None` for the whole repository.
    /// Source code outside the projects holding them is not read.
    pub focus: Option<Vec<String>>,
}

#[derive(Debug, Default)]
pub struct Project {
    pub root: PathBuf,
    pub files: Vec<SourceFile>,
    /// Every file the walk found, read or not, with its kind.
    pub paths: crate::source::PathList<FileKind>,
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
    /// Why a source file (an index into `sources`) is bundled code (see `SourceModel::bundled`).
    pub bundled_code: std::collections::BTreeMap<usize, Box<str>>,
    pub scripts: Vec<ScriptModel>,
    pub dotenvs: Vec<DotEnvModel>,
    pub procfiles: Vec<ProcfileModel>,
    /// Helm chart directories.
    pub charts: Vec<String>,
    /// Helm templates (text only, never parsed as YAML).
    pub helm_templates: Vec<FileId>,
    /// Helm values files, parsed.
    pub helm_values: Vec<(FileId, Vec<Yaml>)>,
    /// Every chart template as rendered, per values file.
    pub helm_renders: Vec<helm::RenderedTemplate>,
    /// Per template file, the spans of actions that print a values field, the values line
    /// that set it, and whether that line is an environment's (its values file overrides the
    /// defaults there).
    pub helm_sites: HashMap<FileId, Vec<(crate::source::Span, Origin, bool)>>,
    /// Values files of charts whose every template rendered with the defaults.
    pub rendered_values: Vec<FileId>,
    /// Other YAML documents that are not Kubernetes objects (app config, CI files…).
    pub other_yaml: Vec<(FileId, Vec<Yaml>)>,
    /// App configuration files that are not YAML (TOML, JSON, INI, properties).
    pub config_files: Vec<ConfigFileModel>,
    /// Logging configuration that sends logs to files: XML appenders, log4rs, Spring, Python
    /// `fileConfig`/`dictConfig` files, log4j properties, Serilog JSON.
    pub log_files: Vec<LogFile>,
    /// Production config settings that point a backing service at localhost.
    pub config_loopbacks: Vec<configs::ConfigLoopback>,
    /// Literal backing-service addresses in app config files every environment loads.
    pub config_hosts: Vec<configs::ConfigHost>,
    /// What each Skaffold config deploys, by profile.
    pub skaffold_deploys: Vec<(FileId, Vec<crate::parse::buildtools::SkaffoldDeploy>)>,
    /// Build arguments a `RUN` sends as credentials.
    pub credential_args: Vec<secrets::CredentialArg>,
    /// Committed files that compose `secrets:` or a kustomize `secretGenerator:` read.
    pub secret_files: Vec<SecretFile>,
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
    /// Per file, whether it is in a test, example or docs tree (see `is_test_file`).
    test_files: Vec<bool>,
    /// For each entry of `python`, the app whose build context holds it.
    pub source_app: Vec<Option<u32>>,
    /// Per Dockerfile: its RUN steps as commands (instruction index, commands).
    pub runs: Vec<Vec<(usize, Vec<commands::Cmd>)>>,
    /// Per app: the command lines that start it.
    pub starts: Vec<Vec<commands::CommandLine>>,
    /// The commands systemd units run as their service starts (see `unit_start_commands`).
    pub unit_starts: Vec<commands::CommandLine>,
    /// Every value under a secret-like name or with a secret's shape, classified (see
    /// `secrets`): the secret rules judge these, reports mask the likely secrets.
    pub secrets: Vec<secrets::SecretSite>,
    /// The root is inside a git work tree.
    pub in_git: bool,
    /// The commit checked out there, and its branch (for the scorecard's pages).
    pub git_head: Option<crate::git::GitHead>,
    /// Each file read, by its path: per path the walk found (by `index.path`), its `FileId`
    /// (`u32::MAX`: not read), 4 bytes a path instead of a second map of every path.
    file_of_path: Vec<u32>,
    /// Files read whose path the walk did not list (none expected; kept for safety).
    files_off_walk: HashMap<crate::source::Rel, FileId>,
    /// Each `.dockerignore` read, by its directory: its patterns, made a matcher when first
    /// asked (a matcher is a kilobyte or more; a monorepo has thousands of these files).
    pub dockerignores: HashMap<String, DockerIgnore>,
    /// Helm templates that declare a hook (`helm.sh/hook`): one-off work a chart runs per
    /// release (migrations, tests).
    pub helm_hooks: Vec<FileId>,
    /// Which app owns each Dockerfile, compose service and workload, and what each app has.
    pub ownership: ownership::Ownership,
    /// Files that exist once per environment, with how alike they are (see
    /// `compute_environment_copies`): measured while their texts are read.
    pub environment_copies: Vec<units::EnvironmentCopy>,
    /// Lookups by key (see `index`).
    pub index: index::Index,
    /// Per file read by the walk, by `FileId`, the secrets its text holds by their shape (see
    /// `secrets::prescan`), found while it was read: source code keeps no text to scan later.
    /// Files read after the walk (committed secret files) are past its end, and scanned then.
    pub prescans: Vec<thin_vec::ThinVec<secrets::ShapeHit>>,
    /// The code facts of every entry of `sources` (see `code`).
    pub code_tables: code::CodeTables,
}

/// Hand the pages of memory freed so far back to the system, in a project of `files` files
/// read. glibc keeps freed memory in its arenas, one per thread that allocated, for that
/// thread to reuse: what the parallel phase parsed and dropped (trees, texts), and what the
/// rules read and the report does not, would stay resident while the serial steps allocate
/// anew (141 instead of 129 MB at 100,000 files). It costs a few milliseconds on a large
/// heap, a fraction of one on a small one, where there is little to give back: only projects of
/// thousands of files are worth it.
pub(crate) fn give_back_freed_memory(files: usize) {
    if files < 5_000 {
        return;
    }
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes no pointer; it only returns free pages to the system
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::is_test_path;
    use super::load::looks_templated;

    /// A monorepo holds one of these per file, per fact or per Kubernetes object, hundreds of
    /// thousands for a whole run: a field added to one grows its memory, so it is a choice
    /// made here, not by accident (see issue 14's memory goal).
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn the_records_a_monorepo_holds_many_of_stay_small() {
        use std::mem::size_of;
        let sizes = [
            ("SourceFile", size_of::<crate::source::SourceFile>(), 48),
            ("Rel", size_of::<crate::source::Rel>(), 16),
            ("Origin", size_of::<crate::source::Origin>(), 12),
            ("SourceModel", size_of::<super::SourceModel>(), 24),
            ("EnvRead", size_of::<crate::parse::code::EnvRead>(), 64),
            ("Option<Name>", size_of::<Option<crate::name::Name>>(), 4),
            ("Str", size_of::<crate::parse::compose::Str>(), 32),
            ("k8s Object", size_of::<crate::parse::k8s::Object>(), 152),
            (
                "k8s Container",
                size_of::<crate::parse::k8s::Container>(),
                128,
            ),
            ("k8s EnvVar", size_of::<crate::parse::k8s::EnvVar>(), 64),
            (
                "Dockerfile Instruction",
                size_of::<crate::parse::dockerfile::Instruction>(),
                88,
            ),
            (
                "Dockerfile Word",
                size_of::<crate::parse::dockerfile::Word>(),
                32,
            ),
            ("Cmd", size_of::<super::commands::Cmd>(), 56),
            (
                "Diagnostic",
                size_of::<crate::diagnostic::Diagnostic>(),
                144,
            ),
            ("Label", size_of::<crate::diagnostic::Label>(), 40),
        ];
        for (what, size, most) in sizes {
            assert!(size <= most, "{what} is {size} bytes, over its {most}");
        }
    }

    #[test]
    fn erb_and_jinja_are_templates() {
        assert!(looks_templated(
            "blob: <%= ActiveStorage::FixtureSet.blob filename: \"a.png\" %>\n"
        ));
        assert!(looks_templated("<% if x %>\nkey: v\n<% end %>\n"));
        assert!(looks_templated("image: {{ .Values.image }}\n"));
        assert!(!looks_templated("a: 1 # 100% <= b\n"));
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
            "src/test/java/app/DbTest.java",
            "app/src/main/java/app/UserServiceTests.java",
            "Shop.Api.Tests/LoginTests.cs",
            "Shop.IntegrationTests/Db.cs",
            "spec/models/user_spec.rb",
            "lib/user_spec.rb",
            "tests/Unit/UserTest.php",
            "src/UserTest.php",
        ] {
            assert!(is_test_path(rel), "{rel}");
        }
        for rel in [
            "Dockerfile",
            "testing/Dockerfile",
            "contest/app.py",
            "latest/compose.yaml",
            "k8s/tests.yaml",
            "src/main/java/app/Test.java",
            "src/main/java/app/Contest.java",
            "Shop.Api/Program.cs",
            "app/models/inspect.rb",
        ] {
            assert!(!is_test_path(rel), "{rel}");
        }
    }
}
