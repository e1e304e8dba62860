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
