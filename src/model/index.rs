//! Lookups by key, built once the model is linked, so that no model step or rule scans every
//! file, source, app or object once per item (which grows with the square of a monorepo).

use super::*;
use compact_str::CompactString;

/// Per process of an app (an index into `processes`), the sources it runs; `None` for all.
pub type ProcessCode = Vec<(usize, Option<std::collections::BTreeSet<usize>>)>;

#[derive(Debug, Default)]
pub struct Index {
    /// Every path the walk found, by itself and by its directory.
    pub path: PathIndex,
    /// Kubernetes objects (indices into `k8s`) by file, in order.
    pub k8s_in_file: HashMap<FileId, Vec<usize>>,
    /// Manifests (indices into `manifests`) by directory.
    pub manifests_in_dir: HashMap<String, Vec<usize>>,
    /// Processes (indices into `processes`) by the compose file or Kubernetes manifest
    /// directory that runs them.
    pub processes_by_compose: HashMap<usize, Vec<usize>>,
    pub processes_by_k8s_dir: HashMap<String, Vec<usize>>,
    /// Per app, the code each of its processes runs, worked out on first use (see `reach`).
    pub process_code: Vec<std::sync::OnceLock<ProcessCode>>,
    /// App build contexts: per context directory, the last app built from it.
    pub app_by_context: HashMap<String, usize>,
    /// Per app, the indices into `sources` of the files its build context holds.
    pub app_sources: Vec<Vec<u32>>,
    /// Per file (by id), its index into `sources` (`u32::MAX`: not source code).
    pub source_of_file: Vec<u32>,
    /// Per file (by id), its index into `dotenvs`.
    pub dotenv_of_file: HashMap<FileId, usize>,
    /// Kubernetes Services (indices into `k8s`) by namespace and the first label of their
    /// selector: a Service selects a pod only if the pod carries that label.
    pub services_by_label: HashMap<(Option<CompactString>, String, String), Vec<usize>>,
}

impl Project {
    /// Build `index` from the linked model.
    pub(super) fn build_index(&mut self) {
        // sized once per app: a monorepo's apps hold tens of thousands of files together
        let mut counts = vec![0usize; self.apps.len()];
        for ai in self.source_app.iter().flatten() {
            if let Some(n) = counts.get_mut(*ai as usize) {
                *n += 1;
            }
        }
        let mut app_sources: Vec<Vec<u32>> = counts.into_iter().map(Vec::with_capacity).collect();
        for (si, app) in self.source_app.iter().enumerate() {
            if let Some(ai) = app
                && let Some(list) = app_sources.get_mut(*ai as usize)
            {
                list.push(si as u32);
            }
        }
        let mut services_by_label: HashMap<_, Vec<usize>> = HashMap::default();
        for (i, k) in self.k8s.iter().enumerate() {
            if k.object.kind != "Service" {
                continue;
            }
            if let Some((key, value)) = k.object.selector.first() {
                let ns = k.object.namespace.as_ref().map(|n| n.text.clone());
                services_by_label
                    .entry((ns, key.to_string(), value.to_string()))
                    .or_default()
                    .push(i);
            }
        }
        let mut manifests_in_dir: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, m) in self.manifests.iter().enumerate() {
            manifests_in_dir.entry(m.dir.clone()).or_default().push(i);
        }
        let mut k8s_in_file: HashMap<FileId, Vec<usize>> = HashMap::default();
        for (i, k) in self.k8s.iter().enumerate() {
            k8s_in_file.entry(k.file).or_default().push(i);
        }
        self.index = Index {
            app_by_context: std::mem::take(&mut self.index.app_by_context),
            path: std::mem::take(&mut self.index.path),
            manifests_in_dir,
            k8s_in_file,
            processes_by_compose: HashMap::default(),
            process_code: Vec::new(),
            processes_by_k8s_dir: HashMap::default(),
            app_sources,
            source_of_file: {
                let mut by_file = vec![u32::MAX; self.files.len()];
                for (i, s) in self.sources.iter().enumerate() {
                    if let Some(slot) = by_file.get_mut(s.file.0 as usize) {
                        *slot = i as u32;
                    }
                }
                by_file
            },
            dotenv_of_file: self
                .dotenvs
                .iter()
                .enumerate()
                .map(|(i, d)| (d.file, i))
                .collect(),
            services_by_label,
        };
    }

    /// Index the paths the walk found.
    pub(super) fn index_paths(&mut self) {
        self.index.path = PathIndex::new(&self.paths);
    }

    /// Index the processes by where they run, for the deployed environments.
    pub(super) fn index_processes(&mut self) {
        let mut by_compose: HashMap<usize, Vec<usize>> = HashMap::default();
        let mut by_dir: HashMap<String, Vec<usize>> = HashMap::default();
        for (pi, pr) in self.processes.iter().enumerate() {
            match pr.site {
                processes::ProcessSite::Compose { compose, .. } => {
                    let project = self.compose[compose].merged_onto.unwrap_or(compose);
                    by_compose.entry(project).or_default().push(pi);
                }
                processes::ProcessSite::Kubernetes { object, .. } => {
                    let dir = walk::parent_dir(self.rel(self.k8s[object].file)).to_string();
                    by_dir.entry(dir).or_default().push(pi);
                }
                _ => {}
            }
        }
        self.index.process_code = (0..self.apps.len())
            .map(|_| std::sync::OnceLock::new())
            .collect();
        self.index.processes_by_compose = by_compose;
        self.index.processes_by_k8s_dir = by_dir;
    }

    /// The paths the walk found in directory `dir` (not below it), with their kinds, in the
    /// walk's order.
    pub fn paths_in(&self, dir: &str) -> impl Iterator<Item = (&str, FileKind)> {
        self.index
            .path
            .in_dir(&self.paths, dir)
            .iter()
            .filter_map(|i| self.paths.get(*i as usize))
    }

    /// Whether the walk found a file at `rel`.
    pub fn has_path(&self, rel: &str) -> bool {
        self.path_index(rel).is_some()
    }

    /// The walk's entry for `rel`, as an index into `paths` (of two, the later).
    pub fn path_index(&self, rel: &str) -> Option<usize> {
        self.index.path.get(&self.paths, rel)
    }

    /// Index the apps by build context, for `app_of_path`.
    pub(super) fn index_app_contexts(&mut self) {
        self.index.app_by_context = self
            .apps
            .iter()
            .enumerate()
            .filter_map(|(i, a)| Some((a.context.clone()?, i)))
            .collect();
    }

    /// The directory of a source file.
    pub fn source_dir(&self, s: &SourceModel) -> &str {
        walk::parent_dir(self.rel(s.file))
    }

    /// The source model of a file, when it is source code.
    pub fn source_of_file(&self, file: FileId) -> Option<&SourceModel> {
        self.index
            .source_of_file
            .get(file.0 as usize)
            .and_then(|i| self.sources.get(*i as usize))
    }

    /// Whether a file is an env file.
    pub fn is_dotenv_file(&self, file: FileId) -> bool {
        self.index.dotenv_of_file.contains_key(&file)
    }
}

/// Every path the walk found, found by itself and by its directory. The walk lists paths in
/// order (`walk::discover` sorts them), so a path is found by a binary search of `paths`
/// itself; the paths of a directory are one run of a list of indices into `paths` ordered by
/// directory, then the walk's order. Four bytes a path, where a map by path and one by
/// directory cost sixty.
#[derive(Debug, Default)]
pub struct PathIndex(Vec<u32>);

type Paths = crate::source::PathList<FileKind>;

impl PathIndex {
    pub fn new(paths: &Paths) -> PathIndex {
        debug_assert!(
            paths.iter().is_sorted_by(|a, b| a.0 <= b.0),
            "the walk lists paths in order"
        );
        let mut by_dir: Vec<u32> = (0..paths.len() as u32).collect();
        // equal keys keep their order: the walk's
        by_dir.sort_by_cached_key(|i| walk::parent_dir(paths.rel(*i as usize)));
        PathIndex(by_dir)
    }

    /// The index into `paths` of `rel`; the walk's later entry where it holds two.
    pub fn get(&self, paths: &Paths, rel: &str) -> Option<usize> {
        // a binary search over the walk's sorted order
        let (mut lo, mut hi) = (0, paths.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if paths.rel(mid) <= rel {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let last = lo.checked_sub(1)?;
        (paths.rel(last) == rel).then_some(last)
    }

    /// The indices into `paths` of the files directly in `dir`, in the walk's order.
    pub fn in_dir(&self, paths: &Paths, dir: &str) -> &[u32] {
        let dir_of = |i: &u32| walk::parent_dir(paths.rel(*i as usize));
        let start = self.0.partition_point(|i| dir_of(i) < dir);
        let len = self.0[start..].partition_point(|i| dir_of(i) == dir);
        &self.0[start..start + len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(rels: &[&str]) -> Paths {
        let rels = crate::source::PathTable::build(rels.iter());
        Paths::new(rels.iter().map(|r| (r, FileKind::Other)))
    }

    #[test]
    fn a_path_is_found_by_itself_and_a_directory_by_its_files() {
        // the walk's order: sorted by path, so a directory's files interleave with its
        // subdirectories' (`a/b/c` between `a/a` and `a/c`); `é` sorts after ASCII
        let p = paths(&[
            "Dockerfile",
            "a/a",
            "a/b/c",
            "a/c",
            "a/é",
            "ab",
            "b/x",
            "b/x",
        ]);
        let index = PathIndex::new(&p);
        for (i, (rel, _)) in p.iter().enumerate().filter(|(i, _)| *i != 6) {
            assert_eq!(index.get(&p, rel), Some(i), "{rel}");
        }
        // of two entries for one path, the later (as a map by path kept it)
        assert_eq!(index.get(&p, "b/x"), Some(7));
        for absent in ["", "a", "a/b", "a/d", "b", "c/x", "Dockerfile/x"] {
            assert_eq!(index.get(&p, absent), None, "{absent}");
        }
        let names = |dir: &str| -> Vec<&str> {
            index
                .in_dir(&p, dir)
                .iter()
                .map(|i| p.rel(*i as usize))
                .collect()
        };
        assert_eq!(names(""), ["Dockerfile", "ab"]);
        assert_eq!(names("a"), ["a/a", "a/c", "a/é"]);
        assert_eq!(names("a/b"), ["a/b/c"]);
        assert_eq!(names("b"), ["b/x", "b/x"]);
        assert!(names("c").is_empty());
        assert!(names("a/b/c").is_empty());
    }
}
