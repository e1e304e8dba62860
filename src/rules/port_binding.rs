//! TF07 — VII. Port binding: export services via port binding.

use super::{DiagExt, Input, Meta, Rule, diag};
use crate::diagnostic::Diagnostic;
use crate::meta;
use crate::model::ports::PortKind;
use crate::model::{App, Project};

use crate::parse::k8s::PortRef;
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

fn is_loopback(h: &str) -> bool {
    h.starts_with("127.") || h.starts_with("localhost") || h == "::1" || h == "[::1]"
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
            if p.app_in_test_tree(app) {
                continue;
            }
            let Some(di) = app.dockerfile else { continue };
            let d = &p.dockerfiles[di];
            // a development image (a dev container, `Dockerfile.dev`) documents nothing
            // that is deployed
            if p.is_test_file(d.file) || d.dev {
                continue;
            }
            let ports = p.ports_of(ai);
            let unresolved = p.unresolved_exposes(ai);
            let declared = ports.iter().any(|(k, _, _)| *k == PortKind::Expose);
            let inherited = ports.iter().any(|(k, _, _)| *k == PortKind::BaseExpose);
            if declared || (inherited && unresolved.is_empty()) {
                continue;
            }
            let published = ports
                .iter()
                .find(|(k, _, _)| matches!(k, PortKind::Compose | PortKind::ContainerPort));
            let web = p.sources_of_app(ai).find_map(|py| {
                p.code(py)
                    .imports
                    .iter()
                    .find(|(m, _)| WEB_FRAMEWORKS.contains(&m.as_str()))
                    .map(|(m, s)| (*m, Origin::new(py.file, *s)))
            });
            if published.is_none() && web.is_none() {
                continue;
            }
            let Some(st) = d.final_stage() else { continue };
            let mut dg = match unresolved.first() {
                // `EXPOSE ${AD_PORT}` with nothing in the build setting it: empty, exposes nothing
                Some((word, at)) => diag(
                    self.meta(),
                    format!(
                        "app `{}` listens but its image's `EXPOSE {word}` names a variable the build does not set, so it exposes no port",
                        app.name
                    ),
                )
                .at(at.clone(), "no port once substituted")
                .help("declare the variable with a default before EXPOSE (`ARG PORT=8080`), or write the port"),
                None => diag(
                    self.meta(),
                    format!(
                        "app `{}` listens but its image declares no EXPOSE",
                        app.name
                    ),
                )
                .at(
                    Origin::new(d.file, d.df.instructions[st.from].span),
                    "final stage without EXPOSE",
                )
                .help("add `EXPOSE <port>` so the image documents the port it binds"),
            };
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
                    Origin::new(km.file, *span),
                    format!(
                        "{} probe port `{name}` is not a named port of container `{}`",
                        probe.kind, c.name
                    ),
                    Origin::new(km.file, c.span),
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
                        Origin::new(svc.file, *span),
                        format!(
                            "Service `{}` targetPort `{name}` is not a named port of the pods of {} `{}`",
                            svc.object.name.as_deref().unwrap_or("?"),
                            km.object.kind,
                            km.object.name.as_deref().unwrap_or("?")
                        ),
                        Origin::new(km.file, c.span),
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
            if p.app_in_test_tree(app) {
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
            // what a base image exposes was never written here: no side of a mismatch
            let ports: Vec<_> = p
                .ports_of(ai)
                .into_iter()
                .filter(|(k, _, _)| *k != PortKind::BaseExpose)
                .collect();
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
            for l in src.facts.rare.listens.iter().filter(|l| !l.port_from_env) {
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
            if p.app_in_test_tree(app) {
                continue;
            }
            for b in p.start_binds(ai) {
                let Some(h) = b.host.as_deref().filter(|h| is_loopback(h)) else {
                    continue;
                };
                out.push(match b.by_default {
                    Some(server) => diag(self.meta(), format!("app `{}` runs {server} without a host, which binds {h} by default", app.name))
                        .at(b.origin, format!("binds {h} by default"))
                        .help("give the server the host `0.0.0.0` (a flag, or its variable such as `FLASK_RUN_HOST`, `UVICORN_HOST`, `GUNICORN_CMD_ARGS`)"),
                    None => diag(self.meta(), format!("app `{}` binds {h} inside its container", app.name))
                        .at(b.origin, "loopback address")
                        .help("bind 0.0.0.0 (all interfaces) so the published port reaches the process"),
                });
            }
            let lines = p.start_commands(ai);
            let mut entry_scripts: Vec<String> = Vec::new();
            for line in lines {
                if line.one_off {
                    continue;
                }
                for c in &line.cmds {
                    let u = c.unwrapped();
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
                let compiled = src.lang.spec().whole_app;
                let name = walk::file_name(p.rel(src.file));
                let entry = entry_scripts.iter().any(|s| {
                    s == name
                        || s.rsplit_once('.').map(|(st, _)| st)
                            == name.rsplit_once('.').map(|(st, _)| st)
                });
                if !compiled && !entry {
                    continue;
                }
                for l in &src.facts.rare.listens {
                    if let Some((h, span)) = l.host.as_ref().filter(|(h, _)| is_loopback(h)) {
                        // a loopback default of a bind variable: the deployment may set it
                        let message = match l.what.strip_prefix("the default of ") {
                            Some(var) => format!(
                                "app `{}` binds {h} inside its container by default ({var})",
                                app.name
                            ),
                            None => format!("app `{}` binds {h} inside its container", app.name),
                        };
                        out.push(
                            diag(self.meta(), message)
                                .at(Origin::new(src.file, span.clone()), "loopback address")
                                .help(
                                    "bind 0.0.0.0 (all interfaces), ideally from the environment",
                                ),
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
                            .at(Origin::new(km.file, *span), "host network")
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
                .at(Origin::new(km.file, first.span), "host port");
                for cp in &host[1..] {
                    d = d.also(Origin::new(km.file, cp.span), "host port");
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
                    .at(Origin::new(cm.file, nm.span), "host network")
                    .help(help),
                );
            }
        }
    }
}
