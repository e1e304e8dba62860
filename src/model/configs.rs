//! Facts read from the app's own configuration files (YAML, TOML, JSON, INI, properties):
//! a production config that points a backing service at localhost.

use super::Project;
use crate::parse::yaml::{Value, Yaml};
use crate::source::{FileId, Origin};

/// A backing-service address that points at the container itself.
pub fn local_service_value(key: &str, value: &str) -> bool {
    let v = value.trim().to_ascii_lowercase();
    let scheme = v.split("://").next().unwrap_or("");
    let url_to_local = v.contains("://")
        && matches!(
            scheme.split('+').next().unwrap_or(""),
            "postgres"
                | "postgresql"
                | "mysql"
                | "mariadb"
                | "mongodb"
                | "redis"
                | "rediss"
                | "amqp"
                | "amqps"
                | "nats"
                | "kafka"
                | "memcached"
        )
        && v.split("://").nth(1).is_some_and(|rest| {
            let host = rest.rsplit('@').next().unwrap_or(rest);
            host.starts_with("localhost")
                || host.starts_with("127.0.0.1")
                || host.starts_with("[::1]")
        });
    let k = key.to_ascii_uppercase();
    let host_key = k.ends_with("_HOST")
        && [
            "DB", "DATABASE", "POSTGRES", "PG", "MYSQL", "MARIADB", "MONGO", "REDIS", "RABBIT",
            "AMQP", "CACHE", "MEMCACHE", "KAFKA", "NATS", "BROKER",
        ]
        .iter()
        .any(|s| k.contains(s));
    url_to_local || host_key && matches!(v.as_str(), "localhost" | "127.0.0.1" | "::1")
}

/// A production config file's setting that points a backing service at the loopback address.
#[derive(Debug, Clone)]
pub struct ConfigLoopback {
    /// The value.
    pub origin: Origin,
    /// The setting, as its keys read (`redis.host`).
    pub key: String,
}

/// Whether a config file is a production environment's (`production.yaml`, `prod.json`,
/// `application-prod.yml`, `settings.production.toml`, a `production/` directory).
pub fn is_production_config(rel: &str) -> bool {
    rel.to_ascii_lowercase()
        .split(['/', '.', '-', '_'])
        .any(|w| matches!(w, "production" | "prod"))
}

impl Project {
    /// Backing-service hosts at localhost in production config files.
    pub(super) fn compute_config_loopbacks(&mut self) {
        let mut out = Vec::new();
        let production = |p: &Project, f: FileId| {
            let rel = p.rel(f);
            is_production_config(rel) && !p.is_test_file(f)
        };
        for (file, docs) in &self.other_yaml {
            if !production(self, *file) {
                continue;
            }
            for d in docs {
                yaml_loopbacks(d, *file, "", 0, &mut out);
            }
        }
        for c in &self.config_files {
            if !production(self, c.file) {
                continue;
            }
            for s in &c.settings {
                let key = if s.parent.is_empty() {
                    s.key.clone()
                } else {
                    format!("{}.{}", s.parent, s.key)
                };
                if local_service_value(&setting_name(&key), &s.value) {
                    out.push(ConfigLoopback {
                        origin: Origin::new(c.file, s.value_span.clone()),
                        key,
                    });
                }
            }
        }
        self.config_loopbacks = out;
    }
}

/// A dotted key as an environment variable's name (`redis.host` → `REDIS_HOST`).
fn setting_name(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn yaml_loopbacks(y: &Yaml, file: FileId, path: &str, depth: usize, out: &mut Vec<ConfigLoopback>) {
    if depth > 32 {
        return;
    }
    match &y.value {
        Value::Map(entries) => {
            for (k, v) in entries {
                let Some(k) = k.as_str() else { continue };
                let key = if path.is_empty() {
                    k.to_string()
                } else {
                    format!("{path}.{k}")
                };
                match v.as_str() {
                    Some(text) if v.as_map().is_none() && v.as_seq().is_none() => {
                        if local_service_value(&setting_name(&key), text) {
                            out.push(ConfigLoopback {
                                origin: Origin::new(file, v.span.clone()),
                                key,
                            });
                        }
                    }
                    _ => yaml_loopbacks(v, file, &key, depth + 1, out),
                }
            }
        }
        Value::Seq(items) => {
            for i in items {
                yaml_loopbacks(i, file, path, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// A backing service's address written as a literal in an app config file the app loads in
/// every environment (`spring.data.mongodb.host: account-mongodb`, `db_url =
/// "postgres://db:5432/app"`): attaching another resource means editing and rebuilding.
#[derive(Debug, Clone)]
pub struct ConfigHost {
    /// The value.
    pub origin: Origin,
    /// The setting's dotted key.
    pub key: String,
    /// The host it names.
    pub host: String,
}

/// Words of a key that name a backing service.
const SERVICE_WORDS: &[&str] = &[
    "mongodb",
    "mongo",
    "redis",
    "rabbitmq",
    "rabbit",
    "amqp",
    "datasource",
    "database",
    "db",
    "postgres",
    "postgresql",
    "pg",
    "mysql",
    "mariadb",
    "elasticsearch",
    "kafka",
    "memcached",
    "memcache",
    "smtp",
    "mail",
    "nats",
    "broker",
    "cache",
];

/// Last words of a key that hold an address.
const HOST_WORDS: &[&str] = &["host", "hostname", "server", "address", "addr"];
const URL_WORDS: &[&str] = &["url", "uri", "dsn"];

/// Config files that hold one environment's values or an example, not the app's own: by a
/// word of the file's name (`application-dev.yml`, `config.local.toml`, `config.sample.yml`)
/// or of a directory above it (`dev/containers/config.yml`, `examples/`).
fn environment_or_example(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let name = crate::walk::file_name(&lower);
    let env_word = |w: &str| {
        matches!(
            w,
            "dev"
                | "development"
                | "local"
                | "test"
                | "tests"
                | "testing"
                | "ci"
                | "example"
                | "examples"
                | "sample"
                | "samples"
                | "dist"
                | "template"
                | "e2e"
                | "demo"
                | "fixtures"
        )
    };
    let dirs = lower.split('/').rev().skip(1);
    name.split(['.', '-', '_']).any(env_word) || dirs.into_iter().any(env_word)
}

/// A platform's deployment file, whose settings are the deployment's environment (as a
/// compose file's `environment:` is): fly.toml, netlify.toml, wrangler.toml, render.yaml,
/// app.json, vercel.json, railway.json, Google App Engine's app.yaml.
fn deployment_env_file(rel: &str) -> bool {
    matches!(
        crate::walk::file_name(rel).to_ascii_lowercase().as_str(),
        "fly.toml"
            | "netlify.toml"
            | "wrangler.toml"
            | "render.yaml"
            | "app.json"
            | "vercel.json"
            | "railway.json"
            | "railway.toml"
            | "app.yaml"
            | "now.json"
    )
}

/// A Spring Boot app's own `application*`/`bootstrap*` file in its resources: every property
/// there yields to the environment (`SPRING_DATA_MONGODB_HOST` overrides
/// `spring.data.mongodb.host`), so a literal is a default. Files a config server serves
/// (`resources/shared/`) take precedence over the environment and are judged.
fn spring_own_config(rel: &str) -> bool {
    let name = crate::walk::file_name(rel);
    (name.starts_with("application") || name.starts_with("bootstrap"))
        && crate::walk::parent_dir(rel).ends_with("src/main/resources")
}

/// A YAML file the app loads as its configuration (as opposed to CI, task-runner, docs or
/// tool YAML): under a `config`/`conf`/`settings` directory or Java resources, or named
/// `application*`, `bootstrap*`, `config*`, `settings*`.
fn is_app_config_yaml(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let name = crate::walk::file_name(&lower);
    let dirs: Vec<&str> = lower.split('/').collect();
    let in_dir = dirs[..dirs.len().saturating_sub(1)]
        .iter()
        .any(|d| matches!(*d, "config" | "configs" | "conf" | "settings" | "resources"));
    let by_name = ["application", "bootstrap", "config", "settings"]
        .iter()
        .any(|p| name.starts_with(p));
    let tooling = dirs
        .iter()
        .any(|d| d.starts_with(".github") || d.starts_with(".gitlab") || *d == ".circleci");
    (in_dir || by_name) && !tooling
}

/// The host a setting's literal value names, when its key says it is a backing service's
/// address: `<service>.host`, `<service>_host`, or a URL with a backing service's scheme.
fn literal_service_host(key: &str, value: &str) -> Option<String> {
    let v = value.trim();
    if v.is_empty()
        || v.contains("${")
        || v.contains("{{")
        || v.contains("%(")
        || v.starts_with('<')
    {
        return None;
    }
    let k = key.to_ascii_lowercase();
    let words: Vec<&str> = k.split(['.', '_', '-']).filter(|w| !w.is_empty()).collect();
    let last = *words.last()?;
    let names_service = words.iter().any(|w| SERVICE_WORDS.contains(w));
    if HOST_WORDS.contains(&last) && names_service {
        let host = v.split(':').next().unwrap_or(v);
        let hostlike = !host.is_empty()
            && host.len() <= 253
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
            && host.bytes().any(|b| b.is_ascii_alphabetic())
            && !matches!(host, "none" | "null" | "true" | "false" | "changeme");
        return hostlike.then(|| host.to_string());
    }
    if URL_WORDS.contains(&last) || v.contains("://") {
        let rest = v.strip_prefix("jdbc:").unwrap_or(v);
        let (scheme, after) = rest.split_once("://")?;
        let scheme = scheme
            .split('+')
            .next()
            .unwrap_or(scheme)
            .to_ascii_lowercase();
        if !matches!(
            scheme.as_str(),
            "postgres"
                | "postgresql"
                | "mysql"
                | "mariadb"
                | "mongodb"
                | "redis"
                | "rediss"
                | "amqp"
                | "amqps"
                | "nats"
                | "kafka"
                | "memcached"
                | "smtp"
                | "smtps"
                | "sqlserver"
        ) {
            return None;
        }
        let authority = after.split(['/', '?']).next().unwrap_or(after);
        let hostport = authority.rsplit('@').next().unwrap_or(authority);
        let host = hostport.split(',').next().unwrap_or(hostport);
        let host = host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host);
        return (!host.is_empty() && host.bytes().any(|b| b.is_ascii_alphabetic()))
            .then(|| host.to_string());
    }
    None
}

impl Project {
    /// Literal backing-service addresses in the app config files loaded in every
    /// environment: not one environment's file (`application-dev.yml`, `config.local.toml`), not
    /// an example, not a test tree, not a node-config directory whose
    /// `custom-environment-variables` file maps the environment over the defaults.
    pub(super) fn compute_config_hosts(&mut self) {
        let mut out = Vec::new();
        let env_mapped: foldhash::HashSet<&str> = self
            .files
            .iter()
            .filter(|f| crate::walk::file_name(&f.rel).starts_with("custom-environment-variables."))
            .map(|f| crate::walk::parent_dir(&f.rel))
            .collect();
        let eligible = |p: &Project, f: FileId| {
            let rel = p.rel(f);
            !environment_or_example(rel)
                && !deployment_env_file(rel)
                && !spring_own_config(rel)
                && !p.is_test_file(f)
                && !env_mapped.contains(crate::walk::parent_dir(rel))
        };
        let loopback = |host: &str| matches!(host, "localhost" | "127.0.0.1" | "::1" | "[::1]");
        let mut push = |origin: Origin, key: String, value: &str| {
            // a block of one environment's settings (`[development]`, `test:`) or of a
            // deployment's variables (`[env]`, `environment:`)
            let scoped = key.split('.').rev().skip(1).any(|w| {
                let w = w.to_ascii_lowercase();
                matches!(
                    w.as_str(),
                    "dev"
                        | "development"
                        | "local"
                        | "test"
                        | "testing"
                        | "ci"
                        | "env"
                        | "environment"
                        | "vars"
                        | "variables"
                        | "env_variables"
                )
            });
            if scoped {
                return;
            }
            if let Some(host) = literal_service_host(&key, value) {
                // a production file's localhost is TF0401's error, said once
                if loopback(&host) && is_production_config(self.rel(origin.file)) {
                    return;
                }
                out.push(ConfigHost { origin, key, host });
            }
        };
        for (file, docs) in &self.other_yaml {
            if !eligible(self, *file) || !is_app_config_yaml(self.rel(*file)) {
                continue;
            }
            for d in docs {
                yaml_settings(d, "", 0, &mut |key, v| {
                    push(
                        Origin::new(*file, v.span.clone()),
                        key,
                        v.as_str().unwrap_or(""),
                    )
                });
            }
        }
        for c in &self.config_files {
            if !eligible(self, c.file) {
                continue;
            }
            for s in c.settings.iter().filter(|s| !s.disabled) {
                let key = if s.parent.is_empty() {
                    s.key.clone()
                } else {
                    format!("{}.{}", s.parent, s.key)
                };
                push(Origin::new(c.file, s.value_span.clone()), key, &s.value);
            }
        }
        self.config_hosts = out;
    }
}

/// Every scalar setting of a YAML tree with its dotted key.
fn yaml_settings(y: &Yaml, path: &str, depth: usize, f: &mut dyn FnMut(String, &Yaml)) {
    if depth > 32 {
        return;
    }
    if let Value::Map(entries) = &y.value {
        for (k, v) in entries {
            let Some(k) = k.as_str() else { continue };
            let key = if path.is_empty() {
                k.to_string()
            } else {
                format!("{path}.{k}")
            };
            match &v.value {
                Value::Map(_) => yaml_settings(v, &key, depth + 1, f),
                Value::Scalar { .. } => f(key, v),
                _ => {}
            }
        }
    }
}
