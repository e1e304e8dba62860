//! Linking: what connects files into apps. Which Dockerfile builds the image a compose service
//! or Kubernetes workload runs, which services and workloads are backing services, products or
//! node agents, and which Services select which workloads.

use super::*;

impl Project {
    /// Fold compose apps that are another app seen again into it: a service that only runs the
    /// image another service builds (same text after interpolation), or that only patches a
    /// service of its name in a sibling compose file. Renumbers the Dockerfile → app map.
    pub(super) fn merge_image_only_services(
        &self,
        apps: &mut Vec<App>,
        df_app: &mut HashMap<usize, usize>,
    ) {
        let image_of = |(ci, si): (usize, usize)| {
            self.compose[ci].compose.services[si]
                .image
                .as_ref()
                .map(|i| i.text.trim().to_string())
                .filter(|t| t.chars().any(char::is_alphanumeric))
        };
        let mut by_image: HashMap<String, usize> = HashMap::default();
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
    pub(super) fn overridden(&self, key: &str) -> Option<components::Verdict> {
        self.component_overrides
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, kind)| components::verdict(*kind, "set in twelve.toml"))
    }

    /// A component in a test, example or docs tree is tooling.
    pub(super) fn in_test_tree(&self, file: FileId) -> Option<components::Verdict> {
        self.is_test_file(file).then(|| {
            components::verdict(components::Kind::Tooling, "in a test, example or docs tree")
        })
    }

    /// What a compose service is, from its build, image, environment, volumes and name.
    pub(super) fn classify_service(
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
                    evidence: format!("built here FROM `{base}`, a {kind} server").into(),
                    service: Some(kind),
                },
                None => verdict(Kind::App, format!("built here from `{}`", b.context)),
            };
        }
        let Some(image) = svc.image.as_ref().map(|i| i.text.as_str()) else {
            // an override's service completes the service of its name in the file it is
            // merged onto, and is what that one is
            let base = cm.merged_onto.and_then(|b| {
                let bm = &self.compose[b];
                let s = bm
                    .compose
                    .services
                    .iter()
                    .find(|s| s.name == svc.name && (s.image.is_some() || s.build.is_some()))?;
                Some((bm, s))
            });
            return match base {
                Some((bm, s)) => {
                    let v = self.classify_service(bm, s, None);
                    components::Verdict {
                        evidence: format!(
                            "merged onto `{}`'s `{}`: {}",
                            self.rel(bm.file),
                            s.name,
                            v.evidence
                        )
                        .into(),
                        ..v
                    }
                }
                None => verdict(
                    Kind::App,
                    "no image or build: completes a service of its name",
                ),
            };
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
    pub(super) fn classify_workload(
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
    pub(super) fn link(&mut self) {
        use components::{Component, Kind, Site};
        let mut apps: Vec<App> = Vec::new();
        let mut df_app: HashMap<usize, usize> = HashMap::default();
        let mut compose_backing: Vec<usize> = Vec::new();
        let mut comps: Vec<Component> = Vec::new();
        let rels: Vec<String> = self
            .dockerfiles
            .iter()
            .map(|d| self.files[d.file.0 as usize].rel.to_string())
            .collect();
        // the first Dockerfile at each path
        let mut dockerfile_at: HashMap<&str, usize> = HashMap::default();
        for (i, r) in rels.iter().enumerate() {
            dockerfile_at.entry(r.as_str()).or_insert(i);
        }
        // compose services first: they may set a Dockerfile's context
        for (ci, cm) in self.compose.iter().enumerate() {
            for (si, svc) in cm.compose.services.iter().enumerate() {
                let build = svc.build.as_ref().and_then(|b| {
                    let context = walk::join(&cm.dir, &b.context)?;
                    let df_rel = match &b.dockerfile {
                        Some(d) => walk::join(&context, d),
                        None => walk::join(&context, "Dockerfile"),
                    };
                    let df_idx = df_rel.and_then(|r| dockerfile_at.get(r.as_str()).copied());
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
                            evidence: format!("FROM `{base}`, a {kind} server").into(),
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
        // by name, the best (rank, app) going by it
        let mut by_name: HashMap<&str, (u8, usize)> = HashMap::default();
        for (ai, names) in built_names.iter().enumerate() {
            for (n, rank) in names {
                let best = by_name.entry(n.as_str()).or_insert((*rank, ai));
                *best = (*best).min((*rank, ai));
            }
        }
        let built_by = |image: &str| {
            let name = ImageRef::parse(image).name().to_string();
            by_name.get(name.as_str()).map(|(_, ai)| *ai)
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
            .map(|i| i.text.to_string())
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
                .unwrap_or_else(|| km.object.kind.as_str().into());
            let at = Origin::new(km.file, km.object.kind_span);
            comps.push(Component {
                key: format!("{}:{name}", self.rel(km.file)),
                name: name.to_string(),
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
                        name: name.to_string(),
                        kind: v.service.unwrap_or("service").into(),
                        image: image
                            .map(|i| i.text.clone())
                            .unwrap_or_default()
                            .to_string(),
                        origin: image.map_or(at, |i| Origin::new(km.file, i.span)),
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
                        name: match &km.object.name {
                            Some(n) => n.to_string(),
                            None => ImageRef::parse(&image.text).name().to_string(),
                        },
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
        self.index_app_contexts();
        self.source_app = self
            .sources
            .iter()
            .map(|py| {
                self.app_of_path(&self.files[py.file.0 as usize].rel)
                    .and_then(|ai| u32::try_from(ai).ok())
            })
            .collect();
        self.build_index();
    }

    /// Kubernetes Services (indices into `k8s`) whose selector picks the pods of workload `oi`:
    /// a non-empty selector whose every label the pod template carries, in the same namespace.
    pub fn services_selecting(&self, oi: usize) -> Vec<usize> {
        let w = &self.k8s[oi].object;
        let Some(pod) = &w.pod else { return Vec::new() };
        let ns = w.namespace.as_ref().map(|n| n.text.clone());
        // a Service whose selector's first label the pod lacks cannot select it
        let mut out: Vec<usize> = pod
            .labels
            .iter()
            .filter_map(|(k, v)| {
                self.index
                    .services_by_label
                    .get(&(ns.clone(), k.to_string(), v.to_string()))
            })
            .flatten()
            .copied()
            .filter(|si| {
                let s = &self.k8s[*si].object;
                s.selector.iter().all(|kv| pod.labels.contains(kv))
            })
            .filter(|si| self.same_k8s_unit(oi, *si))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
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
