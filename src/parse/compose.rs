//! Compose files lowered from the YAML tree, with `${VAR}` interpolation from `.env`.

use crate::parse::yaml::{Value, Yaml};
use crate::source::Span;
use std::collections::HashMap;
use std::hash::BuildHasher;

/// A string value with its span in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Str {
    /// Inline up to 24 bytes: most values of a manifest are short (names, images, ports).
    pub text: compact_str::CompactString,
    pub span: crate::source::Sp,
}

impl Str {
    fn of(y: &Yaml) -> Option<Str> {
        y.as_str().map(|t| Str {
            text: t.into(),
            span: y.span.clone().into(),
        })
    }
}

#[derive(Debug, Clone)]
pub struct Build {
    pub context: String,
    pub dockerfile: Option<String>,
    pub target: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct PortMapping {
    pub host_ip: Option<String>,
    pub host: Option<String>,
    /// First container port of the (possibly ranged) mapping.
    pub container: Option<u16>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct EnvEntry {
    pub key: String,
    pub key_span: Span,
    /// The value as written (before interpolation); `None` when passed through from the host.
    pub raw: Option<String>,
    /// The value after interpolation.
    pub value: Option<String>,
    pub value_span: Span,
}

#[derive(Debug, Clone)]
pub enum CmdValue {
    /// A string: compose splits it into words, it does not run a shell.
    String(Str),
    List(Vec<Str>),
}

#[derive(Debug, Clone)]
pub struct Volume {
    pub source: Option<String>,
    pub target: String,
    pub read_only: bool,
    pub bind: bool,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Service {
    pub name: String,
    pub name_span: Span,
    /// From the name to the end of the service's body.
    pub span: Span,
    pub image: Option<Str>,
    pub build: Option<Build>,
    pub ports: Vec<PortMapping>,
    pub expose: Vec<(u16, Span)>,
    pub environment: Vec<EnvEntry>,
    pub env_files: Vec<Str>,
    pub depends_on: Vec<(String, Option<String>, Span)>,
    pub command: Option<CmdValue>,
    pub entrypoint: Option<CmdValue>,
    pub volumes: Vec<Volume>,
    pub replicas: Option<(i64, Span)>,
    pub healthcheck: bool,
    pub profiles: Vec<String>,
    pub restart: Option<String>,
    pub container_name: Option<Str>,
    pub network_mode: Option<Str>,
    /// `extends:` — the base service, and its file when it is in another file.
    pub extends: Option<(Option<String>, String, Span)>,
    pub stop_signal: Option<Str>,
    pub stop_grace_period: Option<Str>,
    /// `init: true`: an init process forwards signals to the command.
    pub init: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ComposeFile {
    pub services: Vec<Service>,
    /// Interpolation variables that were missing and had no default.
    pub missing_vars: Vec<(String, Span)>,
    /// `include:` paths (relative to the file's directory).
    pub includes: Vec<Str>,
    /// Top-level `secrets:` read from a file: (secret name, `file:` path relative to the
    /// file's directory).
    pub secret_files: Vec<(String, Str)>,
}

/// Longest text interpolation may produce from one value; past it the rest is kept as
/// written (a value referencing a large variable many times cannot ask for gigabytes).
pub const MAX_INTERPOLATED: usize = 1 << 20;
/// Deepest nesting of `${A:-${B:-…}}` that is expanded; deeper text is kept as written.
const MAX_NESTING: usize = 32;

/// Interpolate compose variables: `${VAR}`, `${VAR:-d}`, `${VAR-d}`, `${VAR:+alt}`,
/// `${VAR+alt}`, `${VAR:?e}`, `${VAR?e}`, `$VAR`, `$$`; defaults and alternatives may nest
/// (`${A:-${B:-latest}}`). Returns the text and the variables that were missing without a
/// default.
pub fn interpolate<S: BuildHasher>(
    s: &str,
    vars: &HashMap<String, String, S>,
) -> (String, Vec<String>) {
    let mut out = String::with_capacity(s.len());
    let mut missing = Vec::new();
    interpolate_into(s, vars, 0, &mut out, &mut missing);
    (out, missing)
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The text of a `${…}` body and what follows its closing brace, nested `${…}` skipped.
fn braced(inner: &str) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    let bytes = inner.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some((inner.get(..i)?, inner.get(i + 1..)?)),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

fn interpolate_into<S: BuildHasher>(
    s: &str,
    vars: &HashMap<String, String, S>,
    depth: usize,
    out: &mut String,
    missing: &mut Vec<String>,
) {
    let mut rest = s;
    while let Some((before, after)) = rest.split_once('$') {
        out.push_str(before);
        if out.len() > MAX_INTERPOLATED || depth > MAX_NESTING {
            out.push('$');
            out.push_str(after);
            return;
        }
        if let Some(a) = after.strip_prefix('$') {
            out.push('$');
            rest = a;
        } else if let Some(inner) = after.strip_prefix('{') {
            let Some((expr, next)) = braced(inner) else {
                out.push('$');
                out.push_str(after);
                return;
            };
            let name_len = expr.find(|c: char| !is_name_char(c)).unwrap_or(expr.len());
            let (name, op) = expr.split_at_checked(name_len).unwrap_or((expr, ""));
            let val = vars.get(name);
            let set_nonempty = val.is_some_and(|v| !v.is_empty());
            let mut expand = |text: &str, out: &mut String| {
                interpolate_into(text, vars, depth + 1, out, missing)
            };
            if let Some(d) = op.strip_prefix(":-") {
                match val.filter(|_| set_nonempty) {
                    Some(v) => out.push_str(v),
                    None => expand(d, out),
                }
            } else if let Some(d) = op.strip_prefix('-') {
                match val {
                    Some(v) => out.push_str(v),
                    None => expand(d, out),
                }
            } else if let Some(alt) = op.strip_prefix(":+") {
                if set_nonempty {
                    expand(alt, out);
                }
            } else if let Some(alt) = op.strip_prefix('+') {
                if val.is_some() {
                    expand(alt, out);
                }
            } else {
                // `${VAR}`, `${VAR:?error}`, `${VAR?error}`
                match val {
                    Some(v) => out.push_str(v),
                    None => missing.push(name.to_string()),
                }
            }
            rest = next;
        } else {
            let len = after
                .find(|c: char| !is_name_char(c))
                .unwrap_or(after.len());
            let (name, next) = after.split_at_checked(len).unwrap_or((after, ""));
            if name.is_empty() {
                out.push('$');
            } else {
                match vars.get(name) {
                    Some(v) => out.push_str(v),
                    None => missing.push(name.to_string()),
                }
            }
            rest = next;
        }
    }
    out.push_str(rest);
}

/// Whether a YAML document is a compose project by its content, whatever the file is called
/// (`basic.yml`, `traefik.yml`, a Swarm `docker-stack.yml`): a top-level `services:` map in
/// which some service has an `image:` or `build:`. CI pipelines that also have `services:`
/// (Woodpecker, Drone, GitLab: `steps`, `pipeline`, `jobs`, `stages`, a `kind`) and
/// Kubernetes objects are not compose projects.
pub fn is_project(doc: &Yaml) -> bool {
    let Some(top) = doc.as_map() else {
        return false;
    };
    const NOT_COMPOSE: &[&str] = &[
        "steps",
        "pipeline",
        "jobs",
        "stages",
        "kind",
        "apiVersion",
        "workflows",
        "on",
        "tasks",
        "hosts",
        "image",
        "script",
    ];
    if top
        .iter()
        .any(|(k, _)| k.as_str().is_some_and(|k| NOT_COMPOSE.contains(&k)))
    {
        return false;
    }
    let Some(services) = doc.get("services").and_then(Yaml::as_map) else {
        return false;
    };
    services.iter().any(|(_, svc)| {
        svc.as_map().is_some()
            && (svc.get("image").and_then(Yaml::as_str).is_some() || svc.get("build").is_some())
    })
}

/// Lower a compose document. `vars` are the interpolation variables (from `.env`).
pub fn lower<S: BuildHasher>(doc: &Yaml, vars: &HashMap<String, String, S>) -> ComposeFile {
    let mut file = ComposeFile::default();
    for inc in doc.get("include").and_then(Yaml::as_seq).unwrap_or(&[]) {
        // `- path` or `- path: x` / `- path: [x, y]`
        let paths: Vec<&Yaml> = match inc.get("path") {
            Some(p) => p
                .as_seq()
                .map(|s| s.iter().collect())
                .unwrap_or_else(|| vec![p]),
            None => vec![inc],
        };
        for p in paths {
            if let Some(t) = p.as_str() {
                file.includes.push(Str {
                    text: interpolate(t, vars).0.into(),
                    span: p.span.clone().into(),
                });
            }
        }
    }
    for (name, def) in doc.get("secrets").and_then(Yaml::as_map).unwrap_or(&[]) {
        if let (Some(name), Some(f)) = (name.as_str(), def.get("file"))
            && let Some(t) = f.as_str()
        {
            file.secret_files.push((
                name.to_string(),
                Str {
                    text: interpolate(t, vars).0.into(),
                    span: f.span.clone().into(),
                },
            ));
        }
    }
    let Some(services) = doc.get("services").and_then(Yaml::as_map) else {
        return file;
    };
    let interp = |y: &Yaml, missing: &mut Vec<(String, Span)>| -> Option<String> {
        let t = y.as_str()?;
        let (v, miss) = interpolate(t, vars);
        missing.extend(miss.into_iter().map(|m| (m, y.span.clone())));
        Some(v)
    };
    for (k, svc) in services {
        let Some(name) = k.as_str() else { continue };
        let mut missing = Vec::new();
        let mut s = Service {
            name: name.to_string(),
            name_span: k.span.clone(),
            span: k.span.start..svc.span.end.max(k.span.end),
            image: svc.get("image").and_then(|y| {
                interp(y, &mut missing).map(|text| Str {
                    text: text.into(),
                    span: y.span.clone().into(),
                })
            }),
            build: None,
            ports: Vec::new(),
            expose: Vec::new(),
            environment: Vec::new(),
            env_files: Vec::new(),
            depends_on: Vec::new(),
            command: svc.get("command").and_then(cmd_value),
            entrypoint: svc.get("entrypoint").and_then(cmd_value),
            volumes: Vec::new(),
            replicas: None,
            healthcheck: svc
                .get("healthcheck")
                .is_some_and(|h| h.get("disable").and_then(Yaml::as_bool) != Some(true)),
            profiles: svc
                .get("profiles")
                .and_then(Yaml::as_seq)
                .map(|p| {
                    p.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
            restart: svc
                .get("restart")
                .and_then(|y| y.as_str().map(String::from)),
            container_name: svc.get("container_name").and_then(Str::of),
            network_mode: svc.get("network_mode").and_then(Str::of),
            stop_signal: svc.get("stop_signal").and_then(Str::of),
            stop_grace_period: svc.get("stop_grace_period").and_then(Str::of),
            init: svc.get("init").and_then(Yaml::as_bool) == Some(true),
            extends: svc.get("extends").and_then(|e| match e.as_str() {
                Some(name) => Some((None, name.to_string(), e.span.clone())),
                None => Some((
                    e.get("file").and_then(|f| f.as_str().map(String::from)),
                    e.get("service")?.as_str()?.to_string(),
                    e.span.clone(),
                )),
            }),
        };
        if let Some(b) = svc.get("build") {
            s.build = match &b.value {
                Value::Scalar { .. } => interp(b, &mut missing).map(|context| Build {
                    context,
                    dockerfile: None,
                    target: None,
                    span: b.span.clone(),
                }),
                Value::Map(_) => Some(Build {
                    context: b
                        .get("context")
                        .and_then(|y| interp(y, &mut missing))
                        .unwrap_or_else(|| ".".into()),
                    dockerfile: b.get("dockerfile").and_then(|y| interp(y, &mut missing)),
                    target: b.get("target").and_then(|y| interp(y, &mut missing)),
                    span: b.span.clone(),
                }),
                _ => None,
            };
        }
        for p in svc.get("ports").and_then(Yaml::as_seq).unwrap_or(&[]) {
            match &p.value {
                Value::Scalar { .. } => {
                    if let Some(t) = interp(p, &mut missing) {
                        s.ports.push(short_port(&t, p.span.clone()));
                    }
                }
                Value::Map(_) => s.ports.push(PortMapping {
                    host_ip: p.get("host_ip").and_then(|y| y.as_str().map(String::from)),
                    host: p
                        .get("published")
                        .and_then(|y| interp(y, &mut missing))
                        .filter(|h| !h.is_empty()),
                    container: p
                        .get("target")
                        .and_then(|y| interp(y, &mut missing))
                        .and_then(|t| first_port(&t)),
                    span: p.span.clone(),
                }),
                _ => {}
            }
        }
        for e in svc.get("expose").and_then(Yaml::as_seq).unwrap_or(&[]) {
            if let Some(port) = interp(e, &mut missing).and_then(|t| first_port(&t)) {
                s.expose.push((port, e.span.clone()));
            }
        }
        if let Some(env) = svc.get("environment") {
            match &env.value {
                Value::Map(entries) => {
                    for (k, v) in entries {
                        let Some(key) = k.as_str() else { continue };
                        let raw = v.as_str().map(String::from);
                        let value = interp(v, &mut missing);
                        s.environment.push(EnvEntry {
                            key: key.to_string(),
                            key_span: k.span.clone(),
                            raw,
                            value,
                            value_span: v.span.clone(),
                        });
                    }
                }
                Value::Seq(items) => {
                    for it in items {
                        let Some(t) = it.as_str() else { continue };
                        let (key, raw) = match t.split_once('=') {
                            Some((k, v)) => (k.to_string(), Some(v.to_string())),
                            None => (t.to_string(), None),
                        };
                        let value = raw.as_ref().map(|r| interpolate(r, vars).0);
                        // locate key and value inside the scalar when it is written plainly
                        let text_start = it.span.start
                            + usize::from(matches!(it.value, Value::Scalar { quoted: true, .. }));
                        let key_span = text_start..text_start + key.len();
                        let value_span = if raw.is_some() {
                            key_span.end + 1..it.span.end
                        } else {
                            it.span.end..it.span.end
                        };
                        s.environment.push(EnvEntry {
                            key,
                            key_span,
                            raw,
                            value,
                            value_span,
                        });
                    }
                }
                _ => {}
            }
        }
        if let Some(ef) = svc.get("env_file") {
            let items: Vec<&Yaml> = match &ef.value {
                Value::Seq(items) => items.iter().collect(),
                _ => vec![ef],
            };
            for it in items {
                let path = it
                    .as_str()
                    .or_else(|| it.get("path").and_then(Yaml::as_str));
                if let Some(p) = path {
                    s.env_files.push(Str {
                        text: interpolate(p, vars).0.into(),
                        span: it.span.clone().into(),
                    });
                }
            }
        }
        if let Some(d) = svc.get("depends_on") {
            match &d.value {
                Value::Seq(items) => {
                    for it in items {
                        if let Some(n) = it.as_str() {
                            s.depends_on.push((n.to_string(), None, it.span.clone()));
                        }
                    }
                }
                Value::Map(entries) => {
                    for (k, v) in entries {
                        if let Some(n) = k.as_str() {
                            let cond = v
                                .get("condition")
                                .and_then(|c| c.as_str().map(String::from));
                            s.depends_on.push((n.to_string(), cond, k.span.clone()));
                        }
                    }
                }
                _ => {}
            }
        }
        for v in svc.get("volumes").and_then(Yaml::as_seq).unwrap_or(&[]) {
            match &v.value {
                Value::Scalar { .. } => {
                    let Some(t) = interp(v, &mut missing) else {
                        continue;
                    };
                    let parts: Vec<&str> = t.split(':').collect();
                    let (source, target, mode) = match parts.as_slice() {
                        [t] => (None, t.to_string(), ""),
                        [s, t] => (Some(s.to_string()), t.to_string(), ""),
                        [s, t, m, ..] => (Some(s.to_string()), t.to_string(), *m),
                        [] => continue,
                    };
                    let bind = source
                        .as_deref()
                        .is_some_and(|s| s.starts_with(['.', '/', '~']));
                    s.volumes.push(Volume {
                        source,
                        target,
                        read_only: mode.split(',').any(|m| m == "ro"),
                        bind,
                        span: v.span.clone(),
                    });
                }
                Value::Map(_) => {
                    let ty = v.get("type").and_then(Yaml::as_str).unwrap_or("volume");
                    s.volumes.push(Volume {
                        source: v.get("source").and_then(|y| interp(y, &mut missing)),
                        target: v
                            .get("target")
                            .and_then(|y| interp(y, &mut missing))
                            .unwrap_or_default(),
                        read_only: v.get("read_only").and_then(Yaml::as_bool) == Some(true),
                        bind: ty == "bind",
                        span: v.span.clone(),
                    });
                }
                _ => {}
            }
        }
        if let Some(r) = svc.get("deploy").and_then(|d| d.get("replicas")) {
            if let Some(n) = interp(r, &mut missing).and_then(|t| t.trim().parse().ok()) {
                s.replicas = Some((n, r.span.clone()));
            }
        } else if let Some(r) = svc.get("scale")
            && let Some(n) = r.as_i64()
        {
            s.replicas = Some((n, r.span.clone()));
        }
        file.missing_vars.extend(missing);
        file.services.push(s);
    }
    apply_extends(&mut file.services);
    file
}

/// `theirs` followed by `mine`, into `mine`.
fn prepend<T>(mine: &mut Vec<T>, mut theirs: Vec<T>) {
    theirs.append(mine);
    *mine = theirs;
}

/// Merge `extends:` bases from the same file into the services that extend them, as compose
/// does: single values are inherited when not set, lists are combined, `environment` merges by
/// name with the extending service winning. Chains are followed; cycles are left alone.
fn apply_extends(services: &mut [Service]) {
    for _ in 0..services.len() {
        let mut changed = false;
        for i in 0..services.len() {
            let Some((None, base, _)) = services[i].extends.clone() else {
                continue;
            };
            let Some(bi) = services.iter().position(|s| s.name == base) else {
                continue;
            };
            if bi == i || services[bi].extends.as_ref().is_some_and(|e| e.0.is_none()) {
                continue; // resolve the base's own `extends` first (or a cycle)
            }
            let b = services[bi].clone();
            let s = &mut services[i];
            s.extends = None;
            changed = true;
            s.image = s.image.take().or(b.image);
            s.build = s.build.take().or(b.build);
            s.command = s.command.take().or(b.command);
            s.entrypoint = s.entrypoint.take().or(b.entrypoint);
            s.replicas = s.replicas.take().or(b.replicas);
            s.restart = s.restart.take().or(b.restart);
            s.container_name = s.container_name.take().or(b.container_name);
            s.network_mode = s.network_mode.take().or(b.network_mode);
            s.stop_signal = s.stop_signal.take().or(b.stop_signal);
            s.stop_grace_period = s.stop_grace_period.take().or(b.stop_grace_period);
            s.init |= b.init;
            s.healthcheck |= b.healthcheck;
            let mut env = b.environment;
            env.retain(|e| !s.environment.iter().any(|x| x.key == e.key));
            env.append(&mut s.environment);
            s.environment = env;
            prepend(&mut s.ports, b.ports);
            prepend(&mut s.expose, b.expose);
            prepend(&mut s.volumes, b.volumes);
            prepend(&mut s.env_files, b.env_files);
            prepend(&mut s.depends_on, b.depends_on);
            if s.profiles.is_empty() {
                s.profiles = b.profiles;
            }
        }
        if !changed {
            break;
        }
    }
}

fn cmd_value(y: &Yaml) -> Option<CmdValue> {
    match &y.value {
        Value::Scalar { .. } => Str::of(y).map(CmdValue::String),
        Value::Seq(items) => Some(CmdValue::List(items.iter().filter_map(Str::of).collect())),
        _ => None,
    }
}

fn first_port(t: &str) -> Option<u16> {
    let t = t.split('/').next()?;
    let t = t.split('-').next()?;
    t.trim().parse().ok()
}

/// Short port syntax: `[HOST_IP:][HOST[-RANGE]:]CONTAINER[-RANGE][/PROTO]`, IPv6 host in `[]`.
pub fn short_port(t: &str, span: Span) -> PortMapping {
    let t = t.trim();
    let (host_ip, rest) = if let Some(r) = t.strip_prefix('[') {
        match r.split_once("]:") {
            Some((ip, rest)) => (Some(ip.to_string()), rest),
            None => (None, t),
        }
    } else {
        match t.split_once(':') {
            Some((ip, rest)) if rest.contains(':') => (Some(ip.to_string()), rest),
            _ => (None, t),
        }
    };
    let (host, container) = match rest.rsplit_once(':') {
        Some((h, c)) => (Some(h.to_string()).filter(|h| !h.is_empty()), c),
        None => (None, rest),
    };
    PortMapping {
        host_ip,
        host,
        container: first_port(container),
        span,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ports() {
        let p = short_port("127.0.0.1:8080:80/tcp", 0..0);
        assert_eq!(p.host_ip.as_deref(), Some("127.0.0.1"));
        assert_eq!(p.host.as_deref(), Some("8080"));
        assert_eq!(p.container, Some(80));
        let p = short_port("3000", 0..0);
        assert_eq!((p.host, p.container), (None, Some(3000)));
        let p = short_port("9090-9091:8080-8081", 0..0);
        assert_eq!(p.container, Some(8080));
        let p = short_port("[::1]:6001:6001", 0..0);
        assert_eq!(p.host_ip.as_deref(), Some("::1"));
    }

    #[test]
    fn extends_in_the_same_file() {
        let text = "services:\n  base:\n    image: app:1\n    environment: {A: '1', B: '2'}\n    ports: ['80:8000']\n  web:\n    extends: base\n    environment: {B: '3'}\n  worker:\n    extends: {service: web}\n    command: work\n";
        let docs = crate::parse::yaml::parse(text).unwrap();
        let f = lower(&docs[0], &foldhash::HashMap::default());
        let web = &f.services[1];
        assert_eq!(web.image.as_ref().unwrap().text, "app:1");
        let env: Vec<_> = web
            .environment
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_deref().unwrap()))
            .collect();
        assert_eq!(env, [("A", "1"), ("B", "3")]);
        let worker = &f.services[2];
        assert_eq!(worker.ports.len(), 1);
        assert!(worker.extends.is_none());
    }

    #[test]
    fn compose_projects_by_content() {
        let yes = [
            "services:\n  proxy:\n    image: traefik:v3.1\n",
            "version: '3.8'\nservices:\n  web:\n    image: app:1\n    deploy:\n      replicas: 2\n",
            "services:\n  web:\n    build: .\n",
        ];
        let no = [
            // a GitHub workflow: services live under a job
            "on: push\njobs:\n  t:\n    services:\n      db:\n        image: postgres\n",
            // Woodpecker and Drone pipelines
            "steps:\n  test:\n    image: golang\nservices:\n  db:\n    image: postgres\n",
            "kind: pipeline\nservices:\n  - name: db\n    image: postgres\n",
            // GitLab CI: a top-level `services:` list beside `image:`
            "image: ruby:3\nservices:\n  - postgres:16\n",
            // an Ansible play and a plain config
            "- hosts: all\n  tasks: []\n",
            "services:\n  billing:\n    url: https://billing\n",
        ];
        for t in yes {
            let d = crate::parse::yaml::parse(t).unwrap().remove(0);
            assert!(is_project(&d), "{t}");
        }
        for t in no {
            let d = crate::parse::yaml::parse(t).unwrap().remove(0);
            assert!(!is_project(&d), "{t}");
        }
    }

    #[test]
    fn secret_files() {
        let d = crate::parse::yaml::parse(
            "services: {}\nsecrets:\n  db_pw:\n    file: ./secrets/db.txt\n  ext:\n    external: true\n  env:\n    environment: PW\n",
        )
        .unwrap()
        .remove(0);
        let f = lower(&d, &foldhash::HashMap::default());
        let got: Vec<(&str, &str)> = f
            .secret_files
            .iter()
            .map(|(n, s)| (n.as_str(), s.text.as_str()))
            .collect();
        assert_eq!(got, [("db_pw", "./secrets/db.txt")]);
    }

    #[test]
    fn includes() {
        let docs =
            crate::parse::yaml::parse("include:\n  - db.yaml\n  - path: [a.yml, b.yml]\n").unwrap();
        let f = lower(&docs[0], &foldhash::HashMap::default());
        let inc: Vec<_> = f.includes.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(inc, ["db.yaml", "a.yml", "b.yml"]);
    }

    #[test]
    fn interpolation() {
        let mut vars = foldhash::HashMap::default();
        vars.insert("TAG".to_string(), "1.2".to_string());
        assert_eq!(interpolate("app:${TAG}", &vars).0, "app:1.2");
        assert_eq!(interpolate("${PORT:-8080}", &vars).0, "8080");
        assert_eq!(interpolate("$$HOME", &vars).0, "$HOME");
        let (v, missing) = interpolate("${NOPE:?required}", &vars);
        assert_eq!((v.as_str(), missing.len()), ("", 1));
        // nested defaults, `+` alternatives
        assert_eq!(interpolate("${A:-${B:-latest}}", &vars).0, "latest");
        assert_eq!(interpolate("${A:-${TAG}}x", &vars).0, "1.2x");
        assert_eq!(interpolate("${TAG+set}/${NOPE+set}", &vars).0, "set/");
        assert_eq!(interpolate("${TAG:+on}", &vars).0, "on");
        // unterminated, multi-byte text at every place
        assert_eq!(interpolate("é${TAG", &vars).0, "é${TAG");
        assert_eq!(interpolate("’$TAG’${TAG}€$", &vars).0, "’1.2’1.2€$");
        assert_eq!(interpolate("$é", &vars).0, "$é");
    }

    #[test]
    fn interpolation_is_bounded() {
        let mut vars = foldhash::HashMap::default();
        vars.insert("BIG".to_string(), "x".repeat(100_000));
        let (v, _) = interpolate(&"$BIG".repeat(100), &vars);
        assert!(v.len() <= MAX_INTERPOLATED + 200_000, "{}", v.len());
        let deep = "${A:-".repeat(10_000) + &"}".repeat(10_000);
        let _ = interpolate(&deep, &vars);
    }
}
