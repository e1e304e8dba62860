//! TF06 — VI. Processes: execute the app as one or more stateless processes.

use super::{DiagExt, Input, Meta, Rule, diag};
use crate::diagnostic::Diagnostic;
use crate::meta;
use crate::model::Project;
use crate::parse::dockerfile::Kind;
use crate::source::Origin;

pub struct BarePod;
impl Rule for BarePod {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0603",
            "bare-pod",
            6,
            Warning,
            "an app runs as a bare Pod, with no controller to restart or scale it"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.k8s.iter().any(|k| k.object.kind == "Pod")
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Kubernetes]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let mut seen = Vec::new();
        for app in &p.apps {
            for (oi, _) in &app.k8s {
                let km = &p.k8s[*oi];
                let o = &km.object;
                if o.kind != "Pod" || seen.contains(oi) || p.is_test_file(km.file) {
                    continue;
                }
                seen.push(*oi);
                let hook = o
                    .annotations
                    .iter()
                    .any(|(k, _)| k.starts_with("helm.sh/hook"));
                let one_off = o
                    .pod
                    .as_ref()
                    .and_then(|p| p.restart_policy.as_deref())
                    .is_some_and(|r| r != "Always");
                if hook || one_off {
                    continue;
                }
                out.push(
                    diag(
                        self.meta(),
                        format!(
                            "app `{}` runs as a bare Pod `{}`",
                            app.name,
                            o.name.as_deref().unwrap_or("?")
                        ),
                    )
                    .at(Origin::new(km.file, o.kind_span), "no controller")
                    .help("run it under a Deployment (or a Job for a one-off task)"),
                );
            }
        }
    }
}

pub struct ImageDeclaresVolume;
impl Rule for ImageDeclaresVolume {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0604",
            "image-declares-volume",
            6,
            Info,
            "an app image declares a VOLUME for local state"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.apps.iter().any(|a| a.dockerfile.is_some())
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Dockerfile]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for app in &p.apps {
            let Some(di) = app.dockerfile else { continue };
            let d = &p.dockerfiles[di];
            if p.is_test_file(d.file) {
                continue;
            }
            for ins in d.final_instructions() {
                if let Kind::Volume(paths) = &ins.kind {
                    let list = paths
                        .iter()
                        .map(|w| format!("`{}`", w.text))
                        .collect::<Vec<_>>()
                        .join(", ");
                    out.push(
                        diag(self.meta(), format!("app `{}` declares {list} as a volume in its image", app.name))
                            .at(Origin::new(d.file, ins.span), "local state in the image")
                            .help("keep state in a backing service; mount storage at deploy time only where it is truly needed"),
                    );
                }
            }
        }
    }
}

/// Mount targets that hold code, sockets or logs rather than state.
fn stateless_target(t: &str) -> bool {
    ["/sys", "/proc", "/dev", "/lib/modules", "/usr"]
        .iter()
        .any(|s| t == *s || t.starts_with(&format!("{s}/")))
        || t.ends_with(".sock")
        || t.starts_with("/var/run")
        || t.starts_with("/run/")
        || t.starts_with("/var/log")
        || t.starts_with("/etc/")
        || t.starts_with("/tmp")
        || t.contains("node_modules")
        || t.contains(".venv")
        || crate::walk::file_name(t).contains('.')
}

pub struct StatefulAppWorkload;
impl Rule for StatefulAppWorkload {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0601",
            "stateful-app-workload",
            6,
            Warning,
            "an app keeps state on local or persistent volumes"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.k8s.is_empty() || !p.compose.is_empty() || !p.sources.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Compose, Input::Kubernetes, Input::Source]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let help = "keep state in a backing service (database, object storage) so any replica can serve any request";
        // the code of an app keeping files or counters on its own disk or in its memory; a
        // development or test environment's configuration aside
        for (ai, app) in p.apps.iter().enumerate() {
            for src in p.sources_of_app(ai) {
                let rel = p.rel(src.file);
                let stem = crate::walk::file_name(rel).split('.').next().unwrap_or("");
                if rel.contains("environments/")
                    && matches!(stem, "development" | "test" | "dev" | "local")
                {
                    continue;
                }
                for (var, span) in &src.facts.rare.sqlite_defaults {
                    if !p.runs_default_of(ai, var, |v| v.to_ascii_lowercase().starts_with("sqlite"))
                    {
                        continue;
                    }
                    out.push(
                        diag(self.meta(), format!("app `{}` runs on SQLite by default (`{var}`): its data is a file on the process's disk", app.name))
                            .at(Origin::new(src.file, span.clone()), "SQLite by default")
                            .help("use a database server (PostgreSQL, MySQL) as an attached resource, its URL from the environment"),
                    );
                }
                for (what, span) in &src.facts.rare.local_state {
                    out.push(
                        diag(self.meta(), format!("app `{}` keeps state in the process or on its local disk: {what}", app.name))
                            .at(Origin::new(src.file, span.clone()), "local state")
                            .help("keep uploads in object storage (S3, GCS, Azure Blob) and counters in a shared store (Redis), so any replica can serve any request"),
                    );
                }
            }
        }
        let mut seen = Vec::new();
        for app in &p.apps {
            for (oi, ci) in &app.k8s {
                let km = &p.k8s[*oi];
                if p.is_test_file(km.file) {
                    continue;
                }
                let o = &km.object;
                if o.kind == "StatefulSet" && !seen.contains(oi) {
                    seen.push(*oi);
                    out.push(
                        diag(
                            self.meta(),
                            format!("app `{}` runs as a StatefulSet", app.name),
                        )
                        .at(Origin::new(km.file, o.kind_span), "stateful workload")
                        .help(help),
                    );
                }
                let Some(pod) = &o.pod else { continue };
                for (vol, path, ro, span) in &pod.containers[*ci].mounts {
                    let kind = pod
                        .volumes
                        .iter()
                        .find(|(n, _)| n == vol)
                        .map(|(_, k)| k.as_str());
                    if *ro
                        || !matches!(kind, Some("persistentVolumeClaim" | "hostPath"))
                        || stateless_target(path)
                    {
                        continue;
                    }
                    out.push(
                        diag(
                            self.meta(),
                            format!(
                                "app `{}` writes to a {} volume at `{path}`",
                                app.name,
                                kind.unwrap_or("")
                            ),
                        )
                        .at(Origin::new(km.file, *span), "state on a volume")
                        .help(help),
                    );
                }
            }
        }
        // one finding per volume: services that share one mount (a YAML merge key, an
        // anchor) are listed together
        let mut shared: Vec<(Origin, String, String, Vec<String>)> = Vec::new();
        for (_, cm, s) in p.app_services() {
            if p.dev_service(cm, &s.name).is_some() || p.is_test_file(cm.file) {
                continue;
            }
            for v in &s.volumes {
                if v.read_only || stateless_target(&v.target) {
                    continue;
                }
                let Some(src) = &v.source else { continue }; // anonymous volumes are scratch space
                // a path of the repository is code, config or fixtures (source mounts are
                // TF0503's concern); state lives in named volumes and host directories
                // ... unless nothing of the repository is there: a directory the host creates
                // at run time for the container to write (`./data:/data`)
                let runtime_dir = || {
                    let dir = crate::walk::parent_dir(p.rel(cm.file));
                    // the directory's top (`./data` of `./data/db`): a repository directory
                    // one level up means repository content a copy may lack (`./src/flagd`)
                    let top = src.trim_start_matches("./").split('/').next().unwrap_or("");
                    crate::walk::join(dir, top).is_some_and(|path| {
                        !path.is_empty()
                            && !p
                                .paths
                                .iter()
                                .any(|(r, _)| *r == *path || crate::walk::is_within(r, &path))
                    }) && !["log", "cache", "tmp", "temp"]
                        .iter()
                        .any(|w| v.target.to_ascii_lowercase().contains(w))
                };
                if v.bind && !src.starts_with('/') && !runtime_dir() || stateless_target(src) {
                    continue;
                }
                let at = Origin::new(cm.file, v.span.clone());
                match shared.iter_mut().find(|(o, ..)| *o == at) {
                    Some((.., names)) => names.push(s.name.clone()),
                    None => shared.push((at, src.clone(), v.target.clone(), vec![s.name.clone()])),
                }
            }
        }
        for (at, src, target, names) in shared {
            let who = match names.as_slice() {
                [one] => format!("service `{one}`"),
                many => format!(
                    "services {}",
                    many.iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let verb = if names.len() == 1 { "keeps" } else { "keep" };
            out.push(
                diag(
                    self.meta(),
                    format!("{who} {verb} state in `{src}` mounted at `{target}`"),
                )
                .at(at, "state on a volume")
                .help(help),
            );
        }
    }
}

pub struct StickySessions;
impl Rule for StickySessions {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0602",
            "sticky-sessions",
            6,
            Warning,
            "requests are pinned to one process, or sessions live in its memory or disk"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.k8s.is_empty() || !p.sources.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Kubernetes, Input::Source]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let help = "keep session state in a backing service (Redis, a database) or a signed cookie, and let any replica serve any request";
        for km in &p.k8s {
            if p.is_test_file(km.file) {
                continue;
            }
            let o = &km.object;
            if let Some(a) = o.session_affinity().filter(|a| a.text == "ClientIP") {
                out.push(
                    diag(
                        self.meta(),
                        format!(
                            "Service `{}` pins each client to one pod (sessionAffinity: ClientIP)",
                            o.name.as_deref().unwrap_or("?")
                        ),
                    )
                    .at(Origin::new(km.file, a.span), "sticky sessions")
                    .help(help),
                );
            }
            if o.kind == "Ingress" {
                let sticky = o.annotations.iter().find(|(k, v)| {
                    (k.ends_with("/affinity") && v == "cookie")
                        || (k.contains("sticky") && v == "true")
                });
                if let Some((k, _)) = sticky {
                    out.push(
                        diag(
                            self.meta(),
                            format!(
                                "Ingress `{}` enables sticky sessions (`{k}`)",
                                o.name.as_deref().unwrap_or("?")
                            ),
                        )
                        .at(Origin::new(km.file, o.kind_span), "sticky sessions")
                        .help(help),
                    );
                }
            }
        }
        for py in p.app_code() {
            let in_test = |sp: &crate::source::Span| {
                p.code(py)
                    .test_spans
                    .iter()
                    .any(|t| t.start() <= sp.start && sp.end <= t.end())
            };
            for (name, span) in py
                .facts
                .rare
                .generated_secrets
                .iter()
                .filter(|(_, s)| !in_test(s))
            {
                out.push(
                    diag(
                        self.meta(),
                        format!("the signing secret `{name}` is generated by the process instead of read from the environment: replicas that do not share it sign sessions and tokens with different keys"),
                    )
                    .at(Origin::new(py.file, span.clone()), "generated at run time")
                    .help("read the key from the environment (or a mounted secret), the same for every process of a release"),
                );
            }
            for (what, span) in &py.facts.rare.local_sessions {
                out.push(
                    diag(
                        self.meta(),
                        format!("sessions are stored in the process ({what})"),
                    )
                    .at(
                        Origin::new(py.file, span.clone()),
                        "in-process session store",
                    )
                    .help(help),
                );
            }
        }
    }
}
