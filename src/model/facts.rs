//! What rules ask of the model: where a file is, whose it is, what a deployment provides.
//! Queries only; they compute from the model and never read file text.

use super::*;

/// Paths that are test, example or documentation trees.
pub fn is_test_path(rel: &str) -> bool {
    // no allocation: this runs for every file, several times
    let (dirs, name) = rel.rsplit_once('/').unwrap_or(("", rel));
    let starts = |d: &str, p: &str| d.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p));
    let ends = |d: &str, s: &str| {
        d.len() >= s.len()
            && d.get(d.len() - s.len()..)
                .is_some_and(|t| t.eq_ignore_ascii_case(s))
    };
    let test_dir = |d: &str| {
        const NAMES: [&str; 17] = [
            "test",
            "tests",
            "__tests__",
            "spec",
            "specs",
            "fixtures",
            "fixture",
            "__fixtures__",
            "testdata",
            "testfiles",
            "test-data",
            "test_data",
            "examples",
            "example",
            "docs",
            "doc",
            "e2e",
        ];
        NAMES.iter().any(|n| d.eq_ignore_ascii_case(n))
            // `testfiles-negative/`, `testfile-line/`, `test-fixtures/`, `tests_e2e/`
            || starts(d, "testfile")
            || starts(d, "testdata")
            // .NET test projects: `Api.Tests/`, `Shop.UnitTests/`, `Shop.IntegrationTests/`
            || ends(d, ".tests")
            || ends(d, ".test")
            || ends(d, "unittests")
            || ends(d, "integrationtests")
            || ["test-", "test_", "tests-", "tests_"]
                .iter()
                .any(|p| starts(d, p))
    };
    (!dirs.is_empty() && dirs.split('/').any(test_dir))
        || name.starts_with("test_")
        || name.contains("_test.")
        || name.contains(".spec.")
        || name.contains(".test.")
        || name == "conftest.py"
        // JUnit, xUnit/NUnit, PHPUnit and Ruby conventions
        || ["Test.java", "Tests.java", "IT.java", "Test.kt", "Tests.cs", "Test.cs", "Test.php"]
            .iter()
            .any(|s| name.ends_with(s) && name.len() > s.len())
        || name.ends_with("_spec.rb")
        // Rust's `#[cfg(test)] mod tests;` in a file of its own
        || name == "tests.rs"
}

/// Whether a path is in a test, example or docs tree: by default (`is_test_path`) or under a
/// directory the `test-paths` setting adds.
pub fn in_test_tree(rel: &str, extra_dirs: &[String]) -> bool {
    is_test_path(rel) || extra_dirs.iter().any(|d| walk::is_within(rel, d))
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

    /// The first line of a file read: where a finding about the whole file points.
    pub fn file_origin(&self, id: FileId) -> Origin {
        Origin::new(id, self.file(id).line_span(1))
    }

    /// The file read at `rel`, if it was read.
    pub fn file_at(&self, rel: &str) -> Option<FileId> {
        match self.path_index(rel) {
            Some(pi) => self
                .file_of_path
                .get(pi)
                .filter(|id| **id != u32::MAX)
                .map(|id| FileId(*id)),
            None => self.files_off_walk.get(rel).copied(),
        }
    }

    /// Record where a file read is, for `file_at`.
    pub(super) fn index_file(&mut self, rel: &crate::source::Rel, id: FileId) {
        match self.path_index(rel) {
            Some(pi) => {
                if self.file_of_path.len() <= pi {
                    self.file_of_path.resize(pi + 1, u32::MAX);
                }
                self.file_of_path[pi] = id.0;
            }
            None => {
                self.files_off_walk.insert(rel.clone(), id);
            }
        }
    }

    /// Whether the walk read any file.
    pub fn has_files(&self) -> bool {
        !self.files.is_empty()
    }

    /// Whether `.dockerignore` of the build context `context` leaves `path` (relative to the
    /// context) out of the image; `None` when the context has no `.dockerignore`.
    pub fn dockerignored(&self, context: &str, path: &str) -> Option<bool> {
        let matcher = self.dockerignores.get(context)?.matcher()?;
        Some(matcher.matched_path_or_any_parents(path, false).is_ignore())
    }

    pub fn rel(&self, id: FileId) -> &str {
        &self.files[id.0 as usize].rel
    }

    /// The code facts of source file `s` (an entry of `sources`).
    pub fn code<'a>(&'a self, s: &'a SourceModel) -> super::code::Code<'a> {
        self.code_tables.get(&s.facts)
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
        match self.test_files.get(id.0 as usize) {
            Some(known) => *known,
            None => self.path_is_test(self.rel(id)),
        }
    }

    /// Whether a path is in a test, example or docs tree, by default or by `test-paths`.
    fn path_is_test(&self, rel: &str) -> bool {
        in_test_tree(rel, &self.extra_test_dirs)
    }

    /// `is_test_file` of every file, once: rules ask it of the same files again and again.
    pub(super) fn index_test_files(&mut self) {
        self.test_files = self
            .files
            .iter()
            .map(|f| self.path_is_test(&f.rel))
            .collect();
    }

    /// Every walked path with this kind.
    pub fn paths_of(&self, kind: FileKind) -> impl Iterator<Item = &str> {
        self.paths
            .iter()
            .filter(move |(_, k)| *k == kind)
            .map(|(p, _)| p)
    }

    pub fn has_lockfile(&self, dir: &str, names: &[&str]) -> bool {
        self.paths_in(dir)
            .any(|(p, k)| k == FileKind::Lockfile && names.contains(&walk::file_name(p)))
    }

    /// Manifests for an ecosystem in `dir` or any directory above it.
    pub fn manifests_above(&self, dir: &str, eco: Ecosystem) -> Vec<&ManifestModel> {
        let mut found: Vec<usize> = walk::dirs_holding(dir)
            .filter_map(|d| self.index.manifests_in_dir.get(d))
            .flatten()
            .copied()
            .filter(|i| self.manifests[*i].manifest.kind.ecosystem() == eco)
            .collect();
        found.sort_unstable();
        found.dedup();
        found.into_iter().map(|i| &self.manifests[i]).collect()
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
                    | FileKind::Source(_)
                    | FileKind::HelmChart
                    | FileKind::Procfile
            )
        }) || !self.k8s.is_empty()
            || !self.kustomizations.is_empty()
    }

    /// The app whose build context holds `rel` (the deepest one).
    pub fn app_of_path(&self, rel: &str) -> Option<usize> {
        let by = &self.index.app_by_context;
        walk::dirs_holding(rel).find_map(|dir| by.get(dir).copied())
    }

    /// Whether a source file is code the app runs: not a test, example or docs tree (by
    /// default or by `test-paths`), not a build script.
    pub fn is_app_code(&self, src: &SourceModel) -> bool {
        !src.build_script && !self.is_test_file(src.file)
    }

    /// Every source file that is code an app runs (see `is_app_code`).
    pub fn app_code(&self) -> impl Iterator<Item = &SourceModel> {
        self.sources.iter().filter(|s| self.is_app_code(s))
    }

    /// The source files of an app's build context that are code it runs.
    pub fn sources_of_app(&self, ai: usize) -> impl Iterator<Item = &SourceModel> {
        self.source_indices_of_app(ai).map(|si| &self.sources[si])
    }

    /// `sources_of_app`, as indices into `sources`, in order.
    pub fn source_indices_of_app(&self, ai: usize) -> impl Iterator<Item = usize> + '_ {
        self.index
            .app_sources
            .get(ai)
            .into_iter()
            .flatten()
            .map(|si| *si as usize)
            .filter(|si| self.sources.get(*si).is_some_and(|s| self.is_app_code(s)))
    }
}
