//! TF08 — VIII. Concurrency: scale out via the process model.

use super::{DiagExt, Input, Meta, Rule, diag};
use crate::diagnostic::Diagnostic;
use crate::meta;
use crate::model::Project;
use crate::model::commands::Cmd;
use crate::source::Origin;

pub struct SingleReplica;
impl Rule for SingleReplica {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0801",
            "single-replica",
            8,
            Info,
            "an app Deployment runs one replica and nothing scales it"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.k8s.iter().any(|k| k.object.kind == "Deployment")
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Kubernetes]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        // the workloads that run a web process (looked up per workload below)
        let serving: std::collections::HashSet<usize> = p
            .processes
            .iter()
            .filter(|pr| pr.kind == crate::model::processes::ProcessKind::Web)
            .filter_map(|pr| match pr.site {
                crate::model::processes::ProcessSite::Kubernetes { object, .. } => Some(object),
                _ => None,
            })
            .collect();
        let mut seen = std::collections::HashSet::new();
        for app in &p.apps {
            for (oi, _) in &app.k8s {
                let km = &p.k8s[*oi];
                let o = &km.object;
                if o.kind != "Deployment" || seen.contains(oi) || p.is_test_file(km.file) {
                    continue;
                }
                seen.insert(*oi);
                // the most it runs in any deployment: overlays, patches and copies included
                if p.max_replicas(*oi).is_some_and(|n| n > 1) {
                    continue;
                }
                // a worker, consumer or load generator serves no traffic: one replica is a
                // choice of throughput, not a single point of failure for requests
                if !serving.contains(oi) {
                    continue;
                }
                let name = o.name.as_deref().unwrap_or("");
                let scaled = p.autoscaled(*oi);
                if scaled {
                    continue;
                }
                let at = match &o.replicas {
                    Some((_, span)) => Origin::new(km.file, *span),
                    None => Origin::new(km.file, o.kind_span),
                };
                out.push(
                    diag(self.meta(), format!("Deployment `{name}` of app `{}` runs a single replica and no HorizontalPodAutoscaler targets it", app.name))
                        .at(at, "one replica")
                        .help("run at least two replicas, or add a HorizontalPodAutoscaler"),
                );
            }
        }
    }
}

pub struct UnscalableComposeService;
impl Rule for UnscalableComposeService {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0802",
            "unscalable-compose-service",
            8,
            Warning,
            "a compose service asks for replicas but pins a container name or host port"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.compose.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Compose]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for (_, cm, s) in p.app_services() {
            let Some((n, rspan)) = &s.replicas else {
                continue;
            };
            if *n <= 1 || p.is_test_file(cm.file) {
                continue;
            }
            let pin = s
                .container_name
                .as_ref()
                .map(|c| {
                    (
                        Origin::new(cm.file, c.span),
                        "`container_name` is unique per host".to_string(),
                    )
                })
                .or_else(|| {
                    s.ports
                        .iter()
                        .find(|pm| pm.host.as_deref().is_some_and(|h| !h.contains('-')))
                        .map(|pm| {
                            (
                                Origin::new(cm.file, pm.span.clone()),
                                "a fixed host port can be bound once".to_string(),
                            )
                        })
                });
            let Some((at, why)) = pin else { continue };
            out.push(
                diag(self.meta(), format!("service `{}` asks for {n} replicas but {why}", s.name))
                    .at(at, "prevents scaling")
                    .also(Origin::new(cm.file, rspan.clone()), format!("{n} replicas"))
                    .help("drop `container_name`, publish a port range or let a load balancer publish the port"),
            );
        }
    }
}

/// Why a command daemonizes, if it does.
/// Whether an app's image ships its own nginx configuration (which may well say `daemon off;`).
fn ships_nginx_config(p: &Project, ai: usize) -> bool {
    let Some(di) = p.apps[ai].dockerfile else {
        return false;
    };
    p.dockerfiles[di]
        .df
        .instructions
        .iter()
        .any(|i| match &i.kind {
            crate::parse::dockerfile::Kind::Copy { dest, .. }
            | crate::parse::dockerfile::Kind::Add { dest, .. } => {
                dest.text.starts_with("/etc/nginx")
            }
            crate::parse::dockerfile::Kind::Run(spec) => spec.display().contains("daemon off"),
            _ => false,
        })
}

fn daemonizes(c: &Cmd, last: bool, nginx_configured: bool) -> Option<String> {
    let u = c.unwrapped();
    let prog = u.program();
    let w: Vec<&str> = u.words.iter().map(|(w, _)| w.as_str()).collect();
    if c.program() == "nohup" && c.background {
        return Some("`nohup … &` detaches the process".into());
    }
    if let Some(flag) = w
        .iter()
        .find(|a| matches!(**a, "--daemon" | "--daemonize" | "--detach"))
    {
        return Some(format!("`{flag}` forks into the background"));
    }
    if prog == "gunicorn" && w.contains(&"-D") {
        return Some("`-D` daemonizes gunicorn".into());
    }
    if let Some(flag) = w.iter().find(|a| {
        matches!(**a, "--pid" | "--pidfile" | "--pid-file")
            || a.starts_with("--pidfile=")
            || a.starts_with("--pid=")
    }) {
        return Some(format!("`{flag}` writes a PID file"));
    }
    if prog == "service" && w.get(2).is_some_and(|a| matches!(*a, "start" | "restart")) {
        return Some(format!(
            "`service {} start` starts a daemon",
            w.get(1).unwrap_or(&"")
        ));
    }
    if prog == "systemctl" && w.get(1) == Some(&"start") {
        return Some("`systemctl start` starts a daemon".into());
    }
    if w.first().is_some_and(|a| a.starts_with("/etc/init.d/")) && w.get(1) == Some(&"start") {
        return Some(format!("`{} start` starts a daemon", w[0]));
    }
    if last && prog == "nginx" && !nginx_configured && !w.iter().any(|a| a.contains("daemon off")) {
        return Some("nginx daemonizes unless run with `-g 'daemon off;'`".into());
    }
    if last && prog == "tail" && w.contains(&"-f") && w.contains(&"/dev/null") {
        return Some("`tail -f /dev/null` keeps the container alive while the real process runs in the background".into());
    }
    None
}

pub struct DaemonizingProcess;
impl Rule for DaemonizingProcess {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0803",
            "daemonizing-process",
            8,
            Error,
            "the start command daemonizes or writes a PID file"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.apps.is_empty()
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let mut seen: Vec<Origin> = Vec::new();
        for (ai, app) in p.apps.iter().enumerate() {
            for line in p.start_commands(ai) {
                if line.one_off || p.is_test_file(line.origin.file) {
                    continue;
                }
                let n = line.cmds.len();
                let nginx_configured = ships_nginx_config(p, ai);
                for (i, c) in line.cmds.iter().enumerate() {
                    let Some(why) = daemonizes(c, i + 1 == n, nginx_configured) else {
                        continue;
                    };
                    if seen.contains(&c.origin) {
                        continue;
                    }
                    seen.push(c.origin.clone());
                    out.push(
                        diag(self.meta(), format!("app `{}`: {why}", app.name))
                            .at(c.origin.clone(), "daemonizes")
                            .help("run the process in the foreground as PID 1 (or under tini) and let the platform manage it"),
                    );
                }
            }
        }
    }
}

const SHORT_LIVED: &[&str] = &[
    "echo", "printf", "sleep", "cd", "export", "set", "true", "false", "test", "[", "mkdir", "cp",
    "mv", "rm", "ln", "chmod", "chown", "cat", "envsubst", "wait", "trap", "exec", "tail", "nohup",
    // supervising the background process, not a second one: signalling it, leaving a loop,
    // polling something
    "kill", "pkill", "break", "continue", "return", "exit", "shift", "read", "unset", "source", ".",
    "wget", "curl", "grep", "cut", "sed", "awk", "head", "date", "touch",
];

pub struct MultipleProcessesInContainer;
impl Rule for MultipleProcessesInContainer {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0804",
            "multiple-processes-in-container",
            8,
            Warning,
            "one start command launches several long-running processes"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.apps.is_empty()
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let mut seen: Vec<Origin> = Vec::new();
        for (ai, app) in p.apps.iter().enumerate() {
            for line in p.start_commands(ai) {
                if line.one_off || p.is_test_file(line.origin.file) {
                    continue;
                }
                // installs and builds (`npm ci && node a.js &`) end; they are TF0502's business
                let long_lived = |c: &Cmd| {
                    !c.in_function
                        && !SHORT_LIVED.contains(&c.unwrapped().program())
                        && crate::rules::build_release_run::builds_at_start(c).is_none()
                };
                let bg = line
                    .cmds
                    .iter()
                    .position(|c| c.background && !c.program().is_empty() && long_lived(c));
                let Some(i) = bg else { continue };
                let later = line.cmds[i + 1..]
                    .iter()
                    .find(|c| long_lived(c) && c.pipeline.is_none());
                let Some(fg) = later else { continue };
                if seen.contains(&line.cmds[i].origin) {
                    continue;
                }
                seen.push(line.cmds[i].origin.clone());
                out.push(
                    diag(self.meta(), format!("app `{}` starts `{}` in the background and `{}` in the foreground of one container", app.name, line.cmds[i].unwrapped().program(), fg.unwrapped().program()))
                        .at(line.cmds[i].origin.clone(), "background process")
                        .also(fg.origin.clone(), "second process")
                        .help("give each process type its own container (compose service or Deployment) so each scales and restarts on its own"),
                );
            }
        }
    }
}
