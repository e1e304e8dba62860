//! TF04 — IV. Backing services: treat backing services as attached resources.

use super::{DiagExt, Input, Meta, Rule, diag};
use crate::diagnostic::Diagnostic;
use crate::meta;
use crate::model::Project;
use crate::model::configs::local_service_value;
use crate::parse::dockerfile::Kind;
use crate::source::Origin;

/// Packages that put a database, cache or broker server into the image.
fn server_package(pkg: &str) -> Option<&'static str> {
    let p = pkg.split(['=', ':']).next().unwrap_or(pkg);
    let base = p.trim_end_matches(|c: char| c.is_ascii_digit() || c == '.' || c == '-');
    Some(match base {
        "postgresql" | "postgresql-server" => "PostgreSQL",
        "mysql-server" | "mariadb-server" | "default-mysql-server" => "MySQL/MariaDB",
        "redis-server" | "redis" => "Redis",
        "mongodb" | "mongodb-org" | "mongodb-server" => "MongoDB",
        "rabbitmq-server" => "RabbitMQ",
        "memcached" => "Memcached",
        "supervisor" | "supervisord" => "supervisord",
        "runit" => "runit",
        _ => return None,
    })
}

pub struct ServiceInAppImage;
impl Rule for ServiceInAppImage {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0403",
            "service-in-app-image",
            4,
            Warning,
            "an app image installs a backing-service server or a process supervisor"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.dockerfiles.is_empty()
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
            for (_, cmds) in p.run_commands(di) {
                for c in cmds {
                    let u = c.unwrapped();
                    let w: Vec<&str> = u.words.iter().map(|(w, _)| w.as_str()).collect();
                    let installs = match u.program() {
                        "apt-get" | "apt" | "yum" | "dnf" | "microdnf" | "zypper" => {
                            w.contains(&"install")
                        }
                        "apk" => w.contains(&"add"),
                        _ => false,
                    };
                    if !installs {
                        continue;
                    }
                    for (word, o) in u.args() {
                        if word.starts_with('-') {
                            continue;
                        }
                        if let Some(what) = server_package(word) {
                            out.push(
                                diag(self.meta(), format!("app `{}` installs `{word}` ({what}) into its own image", app.name))
                                    .at(o.clone(), "server in the app image")
                                    .help("run the service as its own container or managed service and attach it by URL from the environment"),
                            );
                        }
                    }
                }
            }
            for ins in d.final_instructions() {
                if let Kind::Copy { srcs, .. } | Kind::Add { srcs, .. } = &ins.kind
                    && srcs.iter().any(|s| s.text.contains("s6-overlay"))
                {
                    out.push(
                        diag(
                            self.meta(),
                            format!("app `{}` adds the s6-overlay process supervisor", app.name),
                        )
                        .at(Origin::new(d.file, ins.span), "process supervisor")
                        .help("one process per container: give each service its own container"),
                    );
                }
            }
        }
    }
}

const CONNECT_CALLS: &[&str] = &[
    "connect",
    "Redis",
    "StrictRedis",
    "MongoClient",
    "ConnectionParameters",
    "Connection",
    "create_pool",
    "Client",
    // JavaScript clients taking an options object: ioredis, node-redis, pg, mysql2, amqplib
    "createClient",
    "createConnection",
    "createPool",
    "Pool",
    // Go clients' option structs (`redis.Options{Addr: …}`), Ruby and C# client classes
    "Options",
    "ClusterOptions",
    "RedisClient",
    "Dalli::Client",
    "Bunny",
    "ConnectionFactory",
    // Java, C# and PHP clients given their host by position
    "Jedis",
    "JedisPool",
    "MongoClient",
    "ConnectionMultiplexer",
    "Memcached",
];

pub struct HardcodedServiceAddress;
impl Rule for HardcodedServiceAddress {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0401",
            "hardcoded-service-address",
            4,
            Warning,
            "code or a container's config connects to a literal backing-service address"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.sources.is_empty()
            || !p.compose.is_empty()
            || !p.k8s.is_empty()
            || !p.config_loopbacks.is_empty()
            || !p.config_hosts.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Source, Input::Compose, Input::Kubernetes]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        use crate::diagnostic::Severity;
        let in_container = "inside a container, localhost is the container itself: use the service's name from the environment";
        // a production config file of the app
        for l in &p.config_loopbacks {
            out.push(
                diag(
                    self.meta(),
                    format!(
                        "production config `{}` points `{}` at localhost",
                        crate::walk::file_name(p.rel(l.origin.file)),
                        l.key
                    ),
                )
                .severity(Severity::Error)
                .at(l.origin.clone(), "localhost in a production config")
                .help("read the service's address from the environment (`REDIS_URL`, `DATABASE_URL`): in production it is another host"),
            );
        }
        // an app config file every environment loads, naming the service's host
        for h in &p.config_hosts {
            out.push(
                diag(
                    self.meta(),
                    format!(
                        "config `{}` sets `{}` to the literal host `{}`",
                        crate::walk::file_name(p.rel(h.origin.file)),
                        h.key,
                        h.host
                    ),
                )
                .at(h.origin.clone(), "literal backing-service address")
                .help("read the address from the environment (a `${VAR}` placeholder the config loader resolves, or a variable the app reads), so each deploy attaches its own resource"),
            );
        }
        // the container's own configuration
        for (_, cm, s) in p.app_services() {
            if p.is_test_file(cm.file) {
                continue;
            }
            for e in &s.environment {
                if let Some(v) = &e.value
                    && local_service_value(&e.key, v)
                {
                    out.push(
                        diag(self.meta(), format!("service `{}` points `{}` at localhost, which is the container itself", s.name, e.key))
                            .severity(Severity::Error)
                            .at(Origin::new(cm.file, e.value_span.clone()), "localhost inside a container")
                            .help(in_container),
                    );
                }
            }
        }
        for app in &p.apps {
            for (oi, ci) in &app.k8s {
                let km = &p.k8s[*oi];
                let Some(pod) = &km.object.pod else { continue };
                for e in &pod.containers[*ci].env {
                    if let Some(v) = &e.value
                        && local_service_value(&e.name, &v.text)
                        && !p.is_test_file(km.file)
                    {
                        out.push(
                            diag(self.meta(), format!("container `{}` points `{}` at localhost, which is the pod itself", pod.containers[*ci].name, e.name))
                                .severity(Severity::Error)
                                .at(Origin::new(km.file, v.span), "localhost inside a container")
                                .help(in_container),
                        );
                    }
                }
            }
        }
        // code connecting to a literal host
        for py in p.app_code() {
            for call in &py.facts.rare.calls {
                if !CONNECT_CALLS.contains(&call.method())
                    && !CONNECT_CALLS.contains(&call.callee.as_str())
                {
                    continue;
                }
                if let Some(arg) = call.kwarg("host").or_else(|| call.kwarg("Host"))
                    && let crate::parse::python::ArgValue::Str(h) = &arg.value
                    && !h.is_empty()
                {
                    out.push(
                        diag(
                            self.meta(),
                            format!("`{}` connects to the literal host `{h}`", call.callee),
                        )
                        .at(
                            Origin::new(py.file, arg.span.clone()),
                            "literal service address",
                        )
                        .help("read the service's URL or host from the environment"),
                    );
                }
            }
        }
    }
}

/// Signs that an app waits for or retries its backing services.
fn retries(p: &Project, ai: usize) -> bool {
    const LIBS: &[&str] = &[
        "tenacity",
        "backoff",
        "retry",
        "retrying",
        "stamina",
        "wait_for_it", // Python
        "p-retry",
        "async-retry",
        "retry-axios",
        "exponential-backoff", // npm
        "github.com/cenkalti/backoff/v4",
        "github.com/avast/retry-go", // Go
        "tokio_retry",
        "backon", // Rust (`backoff` is also a crate)
    ];
    let code = p.sources_of_app(ai).any(|py| {
        !py.facts.rare.connect_retries.is_empty()
            || p.code(py)
                .imports
                .iter()
                .any(|(m, _)| LIBS.contains(&m.as_str()))
    });
    let waits = p.start_commands(ai).iter().flat_map(|l| &l.cmds).any(|c| {
        let prog = c.unwrapped().program().to_string();
        matches!(
            prog.as_str(),
            "wait-for-it" | "wait-for-it.sh" | "wait-for" | "dockerize" | "wait-for-postgres"
        ) || (c.in_loop
            && matches!(
                prog.as_str(),
                "nc" | "pg_isready" | "mysqladmin" | "redis-cli" | "curl" | "python" | "python3"
            ))
    });
    code || waits
}

pub struct StartupOrderRace;
impl Rule for StartupOrderRace {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0402",
            "startup-order-race",
            4,
            Warning,
            "an app starts after a backing service is started, not ready, and does not retry"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.compose
            .iter()
            .any(|c| c.compose.services.iter().any(|s| !s.depends_on.is_empty()))
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Compose]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for (ai, cm, s) in p.app_services() {
            // a development stack is started and restarted by hand; the deployed one matters
            if p.is_test_file(cm.file) || p.dev_service(cm, &s.name).is_some() || retries(p, ai) {
                continue;
            }
            // with the app's code in the repository, the race needs a connection made as the
            // process starts (or a migration at start); drivers and pools that connect on
            // first use, and per-request connections (PHP), only fail the first requests
            let code: Vec<&crate::model::SourceModel> = p.sources_of_app(ai).collect();
            let eager = code
                .iter()
                .find_map(|src| {
                    src.facts
                        .rare
                        .eager_connects
                        .first()
                        .map(|(w, _)| (src.lang, w.clone()))
                })
                .or_else(|| {
                    code.iter().find_map(|src| {
                        src.facts
                            .rare
                            .migrations
                            .first()
                            .map(|(w, _)| (src.lang, w.clone()))
                    })
                });
            let start_migrates = p.start_commands(ai).iter().any(|l| {
                !l.one_off
                    && l.cmds
                        .iter()
                        .any(|c| crate::model::commands::migration(c).is_some())
            });
            if !code.is_empty() && eager.is_none() && !start_migrates {
                continue;
            }
            let advice = match eager.as_ref().map(|(l, _)| *l) {
                Some(crate::parse::code::Lang::Go) => {
                    "retry the `Ping` in a loop with a growing sleep before serving"
                }
                Some(crate::parse::code::Lang::Rust) => {
                    "retry the connection with backoff (`backon`, `tokio-retry`) or use `connect_lazy`"
                }
                Some(
                    crate::parse::code::Lang::JavaScript | crate::parse::code::Lang::TypeScript,
                ) => {
                    "retry the connection (`.catch` → `setTimeout(connect, …)`, or the client's reconnect options)"
                }
                Some(crate::parse::code::Lang::Python) => {
                    "retry the connection (tenacity, backoff) or connect on first use"
                }
                _ => "retry connections in the app (tenacity, backoff)",
            };
            let because = eager
                .as_ref()
                .map(|(_, w)| format!(" ({w} at start)"))
                .unwrap_or_default();
            for (dep, cond, span) in &s.depends_on {
                let backing = p.services.iter().any(|b| {
                    b.name == *dep && b.origin.file == cm.file && b.kind != "infrastructure"
                });
                if !backing || cond.as_deref() == Some("service_healthy") {
                    continue;
                }
                out.push(
                    diag(self.meta(), format!("service `{}` depends on `{dep}` being started, not ready, and shows no connection retry{because}", s.name))
                        .at(Origin::new(cm.file, span.clone()), "start order only")
                        .help(format!("use `depends_on: {{{dep}: {{condition: service_healthy}}}}` with a healthcheck on `{dep}`, and {advice}")),
                );
            }
        }
    }
}
