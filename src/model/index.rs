//! Lookups by key, built once the model is linked, so that no model step or rule scans every
//! file, source, app or object once per item (which grows with the square of a monorepo).

use super::*;
use compact_str::CompactString;

/// Per process of an app (an index into `processes`), the sources it runs; `None` for all.
pub type ProcessCode = Vec<(usize, Option<std::collections::BTreeSet<usize>>)>;

#[derive(Debug, Default)]
pub struct Index {
    /// Every path the walk found (indices into `paths`), by itself and by its directory.
    pub path: HashMap<std::sync::Arc<str>, usize>,
    pub paths_in_dir: HashMap<String, Vec<usize>>,
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
    pub app_sources: Vec<Vec<usize>>,
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
        let mut app_sources = vec![Vec::new(); self.apps.len()];
        for (si, app) in self.source_app.iter().enumerate() {
            if let Some(ai) = app
                && let Some(list) = app_sources.get_mut(*ai)
            {
                list.push(si);
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
            paths_in_dir: std::mem::take(&mut self.index.paths_in_dir),
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
        let mut paths_in_dir: HashMap<String, Vec<usize>> = HashMap::default();
        for (i, (rel, _)) in self.paths.iter().enumerate() {
            paths_in_dir
                .entry(walk::parent_dir(rel).to_string())
                .or_default()
                .push(i);
        }
        self.index.paths_in_dir = paths_in_dir;
        self.index.path = self
            .paths
            .iter()
            .enumerate()
            .map(|(i, (rel, _))| (rel.clone(), i))
            .collect();
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

    /// The paths the walk found in directory `dir` (not below it), with their kinds.
    pub fn paths_in(&self, dir: &str) -> impl Iterator<Item = (&str, FileKind)> {
        self.index
            .paths_in_dir
            .get(dir)
            .into_iter()
            .flatten()
            .map(|i| (self.paths[*i].0.as_ref(), self.paths[*i].1))
    }

    /// Whether the walk found a file at `rel`.
    pub fn has_path(&self, rel: &str) -> bool {
        self.index.path.contains_key(rel)
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
