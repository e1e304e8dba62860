//! Deployment units of Kubernetes manifests: what each kustomization puts together, which
//! objects are patches rather than workloads, and which objects are copies of one workload (a
//! base and the bundle rendered from it, split files and a combined release file). Computed
//! once before linking, so a workload is judged once and with everything that changes it.

use super::{K8sModel, Project};
use crate::parse::kustomize::Kustomization;
use crate::source::{FileId, Origin};
use crate::walk;
use foldhash::{HashMap, HashSet};
use std::collections::BTreeMap;

/// A kustomization of the repository.
#[derive(Debug)]
pub struct KustomizationModel {
    pub file: FileId,
    pub dir: String,
    pub k: Kustomization,
}

/// One way the repository deploys: a compose file, a kustomization, a chart's values file or a
/// directory of plain manifests, with the environment its path names.
#[derive(Debug, Clone)]
pub struct Deployment {
    /// `compose`, `kustomization`, `helm-values`, `manifests`.
    pub kind: &'static str,
    /// The file (for a manifest directory, its first file).
    pub file: FileId,
    /// The directory, for a manifest directory; the file's path otherwise.
    pub path: String,
    /// The environment its path names (`dev`, `staging`, `prod`, …).
    pub environment: Option<&'static str>,
    /// A development stack (a dev compose file or a compose file whose services are all dev).
    pub dev: bool,
    /// Files merged onto it (a compose override), which deploy with it.
    pub with: Vec<String>,
}

/// What the units say about the Kubernetes objects, one entry per object.
#[derive(Debug, Default)]
pub struct K8sUnits {
    /// The kustomization whose patch the object is: a partial object, not a workload.
    pub patch_of: Vec<Option<usize>>,
    /// The workload this object is a copy of.
    pub copy_of: Vec<Option<usize>>,
    /// The other way round: per workload, its copies, in order.
    pub copies: Vec<Vec<usize>>,
    /// The kustomizations whose output holds the object (directly or through bases).
    pub included_by: Vec<Vec<usize>>,
    /// The other way round from `patch_of`: per kustomization, its patches, in order.
    pub patches: Vec<Vec<usize>>,
    /// HorizontalPodAutoscalers by the (kind, name) they scale, in order.
    pub autoscalers: HashMap<(compact_str::CompactString, compact_str::CompactString), Vec<usize>>,
}

/// How deep kustomizations may nest through `resources:` before the rest is ignored.
const MAX_DEPTH: usize = 32;

impl Project {
    pub(crate) fn compute_units(&mut self) {
        let by_dir: HashMap<&str, usize> = self
            .kustomizations
            .iter()
            .enumerate()
            .map(|(i, k)| (k.dir.as_str(), i))
            .collect();
        // the files each kustomization's output is made of, through its bases
        let mut files_of: Vec<HashSet<String>> = Vec::with_capacity(self.kustomizations.len());
        for ki in 0..self.kustomizations.len() {
            let mut files = HashSet::default();
            let mut seen = HashSet::default();
            self.collect_files(ki, &by_dir, &mut files, &mut seen, 0);
            files_of.push(files);
        }
        let mut patches: HashMap<String, usize> = HashMap::default();
        for (ki, k) in self.kustomizations.iter().enumerate() {
            for (p, _) in &k.k.patches {
                if let Some(rel) = walk::join(&k.dir, p) {
                    patches.entry(rel).or_insert(ki);
                }
            }
        }
        let n = self.k8s.len();
        let mut units = K8sUnits {
            patch_of: vec![None; n],
            copy_of: vec![None; n],
            copies: Vec::new(),
            included_by: vec![Vec::new(); n],
            patches: vec![Vec::new(); self.kustomizations.len()],
            autoscalers: HashMap::default(),
        };
        // per file, the kustomizations holding it, in order: one lookup per object instead of
        // a look into every kustomization's files
        let mut holders: HashMap<&str, Vec<usize>> = HashMap::default();
        for (ki, files) in files_of.iter().enumerate() {
            for f in files {
                holders.entry(f.as_str()).or_default().push(ki);
            }
        }
        for (oi, km) in self.k8s.iter().enumerate() {
            let rel = self.rel(km.file);
            units.patch_of[oi] = patches.get(rel).copied();
            if let Some(ki) = units.patch_of[oi]
                && let Some(list) = units.patches.get_mut(ki)
            {
                list.push(oi);
            }
            units.included_by[oi] = holders.get(rel).cloned().unwrap_or_default();
            if let Some(target) = km.object.scale_target() {
                units
                    .autoscalers
                    .entry(target.clone())
                    .or_default()
                    .push(oi);
            }
        }
        units.copy_of = self.find_copies(&units);
        units.copies = vec![Vec::new(); self.k8s.len()];
        for (i, c) in units.copy_of.iter().enumerate() {
            if let Some(c) = c
                && let Some(list) = units.copies.get_mut(*c)
            {
                list.push(i);
            }
        }
        self.k8s_units = units;
    }

    fn collect_files(
        &self,
        ki: usize,
        by_dir: &HashMap<&str, usize>,
        files: &mut HashSet<String>,
        seen: &mut HashSet<usize>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH || !seen.insert(ki) {
            return;
        }
        let k = &self.kustomizations[ki];
        for (res, _) in &k.k.resources {
            if res.contains("://") || res.starts_with("github.com/") {
                continue; // remote: not in the repository
            }
            let Some(rel) = walk::join(&k.dir, res) else {
                continue;
            };
            match by_dir.get(rel.as_str()) {
                Some(&sub) => self.collect_files(sub, by_dir, files, seen, depth + 1),
                None => {
                    files.insert(rel);
                }
            }
        }
    }

    /// Workloads that are one workload seen again: the same kind and name, the same
    /// container names and images (through kustomize `images:` renames), the copy written
    /// into a bundle of more objects that no kustomization reads. The original is the one a
    /// kustomization includes, else the one in the file with fewer objects (split files over
    /// a bundle), else the first by path.
    fn find_copies(&self, units: &K8sUnits) -> Vec<Option<usize>> {
        let renames: HashMap<&str, &str> = self
            .kustomizations
            .iter()
            .flat_map(|k| &k.k.images)
            .filter_map(|(name, new_name, _, _)| Some((name.as_str(), new_name.as_deref()?)))
            .collect();
        let repo = |image: &str| {
            let r = crate::model::images::ImageRef::parse(image).repository;
            renames.get(r.as_str()).map(|s| s.to_string()).unwrap_or(r)
        };
        let shape = |km: &K8sModel| -> Option<Vec<(String, String)>> {
            let pod = km.object.pod.as_ref()?;
            let mut s: Vec<(String, String)> = pod
                .containers
                .iter()
                .map(|c| {
                    (
                        c.name.to_string(),
                        c.image.as_ref().map(|i| repo(&i.text)).unwrap_or_default(),
                    )
                })
                .collect();
            s.sort();
            Some(s)
        };
        let mut per_file: HashMap<FileId, usize> = HashMap::default();
        for km in &self.k8s {
            *per_file.entry(km.file).or_default() += 1;
        }
        // the namespace is left out: an overlay sets it on what it renders, so a base and its
        // bundles per environment differ there and are still one workload
        type Key = (String, String, Vec<(String, String)>);
        let mut groups: BTreeMap<Key, Vec<usize>> = BTreeMap::new();
        for (oi, km) in self.k8s.iter().enumerate() {
            let o = &km.object;
            if units.patch_of[oi].is_some()
                || self.is_test_file(km.file)
                || km.helm.as_ref().is_some_and(|h| h.env_values.is_some())
            {
                continue;
            }
            let (Some(name), Some(shape)) = (o.name.clone(), shape(km)) else {
                continue;
            };
            groups
                .entry((o.kind.to_string(), name.to_string(), shape))
                .or_default()
                .push(oi);
        }
        let mut copy_of = vec![None; self.k8s.len()];
        // a chart rendered with an environment's values file: the object the defaults render
        // from the same template is the workload, this is its copy in that environment
        let mut defaults: HashMap<(FileId, &str, Option<&str>), usize> = HashMap::default();
        for (oi, km) in self.k8s.iter().enumerate() {
            if km.helm.as_ref().is_some_and(|h| h.env_values.is_none()) {
                defaults
                    .entry((km.file, km.object.kind.as_str(), km.object.name.as_deref()))
                    .or_insert(oi);
            }
        }
        for (oi, km) in self.k8s.iter().enumerate() {
            if km.helm.as_ref().is_some_and(|h| h.env_values.is_some()) {
                copy_of[oi] = defaults
                    .get(&(km.file, km.object.kind.as_str(), km.object.name.as_deref()))
                    .copied();
            }
        }
        for members in groups.values().filter(|m| m.len() > 1) {
            // copies live in different files: two objects of one name in one file are a
            // mistake or a list, not a copy
            let files: HashSet<FileId> = members.iter().map(|&oi| self.k8s[oi].file).collect();
            if files.len() < members.len() {
                continue;
            }
            let original = *members
                .iter()
                .min_by_key(|&&oi| {
                    let km = &self.k8s[oi];
                    (
                        units.included_by[oi].is_empty(),
                        per_file.get(&km.file).copied().unwrap_or(0),
                        self.rel(km.file).to_string(),
                    )
                })
                .expect("a group has members");
            // a copy is a rendering: in a bundle (a file of more objects than the original's)
            // that no kustomization takes as input. The same app deployed another way (its
            // own directory of manifests, another base) stays a workload of its own.
            let count = |oi: usize| per_file.get(&self.k8s[oi].file).copied().unwrap_or(0);
            for &oi in members.iter().filter(|&&oi| oi != original) {
                if units.included_by[oi].is_empty() && count(oi) > count(original) {
                    copy_of[oi] = Some(original);
                }
            }
        }
        copy_of
    }

    /// Whether the object is a kustomize patch (a partial object) or a copy of another
    /// workload: either way not a workload of its own.
    pub fn is_patch_or_copy(&self, oi: usize) -> bool {
        self.k8s_units.patch_of.get(oi).is_some_and(Option::is_some)
            || self.k8s_units.copy_of.get(oi).is_some_and(Option::is_some)
    }

    /// The copies of workload `oi`.
    pub fn copies_of(&self, oi: usize) -> impl Iterator<Item = usize> + '_ {
        self.k8s_units.copies.get(oi).into_iter().flatten().copied()
    }

    /// Every object that states workload `oi` in some deployment: itself, its copies, and the
    /// patches of the kustomizations that include it (same kind and name).
    pub fn variants(&self, oi: usize) -> Vec<usize> {
        let o = &self.k8s[oi].object;
        let mut out: Vec<usize> = std::iter::once(oi).chain(self.copies_of(oi)).collect();
        let including: HashSet<usize> = out
            .iter()
            .flat_map(|&v| self.k8s_units.included_by[v].iter().copied())
            .collect();
        // the patches of those kustomizations, in the objects' order
        let mut patches: Vec<usize> = including
            .iter()
            .flat_map(|ki| self.k8s_units.patches.get(*ki).into_iter().flatten())
            .copied()
            .filter(|&pi| self.k8s[pi].object.kind == o.kind && self.k8s[pi].object.name == o.name)
            .collect();
        patches.sort_unstable();
        out.extend(patches);
        out
    }

    /// The largest replica count workload `oi` runs with in any of its deployments: its own,
    /// its copies', its patches' and kustomize `replicas:` overrides.
    pub fn max_replicas(&self, oi: usize) -> Option<i64> {
        let name = self.k8s[oi].object.name.as_deref();
        let variants = self.variants(oi);
        let overrides = variants
            .iter()
            .flat_map(|&v| self.k8s_units.included_by[v].iter())
            .flat_map(|&ki| &self.kustomizations[ki].k.replicas)
            .filter(|(n, _, _)| Some(n.as_str()) == name)
            .map(|(_, c, _)| *c);
        variants
            .iter()
            .filter_map(|&v| self.k8s[v].object.replicas.as_ref().map(|r| r.0))
            .chain(overrides)
            .max()
    }

    /// Whether two objects are deployed together: a kustomization includes both, or their
    /// manifest directories are one or nested (directories named for a kind, such as
    /// `services/` beside `deployments/`, count as their parent). Sibling directories of
    /// unrelated apps (`examples/a`, `examples/b`) are not one unit.
    pub fn same_k8s_unit(&self, a: usize, b: usize) -> bool {
        let (ka, kb) = (
            &self.k8s_units.included_by[a],
            &self.k8s_units.included_by[b],
        );
        if ka.iter().any(|k| kb.contains(k)) {
            return true;
        }
        let (da, db) = (
            manifest_dir(self.rel(self.k8s[a].file)),
            manifest_dir(self.rel(self.k8s[b].file)),
        );
        walk::is_within(da, db) || walk::is_within(db, da)
    }

    /// Whether a HorizontalPodAutoscaler deployed with workload `oi` (or a copy) scales it.
    pub fn autoscaled(&self, oi: usize) -> bool {
        let o = &self.k8s[oi].object;
        let targets = std::iter::once(oi)
            .chain(self.copies_of(oi))
            .collect::<Vec<_>>();
        let Some(name) = &o.name else { return false };
        self.k8s_units
            .autoscalers
            .get(&(o.kind.as_str().into(), name.clone()))
            .into_iter()
            .flatten()
            .any(|&hi| targets.iter().any(|&t| self.same_k8s_unit(t, hi)))
    }

    /// Every deployment of the repository (test trees left out), in path order.
    pub fn deployments(&self) -> Vec<Deployment> {
        let mut out = Vec::new();
        for (ci, cm) in self.compose.iter().enumerate() {
            // an override deploys with the file it is merged onto
            if self.is_test_file(cm.file) || cm.merged_onto.is_some() {
                continue;
            }
            let rel = self.rel(cm.file);
            out.push(Deployment {
                kind: "compose",
                file: cm.file,
                path: rel.to_string(),
                environment: env_of_path(rel),
                dev: cm.dev
                    || !cm.dev_services.is_empty() && cm.dev_services.iter().all(Option::is_some),
                with: self
                    .compose
                    .iter()
                    .filter(|o| o.merged_onto == Some(ci))
                    .map(|o| self.rel(o.file).to_string())
                    .collect(),
            });
        }
        for k in &self.kustomizations {
            if self.is_test_file(k.file) {
                continue;
            }
            out.push(Deployment {
                kind: "kustomization",
                file: k.file,
                path: self.rel(k.file).to_string(),
                environment: env_of_path(&k.dir),
                dev: false,
                with: Vec::new(),
            });
        }
        // a Skaffold pipeline, and each profile as an environment of it
        for (file, deploys) in &self.skaffold_deploys {
            if self.is_test_file(*file) {
                continue;
            }
            let rel = self.rel(*file);
            let dir = walk::parent_dir(rel);
            for d in deploys {
                // the profile's name, else what the manifests it deploys name
                let environment = d
                    .profile
                    .as_deref()
                    .and_then(env_of_path)
                    .or_else(|| d.manifests.iter().find_map(|m| env_of_path(m)));
                out.push(Deployment {
                    kind: "skaffold",
                    file: *file,
                    path: match &d.profile {
                        Some(p) => format!("{rel} (profile `{p}`)"),
                        None => rel.to_string(),
                    },
                    environment,
                    dev: matches!(environment, Some("dev" | "development" | "local")),
                    with: d
                        .manifests
                        .iter()
                        .map(|m| walk::join(dir, m).unwrap_or_else(|| m.clone()))
                        .collect(),
                });
            }
        }
        for (file, _) in &self.helm_values {
            if self.is_test_file(*file) {
                continue;
            }
            let rel = self.rel(*file);
            out.push(Deployment {
                kind: "helm-values",
                file: *file,
                path: rel.to_string(),
                environment: env_of_path(walk::file_name(rel)),
                dev: false,
                with: Vec::new(),
            });
        }
        // plain manifests: the directories of workloads no kustomization includes
        let mut dirs: BTreeMap<&str, FileId> = BTreeMap::new();
        for (oi, km) in self.k8s.iter().enumerate() {
            if km.object.pod.is_none()
                || self.is_test_file(km.file)
                || !self.k8s_units.included_by[oi].is_empty()
                || self.k8s_units.patch_of[oi].is_some()
            {
                continue;
            }
            dirs.entry(manifest_dir(self.rel(km.file)))
                .or_insert(km.file);
        }
        for (dir, file) in dirs {
            out.push(Deployment {
                kind: "manifests",
                file,
                path: dir.to_string(),
                environment: env_of_path(dir)
                    .or_else(|| env_of_path(walk::file_name(self.rel(file)))),
                dev: false,
                with: Vec::new(),
            });
        }
        out.sort_by(|a, b| a.path.cmp(&b.path).then(a.kind.cmp(b.kind)));
        out
    }

    /// The apps built in this repository that a compose file or manifest runs (its app
    /// services, its app workloads).
    pub fn apps_of_file(&self, file: FileId) -> Vec<usize> {
        self.apps
            .iter()
            .enumerate()
            .filter(|(_, a)| a.dockerfile.is_some() || a.context.is_some())
            .filter(|(_, a)| {
                a.compose
                    .iter()
                    .any(|(ci, _)| self.compose[*ci].file == file)
                    || a.k8s.iter().any(|(oi, _)| self.k8s[*oi].file == file)
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// The project a source file belongs to: the directory of the nearest dependency
    /// manifest at or above it (`package.json`, `pyproject.toml`, `go.mod`, `Cargo.toml`, …),
    /// else the build context of the app holding it, else the repository root.
    pub fn code_unit(&self, src: &super::SourceModel) -> &str {
        walk::dirs_holding(self.source_dir(src))
            .find_map(|d| self.index.manifests_in_dir.get_key_value(d))
            .map(|(dir, _)| dir.as_str())
            .or_else(|| {
                let ai = self.app_of_path(self.rel(src.file))?;
                self.apps[ai].context.as_deref()
            })
            .unwrap_or("")
    }

    /// Related locations for a finding at `at`: where else the workload holding it is written,
    /// each with what it is (a copy, or the same template rendered with an environment's
    /// values file).
    pub fn copy_locations(&self, at: &Origin) -> Vec<(Origin, &'static str)> {
        let Some(oi) = self
            .index
            .k8s_in_file
            .get(&at.file)
            .into_iter()
            .flatten()
            .copied()
            .find(|oi| {
                let k = &self.k8s[*oi];
                k.object.span.start() <= at.span.start() && at.span.end() <= k.object.span.end()
            })
        else {
            return Vec::new();
        };
        let mut out: Vec<(Origin, &'static str)> = Vec::new();
        for c in self.copies_of(oi) {
            let copy = &self.k8s[c];
            let at = match copy.helm.as_ref().and_then(|h| h.env_values) {
                Some(values) => (
                    Origin::new(values, 0..0),
                    "the same workload, rendered with this environment's values",
                ),
                None => (
                    Origin::new(copy.file, copy.object.kind_span),
                    "the same workload, copied here",
                ),
            };
            if !out.contains(&at) {
                out.push(at);
            }
        }
        out
    }
}

/// A path with its environment word replaced: the copies of one file for several
/// environments share it.
fn environment_copy_key(rel: &str, env: &str) -> String {
    rel.split_inclusive(['/', '.', '-', '_'])
        .map(|t| {
            let word = t.trim_end_matches(['/', '.', '-', '_']);
            if word.eq_ignore_ascii_case(env) {
                t.replacen(word, "{env}", 1)
            } else {
                t.to_string()
            }
        })
        .collect()
}

/// Of `rels`, the paths that may be one environment's copy of a file another environment
/// has too (see `environment_copies_now`, which compares their texts): known from the paths
/// alone, before any file is read, so that every other text can be dropped once parsed.
pub fn environment_copy_candidates<'a>(
    rels: impl Iterator<Item = &'a str>,
) -> foldhash::HashSet<&'a str> {
    let mut groups: HashMap<String, Vec<(&'a str, &'static str)>> = HashMap::default();
    for rel in rels {
        if let Some(env) = env_of_path(rel) {
            groups
                .entry(environment_copy_key(rel, env))
                .or_default()
                .push((rel, env));
        }
    }
    groups
        .into_values()
        .filter(|members| members.iter().any(|(_, e)| *e != members[0].1))
        .flatten()
        .map(|(rel, _)| rel)
        .collect()
}

/// Words that name a deployment environment in paths.
const ENV_WORDS: &[&str] = &[
    "dev",
    "development",
    "stage",
    "staging",
    "qa",
    "uat",
    "prod",
    "production",
    "test",
    "local",
];

/// The environment a path names, from its directory segments or file name tokens.
pub fn env_of_path(rel: &str) -> Option<&'static str> {
    let lower = rel.to_ascii_lowercase();
    lower
        .split(['/', '.', '-', '_'])
        .find_map(|t| ENV_WORDS.iter().find(|w| **w == t).copied())
}

/// The directory a manifest belongs to as a unit: its own, or above it while the directory is
/// named for a kind of object (`k8s/services/web.yaml` → `k8s`).
fn manifest_dir(rel: &str) -> &str {
    let mut dir = walk::parent_dir(rel);
    while matches!(
        walk::file_name(dir).to_ascii_lowercase().as_str(),
        "services"
            | "service"
            | "deployments"
            | "deployment"
            | "statefulsets"
            | "daemonsets"
            | "jobs"
            | "cronjobs"
            | "workloads"
            | "configmaps"
            | "configmap"
            | "secrets"
            | "ingress"
            | "ingresses"
            | "networking"
            | "network"
            | "rbac"
            | "hpa"
            | "autoscaling"
            | "pdb"
            | "storage"
            | "volumes"
            | "pvc"
    ) && !dir.is_empty()
    {
        dir = walk::parent_dir(dir);
    }
    dir
}

#[cfg(test)]
mod tests {
    use super::{environment_copy_candidates, manifest_dir};

    #[test]
    fn copies_for_two_environments_are_known_by_their_paths() {
        let paths = [
            "web/config/settings_dev.py",
            "web/config/settings_prod.py",
            "web/config/settings.py",
            // one environment only: nothing to compare it with
            "svc/handlers/handlers0_test.go",
            "svc/handlers/handlers1_test.go",
            // the same name in two environments' directories
            "deploy/staging/app.yaml",
            "deploy/production/app.yaml",
            "deploy/production/extra.yaml",
            // two files of one environment are no copies of each other
            "k8s/prod-a.yaml",
            "k8s/prod-b.yaml",
        ];
        let mut found: Vec<&str> = environment_copy_candidates(paths.iter().copied())
            .into_iter()
            .collect();
        found.sort_unstable();
        assert_eq!(
            found,
            [
                "deploy/production/app.yaml",
                "deploy/staging/app.yaml",
                "web/config/settings_dev.py",
                "web/config/settings_prod.py",
            ]
        );
    }

    #[test]
    fn kind_directories_belong_to_their_parent() {
        assert_eq!(manifest_dir("k8s/services/web.yaml"), "k8s");
        assert_eq!(manifest_dir("k8s/web/deployment.yaml"), "k8s/web");
        assert_eq!(manifest_dir("services/web.yaml"), "");
        assert_eq!(manifest_dir("web.yaml"), "");
    }
}

/// A file that is a copy of another for a different environment (`deploy/prod/app.yaml` and
/// `deploy/staging/app.yaml`, `settings_prod.py` and `settings_dev.py`): the paths differ only
/// in the environment's name.
#[derive(Debug, Clone)]
pub struct EnvironmentCopy {
    pub copy: FileId,
    pub copy_env: &'static str,
    /// The first file of the group for another environment.
    pub of: FileId,
    pub of_env: &'static str,
    /// Share of equal non-blank lines (0.0–1.0), by the larger file.
    pub similarity: f64,
    /// How many non-blank lines the two have in common.
    pub shared_lines: usize,
}

impl Project {
    /// Files that exist once per environment. Kustomize overlays, Helm values files and env
    /// files per environment are the compliant form, and test trees are left out. Their texts
    /// are compared: a file that may be one keeps its text for this (see
    /// `environment_copy_candidates`).
    pub(super) fn compute_environment_copies(&mut self) {
        self.environment_copies = self.environment_copies_now();
    }

    fn environment_copies_now(&self) -> Vec<EnvironmentCopy> {
        let overlay_dirs: Vec<&str> = self.kustomizations.iter().map(|k| k.dir.as_str()).collect();
        let mut groups: Vec<Vec<(usize, &'static str)>> = Vec::new();
        let mut group_of: HashMap<String, usize> = HashMap::default();
        for (i, f) in self.files.iter().enumerate() {
            let Some(env) = env_of_path(&f.rel) else {
                continue;
            };
            let name = walk::file_name(&f.rel);
            if name.starts_with("values")
                || name.starts_with(".env")
                || super::is_test_path(&f.rel)
                || overlay_dirs.contains(&walk::parent_dir(&f.rel))
            {
                continue;
            }
            let key = environment_copy_key(&f.rel, env);
            match group_of.get(&key) {
                Some(&g) => groups[g].push((i, env)),
                None => {
                    group_of.insert(key, groups.len());
                    groups.push(vec![(i, env)]);
                }
            }
        }
        let mut out = Vec::new();
        for members in groups {
            for (j, (b, eb)) in members.iter().enumerate() {
                let Some((a, ea)) = members[..j].iter().find(|(_, e)| e != eb) else {
                    continue;
                };
                let (fa, fb) = (&self.files[*a], &self.files[*b]);
                let (shared_lines, similarity) = similarity(fa.text(), fb.text());
                out.push(EnvironmentCopy {
                    copy: fb.id,
                    copy_env: eb,
                    of: fa.id,
                    of_env: ea,
                    similarity,
                    shared_lines,
                });
            }
        }
        out
    }
}

/// Share of equal non-blank lines between two texts (0.0–1.0), by the larger one.
/// The non-blank lines two texts have in common (as multisets, trimmed), and their share of
/// the larger text's.
fn similarity(a: &str, b: &str) -> (usize, f64) {
    use foldhash::HashMap;
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
        return (0, 0.0);
    }
    let mut counts: HashMap<&str, i64> = HashMap::default();
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
    (common, common as f64 / max as f64)
}
