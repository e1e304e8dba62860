//! TF09 — IX. Disposability: fast startup and graceful shutdown.

use super::{DiagExt, Input, Meta, Rule, diag};
use crate::diagnostic::{Diagnostic, Severity};
use crate::meta;
use crate::model::Project;
use crate::model::commands::Source;
use crate::parse::dockerfile::{Form, Kind};
use crate::source::Origin;

pub struct ShellFormEntrypoint;
impl Rule for ShellFormEntrypoint {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0901",
            "shell-form-entrypoint",
            9,
            Warning,
            "the app runs under a shell as PID 1, which does not pass SIGTERM on"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.apps.iter().any(|a| a.dockerfile.is_some())
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Dockerfile]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for (ai, app) in p.apps.iter().enumerate() {
            let Some(di) = app.dockerfile else { continue };
            let d = &p.dockerfiles[di];
            if p.is_test_file(d.file) || d.dev {
                continue;
            }
            let init = app
                .compose
                .iter()
                .any(|(ci, si)| p.compose[*ci].compose.services[*si].init);
            let mut entry = None;
            let mut cmd = None;
            for ins in d.final_instructions() {
                match &ins.kind {
                    Kind::Entrypoint(s) => entry = Some((ins, s)),
                    Kind::Cmd(s) => cmd = Some((ins, s)),
                    _ => {}
                }
            }
            // the effective PID 1: ENTRYPOINT if any, else CMD
            let Some((ins, spec)) = entry.or(cmd) else {
                continue;
            };
            if init {
                continue;
            }
            if let Form::Shell { text, .. } = &spec.form {
                let first = text.split_whitespace().next().unwrap_or("");
                if matches!(
                    first.rsplit('/').next().unwrap_or(first),
                    "exec" | "tini" | "dumb-init"
                ) {
                    continue;
                }
                let word = if matches!(ins.kind, Kind::Entrypoint(_)) {
                    "ENTRYPOINT"
                } else {
                    "CMD"
                };
                out.push(
                    diag(self.meta(), format!("app `{}`: {word} in shell form runs the app under a shell (`/bin/sh -c` unless SHELL says otherwise), which does not forward SIGTERM", app.name))
                        .at(Origin::new(d.file, ins.span), "shell form")
                        .help(format!("use the exec (JSON) form: {word} [\"program\", \"arg\"]")),
                );
                continue;
            }
            // exec form running `sh -c '<script>'`: the shell is PID 1 unless the script `exec`s
            if let Form::Exec(words) = &spec.form
                && words.first().is_some_and(|w| {
                    matches!(
                        w.text.rsplit('/').next().unwrap_or(""),
                        "sh" | "bash" | "ash" | "dash"
                    )
                })
                && words.iter().any(|w| w.text == "-c")
            {
                let script = words
                    .iter()
                    .skip_while(|w| w.text != "-c")
                    .nth(1)
                    .map(|w| w.text.as_str())
                    .unwrap_or("");
                let parsed = crate::parse::shell::parse(script);
                let last = parsed.last.map(|i| &parsed.commands[i]);
                let execs = last.is_some_and(|c| c.name() == Some("exec"))
                    || parsed.commands.len() <= 1 && !script.contains(['&', ';', '|']);
                if !execs {
                    out.push(
                        diag(self.meta(), format!("app `{}`: `sh -c` stays PID 1 and does not forward SIGTERM to the app", app.name))
                            .at(Origin::new(d.file, ins.span), "shell as PID 1")
                            .help("end the script with `exec <server>`, or move the steps into an entrypoint script that `exec`s"),
                    );
                }
                continue;
            }
            // an exec-form entrypoint running a script: the script must `exec` its last command
            let uses_init = p.start_commands(ai).iter().any(|l| {
                l.source == Source::DockerfileStart
                    && l.cmds
                        .first()
                        .is_some_and(|c| matches!(c.program(), "tini" | "dumb-init"))
            });
            if uses_init {
                continue;
            }
            for line in p
                .start_commands(ai)
                .iter()
                .filter(|l| l.source == Source::Script && !l.one_off && !l.dev)
            {
                // a script that traps SIGTERM handles shutdown itself (and usually `wait`s)
                let traps_term = line.cmds.iter().any(|c| {
                    c.program() == "trap"
                        && c.args().any(|(w, _)| {
                            matches!(
                                w.trim_start_matches("SIG").to_ascii_uppercase().as_str(),
                                "TERM" | "15"
                            )
                        })
                });
                if traps_term {
                    continue;
                }
                let Some(last) = line.cmds.iter().rev().find(|c| {
                    !c.background
                        && !matches!(c.program(), "echo" | "printf" | "set" | "trap" | "wait")
                }) else {
                    continue;
                };
                // a call of the script's own function (or a line of one): what it runs is
                // not followed here
                if last.in_function
                    || last.program() == "exec"
                    || last.words.first().is_some_and(|(w, _)| w == "exec")
                {
                    continue;
                }
                out.push(
                    diag(self.meta(), format!("app `{}`: the entrypoint script runs `{}` without `exec`, so the shell stays PID 1", app.name, last.program()))
                        .at(last.origin.clone(), "not exec'd")
                        .help(format!("`exec {}` so the app becomes PID 1 and receives SIGTERM", last.program())),
                );
            }
        }
    }
}

pub struct MissingProbes;
impl Rule for MissingProbes {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0902",
            "missing-probes",
            9,
            Warning,
            "an app container serving traffic has no readiness or liveness probe"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.k8s
            .iter()
            .any(|k| matches!(k.object.kind.as_str(), "Deployment" | "StatefulSet"))
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Kubernetes]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for app in &p.apps {
            for (oi, ci) in &app.k8s {
                let km = &p.k8s[*oi];
                if !matches!(km.object.kind.as_str(), "Deployment" | "StatefulSet")
                    || p.is_test_file(km.file)
                {
                    continue;
                }
                let Some(pod) = &km.object.pod else { continue };
                let c = &pod.containers[*ci];
                // a web process (a container port, or a Service selecting the pod): the model's
                // process kind
                let serves = p.processes.iter().any(|pr| {
                    pr.kind == crate::model::processes::ProcessKind::Web
                        && pr.site
                            == crate::model::processes::ProcessSite::Kubernetes {
                                object: *oi,
                                container: *ci,
                            }
                });
                if !serves {
                    continue;
                }
                // a probe an overlay patch or a copy of the workload adds counts
                let variants = p.variants(*oi);
                let has = |k: &str| {
                    variants
                        .iter()
                        .filter_map(|&v| p.k8s[v].object.pod.as_ref())
                        .flat_map(|pod| pod.containers.iter().filter(|vc| vc.name == c.name))
                        .any(|vc| vc.probes.iter().any(|pr| pr.kind == k))
                };
                let at = c.image.as_ref().map(|i| i.span).unwrap_or(c.span);
                // one finding per container, naming every probe it lacks
                let name = km.object.name.as_deref().unwrap_or("?");
                let (missing, label, help, severity) = match (has("readiness"), has("liveness")) {
                    (true, true) => continue,
                    (false, false) => (
                        "no readinessProbe or livenessProbe",
                        "no readiness or liveness probe",
                        "add a readinessProbe so traffic reaches only pods that are ready, during start and shutdown, and a livenessProbe so a hung process is restarted",
                        Severity::Warning,
                    ),
                    (false, true) => (
                        "no readinessProbe",
                        "no readinessProbe",
                        "add a readinessProbe so traffic reaches only pods that are ready, during start and shutdown",
                        Severity::Warning,
                    ),
                    (true, false) => (
                        "no livenessProbe",
                        "no livenessProbe",
                        "add a livenessProbe so a hung process is restarted",
                        Severity::Info,
                    ),
                };
                out.push(
                    diag(
                        self.meta(),
                        format!(
                            "container `{}` of {} `{name}` has {missing}",
                            c.name, km.object.kind
                        ),
                    )
                    .severity(severity)
                    .at(Origin::new(km.file, at), label)
                    .help(help),
                );
            }
        }
    }
}

fn is_kill(sig: &str) -> bool {
    matches!(
        sig.trim().to_ascii_uppercase().as_str(),
        "SIGKILL" | "KILL" | "9"
    )
}

fn is_zero_duration(d: &str) -> bool {
    let t = d.trim().trim_end_matches(|c: char| c.is_ascii_alphabetic());
    !t.is_empty() && t.chars().all(|c| c == '0' || c == '.')
}

pub struct UngracefulShutdown;
impl Rule for UngracefulShutdown {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0903",
            "ungraceful-shutdown",
            9,
            Warning,
            "the platform is told to kill the app without a graceful shutdown"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.dockerfiles.is_empty() || !p.compose.is_empty() || !p.k8s.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Dockerfile, Input::Compose, Input::Kubernetes]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let help = "let the app receive SIGTERM and finish in-flight work: keep the default signal and a grace period of several seconds";
        for d in &p.dockerfiles {
            if p.is_test_file(d.file) {
                continue;
            }
            for ins in &d.df.instructions {
                if let Kind::Stopsignal(w) = &ins.kind
                    && is_kill(&w.text)
                {
                    out.push(
                        diag(
                            self.meta(),
                            "STOPSIGNAL SIGKILL kills the process without a chance to shut down",
                        )
                        .at(Origin::new(d.file, w.span), "SIGKILL")
                        .help(help),
                    );
                }
            }
        }
        for cm in &p.compose {
            if p.is_test_file(cm.file) {
                continue;
            }
            for s in &cm.compose.services {
                if let Some(sig) = s.stop_signal.as_ref().filter(|s| is_kill(&s.text)) {
                    out.push(
                        diag(
                            self.meta(),
                            format!("service `{}` is stopped with SIGKILL", s.name),
                        )
                        .at(Origin::new(cm.file, sig.span), "SIGKILL")
                        .help(help),
                    );
                }
                if let Some(g) = s
                    .stop_grace_period
                    .as_ref()
                    .filter(|g| is_zero_duration(&g.text))
                {
                    out.push(
                        diag(
                            self.meta(),
                            format!("service `{}` has no grace period to shut down", s.name),
                        )
                        .at(Origin::new(cm.file, g.span), "zero grace period")
                        .help(help),
                    );
                }
            }
        }
        for km in &p.k8s {
            if p.is_test_file(km.file) {
                continue;
            }
            if let Some((0, span)) = km.object.pod.as_ref().and_then(|p| p.termination_grace) {
                out.push(
                    diag(
                        self.meta(),
                        format!(
                            "{} `{}` sets terminationGracePeriodSeconds: 0",
                            km.object.kind,
                            km.object.name.as_deref().unwrap_or("?")
                        ),
                    )
                    .at(Origin::new(km.file, span), "killed at once")
                    .help(help),
                );
            }
        }
    }
}

pub struct SleepBeforeStart;
impl Rule for SleepBeforeStart {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0904",
            "sleep-before-start",
            9,
            Info,
            "the start command sleeps a fixed time before starting"
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
                for (i, c) in line.cmds.iter().enumerate() {
                    let secs = c
                        .words
                        .get(1)
                        .map(|(w, _)| w.trim_end_matches('s'))
                        .and_then(|w| w.parse::<f64>().ok());
                    if c.program() != "sleep"
                        || i + 1 == n
                        || c.background
                        || c.in_loop
                        || !secs.is_some_and(|s| s >= 1.0)
                    {
                        continue;
                    }
                    if seen.contains(&c.origin) {
                        continue;
                    }
                    seen.push(c.origin.clone());
                    out.push(
                        diag(self.meta(), format!("app `{}` sleeps {}s before it starts", app.name, c.words[1].0.trim_end_matches('s')))
                            .at(c.origin.clone(), "fixed wait")
                            .help("connect with retries (or wait on a health check) instead of sleeping a fixed time"),
                    );
                }
            }
        }
    }
}
