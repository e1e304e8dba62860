//! Processes: an app runs processes, each of a kind. Every compose service, Kubernetes container
//! and Procfile entry of an app is one: a *web* process serves a port, a *worker* does not, a
//! *one-off* runs an admin task and exits, a *dev* process is a development server. Start-command
//! rules judge each by its kind, so the migrate service of a compose project is a one-off and
//! not "the app running migrations on every start".

use super::Project;
use super::commands::{CommandLine, migration};
use crate::source::Origin;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProcessKind {
    Web,
    Worker,
    OneOff,
    Dev,
}

/// Where a process is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcessSite {
    Compose { compose: usize, service: usize },
    Kubernetes { object: usize, container: usize },
    Procfile { procfile: usize, entry: usize },
}

#[derive(Debug, Clone)]
pub struct Process {
    pub app: usize,
    pub name: String,
    pub kind: ProcessKind,
    /// Why twelve takes it for that kind, in words a user can check.
    pub evidence: String,
    pub site: ProcessSite,
    pub origin: Origin,
}

/// A command line that ends in a migration: the process migrates and exits.
fn ends_in_migration(lines: &[CommandLine]) -> Option<String> {
    let last = lines.iter().rev().find(|l| !l.cmds.is_empty())?;
    let c = last.cmds.iter().rev().find(|c| {
        !c.background && !matches!(c.program(), "echo" | "printf" | "set" | "true" | "exit")
    })?;
    migration(c)
}

impl Project {
    /// The kind of compose service `si` of compose file `ci`, and why; `own` is the service's
    /// own `entrypoint`/`command` as command lines.
    pub(crate) fn compose_process_kind(
        &self,
        ci: usize,
        si: usize,
        own: &[CommandLine],
    ) -> (ProcessKind, String) {
        let cm = &self.compose[ci];
        let s = &cm.compose.services[si];
        if let Some(why) = cm.dev_services.get(si).and_then(Option::as_deref) {
            return (ProcessKind::Dev, why.to_string());
        }
        if let Some(p) = s.profiles.first() {
            return (
                ProcessKind::OneOff,
                format!("under profile `{p}`: not started with the stack"),
            );
        }
        if let Some(waiter) = cm.compose.services.iter().find(|o| {
            o.depends_on.iter().any(|(n, cond, _)| {
                *n == s.name && cond.as_deref() == Some("service_completed_successfully")
            })
        }) {
            return (
                ProcessKind::OneOff,
                format!("`{}` waits for it to complete", waiter.name),
            );
        }
        if let Some(m) = ends_in_migration(own) {
            return (ProcessKind::OneOff, format!("runs `{m}` and exits"));
        }
        if !s.ports.is_empty() || !s.expose.is_empty() {
            return (ProcessKind::Web, "publishes a port".into());
        }
        (ProcessKind::Worker, "serves no port".into())
    }

    /// The kind of container `ci` of Kubernetes object `oi`, and why.
    pub(crate) fn k8s_process_kind(&self, oi: usize, ci: usize) -> (ProcessKind, String) {
        let o = &self.k8s[oi].object;
        if matches!(o.kind.as_str(), "Job" | "CronJob") {
            return (ProcessKind::OneOff, format!("a {}", o.kind));
        }
        if let Some((hook, _)) = o.annotations.iter().find(|(a, _)| {
            a.starts_with("helm.sh/hook") || a.starts_with("argocd.argoproj.io/hook")
        }) {
            return (ProcessKind::OneOff, format!("a hook (`{hook}`)"));
        }
        let serves = o
            .pod
            .as_ref()
            .and_then(|p| p.containers.get(ci))
            .is_some_and(|c| !c.ports.is_empty());
        if serves || !self.services_selecting(oi).is_empty() {
            return (ProcessKind::Web, "serves a port".into());
        }
        (ProcessKind::Worker, "serves no port".into())
    }

    /// The kind of a Procfile entry, and why.
    pub(crate) fn procfile_process_kind(name: &str) -> (ProcessKind, String) {
        match name {
            "release" => (
                ProcessKind::OneOff,
                "the Procfile's `release:` phase".into(),
            ),
            "web" => (ProcessKind::Web, "the Procfile's `web:` process".into()),
            _ => (
                ProcessKind::Worker,
                format!("the Procfile's `{name}:` process"),
            ),
        }
    }

    /// Every process of every app, from the start commands computed for them.
    pub(crate) fn compute_processes(&mut self) {
        let mut out = Vec::new();
        for (ai, app) in self.apps.iter().enumerate() {
            for &(ci, si) in &app.compose {
                let cm = &self.compose[ci];
                let s = &cm.compose.services[si];
                let own: Vec<CommandLine> = self
                    .start_commands(ai)
                    .iter()
                    .filter(|l| {
                        l.site
                            == Some(ProcessSite::Compose {
                                compose: ci,
                                service: si,
                            })
                    })
                    .cloned()
                    .collect();
                let (kind, evidence) = self.compose_process_kind(ci, si, &own);
                out.push(Process {
                    app: ai,
                    name: s.name.clone(),
                    kind,
                    evidence,
                    site: ProcessSite::Compose {
                        compose: ci,
                        service: si,
                    },
                    origin: Origin::new(cm.file, s.name_span.clone()),
                });
            }
            for &(oi, ci) in &app.k8s {
                let km = &self.k8s[oi];
                let Some(c) = km.object.pod.as_ref().and_then(|p| p.containers.get(ci)) else {
                    continue;
                };
                let (kind, evidence) = self.k8s_process_kind(oi, ci);
                out.push(Process {
                    app: ai,
                    name: format!(
                        "{}/{}",
                        km.object.name.as_deref().unwrap_or(&km.object.kind),
                        c.name
                    ),
                    kind,
                    evidence,
                    site: ProcessSite::Kubernetes {
                        object: oi,
                        container: ci,
                    },
                    origin: Origin::new(km.file, c.span),
                });
            }
            for (pi, pf) in self.procfiles.iter().enumerate() {
                if app.context.as_deref() != Some(crate::walk::parent_dir(self.rel(pf.file))) {
                    continue;
                }
                for (ei, (name, _, span)) in pf.entries.iter().enumerate() {
                    let (kind, evidence) = Self::procfile_process_kind(name);
                    out.push(Process {
                        app: ai,
                        name: name.clone(),
                        kind,
                        evidence,
                        site: ProcessSite::Procfile {
                            procfile: pi,
                            entry: ei,
                        },
                        origin: Origin::new(pf.file, span.clone()),
                    });
                }
            }
        }
        self.processes = out;
    }
}
