//! The environment each deployment gives an app, and the variables the app requires: what the
//! config rules compare.

use super::Project;
use crate::parse::dockerfile::Kind;
use crate::source::Origin;
use crate::walk;
use foldhash::HashSet;

/// One environment an app is deployed to, and the variables it provides.
pub struct DeployedEnv {
    /// What it is, for messages (`compose file `compose.yaml``).
    pub label: String,
    /// Where it runs the app.
    pub at: Origin,
    /// Every variable it provides, the image's own ENV included.
    pub provided: HashSet<String>,
    /// False when part of the set is unknown (an env file or Secret not in the repository).
    pub complete: bool,
    /// The app's processes it runs (indices into `processes`).
    pub processes: Vec<usize>,
}

impl Project {
    /// Each deployment of an app (a compose file, a directory of Kubernetes manifests) with the
    /// variables it provides: the image's ENV, compose `environment:` and `env_file:`,
    /// Kubernetes `env` and `envFrom` through the repository's ConfigMaps and Secrets; an
    /// example env file's variables count as provided in compose (development).
    pub fn deployed_envs(&self, ai: usize) -> Vec<DeployedEnv> {
        let p = self;
        let app = &p.apps[ai];
        // the image's own ENV, in every deployment
        let image_env: HashSet<String> = app
            .dockerfile
            .map(|di| {
                p.dockerfiles[di]
                    .final_instructions()
                    .iter()
                    .filter_map(|i| match &i.kind {
                        Kind::Env(kvs) => {
                            Some(kvs.iter().map(|kv| kv.key.to_string()).collect::<Vec<_>>())
                        }
                        _ => None,
                    })
                    .flatten()
                    .collect()
            })
            .unwrap_or_default();
        // variables the app's code loads itself from a committed dotenv file: provided in
        // every deployment (the file ships with the code)
        let self_provided: HashSet<String> = p
            .sources_of_app(ai)
            .flat_map(|src| {
                let dir = walk::parent_dir(p.rel(src.file)).to_string();
                src.facts
                    .rare
                    .dotenv_files
                    .iter()
                    .map(move |f| (dir.clone(), f))
            })
            .flat_map(|(dir, f)| {
                let f = f.trim_start_matches("./");
                let context = app.context.clone().unwrap_or_default();
                [walk::join(&dir, f), walk::join(&context, f)]
            })
            .flatten()
            .filter_map(|path| p.dotenvs.iter().find(|d| p.rel(d.file) == path))
            .filter(|d| !d.example)
            .flat_map(|d| d.entries.iter().map(|e| e.key.clone()))
            .collect();
        let image_env: HashSet<String> = image_env.into_iter().chain(self_provided).collect();
        let mut envs: Vec<DeployedEnv> = Vec::new();
        // documented variables count as provided in development
        let examples: HashSet<String> = p
            .dotenvs
            .iter()
            .filter(|d| d.example)
            .flat_map(|d| d.entries.iter().map(|e| e.key.clone()))
            .collect();
        // a compose project: a file with the overrides merged onto it
        let project_of = |ci: usize| p.compose[ci].merged_onto.unwrap_or(ci);
        let mut compose_files: Vec<usize> =
            app.compose.iter().map(|(ci, _)| project_of(*ci)).collect();
        compose_files.sort_unstable();
        compose_files.dedup();
        for ci in compose_files {
            let cm = &p.compose[ci];
            let mut env = DeployedEnv {
                label: format!("compose file `{}`", p.rel(cm.file)),
                at: Origin::new(cm.file, 0..0),
                provided: examples.iter().chain(&image_env).cloned().collect(),
                complete: true,
                processes: p
                    .index
                    .processes_by_compose
                    .get(&ci)
                    .cloned()
                    .unwrap_or_default(),
            };
            for (c2, si) in app.compose.iter().filter(|(c2, _)| project_of(*c2) == ci) {
                let (vars, complete) = p.service_env(*c2, *si);
                env.provided.extend(vars.into_iter().map(|v| v.key));
                env.complete &= complete;
                if *c2 == ci {
                    env.at = Origin::new(cm.file, cm.compose.services[*si].name_span.clone());
                }
            }
            envs.push(env);
        }
        // Kubernetes: one environment per directory of manifests (a base or an overlay)
        let mut dirs: Vec<String> = Vec::new();
        for (oi, _) in &app.k8s {
            let dir = crate::walk::parent_dir(p.rel(p.k8s[*oi].file)).to_string();
            if !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
        for dir in dirs {
            let mut env = DeployedEnv {
                label: format!(
                    "Kubernetes manifests in `{}`",
                    if dir.is_empty() { "." } else { &dir }
                ),
                at: Origin::new(crate::source::FileId(0), 0..0),
                provided: image_env.clone(),
                complete: true,
                processes: p
                    .index
                    .processes_by_k8s_dir
                    .get(&dir)
                    .cloned()
                    .unwrap_or_default(),
            };
            for (oi, ci) in &app.k8s {
                let km = &p.k8s[*oi];
                if crate::walk::parent_dir(p.rel(km.file)) != dir {
                    continue;
                }
                let Some(pod) = &km.object.pod else { continue };
                let c = &pod.containers[*ci];
                env.at = Origin::new(km.file, c.image.as_ref().map(|i| i.span).unwrap_or(c.span));
                env.provided
                    .extend(c.env.iter().map(|e| e.name.to_string()));
                for (kind, name) in &c.env_from {
                    let want = if kind == "secretRef" {
                        "Secret"
                    } else {
                        "ConfigMap"
                    };
                    let source = p
                        .k8s
                        .iter()
                        .find(|o| o.object.kind == want && o.object.name.as_deref() == Some(name));
                    match source {
                        Some(o) => env
                            .provided
                            .extend(o.object.data.iter().map(|(k, _)| k.text.to_string())),
                        None => env.complete = false,
                    }
                }
            }
            envs.push(env);
        }
        envs
    }

    /// Whether a deployment of app `ai` runs with the code's default for `var`: no deployment
    /// is known, one does not set it, or one sets it to a value `same` says is the default's
    /// kind (a compose service writing `DB_ENGINE: sqlite`).
    pub fn runs_default_of(&self, ai: usize, var: &str, same: impl Fn(&str) -> bool) -> bool {
        let envs = self.deployed_envs(ai);
        if envs.is_empty() || envs.iter().any(|e| e.complete && !e.provided.contains(var)) {
            return true;
        }
        self.apps[ai].compose.iter().any(|(ci, si)| {
            self.service_env(*ci, *si)
                .0
                .iter()
                .any(|v| v.key == var && v.value.as_deref().is_some_and(&same))
        })
    }

    /// The variables a deployment's processes cannot run without (a read that fails when it
    /// is missing, in the code each process runs; see `reach`), and those the app's entrypoint
    /// scripts demand with `${NAME:?}`: the first place each is read. With no process known,
    /// all of the app's code counts.
    pub fn required_env(&self, ai: usize, env: &DeployedEnv) -> Vec<(String, Origin)> {
        let mut required: Vec<(String, Origin)> = Vec::new();
        let mut known: HashSet<&str> = Default::default();
        let code = self.process_code(ai);
        let mut sources: std::collections::BTreeSet<usize> = Default::default();
        let mut everything = env.processes.is_empty();
        for pi in &env.processes {
            match code
                .iter()
                .find(|(p, _)| p == pi)
                .and_then(|(_, c)| c.as_ref())
            {
                Some(c) => sources.extend(c.iter().copied()),
                None => everything = true,
            }
        }
        let of_app: Vec<&super::SourceModel> = if everything {
            self.sources_of_app(ai).collect()
        } else {
            sources.iter().map(|si| &self.sources[*si]).collect()
        };
        for src in of_app {
            let needed = |r: &&crate::parse::code::EnvRead| {
                r.required
                    || r.required_if
                        .as_ref()
                        .is_some_and(|g| env.provided.contains(g.as_str()))
            };
            for r in self.code(src).env_reads.iter().filter(needed) {
                if known.insert(&r.name) {
                    required.push((r.name.to_string(), Origin::new(src.file, r.span)));
                }
            }
        }
        for line in self
            .start_commands(ai)
            .iter()
            .filter(|l| l.source == super::commands::Source::Script)
        {
            if let Some(sm) = self.scripts.iter().find(|s| s.file == line.origin.file) {
                for (name, span) in &sm.required_vars {
                    if known.insert(name) {
                        required.push((name.clone(), Origin::new(sm.file, span.clone())));
                    }
                }
            }
        }
        required
    }
}
