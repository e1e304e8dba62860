//! TF03 — III. Config: store config in the environment.

use super::{DiagExt, Input, Meta, Rule, diag};
use crate::diagnostic::{Diagnostic, Severity, redact};
use crate::meta;
use crate::model::Project;
use crate::parse::dockerfile::Kind;
use crate::secrets::{is_placeholder, is_secret_key, scan, yaml_secrets};
use crate::source::{Coverage, FileId, Origin, Span};
use crate::walk;

/// Value spans that a more specific rule (TF0303–TF0306) owns, so TF0301 does not repeat it.
fn owned_spans(p: &Project) -> Vec<(FileId, Span)> {
    let mut v = Vec::new();
    for d in &p.dockerfiles {
        for ins in &d.df.instructions {
            if let Kind::Env(kvs) | Kind::Arg(kvs) = &ins.kind {
                v.extend(
                    kvs.iter()
                        .filter(|kv| is_secret_key(&kv.key))
                        .map(|kv| (d.file, kv.value_span.clone())),
                );
            }
        }
    }
    for cm in &p.compose {
        for s in &cm.compose.services {
            v.extend(
                s.environment
                    .iter()
                    .filter(|e| is_secret_key(&e.key))
                    .map(|e| (cm.file, e.value_span.clone())),
            );
        }
    }
    for km in &p.k8s {
        if km.object.kind == "Secret" {
            v.push((km.file, km.object.span.clone()));
        }
        if km.object.kind == "ConfigMap" {
            v.extend(
                km.object
                    .data
                    .iter()
                    .map(|(_, val)| (km.file, val.span.clone())),
            );
        }
        if let Some(pod) = &km.object.pod {
            for c in pod.containers.iter().chain(&pod.init_containers) {
                v.extend(
                    c.env
                        .iter()
                        .filter(|e| is_secret_key(&e.name))
                        .filter_map(|e| e.value.as_ref().map(|val| (km.file, val.span.clone()))),
                );
            }
        }
    }
    v
}

fn secret_finding(meta: &'static Meta, message: String, origin: Origin) -> Diagnostic {
    diag(meta, message)
        .at(origin.clone(), "secret value")
        .secret(origin)
        .help("read it from the environment (or a mounted secret file) and keep the value out of the repository; rotate it, it is in the history")
}

pub struct HardcodedSecret;
impl Rule for HardcodedSecret {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0301",
            "hardcoded-secret",
            3,
            Error,
            "a secret value is written in code or config"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.files.is_empty()
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let owned = owned_spans(p);
        let mut seen: Vec<Origin> = Vec::new();
        // secret-like names bound to literals in Python
        for py in p.app_code() {
            for b in &py.facts.bindings {
                if is_secret_key(&b.key) && !is_placeholder(&b.value) {
                    let o = Origin::new(py.file, b.value_span.clone());
                    seen.push(o.clone());
                    out.push(secret_finding(
                        self.meta(),
                        format!("hardcoded secret in `{}`: {}", b.key, redact(&b.value)),
                        o,
                    ));
                }
            }
        }
        // secret-like keys in app config YAML and Helm values
        for (file, docs) in p.other_yaml.iter().chain(p.helm_values.iter()) {
            if p.is_test_file(*file) {
                continue;
            }
            for d in docs {
                yaml_secrets(d, 0, &mut |key, val| {
                    let o = Origin::new(*file, val.span.clone());
                    seen.push(o.clone());
                    out.push(secret_finding(
                        self.meta(),
                        format!(
                            "hardcoded secret in `{key}`: {}",
                            redact(val.as_str().unwrap_or(""))
                        ),
                        o,
                    ));
                });
            }
        }
        // high-confidence patterns anywhere else
        let dotenvs: std::collections::HashSet<FileId> = p.dotenvs.iter().map(|d| d.file).collect();
        let taken = Coverage::new(
            owned
                .into_iter()
                .map(|(f, s)| Origin::new(f, s))
                .chain(seen),
        );
        for f in &p.files {
            if p.is_test_file(f.id) || dotenvs.contains(&f.id) {
                continue;
            }
            for (range, what) in scan(&f.text) {
                if taken.covers(f.id, &range) {
                    continue;
                }
                let o = Origin::new(f.id, range.clone());
                out.push(secret_finding(
                    self.meta(),
                    format!("hardcoded {what}: {}", redact(f.slice(&range))),
                    o,
                ));
            }
        }
    }
}

pub struct SecretInImage;
impl Rule for SecretInImage {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0303",
            "secret-in-image",
            3,
            Error,
            "a Dockerfile bakes a secret into the image with ENV or ARG"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.dockerfiles.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Dockerfile]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for d in &p.dockerfiles {
            if p.is_test_file(d.file) {
                continue;
            }
            for ins in &d.df.instructions {
                let (kvs, is_arg) = match &ins.kind {
                    Kind::Env(kvs) => (kvs, false),
                    Kind::Arg(kvs) => (kvs, true),
                    _ => continue,
                };
                for kv in kvs.iter().filter(|kv| is_secret_key(&kv.key)) {
                    let literal = kv.value.as_deref().filter(|v| !is_placeholder(v));
                    let word = if is_arg { "ARG" } else { "ENV" };
                    match literal {
                        Some(v) => {
                            let o = Origin::new(d.file, kv.value_span.clone());
                            out.push(
                                diag(self.meta(), format!("{word} `{}` bakes a secret into the image: {}", kv.key, redact(v)))
                                    .at(o.clone(), "secret value in the image")
                                    .also(Origin::new(d.file, kv.key_span.clone()), "secret-like name")
                                    .secret(o)
                                    .help("pass it at run time through the environment, or use `RUN --mount=type=secret` at build time"),
                            );
                        }
                        None if is_arg => out.push(
                            diag(self.meta(), format!("build argument `{}` looks like a secret; build args stay in the image history", kv.key))
                                .severity(Severity::Warning)
                                .at(Origin::new(d.file, kv.key_span.clone()), "secret passed as a build arg")
                                .help("use `RUN --mount=type=secret,id=…` to expose a secret to one build step only"),
                        ),
                        None => {}
                    }
                }
            }
        }
    }
}

pub struct ComposeInlineSecret;
impl Rule for ComposeInlineSecret {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0304",
            "compose-inline-secret",
            3,
            Warning,
            "compose `environment:` gives a secret a literal value"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.compose.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Compose]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for cm in &p.compose {
            if p.is_test_file(cm.file) {
                continue;
            }
            for s in &cm.compose.services {
                for e in &s.environment {
                    let Some(raw) = &e.raw else { continue };
                    if !is_secret_key(&e.key) || is_placeholder(raw) {
                        continue;
                    }
                    let o = Origin::new(cm.file, e.value_span.clone());
                    out.push(
                        diag(self.meta(), format!("service `{}` sets `{}` to a literal secret: {}", s.name, e.key, redact(raw)))
                            .at(o.clone(), "secret written in the compose file")
                            .secret(o)
                            .help("use `${VAR}` interpolation from an untracked .env, `env_file:`, or compose `secrets:`"),
                    );
                }
            }
        }
    }
}

pub struct K8sPlaintextSecret;
impl Rule for K8sPlaintextSecret {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0305",
            "k8s-plaintext-secret",
            3,
            Error,
            "a Kubernetes manifest puts a secret in plain `value:` or a ConfigMap"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.k8s.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Kubernetes]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for km in &p.k8s {
            if p.is_test_file(km.file) {
                continue;
            }
            let obj = &km.object;
            let name = obj.name.as_deref().unwrap_or("?");
            if let Some(pod) = &obj.pod {
                for c in pod.containers.iter().chain(&pod.init_containers) {
                    for e in &c.env {
                        let Some(v) = &e.value else { continue };
                        if !is_secret_key(&e.name) || is_placeholder(&v.text) {
                            continue;
                        }
                        let o = Origin::new(km.file, v.span.clone());
                        out.push(
                            diag(
                                self.meta(),
                                format!(
                                    "{} `{name}` container `{}` sets `{}` in plain text: {}",
                                    obj.kind,
                                    c.name,
                                    e.name,
                                    redact(&v.text)
                                ),
                            )
                            .at(o.clone(), "secret in `value:`")
                            .secret(o)
                            .help("store it in a Secret and use `valueFrom.secretKeyRef`"),
                        );
                    }
                }
            }
            if obj.kind == "ConfigMap" {
                for (k, v) in &obj.data {
                    let by_key = is_secret_key(&k.text)
                        && !is_placeholder(&v.text)
                        && !v.text.contains('\n');
                    let by_pattern = !scan(&v.text).is_empty();
                    if !(by_key || by_pattern) {
                        continue;
                    }
                    let o = Origin::new(km.file, v.span.clone());
                    out.push(
                        diag(
                            self.meta(),
                            format!(
                                "ConfigMap `{name}` holds a secret in `{}`: {}",
                                k.text,
                                redact(&v.text)
                            ),
                        )
                        .at(o.clone(), "secret in a ConfigMap")
                        .secret(o)
                        .help("move sensitive keys to a Secret; keep the rest in the ConfigMap"),
                    );
                }
            }
        }
    }
}

pub struct CommittedEnvFile;
impl Rule for CommittedEnvFile {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0306",
            "committed-env-file",
            3,
            Error,
            "a `.env` file with secrets is in the tree and not ignored"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.dotenvs.is_empty()
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for d in &p.dotenvs {
            if d.example || p.is_test_file(d.file) {
                continue;
            }
            let secrets: Vec<_> = d
                .entries
                .iter()
                .filter(|e| is_secret_key(&e.key) && !is_placeholder(&e.value))
                .collect();
            let Some(first) = secrets.first() else {
                continue;
            };
            let rel = p.rel(d.file);
            let keys = secrets
                .iter()
                .map(|e| format!("`{}`", e.key))
                .collect::<Vec<_>>()
                .join(", ");
            let mut dg = diag(self.meta(), format!("`{}` is not ignored and sets {keys}", walk::file_name(rel)))
                .at(Origin::new(d.file, first.key_span.clone()), "secret in a committed env file")
                .help("add it to .gitignore, commit a `.env.example` with placeholders instead, and rotate the values");
            for e in &secrets {
                dg = dg.secret(Origin::new(d.file, e.value_span.clone()));
            }
            out.push(dg);
        }
    }
}

const BACKING_SCHEMES: &[&str] = &[
    "postgres",
    "postgresql",
    "postgis",
    "mysql",
    "mariadb",
    "mongodb",
    "mongodb+srv",
    "redis",
    "rediss",
    "amqp",
    "amqps",
    "kafka",
    "nats",
    "memcached",
    "mssql",
    "sqlserver",
    "cassandra",
    "clickhouse",
];

pub struct HardcodedConnectionString;
impl Rule for HardcodedConnectionString {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0302",
            "hardcoded-connection-string",
            3,
            Warning,
            "code holds a backing-service URL instead of reading it from the environment"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.sources.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Source]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for py in p.app_code() {
            for u in &py.facts.urls {
                let scheme = u
                    .value
                    .split("://")
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let scheme = scheme.strip_prefix("jdbc:").unwrap_or(&scheme).to_string();
                let scheme_base = scheme.split('+').next().unwrap_or("");
                if u.env_default
                    || !(BACKING_SCHEMES.contains(&scheme.as_str())
                        || BACKING_SCHEMES.contains(&scheme_base))
                {
                    continue;
                }
                let at = Origin::new(py.file, u.span.clone());
                let mut d = diag(self.meta(), format!("a `{scheme}` connection string is written in the code"))
                    .at(at, "connection string")
                    .help("read the URL from the environment (`os.environ[\"DATABASE_URL\"]`) so each deploy attaches its own service");
                // each secret of the literal, where the file holds it (after any prefix,
                // quotes or escapes), else the whole literal
                let written = p.file(py.file).slice(&u.span);
                for (r, _) in scan(&u.value) {
                    let secret = u.value.get(r).unwrap_or_default();
                    let span = match written.find(secret) {
                        Some(i) => u.span.start + i..u.span.start + i + secret.len(),
                        None => u.span.clone(),
                    };
                    d = d.secret(Origin::new(py.file, span));
                }
                out.push(d);
            }
        }
    }
}

/// Variables every platform sets; reading them needs no documentation.
const STANDARD_VARS: &[&str] = &[
    "HOME",
    "PATH",
    "USER",
    "HOSTNAME",
    "PWD",
    "TERM",
    "LANG",
    "LC_ALL",
    "TZ",
    "SHELL",
    "TMPDIR",
    "PYTHONPATH",
    "VIRTUAL_ENV",
    "CI",
    "DJANGO_SETTINGS_MODULE",
    "PORT",
    // logging and runtime switches every deploy knows from the language, not from the app
    "RUST_LOG",
    "RUST_BACKTRACE",
    "NODE_ENV",
    "NODE_OPTIONS",
    "PYTHONUNBUFFERED",
    "GOMAXPROCS",
];

pub struct UndocumentedEnvVars;
impl Rule for UndocumentedEnvVars {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0309",
            "undocumented-env-vars",
            3,
            Info,
            "the app reads environment variables but ships no .env.example listing them"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.sources.iter().any(|py| !py.facts.env_reads.is_empty())
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Source]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        // one finding per project of the repository whose code reads variables that no
        // example file at or above it, or inside it, documents
        let examples: Vec<&str> = p
            .dotenvs
            .iter()
            .filter(|d| d.example)
            .map(|d| crate::walk::parent_dir(p.rel(d.file)))
            .collect();
        let mut units: std::collections::BTreeMap<
            &str,
            (Origin, std::collections::BTreeSet<&str>),
        > = Default::default();
        for py in p.app_code() {
            let unit = p.code_unit(py);
            // an example at or above the project, or inside it but not inside another project
            // nested in it
            let nested = |e: &str| {
                p.manifests.iter().any(|m| {
                    m.dir != unit
                        && crate::walk::is_within(&m.dir, unit)
                        && crate::walk::is_within(e, &m.dir)
                })
            };
            if examples.iter().any(|e| {
                crate::walk::is_within(unit, e) || crate::walk::is_within(e, unit) && !nested(e)
            }) {
                continue;
            }
            for r in &py.facts.env_reads {
                if STANDARD_VARS.contains(&r.name.as_str()) {
                    continue;
                }
                units
                    .entry(unit)
                    .or_insert_with(|| (Origin::new(py.file, r.span.clone()), Default::default()))
                    .1
                    .insert(&r.name);
            }
        }
        for (unit, (at, names)) in units {
            let shown: Vec<String> = names.iter().take(5).map(|n| format!("`{n}`")).collect();
            let more = if names.len() > 5 {
                format!(" and {} more", names.len() - 5)
            } else {
                String::new()
            };
            let whose = if unit.is_empty() {
                "the code".to_string()
            } else {
                format!("the code of `{unit}`")
            };
            out.push(
                diag(self.meta(), format!("{whose} reads {} environment variable{} ({}{more}) but no .env.example documents {}", names.len(), if names.len() == 1 { "" } else { "s" }, shown.join(", "), if names.len() == 1 { "it" } else { "them" }))
                    .at(at, "read here")
                    .help("commit a `.env.example` that lists every variable with a placeholder value"),
            );
        }
    }
}

/// One environment an app is deployed to, and the variables it provides.
struct Environment {
    label: String,
    at: Origin,
    provided: std::collections::HashSet<String>,
    /// False when part of the set is unknown (an env file or Secret not in the repository).
    complete: bool,
}

fn environments(p: &Project, ai: usize) -> Vec<Environment> {
    use std::collections::HashSet;
    let app = &p.apps[ai];
    let mut envs: Vec<Environment> = Vec::new();
    // documented variables count as provided in development
    let examples: HashSet<String> = p
        .dotenvs
        .iter()
        .filter(|d| d.example)
        .flat_map(|d| d.entries.iter().map(|e| e.key.clone()))
        .collect();
    let mut compose_files: Vec<usize> = app.compose.iter().map(|(ci, _)| *ci).collect();
    compose_files.dedup();
    for ci in compose_files {
        let cm = &p.compose[ci];
        let mut env = Environment {
            label: format!("compose file `{}`", p.rel(cm.file)),
            at: Origin::new(cm.file, 0..0),
            provided: examples.clone(),
            complete: true,
        };
        for (c2, si) in app.compose.iter().filter(|(c2, _)| *c2 == ci) {
            let (vars, complete) = p.service_env(*c2, *si);
            env.provided.extend(vars.into_iter().map(|v| v.key));
            env.complete &= complete;
            env.at = Origin::new(cm.file, cm.compose.services[*si].name_span.clone());
        }
        envs.push(env);
    }
    // Kubernetes: one environment per directory of manifests (a base or an overlay)
    let mut dirs: Vec<String> = Vec::new();
    for (oi, _) in &app.k8s {
        let dir = crate::walk::parent_dir(p.rel(p.k8s[*oi].file)).to_string();
        if !dirs.contains(&dir) {
            dirs.push(dir);
        }
    }
    for dir in dirs {
        let mut env = Environment {
            label: format!(
                "Kubernetes manifests in `{}`",
                if dir.is_empty() { "." } else { &dir }
            ),
            at: Origin::new(crate::source::FileId(0), 0..0),
            provided: HashSet::new(),
            complete: true,
        };
        for (oi, ci) in &app.k8s {
            let km = &p.k8s[*oi];
            if crate::walk::parent_dir(p.rel(km.file)) != dir {
                continue;
            }
            let Some(pod) = &km.object.pod else { continue };
            let c = &pod.containers[*ci];
            env.at = Origin::new(
                km.file,
                c.image
                    .as_ref()
                    .map(|i| i.span.clone())
                    .unwrap_or(c.span.clone()),
            );
            env.provided.extend(c.env.iter().map(|e| e.name.clone()));
            for (kind, name) in &c.env_from {
                let want = if kind == "secretRef" {
                    "Secret"
                } else {
                    "ConfigMap"
                };
                let source = p
                    .k8s
                    .iter()
                    .find(|o| o.object.kind == want && o.object.name.as_deref() == Some(name));
                match source {
                    Some(o) => env
                        .provided
                        .extend(o.object.data.iter().map(|(k, _)| k.text.clone())),
                    None => env.complete = false,
                }
            }
        }
        envs.push(env);
    }
    envs
}

pub struct UndeclaredEnvVar;
impl Rule for UndeclaredEnvVar {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0308",
            "undeclared-env-var",
            3,
            Warning,
            "the code requires a variable that an environment of the app does not provide"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.sources
            .iter()
            .any(|py| py.facts.env_reads.iter().any(|r| r.required))
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Source]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for ai in 0..p.apps.len() {
            // variables the code cannot run without, first read of each
            let mut required: Vec<(&str, Origin)> = Vec::new();
            let mut known: std::collections::HashSet<&str> = Default::default();
            for src in p.sources_of_app(ai) {
                for r in src.facts.env_reads.iter().filter(|r| r.required) {
                    if known.insert(&r.name) {
                        required.push((&r.name, Origin::new(src.file, r.span.clone())));
                    }
                }
            }
            // and the ones its entrypoint scripts demand with `${NAME:?}`
            for line in p
                .start_commands(ai)
                .iter()
                .filter(|l| l.source == crate::model::commands::Source::Script)
            {
                if let Some(sm) = p.scripts.iter().find(|s| s.file == line.origin.file) {
                    for (name, span) in &sm.required_vars {
                        if known.insert(name) {
                            required.push((name, Origin::new(sm.file, span.clone())));
                        }
                    }
                }
            }
            if required.is_empty() {
                continue;
            }
            // the image's own ENV
            let image_env: std::collections::HashSet<String> = p.apps[ai]
                .dockerfile
                .map(|di| {
                    p.dockerfiles[di]
                        .final_instructions()
                        .iter()
                        .filter_map(|i| match &i.kind {
                            Kind::Env(kvs) => {
                                Some(kvs.iter().map(|kv| kv.key.clone()).collect::<Vec<_>>())
                            }
                            _ => None,
                        })
                        .flatten()
                        .collect()
                })
                .unwrap_or_default();
            for env in environments(p, ai) {
                if !env.complete || p.is_test_file(env.at.file) {
                    continue;
                }
                for (name, read) in &required {
                    if env.provided.contains(*name) || image_env.contains(*name) {
                        continue;
                    }
                    out.push(
                        diag(self.meta(), format!("`{name}` is required by app `{}` but not provided by the {}", p.apps[ai].name, env.label))
                            .at(read.clone(), "required here")
                            .also(env.at.clone(), "this deployment does not set it")
                            .help(format!("provide `{name}` in this environment (env, env_file, a ConfigMap/Secret), or give the read a default")),
                    );
                }
            }
        }
    }
}

/// Whether a path names an environment as a config file of its own.
fn environment_config_file(rel: &str) -> Option<&'static str> {
    let name = crate::walk::file_name(rel).to_ascii_lowercase();
    let dir = crate::walk::parent_dir(rel).to_ascii_lowercase();
    let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(&name);
    let env = crate::rules::parity::env_of_path(stem)?;
    let in_config_dir = dir.split('/').any(|d| {
        matches!(
            d,
            "settings" | "config" | "configs" | "conf" | "environments"
        )
    });
    let named = stem.starts_with("settings")
        || stem.ends_with("settings")
        || stem.starts_with("application")
        || stem.starts_with("config");
    (in_config_dir || named).then_some(env)
}

pub struct ConfigGroupedByEnvironment;
impl Rule for ConfigGroupedByEnvironment {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0307",
            "config-grouped-by-environment",
            3,
            Info,
            "config is grouped into named environments in files of the codebase"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.sources.is_empty() || !p.other_yaml.is_empty()
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let help = "keep one config that reads each value from the environment; the differences between deploys live in their environments";
        for py in &p.sources {
            let rel = p.rel(py.file);
            let Some(env) = environment_config_file(rel) else {
                continue;
            };
            if p.is_test_file(py.file) {
                continue;
            }
            let defaults: Vec<&Span> = py
                .facts
                .env_reads
                .iter()
                .filter_map(|r| r.default_span.as_ref())
                .collect();
            let literal = py.facts.bindings.iter().find(|b| {
                !defaults.contains(&&b.value_span)
                    && b.key.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            });
            if let Some(b) = literal {
                out.push(
                    diag(
                        self.meta(),
                        format!("`{rel}` holds the {env} environment's settings as literals"),
                    )
                    .at(
                        Origin::new(py.file, b.value_span.clone()),
                        format!("{env} value in code"),
                    )
                    .help(help),
                );
            }
        }
        for (file, docs) in &p.other_yaml {
            let rel = p.rel(*file);
            let Some(env) = environment_config_file(rel) else {
                continue;
            };
            if p.is_test_file(*file) {
                continue;
            }
            let first = docs.iter().find_map(|d| first_scalar(d, 0));
            if let Some(span) = first {
                out.push(
                    diag(
                        self.meta(),
                        format!("`{rel}` holds the {env} environment's settings as literals"),
                    )
                    .at(
                        Origin::new(*file, span),
                        format!("{env} value in the codebase"),
                    )
                    .help(help),
                );
            }
        }
    }
}

fn first_scalar(y: &crate::parse::yaml::Yaml, depth: usize) -> Option<Span> {
    use crate::parse::yaml::Value;
    if depth > 32 {
        return None;
    }
    match &y.value {
        Value::Scalar { text, .. } if !is_placeholder(text) || text.len() < 4 => {
            Some(y.span.clone())
        }
        Value::Map(es) => es.iter().find_map(|(_, v)| first_scalar(v, depth + 1)),
        Value::Seq(items) => items.iter().find_map(|i| first_scalar(i, depth + 1)),
        _ => None,
    }
}
