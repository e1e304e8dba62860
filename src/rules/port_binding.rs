//! TF07 — VII. Port binding: export services via port binding.

use super::{DiagExt, Input, Meta, Rule, diag};
use crate::diagnostic::Diagnostic;
use crate::meta;
use crate::model::commands::Cmd;
use crate::model::{App, Project};
use crate::parse::code::Lang;
use crate::parse::dockerfile::{self, Kind};
use crate::parse::k8s::PortRef;
use crate::parse::python::ArgValue;
use crate::source::Origin;
use crate::walk;

/// Imports that serve HTTP, in every language (Python modules, npm packages, Go import paths,
/// Rust crates).
const WEB_FRAMEWORKS: &[&str] = &[
    "express",
    "fastify",
    "koa",
    "@hapi/hapi",
    "@nestjs/core",
    "next",
    "hono",
    "net/http",
    "github.com/gin-gonic/gin",
    "github.com/labstack/echo/v4",
    "github.com/gofiber/fiber/v2",
    "github.com/go-chi/chi/v5",
    "github.com/gorilla/mux",
    "axum",
    "actix_web",
    "warp",
    "rocket",
    "poem",
    "tide",
    "hyper",
    "flask",
    "django",
    "fastapi",
    "aiohttp",
    "starlette",
    "tornado",
    "sanic",
    "bottle",
    "falcon",
    "uvicorn",
    "gunicorn",
    "waitress",
    "quart",
    "litestar",
];

/// Where a port is stated, in the order findings name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PortKind {
    Expose,
    Compose,
    ContainerPort,
    ServiceTarget,
    Command,
    /// `PORT` set by the image or a deployment, read by the code.
    EnvPort,
    Code,
}

impl PortKind {
    fn label(self) -> &'static str {
        match self {
            PortKind::Expose => "EXPOSE",
            PortKind::Compose => "compose container port",
            PortKind::ContainerPort => "containerPort",
            PortKind::ServiceTarget => "the Service's targetPort",
            PortKind::Command => "the start command",
            PortKind::EnvPort => "the `PORT` variable",
            PortKind::Code => "the code",
        }
    }
}

/// Whether everything that defines an app lies in test, example or doc trees.
fn app_in_test_tree(p: &Project, app: &App) -> bool {
    let mut files = Vec::new();
    files.extend(app.dockerfile.map(|d| p.dockerfiles[d].file));
    files.extend(app.compose.iter().map(|(ci, _)| p.compose[*ci].file));
    files.extend(app.k8s.iter().map(|(oi, _)| p.k8s[*oi].file));
    !files.is_empty() && files.iter().all(|f| p.is_test_file(*f))
}

/// Port and host a start command binds, from its flags.
fn command_binds(c: &Cmd) -> Vec<(Option<String>, Option<u16>, Origin)> {
    let c = c.unwrapped();
    let mut out = Vec::new();
    let prog = c.program();
    let args: Vec<&str> = c.words.iter().map(|(w, _)| w.as_str()).collect();
    if let Some((v, o)) = c.flag(&["-b", "--bind", "--listen", "--http", "--socket"]) {
        let (host, port) = match v.rsplit_once(':') {
            Some((h, p)) => (Some(h.to_string()), p.parse().ok()),
            None => (Some(v.to_string()), None),
        };
        if !v.starts_with("unix:") {
            out.push((host, port, o.clone()));
        }
    }
    let host = c
        .flag(&["--host", "-h"])
        .filter(|_| prog != "gunicorn")
        .map(|(h, _)| h.to_string());
    if let Some((v, o)) = c.flag(&["--port"]) {
        out.push((host.clone(), v.parse().ok(), o.clone()));
    } else if let Some((h, o)) = c.flag(&["--host"]) {
        out.push((Some(h.to_string()), None, o.clone()));
    }
    if let Some(i) = args.iter().position(|a| *a == "runserver") {
        match c.words.get(i + 1).filter(|(w, _)| !w.starts_with('-')) {
            Some((addr, o)) => {
                let (h, port) = match addr.rsplit_once(':') {
                    Some((h, p)) => (Some(h.to_string()), p.parse().ok()),
                    None => (None, addr.parse().ok()),
                };
                out.push((
                    h.or(Some("0.0.0.0".into())).filter(|h| !h.is_empty()),
                    port,
                    o.clone(),
                ));
            }
            None => out.push((
                Some("127.0.0.1 (runserver's default)".into()),
                Some(8000),
                c.words[i].1.clone(),
            )),
        }
    }
    out
}

fn is_loopback(h: &str) -> bool {
    h.starts_with("127.") || h.starts_with("localhost") || h == "::1" || h == "[::1]"
}

fn ports_of(p: &Project, ai: usize, app: &App) -> Vec<(PortKind, u16, Origin)> {
    let mut out = Vec::new();
    if let Some(di) = app.dockerfile {
        let d = &p.dockerfiles[di];
        let vars = d
            .final_stage()
            .map(|_| d.stage_vars(d.stages.len() - 1))
            .unwrap_or_default();
        for ins in d.final_instructions() {
            if let Kind::Expose(words) = &ins.kind {
                for w in words {
                    let t = dockerfile::substitute(&w.text, &vars).unwrap_or_default();
                    if let Ok(n) = t.split('/').next().unwrap_or("").parse::<u16>() {
                        out.push((PortKind::Expose, n, Origin::new(d.file, w.span.clone())));
                    }
                }
            }
        }
    }
    for (ci, si) in &app.compose {
        let cm = &p.compose[*ci];
        let s = &cm.compose.services[*si];
        for pm in &s.ports {
            if let Some(n) = pm.container {
                out.push((PortKind::Compose, n, Origin::new(cm.file, pm.span.clone())));
            }
        }
        for (n, span) in &s.expose {
            out.push((PortKind::Compose, *n, Origin::new(cm.file, span.clone())));
        }
    }
    for (oi, ci) in &app.k8s {
        let km = &p.k8s[*oi];
        if let Some(pod) = &km.object.pod {
            for cp in &pod.containers[*ci].ports {
                out.push((
                    PortKind::ContainerPort,
                    cp.number,
                    Origin::new(km.file, cp.span.clone()),
                ));
            }
        }
    }
    for (oi, ci) in &app.k8s {
        let km = &p.k8s[*oi];
        let Some(pod) = &km.object.pod else { continue };
        let mine = &pod.containers[*ci];
        let sidecar = |n: u16| {
            pod.containers
                .iter()
                .enumerate()
                .any(|(i, c)| i != *ci && c.ports.iter().any(|cp| cp.number == n))
        };
        for si in p.services_selecting(*oi) {
            let svc = &p.k8s[si];
            for sp in &svc.object.service_ports {
                let (n, span) = match &sp.target {
                    Some((PortRef::Number(n), span)) => (*n, span.clone()),
                    Some((PortRef::Name(name), span)) => {
                        match mine
                            .ports
                            .iter()
                            .find(|cp| cp.name.as_deref() == Some(name))
                        {
                            Some(cp) => (cp.number, span.clone()),
                            None => continue, // a sidecar's port, or unresolved (see named_port_errors)
                        }
                    }
                    None => match sp.port {
                        Some(n) => (n, sp.span.clone()),
                        None => continue,
                    },
                };
                if !sidecar(n) {
                    out.push((PortKind::ServiceTarget, n, Origin::new(svc.file, span)));
                }
            }
        }
    }
    for line in p.start_commands(ai) {
        if line.one_off {
            continue;
        }
        for c in &line.cmds {
            for (_, port, o) in command_binds(c) {
                if let Some(n) = port {
                    out.push((PortKind::Command, n, o));
                }
            }
        }
    }
    // `PORT` as the image and the deployments set it, when the code reads it
    let reads_port = p
        .sources_of_app(ai)
        .any(|s| s.facts.env_reads.iter().any(|r| r.name == "PORT"));
    if reads_port {
        if let Some(di) = app.dockerfile {
            let d = &p.dockerfiles[di];
            for ins in d.final_instructions() {
                if let Kind::Env(kvs) = &ins.kind {
                    for kv in kvs.iter().filter(|kv| kv.key == "PORT") {
                        if let Some(n) = kv.value.as_deref().and_then(|v| v.parse().ok()) {
                            out.push((
                                PortKind::EnvPort,
                                n,
                                Origin::new(d.file, kv.value_span.clone()),
                            ));
                        }
                    }
                }
            }
        }
        for (ci, si) in &app.compose {
            let cm = &p.compose[*ci];
            for e in cm.compose.services[*si]
                .environment
                .iter()
                .filter(|e| e.key == "PORT")
            {
                if let Some(n) = e.value.as_deref().and_then(|v| v.parse().ok()) {
                    out.push((
                        PortKind::EnvPort,
                        n,
                        Origin::new(cm.file, e.value_span.clone()),
                    ));
                }
            }
        }
        for (oi, ci) in &app.k8s {
            let km = &p.k8s[*oi];
            let Some(pod) = &km.object.pod else { continue };
            for e in pod.containers[*ci].env.iter().filter(|e| e.name == "PORT") {
                if let Some(v) = &e.value
                    && let Ok(n) = v.text.parse()
                {
                    out.push((PortKind::EnvPort, n, Origin::new(km.file, v.span.clone())));
                }
            }
        }
    }
    let env_sets_port = out.iter().any(|(k, _, _)| *k == PortKind::EnvPort);
    for src in p.sources_of_app(ai) {
        for l in &src.facts.listens {
            if let Some((n, span)) = &l.port {
                out.push((PortKind::Code, *n, Origin::new(src.file, span.clone())));
            }
        }
        // the code's PORT default only matters where nothing sets PORT
        if env_sets_port {
            continue;
        }
        for r in &src.facts.env_reads {
            if r.name == "PORT"
                && let Some(d) = &r.default
            {
                let n = match d {
                    ArgValue::Int(i) => u16::try_from(*i).ok(),
                    ArgValue::Str(s) => s.parse().ok(),
                    // `"8080".to_string()`, `"8080".into()`
                    ArgValue::Expr { text, .. } => text
                        .strip_prefix('"')
                        .and_then(|r| r.split('"').next())
                        .and_then(|n| n.parse().ok()),
                };
                if let Some(n) = n {
                    out.push((PortKind::Code, n, Origin::new(src.file, r.span.clone())));
                }
            }
        }
    }
    out
}

pub struct MissingExpose;
impl Rule for MissingExpose {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0701",
            "missing-expose",
            7,
            Info,
            "the image of a service that listens declares no EXPOSE"
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
            if app_in_test_tree(p, app) {
                continue;
            }
            let Some(di) = app.dockerfile else { continue };
            let d = &p.dockerfiles[di];
            // a development image (a dev container, `Dockerfile.dev`) documents nothing
            // that is deployed
            if p.is_test_file(d.file) || d.dev {
                continue;
            }
            let ports = ports_of(p, ai, app);
            if ports.iter().any(|(k, _, _)| *k == PortKind::Expose) {
                continue;
            }
            let published = ports
                .iter()
                .find(|(k, _, _)| matches!(k, PortKind::Compose | PortKind::ContainerPort));
            let web = p.sources_of_app(ai).find_map(|py| {
                py.facts
                    .imports
                    .iter()
                    .find(|(m, _)| WEB_FRAMEWORKS.contains(&m.as_str()))
                    .map(|(m, s)| (m.clone(), Origin::new(py.file, s.clone())))
            });
            if published.is_none() && web.is_none() {
                continue;
            }
            let Some(st) = d.final_stage() else { continue };
            let mut dg = diag(
                self.meta(),
                format!(
                    "app `{}` listens but its image declares no EXPOSE",
                    app.name
                ),
            )
            .at(
                Origin::new(d.file, d.df.instructions[st.from].span.clone()),
                "final stage without EXPOSE",
            )
            .help("add `EXPOSE <port>` so the image documents the port it binds");
            if let Some((_, n, o)) = published {
                dg = dg.also(o.clone(), format!("port {n} published here"));
            } else if let Some((m, o)) = web {
                dg = dg.also(o, format!("`{m}` serves HTTP"));
            }
            out.push(dg);
        }
    }
}

/// Named ports that resolve to no container port: a Service `targetPort` naming no port of any
/// container of the pods it selects, a probe naming no port of its container.
fn named_port_errors(p: &Project, app: &App) -> Vec<(Origin, String, Origin)> {
    let mut out = Vec::new();
    for (oi, ci) in &app.k8s {
        let km = &p.k8s[*oi];
        let Some(pod) = &km.object.pod else { continue };
        let c = &pod.containers[*ci];
        for probe in &c.probes {
            if let Some((PortRef::Name(name), span)) = &probe.port
                && !c.ports.iter().any(|cp| cp.name.as_deref() == Some(name))
            {
                out.push((
                    Origin::new(km.file, span.clone()),
                    format!(
                        "{} probe port `{name}` is not a named port of container `{}`",
                        probe.kind, c.name
                    ),
                    Origin::new(km.file, c.span.clone()),
                ));
            }
        }
        if *ci != 0 {
            continue; // Services are checked once per pod
        }
        for si in p.services_selecting(*oi) {
            let svc = &p.k8s[si];
            for sp in &svc.object.service_ports {
                if let Some((PortRef::Name(name), span)) = &sp.target
                    && !pod
                        .containers
                        .iter()
                        .any(|c| c.ports.iter().any(|cp| cp.name.as_deref() == Some(name)))
                {
                    out.push((
                        Origin::new(svc.file, span.clone()),
                        format!(
                            "Service `{}` targetPort `{name}` is not a named port of the pods of {} `{}`",
                            svc.object.name.as_deref().unwrap_or("?"),
                            km.object.kind,
                            km.object.name.as_deref().unwrap_or("?")
                        ),
                        Origin::new(km.file, c.span.clone()),
                    ));
                }
            }
        }
    }
    out
}

pub struct PortMismatch;
impl Rule for PortMismatch {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0702",
            "port-mismatch",
            7,
            Error,
            "the app's port disagrees between two places that state it"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.apps.is_empty()
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for (ai, app) in p.apps.iter().enumerate() {
            if app_in_test_tree(p, app) {
                continue;
            }
            for (at, message, other) in named_port_errors(p, app) {
                out.push(
                    diag(self.meta(), format!("app `{}`: {message}", app.name))
                        .at(at, "unknown port name")
                        .also(other, "the container's ports")
                        .help("name the port in the container's `ports:` (`name: http`), or refer to it by number"),
                );
            }
            let ports = ports_of(p, ai, app);
            let mut kinds: Vec<PortKind> = ports.iter().map(|(k, _, _)| *k).collect();
            kinds.sort();
            kinds.dedup();
            let of = |k: PortKind| ports.iter().filter(move |(x, _, _)| *x == k);
            let disjoint =
                |a: PortKind, b: PortKind| !of(a).any(|(_, x, _)| of(b).any(|(_, y, _)| x == y));
            let mut pairs: Vec<(PortKind, PortKind)> = Vec::new();
            for (i, a) in kinds.iter().enumerate() {
                for b in &kinds[i + 1..] {
                    if disjoint(*a, *b) {
                        pairs.push((*a, *b));
                    }
                }
            }
            // one place that disagrees with every other (which agree among themselves) is one
            // finding at that place; anything else is reported pair by pair
            let odd = kinds.iter().copied().find(|k| {
                pairs.len() >= 2
                    && pairs.len() == kinds.len() - 1
                    && pairs.iter().all(|(a, b)| a == k || b == k)
            });
            let first = |k: PortKind| of(k).next().map(|(_, n, o)| (*n, o.clone()));
            let help = "use one port everywhere, ideally read from `PORT` by the code";
            if let Some(k) = odd {
                let Some((n, o)) = first(k) else { continue };
                let others: Vec<PortKind> = kinds.iter().copied().filter(|x| *x != k).collect();
                let labels: Vec<&str> = others.iter().map(|x| x.label()).collect();
                let names = match labels.split_last() {
                    Some((last, rest)) if !rest.is_empty() => {
                        format!("{} and {last}", rest.join(", "))
                    }
                    _ => labels.join(""),
                };
                let theirs = first(others[0]).map(|(m, _)| m).unwrap_or(n);
                let mut dg = diag(
                    self.meta(),
                    format!(
                        "app `{}`: port {n} in {} disagrees with port {theirs} in {names}",
                        app.name,
                        k.label()
                    ),
                )
                .at(o, format!("port {n}"))
                .help(help);
                for x in others {
                    if let Some((m, o2)) = first(x) {
                        dg = dg.also(o2, format!("port {m} in {}", x.label()));
                    }
                }
                out.push(dg);
                continue;
            }
            for (a, b) in pairs {
                let (Some((na, oa)), Some((nb, ob))) = (first(a), first(b)) else {
                    continue;
                };
                out.push(
                    diag(
                        self.meta(),
                        format!(
                            "app `{}`: port {na} in {} disagrees with port {nb} in {}",
                            app.name,
                            a.label(),
                            b.label()
                        ),
                    )
                    .at(oa, format!("port {na}"))
                    .also(ob, format!("port {nb}"))
                    .help(help),
                );
            }
        }
    }
}

pub struct HardcodedListenPort;
impl Rule for HardcodedListenPort {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0703",
            "hardcoded-listen-port",
            7,
            Warning,
            "code binds a literal port instead of reading it from the environment"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.sources.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Source]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for src in p.app_code() {
            for l in src.facts.listens.iter().filter(|l| !l.port_from_env) {
                let Some((n, span)) = &l.port else { continue };
                out.push(
                    diag(
                        self.meta(),
                        format!("`{}` binds the literal port {n}", l.what),
                    )
                    .at(Origin::new(src.file, span.clone()), "literal port")
                    .help(format!(
                        "read the port from the environment (`PORT`), with {n} as the default"
                    )),
                );
            }
        }
    }
}

pub struct LoopbackBind;
impl Rule for LoopbackBind {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0704",
            "loopback-bind",
            7,
            Error,
            "an app in a container binds 127.0.0.1, unreachable from outside"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.apps.is_empty()
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for (ai, app) in p.apps.iter().enumerate() {
            if app_in_test_tree(p, app) {
                continue;
            }
            let lines = p.start_commands(ai);
            let mut entry_scripts: Vec<String> = Vec::new();
            for line in lines {
                if line.one_off {
                    continue;
                }
                for c in &line.cmds {
                    let u = c.unwrapped();
                    for (host, _, o) in command_binds(&u) {
                        if let Some(h) = host.filter(|h| is_loopback(h)) {
                            out.push(
                                diag(self.meta(), format!("app `{}` binds {h} inside its container", app.name))
                                    .at(o, "loopback address")
                                    .help("bind 0.0.0.0 (all interfaces) so the published port reaches the process"),
                            );
                        }
                    }
                    let words: Vec<&str> = u.words.iter().map(|(w, _)| w.as_str()).collect();
                    if u.program() == "flask"
                        && words.get(1) == Some(&"run")
                        && u.flag(&["--host", "-h"]).is_none()
                    {
                        out.push(
                            diag(self.meta(), format!("app `{}` runs `flask run` without `--host`, which binds 127.0.0.1", app.name))
                                .at(u.origin.clone(), "binds 127.0.0.1 by default")
                                .help("run `flask run --host 0.0.0.0`, or a production server such as gunicorn"),
                        );
                    }
                    // the script an interpreter runs is the entry point whose binds matter
                    let interpreted = u.program().starts_with("python")
                        || matches!(u.program(), "node" | "bun" | "deno" | "ts-node" | "tsx");
                    if interpreted
                        && let Some((script, _)) =
                            u.words.iter().skip(1).find(|(w, _)| !w.starts_with('-'))
                    {
                        entry_scripts.push(walk::file_name(script).to_string());
                    }
                }
            }
            for src in p.sources_of_app(ai) {
                // compiled languages: the binary is built from all of the app's code
                let compiled = matches!(src.lang, Lang::Go | Lang::Rust);
                let name = walk::file_name(p.rel(src.file));
                let entry = entry_scripts.iter().any(|s| {
                    s == name
                        || s.rsplit_once('.').map(|(st, _)| st)
                            == name.rsplit_once('.').map(|(st, _)| st)
                });
                if !compiled && !entry {
                    continue;
                }
                for l in &src.facts.listens {
                    if let Some((h, span)) = l.host.as_ref().filter(|(h, _)| is_loopback(h)) {
                        out.push(
                            diag(
                                self.meta(),
                                format!("app `{}` binds {h} inside its container", app.name),
                            )
                            .at(Origin::new(src.file, span.clone()), "loopback address")
                            .help("bind 0.0.0.0 (all interfaces), ideally from the environment"),
                        );
                    } else if l.default_loopback && l.host.is_none() {
                        out.push(
                            diag(
                                self.meta(),
                                format!(
                                    "app `{}` starts `{}` without a host, which binds 127.0.0.1",
                                    app.name, l.what
                                ),
                            )
                            .at(
                                Origin::new(src.file, l.span.clone()),
                                "binds 127.0.0.1 by default",
                            )
                            .help("pass the host `0.0.0.0`, or serve with a production server"),
                        );
                    }
                }
            }
        }
    }
}

pub struct HostNetwork;
impl Rule for HostNetwork {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0705",
            "host-network",
            7,
            Warning,
            "an app shares the host's network instead of binding its own port"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.k8s.is_empty() || !p.compose.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Compose, Input::Kubernetes]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let help = "bind the app's own port and publish it through a Service or compose `ports:`";
        let mut seen = Vec::new();
        for app in &p.apps {
            for (oi, ci) in &app.k8s {
                let km = &p.k8s[*oi];
                let Some(pod) = &km.object.pod else { continue };
                if p.is_test_file(km.file) {
                    continue;
                }
                // one finding per root cause: the pod's hostNetwork (which makes every
                // container port a host port), else one per container naming its host ports
                if let Some(span) = &pod.host_network {
                    if !seen.contains(oi) {
                        seen.push(*oi);
                        out.push(
                            diag(
                                self.meta(),
                                format!("app `{}` runs with hostNetwork: true", app.name),
                            )
                            .at(Origin::new(km.file, span.clone()), "host network")
                            .help(help),
                        );
                    }
                    continue;
                }
                let c = &pod.containers[*ci];
                let host: Vec<_> = c.ports.iter().filter(|cp| cp.host_port.is_some()).collect();
                let Some(first) = host.first() else { continue };
                let list = host
                    .iter()
                    .map(|cp| cp.host_port.unwrap_or(0).to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut d = diag(
                    self.meta(),
                    format!(
                        "app `{}` (container `{}`) binds hostPort {list}",
                        app.name, c.name
                    ),
                )
                .at(Origin::new(km.file, first.span.clone()), "host port");
                for cp in &host[1..] {
                    d = d.also(Origin::new(km.file, cp.span.clone()), "host port");
                }
                out.push(d.help(help));
            }
        }
        for (_, cm, s) in p.app_services() {
            if let Some(nm) = s.network_mode.as_ref().filter(|n| n.text == "host")
                && !p.is_test_file(cm.file)
            {
                out.push(
                    diag(
                        self.meta(),
                        format!("service `{}` uses network_mode: host", s.name),
                    )
                    .at(Origin::new(cm.file, nm.span.clone()), "host network")
                    .help(help),
                );
            }
        }
    }
}
