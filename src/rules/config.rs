//! TF03 — III. Config: store config in the environment.

use super::{DiagExt, Input, Meta, Rule, diag};
use crate::diagnostic::{Diagnostic, Severity, redact};
use crate::meta;
use crate::model::secrets::{Context, FALLBACK_SHAPE, Place, SecretSite};
use crate::model::{Project, SecretSource};
use crate::parse::dockerfile::Kind;
use crate::secrets::{ValueClass, classify, is_secret_key};
use crate::source::{Origin, Span};
use crate::walk;

fn secret_finding(meta: &'static Meta, message: String, origin: Origin) -> Diagnostic {
    diag(meta, message)
        .at(origin.clone(), "secret value")
        .secret(origin)
        .help("read it from the environment (or a mounted secret file) and keep the value out of the repository; rotate it, it is in the history")
}

/// What a finding calls the value: a secret (`secret`, in the rule's words), a guessable
/// default, or what its shape is when it sits inside a longer value (a URL's password).
fn value_name(s: &SecretSite, secret: &str) -> String {
    match (s.shape, s.class) {
        (Some(FALLBACK_SHAPE), ValueClass::WeakDefault) => {
            "a guessable default password when unset".into()
        }
        (Some(FALLBACK_SHAPE), _) => format!("{secret} when unset"),
        (Some("password in a URL"), ValueClass::WeakDefault) => {
            "a URL with a guessable password".into()
        }
        (Some("password in a URL"), _) => "a URL with a password".into(),
        (Some(w), _) => format!("a value holding a {w}"),
        (None, ValueClass::WeakDefault) => "a guessable default password".into(),
        (None, _) => secret.into(),
    }
}

/// A weak default's finding is a warning whatever the rule's severity, and a secret in a test,
/// example or doc is reported at info. A weak default's value is a common word (`secret`,
/// `admin`): it is masked where the file is quoted, but it does not mask that word in every
/// message of the report.
fn weak_default_severity(mut d: Diagnostic, s: &SecretSite) -> Diagnostic {
    if s.context == Context::Test {
        return d.severity(Severity::Info);
    }
    if s.class != ValueClass::WeakDefault {
        return d;
    }
    d.secrets.retain(|o| *o != s.origin);
    if d.severity > Severity::Warning {
        d.severity(Severity::Warning)
    } else {
        d
    }
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
        p.has_files()
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        // literals bound to secret-like names in app code, keys of app config files and Helm
        // values, and secrets by their shape in any other text; the other places (images,
        // compose, Kubernetes, env files) are their own rules'
        // a config file's credentials are one finding: a file of vendor defaults is one
        // thing to fix, not one per key
        let mut by_config: std::collections::BTreeMap<crate::source::FileId, Vec<&SecretSite>> =
            Default::default();
        for s in p.judged_secrets().filter(|s| s.place == Place::ConfigFile) {
            by_config.entry(s.origin.file).or_default().push(s);
        }
        for sites in by_config.values().filter(|v| v.len() > 1) {
            let first = sites[0];
            let mut keys: Vec<String> = Vec::new();
            for s in sites {
                let k = format!("`{}`", s.key);
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
            let weak_only = sites.iter().all(|s| s.class == ValueClass::WeakDefault);
            let mut dg = diag(
                self.meta(),
                format!(
                    "`{}` writes {} credentials{}: {}",
                    walk::file_name(p.rel(first.origin.file)),
                    sites.len(),
                    if weak_only { ", all guessable defaults" } else { "" },
                    keys.join(", ")
                ),
            )
            .at(first.origin.clone(), "credential")
            .help("read them from the environment (or mounted secret files) and keep the values out of the repository; rotate them, they are in the history");
            for s in &sites[1..] {
                dg = dg.also(s.origin.clone(), "credential");
            }
            for s in sites.iter().filter(|s| s.class == ValueClass::Secret) {
                dg = dg.secret(s.origin.clone());
            }
            dg = if sites.iter().all(|s| s.context == Context::Test) {
                dg.severity(Severity::Info)
            } else if weak_only {
                dg.severity(Severity::Warning)
            } else {
                dg
            };
            out.push(dg);
        }
        for s in p.judged_secrets() {
            let message = match s.place {
                Place::ConfigFile if by_config.get(&s.origin.file).is_some_and(|v| v.len() > 1) => {
                    continue;
                }
                // code of the app; in a test, only what `judged_secrets` keeps (at info)
                Place::Code { source }
                    if !p.is_app_code(&p.sources[source]) && s.context != Context::Test =>
                {
                    continue;
                }
                Place::Code { .. } | Place::ConfigFile | Place::Script { .. } => match s.class {
                    ValueClass::WeakDefault => format!(
                        "`{}` is set to {}: {}",
                        s.key,
                        value_name(s, "a secret"),
                        redact(&s.value)
                    ),
                    _ => format!("hardcoded secret in `{}`: {}", s.key, redact(&s.value)),
                },
                Place::Pattern if s.shape == Some(FALLBACK_SHAPE) => format!(
                    "`{}` falls back to {}: {}",
                    s.key,
                    value_name(s, "a literal secret"),
                    redact(&s.value)
                ),
                Place::Pattern if s.class == ValueClass::WeakDefault => {
                    format!("hardcoded guessable {}: {}", s.key, redact(&s.value))
                }
                Place::Pattern => format!("hardcoded {}: {}", s.key, redact(&s.value)),
                _ => continue,
            };
            out.push(weak_default_severity(
                secret_finding(self.meta(), message, s.origin.clone()),
                s,
            ));
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
        for s in p.judged_secrets() {
            let Place::Image { arg, .. } = s.place else {
                continue;
            };
            let word = if arg { "ARG" } else { "ENV" };
            let message = if s.shape == Some(FALLBACK_SHAPE) {
                format!(
                    "{word} `{}` falls back to {}, baked into the image: {}",
                    s.key,
                    value_name(s, "a literal secret"),
                    redact(&s.value)
                )
            } else {
                format!(
                    "{word} `{}` bakes {} into the image: {}",
                    s.key,
                    value_name(s, "a secret"),
                    redact(&s.value)
                )
            };
            let mut dg = diag(self.meta(), message)
                .at(s.origin.clone(), "secret value in the image")
                .secret(s.origin.clone())
                .help("pass it at run time through the environment, or use `RUN --mount=type=secret` at build time");
            if let Some(k) = &s.key_origin {
                dg = dg.also(k.clone(), "secret-like name");
            }
            out.push(weak_default_severity(dg, s));
        }
        // a secret written on a RUN's command line (`mysql -p…`, `--password …`): the command
        // stays in the image history
        for s in p.judged_secrets().filter(|s| s.place == Place::Command) {
            let Some(d) = p.dockerfiles.iter().find(|d| d.file == s.origin.file) else {
                continue;
            };
            if p.is_test_file(d.file) {
                continue;
            }
            out.push(weak_default_severity(
                diag(self.meta(), format!("a RUN passes a secret on its command line, which stays in the image history: {}", redact(&s.value)))
                    .at(s.origin.clone(), "secret on a RUN command line")
                    .secret(s.origin.clone())
                    .help("use `RUN --mount=type=secret,id=…` and read the secret from its file in that step"),
                s,
            ));
        }
        // a build argument of any name that a RUN sends as a credential
        for c in &p.credential_args {
            if is_secret_key(&c.name) || p.is_test_file(c.declared.file) {
                continue; // named like a secret: reported below
            }
            out.push(
                diag(self.meta(), format!("build argument `{}` is sent as {} by a RUN; build args stay in the image history", c.name, c.how))
                    .severity(Severity::Warning)
                    .at(c.declared.clone(), "a credential passed as a build arg")
                    .also(c.used.clone(), "sent as a credential here")
                    .help("use `RUN --mount=type=secret,id=…` and read the secret from its file in that step only"),
            );
        }
        // a build argument named like a secret with no value written: whatever the build
        // passes stays in the image history
        for (di, d) in p.dockerfiles.iter().enumerate() {
            if p.is_test_file(d.file) {
                continue;
            }
            for ins in &d.df.instructions {
                let Kind::Arg(kvs) = &ins.kind else { continue };
                for kv in kvs.iter().filter(|kv| is_secret_key(&kv.key)) {
                    let written = p.secrets.iter().any(|s| {
                        s.place
                            == (Place::Image {
                                dockerfile: di,
                                arg: true,
                            })
                            && s.key == kv.key
                            && s.class.is_credential()
                    });
                    if written {
                        continue;
                    }
                    out.push(
                        diag(self.meta(), format!("build argument `{}` looks like a secret; build args stay in the image history", kv.key))
                            .severity(Severity::Warning)
                            .at(Origin::new(d.file, kv.key_span), "secret passed as a build arg")
                            .help("use `RUN --mount=type=secret,id=…` to expose a secret to one build step only"),
                    );
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
        for s in p.judged_secrets() {
            if let Place::SecretFile { index } = s.place
                && let sf = &p.secret_files[index]
                && matches!(sf.by, SecretSource::Compose(_))
            {
                out.push(committed_secret_file(
                    self.meta(),
                    p,
                    s,
                    &format!("compose secret `{}`", sf.name),
                    "keep the file out of the repository (.gitignore it) and create it where the stack is deployed, or mark the secret `external:`",
                ));
                continue;
            }
            let Place::Compose { compose, service } = s.place else {
                continue;
            };
            let name = &p.compose[compose].compose.services[service].name;
            let what = value_name(s, "a literal secret");
            out.push(weak_default_severity(
                diag(self.meta(), format!("service `{name}` sets `{}` to {what}: {}", s.key, redact(&s.value)))
                    .at(s.origin.clone(), "secret written in the compose file")
                    .secret(s.origin.clone())
                    .help("use `${VAR}` interpolation from an untracked .env, `env_file:`, or compose `secrets:`"),
                s,
            ));
        }
    }
}

/// A finding on a committed file that a secret is made of: at the file's content, with the
/// place that names it.
fn committed_secret_file(
    meta: &'static Meta,
    p: &Project,
    s: &SecretSite,
    what: &str,
    help: &'static str,
) -> Diagnostic {
    let rel = p.rel(s.origin.file);
    let mut dg = diag(
        meta,
        format!(
            "{what} is read from `{rel}`, which is committed to the repository{}: {}",
            if s.class == ValueClass::WeakDefault {
                " and holds a guessable default password"
            } else {
                ""
            },
            redact(&s.value)
        ),
    )
    .at(s.origin.clone(), "committed secret")
    .secret(s.origin.clone())
    .help(help);
    if let Some(k) = &s.key_origin {
        dg = dg.also(k.clone(), "made a secret here");
    }
    weak_default_severity(dg, s)
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
        !p.k8s.is_empty() || !p.kustomizations.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Kubernetes]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for s in p.judged_secrets() {
            let dg = match s.place {
                Place::Container { object, container } => {
                    let obj = &p.k8s[object].object;
                    let Some(pod) = &obj.pod else { continue };
                    let Some(c) = pod
                        .containers
                        .iter()
                        .chain(&pod.init_containers)
                        .nth(container)
                    else {
                        continue;
                    };
                    diag(
                        self.meta(),
                        format!(
                            "{} `{}` container `{}` sets `{}` in plain text{}: {}",
                            obj.kind,
                            obj.name.as_deref().unwrap_or("?"),
                            c.name,
                            s.key,
                            if s.class == ValueClass::Secret && s.shape.is_none() {
                                String::new()
                            } else {
                                format!(" to {}", value_name(s, "a secret"))
                            },
                            redact(&s.value)
                        ),
                    )
                    .at(s.origin.clone(), "secret in `value:`")
                    .help("store it in a Secret and use `valueFrom.secretKeyRef`")
                }
                Place::ConfigMap { object } => diag(
                    self.meta(),
                    format!(
                        "ConfigMap `{}` holds {} in `{}`: {}",
                        p.k8s[object].object.name.as_deref().unwrap_or("?"),
                        value_name(s, "a secret"),
                        s.key,
                        redact(&s.value)
                    ),
                )
                .at(s.origin.clone(), "secret in a ConfigMap")
                .help("move sensitive keys to a Secret; keep the rest in the ConfigMap"),
                Place::SecretFile { index }
                    if matches!(p.secret_files[index].by, SecretSource::Kustomize(_)) =>
                {
                    out.push(committed_secret_file(
                        self.meta(),
                        p,
                        s,
                        &format!("secretGenerator `{}`", p.secret_files[index].name),
                        "generate the Secret from a file made at deploy time (ignored by git), or use an external secret store (External Secrets, Sealed Secrets, SOPS)",
                    ));
                    continue;
                }
                Place::GeneratorLiteral { .. } => diag(
                    self.meta(),
                    format!(
                        "secretGenerator literal `{}` is committed in plain text{}: {}",
                        s.key,
                        if s.class == ValueClass::WeakDefault {
                            " as a guessable default password"
                        } else {
                            ""
                        },
                        redact(&s.value)
                    ),
                )
                .at(s.origin.clone(), "secret in a kustomization")
                .help("generate it from a file made at deploy time, or use an external secret store (External Secrets, Sealed Secrets, SOPS)"),
                _ => continue,
            };
            out.push(weak_default_severity(dg.secret(s.origin.clone()), s));
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
        for (di, d) in p.dotenvs.iter().enumerate() {
            if d.example {
                continue;
            }
            let secrets: Vec<&SecretSite> = p
                .judged_secrets()
                .filter(|s| s.place == Place::EnvFile { dotenv: di })
                .collect();
            let Some(first) = secrets.first() else {
                continue;
            };
            let rel = p.rel(d.file);
            let mut keys: Vec<String> = secrets.iter().map(|s| format!("`{}`", s.key)).collect();
            keys.dedup();
            let keys = keys.join(", ");
            let at = first.key_origin.clone().unwrap_or(first.origin.clone());
            let weak_only = secrets.iter().all(|s| s.class == ValueClass::WeakDefault);
            let what = match (weak_only, secrets.len()) {
                (true, 1) => " to a guessable default password",
                (true, _) => " to guessable default passwords",
                _ => "",
            };
            let mut dg = diag(self.meta(), format!("`{}` is not ignored and sets {keys}{what}", walk::file_name(rel)))
                .at(at, "secret in a committed env file")
                .help("add it to .gitignore, commit a `.env.example` with placeholders instead, and rotate the values");
            for s in secrets.iter().filter(|s| s.class == ValueClass::Secret) {
                dg = dg.secret(s.origin.clone());
            }
            if secrets.iter().all(|s| s.context == Context::Test) {
                dg = dg.severity(Severity::Info);
            } else if weak_only {
                dg = dg.severity(Severity::Warning);
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
            for u in p.code(py).urls {
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
                let at = Origin::new(py.file, u.span);
                let mut d = diag(self.meta(), format!("a `{scheme}` connection string is written in the code"))
                    .at(at, "connection string")
                    .help("read the URL from the environment (`os.environ[\"DATABASE_URL\"]`) so each deploy attaches its own service");
                // each secret the model found in the literal
                for s in p.secrets_within(py.file, &u.span.range()) {
                    d = d.secret(s.origin.clone());
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
        p.sources.iter().any(|py| !p.code(py).env_reads.is_empty())
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Source]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        // one finding per project of the repository whose code reads variables that no env
        // file at or above it, or inside it, documents: an example (`.env.example`) or its
        // equivalent, the committed env file of a development or test setup
        // (`development.env`, `.env.test`), which lists the variables all the same
        let examples: Vec<&str> = p
            .dotenvs
            .iter()
            .filter(|d| {
                d.example
                    || matches!(
                        crate::model::units::env_of_path(crate::walk::file_name(p.rel(d.file))),
                        Some("dev" | "development" | "local" | "test")
                    )
            })
            .map(|d| crate::walk::parent_dir(p.rel(d.file)))
            .collect();
        let mut units: std::collections::BTreeMap<
            &str,
            (Origin, std::collections::BTreeSet<&str>),
        > = Default::default();
        let mut documented: foldhash::HashMap<&str, bool> = Default::default();
        for py in p.app_code() {
            let unit = p.code_unit(py);
            // an example at or above the project, or inside it but not inside another project
            // nested in it (the same for every file of the unit)
            let nested = |e: &str| {
                p.manifests.iter().any(|m| {
                    m.dir != unit
                        && crate::walk::is_within(&m.dir, unit)
                        && crate::walk::is_within(e, &m.dir)
                })
            };
            if *documented.entry(unit).or_insert_with(|| {
                examples.iter().any(|e| {
                    crate::walk::is_within(unit, e) || crate::walk::is_within(e, unit) && !nested(e)
                })
            }) {
                continue;
            }
            for r in p.code(py).env_reads {
                if STANDARD_VARS.contains(&r.name.as_str()) {
                    continue;
                }
                units
                    .entry(unit)
                    .or_insert_with(|| (Origin::new(py.file, r.span), Default::default()))
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
            .any(|py| p.code(py).env_reads.iter().any(|r| r.required))
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Source]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for ai in 0..p.apps.len() {
            for env in p.deployed_envs(ai) {
                if !env.complete || p.is_test_file(env.at.file) {
                    continue;
                }
                let required = p.required_env(ai, &env);
                for (name, read) in &required {
                    if env.provided.contains(name) {
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
            let defaults: Vec<&crate::source::Sp> = p
                .code(py)
                .env_reads
                .iter()
                .filter_map(|r| r.default_span.as_ref())
                .collect();
            let literal = p.code(py).bindings.iter().find(|b| {
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
                        Origin::new(py.file, b.value_span),
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
        // a value written here, not a reference to one kept elsewhere (`${PORT}`)
        Value::Scalar { text, .. }
            if !text.trim().is_empty() && classify("", text) != ValueClass::Reference =>
        {
            Some(y.span.clone())
        }
        Value::Map(es) => es.iter().find_map(|(_, v)| first_scalar(v, depth + 1)),
        Value::Seq(items) => items.iter().find_map(|i| first_scalar(i, depth + 1)),
        _ => None,
    }
}
