//! Which app owns each place of the repository: what the scorecard charges a finding to, and
//! what of an app a check can judge.

use super::Project;
use crate::source::{FileId, Origin};
use foldhash::HashMap;

/// Which app owns what, indexed once per project so that attributing findings stays linear in
/// a monorepo of hundreds of apps.
#[derive(Debug, Default)]
pub struct Ownership {
    /// Dockerfile file → app.
    dockerfile: HashMap<FileId, usize>,
    /// (compose file index, service index) → app.
    compose: HashMap<(usize, usize), usize>,
    /// Kubernetes object index → app: its workloads, and the Services selecting them.
    k8s: HashMap<usize, usize>,
    /// Per app, the inputs it has.
    pub inputs: Vec<AppInputs>,
}

/// What an app is made of: what a check can judge of it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct AppInputs {
    pub dockerfile: bool,
    pub compose: bool,
    pub kubernetes: bool,
    /// Code the app runs (in its build context, not tests).
    pub source: bool,
    /// A dependency manifest in or above its build context.
    pub manifest: bool,
}

impl Ownership {
    pub fn new(p: &Project) -> Ownership {
        let mut o = Ownership {
            dockerfile: HashMap::default(),
            compose: HashMap::default(),
            k8s: HashMap::default(),
            inputs: Vec::with_capacity(p.apps.len()),
        };
        for (ai, a) in p.apps.iter().enumerate() {
            if let Some(di) = a.dockerfile {
                o.dockerfile.entry(p.dockerfiles[di].file).or_insert(ai);
            }
            for cs in &a.compose {
                o.compose.entry(*cs).or_insert(ai);
            }
            for (w, _) in &a.k8s {
                o.k8s.entry(*w).or_insert(ai);
            }
        }
        // a Service in front of an app's workload is the app's (after every workload, so a
        // workload is never taken for another app's Service)
        for (ai, a) in p.apps.iter().enumerate() {
            for (w, _) in &a.k8s {
                for s in p.services_selecting(*w) {
                    o.k8s.entry(s).or_insert(ai);
                }
            }
        }
        let mut has_source = vec![false; p.apps.len()];
        for (src, app) in p.sources.iter().zip(&p.source_app) {
            if let Some(ai) = app
                && p.is_app_code(src)
            {
                has_source[*ai as usize] = true;
            }
        }
        for (ai, a) in p.apps.iter().enumerate() {
            let manifest = a.context.as_deref().is_some_and(|ctx| {
                p.manifests.iter().any(|m| {
                    crate::walk::is_within(&m.dir, ctx) || crate::walk::is_within(ctx, &m.dir)
                })
            });
            o.inputs.push(AppInputs {
                dockerfile: a.dockerfile.is_some(),
                compose: !a.compose.is_empty(),
                kubernetes: !a.k8s.is_empty(),
                source: has_source[ai],
                manifest,
            });
        }
        o
    }

    /// The app a place belongs to: the app's Dockerfile, the compose service or Kubernetes
    /// workload running it (or the Service in front of that workload), else the deepest build
    /// context holding the file. `None` for the repository itself: places on backing
    /// services, or in files outside every app.
    fn owner(&self, p: &Project, origin: &Origin) -> Option<usize> {
        let at = origin.span.start();
        if let Some(ai) = self.dockerfile.get(&origin.file) {
            return Some(*ai);
        }
        for (ci, c) in p.compose.iter().enumerate() {
            if c.file != origin.file {
                continue;
            }
            if let Some(si) = c.compose.services.iter().position(|s| s.span.contains(&at)) {
                return self.compose.get(&(ci, si)).copied();
            }
        }
        let objects = p.index.k8s_in_file.get(&origin.file).into_iter().flatten();
        for oi in objects {
            if p.k8s[*oi].object.span.range().contains(&at)
                && let Some(ai) = self.k8s.get(oi)
            {
                return Some(*ai);
            }
        }
        p.app_of_path(p.rel(origin.file))
    }
}

impl Project {
    /// The app a place belongs to (see [`Ownership`]); `None` for the repository itself.
    pub fn owner_of(&self, origin: &Origin) -> Option<usize> {
        self.ownership.owner(self, origin)
    }
}
