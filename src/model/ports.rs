//! The ports an app states, wherever they are written, with their origin: what the port rules
//! compare.

use super::{App, Project};
use crate::parse::dockerfile::{self, Kind};
use crate::parse::k8s::PortRef;
use crate::parse::python::ArgValue;
use crate::source::Origin;

/// Where a port is stated, in the order findings name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PortKind {
    Expose,
    /// What the image's base declares (`FROM nginx` exposes 80): the image exposes it, but the
    /// repository never wrote it, so it is no side of a mismatch.
    BaseExpose,
    Compose,
    ContainerPort,
    ServiceTarget,
    Command,
    /// The server's config file the start command names (uWSGI ini, gunicorn config).
    ServerConfig,
    /// `PORT` set by the image or a deployment, read by the code.
    EnvPort,
    Code,
}

impl PortKind {
    pub fn label(self) -> &'static str {
        match self {
            PortKind::Expose => "EXPOSE",
            PortKind::BaseExpose => "the base image's EXPOSE",
            PortKind::Compose => "compose container port",
            PortKind::ContainerPort => "containerPort",
            PortKind::ServiceTarget => "the Service's targetPort",
            PortKind::Command => "the start command",
            PortKind::ServerConfig => "the server's config",
            PortKind::EnvPort => "the `PORT` variable",
            PortKind::Code => "the code",
        }
    }
}

impl Project {
    /// Whether everything that defines an app lies in test, example or doc trees.
    pub fn app_in_test_tree(&self, app: &App) -> bool {
        let p = self;
        let mut files = Vec::new();
        files.extend(app.dockerfile.map(|d| p.dockerfiles[d].file));
        files.extend(app.compose.iter().map(|(ci, _)| p.compose[*ci].file));
        files.extend(app.k8s.iter().map(|(oi, _)| p.k8s[*oi].file));
        !files.is_empty() && files.iter().all(|f| p.is_test_file(*f))
    }

    /// Every port an app states, with where: EXPOSE of its image's final stage, compose
    /// container ports, `containerPort`, the targetPort of each Service that selects it (by
    /// number, or by name through the container's ports), the ports its start commands bind,
    /// `PORT` as the image and deployments set it when the code reads it, and the code's binds
    /// (its `PORT` default where nothing sets `PORT`).
    pub fn ports_of(&self, ai: usize) -> Vec<(PortKind, u16, Origin)> {
        let p = self;
        let app = &self.apps[ai];
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
                            out.push((PortKind::Expose, n, Origin::new(d.file, w.span)));
                        }
                    }
                }
            }
            // the first stage of the final stage's lineage is built on an outside image
            if let Some(first) = d
                .final_stage()
                .and_then(|_| d.lineage(d.stages.len() - 1).first().copied())
                && let Some(st) = d.stages.get(first)
                && let Some(base) = &st.base
            {
                for n in super::images::base_exposes(base) {
                    out.push((
                        PortKind::BaseExpose,
                        *n,
                        Origin::new(d.file, d.df.instructions[st.from].span),
                    ));
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
                        Origin::new(km.file, cp.span),
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
                        Some((PortRef::Number(n), span)) => (*n, *span),
                        Some((PortRef::Name(name), span)) => {
                            match mine
                                .ports
                                .iter()
                                .find(|cp| cp.name.as_deref() == Some(name))
                            {
                                Some(cp) => (cp.number, *span),
                                None => continue, // a sidecar's port, or unresolved (see named_port_errors)
                            }
                        }
                        None => match sp.port {
                            Some(n) => (n, sp.span),
                            None => continue,
                        },
                    };
                    if !sidecar(n) {
                        out.push((PortKind::ServiceTarget, n, Origin::new(svc.file, span)));
                    }
                }
            }
        }
        let proxied = p.supervised_behind_proxy(ai);
        for line in p.start_commands(ai) {
            if line.one_off || (proxied && line.source == super::commands::Source::Supervisor) {
                continue;
            }
            let ctx = app.context.clone().unwrap_or_default();
            for c in &line.cmds {
                let binds = c.binds();
                let any_host = binds.iter().any(|(h, _, _)| h.is_some());
                for (_, port, o) in binds {
                    if let Some(n) = port {
                        out.push((PortKind::Command, n, o));
                    }
                }
                if !any_host {
                    for b in p.server_config_binds(&ctx, &c.unwrapped()) {
                        if let Some(n) = b.port {
                            out.push((PortKind::ServerConfig, n, b.origin));
                        }
                    }
                }
            }
        }
        // `PORT` as the image and the deployments set it, when the code reads it
        let reads_port = p
            .sources_of_app(ai)
            .any(|s| self.code(s).env_reads.iter().any(|r| r.name == "PORT"));
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
                                    Origin::new(d.file, kv.value_span),
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
                        out.push((PortKind::EnvPort, n, Origin::new(km.file, v.span)));
                    }
                }
            }
        }
        let env_sets_port = out.iter().any(|(k, _, _)| *k == PortKind::EnvPort);
        for src in p.sources_of_app(ai) {
            for l in &src.facts.rare.listens {
                if let Some((n, span)) = &l.port {
                    out.push((PortKind::Code, *n, Origin::new(src.file, span.clone())));
                }
            }
            // the code's PORT default only matters where nothing sets PORT
            if env_sets_port {
                continue;
            }
            for r in self.code(src).env_reads {
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
                        out.push((PortKind::Code, n, Origin::new(src.file, r.span)));
                    }
                }
            }
        }
        out
    }

    /// `EXPOSE` words of the app's image that name no port once the build's variables are
    /// substituted (`EXPOSE ${AD_PORT}` with no `ARG`/`ENV` setting it): the image exposes
    /// nothing there.
    pub fn unresolved_exposes(&self, ai: usize) -> Vec<(String, Origin)> {
        let Some(di) = self.apps[ai].dockerfile else {
            return Vec::new();
        };
        let d = &self.dockerfiles[di];
        let vars = d
            .final_stage()
            .map(|_| d.stage_vars(d.stages.len() - 1))
            .unwrap_or_default();
        let mut out = Vec::new();
        for ins in d.final_instructions() {
            if let Kind::Expose(words) = &ins.kind {
                for w in words {
                    let port = dockerfile::substitute(&w.text, &vars)
                        .and_then(|t| t.split('/').next().unwrap_or("").parse::<u16>().ok());
                    if port.is_none() {
                        out.push((w.text.to_string(), Origin::new(d.file, w.span)));
                    }
                }
            }
        }
        out
    }

    /// The values an app's deployments and image give variable `name`: the image's ENV and
    /// every compose service's and Kubernetes container's env of the app.
    pub fn app_env_values(&self, ai: usize, name: &str) -> Vec<String> {
        let app = &self.apps[ai];
        let mut out = Vec::new();
        if let Some(di) = app.dockerfile {
            for ins in self.dockerfiles[di].final_instructions() {
                if let Kind::Env(kvs) = &ins.kind {
                    out.extend(
                        kvs.iter()
                            .filter(|kv| kv.key == name)
                            .filter_map(|kv| kv.value.as_deref().map(str::to_string)),
                    );
                }
            }
        }
        for &(ci, si) in &app.compose {
            let (vars, _) = self.service_env(ci, si);
            out.extend(
                vars.into_iter()
                    .filter(|v| v.key == name)
                    .filter_map(|v| v.value),
            );
        }
        for &(oi, ci) in &app.k8s {
            if let Some(c) = self.k8s[oi]
                .object
                .pod
                .as_ref()
                .and_then(|p| p.containers.get(ci))
            {
                out.extend(
                    c.env
                        .iter()
                        .filter(|e| e.name == name)
                        .filter_map(|e| e.value.as_ref().map(|v| v.text.to_string())),
                );
            }
        }
        out
    }

    /// Where each start command of an app binds: the address its flags give, else what the
    /// server reads from the environment (`FLASK_RUN_HOST`, `UVICORN_HOST`,
    /// `GUNICORN_CMD_ARGS`, gunicorn's `PORT`), else the server's own default, which for
    /// `flask run`, gunicorn and uvicorn is loopback. A server configured by a file
    /// (`gunicorn -c`, a `gunicorn.conf.py` in the build context) binds what the file says,
    /// which twelve does not read: no default is assumed for it.
    pub fn start_binds(&self, ai: usize) -> Vec<Bind> {
        let mut out = Vec::new();
        let ctx = self.apps[ai].context.clone().unwrap_or_default();
        let has_conf =
            |name: &str| crate::walk::join(&ctx, name).is_some_and(|p| self.has_path(&p));
        let env_set = |name: &str| !self.app_env_values(ai, name).is_empty();
        let lines = self.start_commands(ai);
        let proxied = self.supervised_behind_proxy(ai);
        for line in lines {
            if line.one_off || (proxied && line.source == super::commands::Source::Supervisor) {
                continue;
            }
            for c in &line.cmds {
                let u = c.unwrapped();
                let explicit = u.binds();
                let any_host = explicit.iter().any(|(h, _, _)| h.is_some());
                out.extend(explicit.into_iter().map(|(host, port, origin)| Bind {
                    host,
                    port,
                    origin,
                    by_default: None,
                }));
                if any_host {
                    continue;
                }
                let prog = u.program();
                let words: Vec<&str> = u.words.iter().map(|(w, _)| w.as_str()).collect();
                let configured = self.server_config_binds(&ctx, &u);
                if !configured.is_empty() {
                    out.extend(configured);
                    continue;
                }
                let default = if prog == "flask" && words.get(1) == Some(&"run") {
                    (!env_set("FLASK_RUN_HOST")).then_some(("`flask run`", "127.0.0.1"))
                } else if prog == "uvicorn" {
                    let unix = u.flag(&["--uds", "--fd"]).is_some();
                    (!unix && !env_set("UVICORN_HOST")).then_some(("uvicorn", "127.0.0.1"))
                } else if prog == "gunicorn" {
                    let configured = u.flag(&["-c", "--config"]).is_some()
                        || has_conf("gunicorn.conf.py")
                        || env_set("GUNICORN_CMD_ARGS")
                        // with `PORT` set, gunicorn binds 0.0.0.0:$PORT
                        || env_set("PORT");
                    (!configured).then_some(("gunicorn", "127.0.0.1"))
                } else {
                    None
                };
                if let Some((server, host)) = default {
                    out.push(Bind {
                        host: Some(host.to_string()),
                        port: None,
                        origin: u.origin.clone(),
                        by_default: Some(server),
                    });
                }
            }
        }
        out
    }
}

impl Project {
    /// What the config file of the server a start command runs binds: a uWSGI ini file
    /// named on its command line, a gunicorn config file.
    pub fn server_config_binds(&self, ctx: &str, u: &super::commands::Cmd) -> Vec<Bind> {
        let words: Vec<&str> = u.words.iter().map(|(w, _)| w.as_str()).collect();
        match u.program() {
            "uwsgi" => self.uwsgi_ini_binds(ctx, &words),
            "gunicorn" => {
                let conf = u.flag(&["-c", "--config"]).map(|(v, _)| v);
                self.gunicorn_conf_binds(ctx, conf)
            }
            "unitd" => self.unit_listener_binds(ctx),
            // ASP.NET Core's top-level `urls` setting (Kestrel's named endpoints are objects
            // whose ancestry the settings do not keep, and are left alone)
            "dotnet" => self.app_config_binds(ctx, &["appsettings.json"], |st| {
                st.key.eq_ignore_ascii_case("urls") && st.parent.is_empty()
            }),
            "java" => self.app_config_binds(ctx, &["application.properties"], |st| {
                st.key == "address" && st.parent == "server"
            }),
            _ => Vec::new(),
        }
    }

    /// Addresses an app's main configuration file sets for its server (the base file, not an
    /// environment's variant): each value a URL or an address (`http://localhost:5000`,
    /// `127.0.0.1`), `;`-separated lists split.
    fn app_config_binds(
        &self,
        ctx: &str,
        names: &[&str],
        is_bind: impl Fn(&crate::parse::settings::Setting) -> bool,
    ) -> Vec<Bind> {
        let mut out = Vec::new();
        for c in &self.config_files {
            let rel = self.rel(c.file);
            if !crate::walk::is_within(rel, ctx)
                || !names.contains(&crate::walk::file_name(rel))
                || super::is_test_path(rel)
            {
                continue;
            }
            for st in c.settings.iter().filter(|st| is_bind(st)) {
                for one in st.value.split(';') {
                    let one = one.trim();
                    let (host, port) = match crate::parse::code::generic::url_address(one) {
                        Some(addr) => match addr.rsplit_once(':') {
                            Some((h, p)) => (h.to_string(), p.parse().ok()),
                            None => (addr, None),
                        },
                        None if !one.is_empty() && !one.contains("://") => (one.to_string(), None),
                        None => continue,
                    };
                    out.push(Bind {
                        host: Some(host),
                        port,
                        origin: Origin::new(c.file, st.value_span.clone()),
                        by_default: None,
                    });
                }
            }
        }
        out
    }

    /// The listeners of NGINX Unit's JSON configuration in the build context
    /// (`"listeners": {"*:8080": {"pass": "applications/app"}}`), which the image's
    /// `unitd` loads at start.
    fn unit_listener_binds(&self, ctx: &str) -> Vec<Bind> {
        let mut out = Vec::new();
        for c in &self.config_files {
            if !crate::walk::is_within(self.rel(c.file), ctx) {
                continue;
            }
            // a listener is named by its address; its `pass` names where requests go
            for st in c.settings.iter().filter(|s| s.key == "pass") {
                let Some((host, port)) = st.parent.rsplit_once(':') else {
                    continue;
                };
                let Ok(port) = port.parse::<u16>() else {
                    continue;
                };
                let host = match host {
                    "*" | "" | "[::]" => "0.0.0.0",
                    h => h,
                };
                out.push(Bind {
                    host: Some(host.to_string()),
                    port: Some(port),
                    origin: Origin::new(c.file, st.key_span.clone()),
                    by_default: None,
                });
            }
        }
        out
    }

    /// What a gunicorn config file binds: `bind = "host:port"` in the file `-c` names
    /// (relative to the build context, where the image's workdir gets it), else the
    /// `gunicorn.conf.py` gunicorn loads from its working directory by default.
    fn gunicorn_conf_binds(&self, ctx: &str, conf: Option<&str>) -> Vec<Bind> {
        // `-c python:pkg.module` names a module, not a file
        let name = match conf {
            Some(c) if c.starts_with("python:") || c.contains('$') => return Vec::new(),
            Some(c) => c.trim_start_matches("./"),
            None => "gunicorn.conf.py",
        };
        let Some(src) = self.sources.iter().find(|s| {
            let rel = self.rel(s.file);
            crate::walk::is_within(rel, ctx)
                && (crate::walk::join(ctx, name).as_deref() == Some(rel)
                    || rel.ends_with(&format!("/{name}")))
        }) else {
            return Vec::new();
        };
        self.code(src)
            .bindings
            .iter()
            .filter(|b| b.key == "bind")
            .filter_map(|b| {
                // `host:port`; `unix:/path` and `fd://` are no port
                let (host, port) = b.value.trim().rsplit_once(':')?;
                let port: u16 = port.parse().ok()?;
                Some(Bind {
                    host: Some(if host.is_empty() { "0.0.0.0" } else { host }.to_string()),
                    port: Some(port),
                    origin: Origin::new(src.file, b.value_span),
                    by_default: None,
                })
            })
            .collect()
    }

    /// The sockets a uWSGI ini file named on its command line (`uwsgi --ini uwsgi.ini`,
    /// `uwsgi app.ini`) binds: `http`, `http-socket`, `https`, `socket`, `uwsgi-socket` of its
    /// `[uwsgi]` section. The file is looked up in the app's build context.
    fn uwsgi_ini_binds(&self, ctx: &str, words: &[&str]) -> Vec<Bind> {
        let Some(ini) = words
            .iter()
            .skip(1)
            .find(|w| w.ends_with(".ini") && !w.contains('$'))
        else {
            return Vec::new();
        };
        let name = crate::walk::file_name(ini);
        let Some(c) = self.config_files.iter().find(|c| {
            let rel = self.rel(c.file);
            crate::walk::file_name(rel) == name && crate::walk::is_within(rel, ctx)
        }) else {
            return Vec::new();
        };
        c.settings
            .iter()
            .filter(|s| {
                s.parent == "uwsgi"
                    && matches!(
                        s.key.as_str(),
                        "http" | "http-socket" | "https" | "socket" | "uwsgi-socket"
                    )
            })
            .filter_map(|s| {
                // `host:port`, `:port`; a unix socket path or `%(…)`/`$(…)` is no port
                let addr = s.value.split(',').next().unwrap_or("").trim();
                let (host, port) = addr.rsplit_once(':')?;
                let port: u16 = port.parse().ok()?;
                Some(Bind {
                    host: Some(if host.is_empty() { "0.0.0.0" } else { host }.to_string()),
                    port: Some(port),
                    origin: Origin::new(c.file, s.value_span.clone()),
                    by_default: None,
                })
            })
            .collect()
    }
}

/// Where a start command binds (see `Project::start_binds`).
#[derive(Debug, Clone)]
pub struct Bind {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub origin: Origin,
    /// The server whose default this is (`gunicorn`), when no flag, variable or config file
    /// gives the address.
    pub by_default: Option<&'static str>,
}
