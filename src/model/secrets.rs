//! Every secret site of a project, found once with the predicates of `crate::secrets`: where a
//! value sits under a secret-like name or has a secret's shape, what the value is (a reference,
//! a placeholder, prose, a weak default, a likely secret) and in what context (the app, a CI or
//! task-runner file, a test). The secret rules filter these sites; every report masks the
//! likely secrets among them, whatever rules ran.

use super::Project;
use crate::parse::dockerfile::Kind;
use crate::secrets::{
    ValueClass, assignments, classify, classify_setting, credential_use, fallback_defaults,
    is_secret_key, looks_random, mask_url_credentials, scan, secret_args, shell_assignments,
    variables, yaml_secrets,
};

/// The shape of a literal default in `${VAR:-default}`: used when the variable is unset.
pub const FALLBACK_SHAPE: &str = "default when unset";
use crate::source::{FileId, Origin, Span};

/// Where a secret value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// `ENV` or `ARG` of a Dockerfile (index into `dockerfiles`).
    Image { dockerfile: usize, arg: bool },
    /// compose `environment:` (index into `compose`, service index).
    Compose { compose: usize, service: usize },
    /// A Kubernetes container's `env[].value` (index into `k8s`, container name index into
    /// the pod's containers then init containers).
    Container { object: usize, container: usize },
    /// A ConfigMap's `data` (index into `k8s`).
    ConfigMap { object: usize },
    /// A Secret's data: where secrets belong. Masked, never reported.
    SecretObject { object: usize },
    /// An env file (index into `dotenvs`).
    EnvFile { dotenv: usize },
    /// A literal bound to a name in code (index into `sources`).
    Code { source: usize },
    /// A variable assigned in a shell script (index into `scripts`).
    Script { script: usize },
    /// A committed file that compose `secrets:` or a kustomize `secretGenerator:` reads
    /// (index into `secret_files`).
    SecretFile { index: usize },
    /// A `secretGenerator:` literal (index into `kustomizations`).
    GeneratorLiteral { kustomization: usize },
    /// A key of an app config file or Helm values.
    ConfigFile,
    /// Found by its shape in any other text: a provider key, a private key block, a URL
    /// password.
    Pattern,
    /// A command-line argument (`--password X`, `-e TOKEN=X`). Masked.
    Command,
    /// `KEY=value` in a file twelve has no model of (a script, a template, a file that did not
    /// parse). Masked.
    Unmodelled,
}

/// Who a file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// The app and its deployment.
    App,
    /// CI pipelines, task runners, dev containers: their passwords are usually a throwaway
    /// test or development database's.
    Tooling,
    /// Tests, examples (`*.example.yaml`, `*.sample`) and docs.
    Test,
}

#[derive(Debug, Clone)]
pub struct SecretSite {
    /// The value, as written.
    pub origin: Origin,
    /// The name the value is bound to (`DB_PASSWORD`), or what its shape is (`AWS access key`).
    pub key: String,
    /// Where the name is written, for a finding's second label.
    pub key_origin: Option<Origin>,
    /// The value as the model read it (for a masked quote in a message: never printed whole).
    pub value: String,
    /// What a secret's shape says it is (`password in a URL`, `GitHub token`) when it was
    /// found by its shape inside a longer value; `None` for a value under a secret-like name.
    pub shape: Option<&'static str>,
    pub class: ValueClass,
    /// Looks generated, or has a provider's shape: a credential even in a CI file.
    pub confident: bool,
    pub place: Place,
    pub context: Context,
}

/// Example and sample files (`config.sample.yml`, `bridge.example.yaml`, `app.ini.dist`,
/// `.env.template`): their values show a reader what to write.
pub fn is_example_path(rel: &str) -> bool {
    let name = crate::walk::file_name(rel).to_ascii_lowercase();
    name.split(['.', '-', '_']).any(|w| {
        matches!(
            w,
            "example" | "examples" | "sample" | "samples" | "dist" | "template" | "tmpl"
        )
    })
}

/// Files named for tests (`run-tests.sh`, `docker-compose.test.yml`, `e2e.compose.yaml`,
/// `cypress.env.json`): what they set up is a throwaway test environment.
pub fn is_test_stack_name(rel: &str) -> bool {
    let name = crate::walk::file_name(rel).to_ascii_lowercase();
    name.split(['.', '-', '_']).any(|w| {
        matches!(
            w,
            "test" | "tests" | "testing" | "e2e" | "cypress" | "playwright"
        )
    })
}

/// Paths of CI pipelines, task runners and dev containers.
pub fn is_tooling_path(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    let name = crate::walk::file_name(&lower);
    let in_dir = |d: &str| lower.starts_with(d) || lower.contains(&format!("/{d}"));
    in_dir(".github/")
        || in_dir(".devcontainer/")
        || in_dir(".gitlab/")
        || in_dir(".circleci/")
        || in_dir(".buildkite/")
        || in_dir(".woodpecker/")
        || in_dir(".azure-pipelines/")
        || in_dir(".tekton/")
        || matches!(
            name,
            ".gitlab-ci.yml"
                | ".gitlab-ci.yaml"
                | ".travis.yml"
                | ".drone.yml"
                | ".woodpecker.yml"
                | "azure-pipelines.yml"
                | "bitbucket-pipelines.yml"
                | "cloudbuild.yaml"
                | "cloudbuild.yml"
                | "appveyor.yml"
                | "jenkinsfile"
                | "taskfile.yml"
                | "taskfile.yaml"
                | "taskfile.dist.yml"
                | "makefile"
                | "justfile"
                | ".pre-commit-config.yaml"
        )
}

/// A value under a name among other entries of the same block: the class of the value, and a
/// password equal to the user or database name beside it is a weak default.
fn classify_in<'a>(
    key: &str,
    value: &str,
    siblings: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
) -> ValueClass {
    let class = classify_setting(key, value);
    if class != ValueClass::Secret {
        return class;
    }
    let same = siblings
        .into_iter()
        .any(|(k, v)| k != key && !is_secret_key(k) && v.is_some_and(|v| v.trim() == value.trim()));
    if same { ValueClass::WeakDefault } else { class }
}

impl Project {
    fn context_of(&self, file: FileId) -> Context {
        if self.is_test_file(file)
            || is_example_path(self.rel(file))
            || is_test_stack_name(self.rel(file))
        {
            Context::Test
        } else if is_tooling_path(self.rel(file)) {
            Context::Tooling
        } else {
            Context::App
        }
    }

    /// The credentials a secret rule judges: likely secrets and weak defaults of the app. A
    /// CI pipeline or task runner sets passwords of throwaway test services, so there only a
    /// value that looks generated, or has a provider's shape, counts; in tests, examples and
    /// docs only a credential in a provider's format counts (a live Stripe key, a GitHub
    /// token, a private key): fixtures are full of generated-looking fakes.
    pub fn judged_secrets(&self) -> impl Iterator<Item = &SecretSite> {
        self.secrets.iter().filter(|s| {
            s.class.is_credential()
                && match s.context {
                    Context::App => true,
                    Context::Tooling => s.confident,
                    Context::Test => s.class == ValueClass::Secret && has_provider_shape(&s.value),
                }
        })
    }

    /// The secret sites that hold likely secrets inside `span` of `file` (a URL literal's
    /// password, say).
    pub fn secrets_within(&self, file: FileId, span: &Span) -> impl Iterator<Item = &SecretSite> {
        self.secrets.iter().filter(move |s| {
            s.origin.file == file
                && s.origin.span.start() >= span.start
                && s.origin.span.end() <= span.end
                && s.class == ValueClass::Secret
        })
    }
}

/// Every secret site of the project, ordered by place in the files.
pub fn collect(p: &Project) -> Vec<SecretSite> {
    let mut out: Vec<SecretSite> = Vec::new();
    let site = |origin: Origin,
                value: &str,
                key: &str,
                key_origin: Option<Origin>,
                class: ValueClass,
                confident: bool,
                place: Place| {
        let context = p.context_of(origin.file);
        SecretSite {
            shape: None,
            value: value.to_string(),
            origin,
            key: key.to_string(),
            key_origin,
            class,
            confident,
            place,
            context,
        }
    };
    for (di, d) in p.dockerfiles.iter().enumerate() {
        let block: Vec<(&str, Option<&str>)> =
            d.df.instructions
                .iter()
                .filter_map(|i| match &i.kind {
                    Kind::Env(kvs) | Kind::Arg(kvs) => Some(kvs),
                    _ => None,
                })
                .flatten()
                .map(|kv| (kv.key.as_str(), kv.value.as_deref()))
                .collect();
        for ins in &d.df.instructions {
            let (kvs, arg) = match &ins.kind {
                Kind::Env(kvs) => (kvs, false),
                Kind::Arg(kvs) => (kvs, true),
                _ => continue,
            };
            for kv in kvs.iter().filter(|kv| is_secret_key(&kv.key)) {
                let Some(v) = kv.value.as_deref() else {
                    continue;
                };
                out.push(site(
                    Origin::new(d.file, kv.value_span),
                    v,
                    &kv.key,
                    Some(Origin::new(d.file, kv.key_span)),
                    classify_in(&kv.key, v, block.iter().copied()),
                    looks_random(v),
                    Place::Image {
                        dockerfile: di,
                        arg,
                    },
                ));
            }
        }
    }
    for (ci, cm) in p.compose.iter().enumerate() {
        for (si, s) in cm.compose.services.iter().enumerate() {
            let block: Vec<(&str, Option<&str>)> = s
                .environment
                .iter()
                .map(|e| (e.key.as_str(), e.raw.as_deref()))
                .collect();
            for e in s.environment.iter().filter(|e| is_secret_key(&e.key)) {
                let Some(raw) = e.raw.as_deref() else {
                    continue;
                };
                out.push(site(
                    Origin::new(cm.file, e.value_span.clone()),
                    raw,
                    &e.key,
                    Some(Origin::new(cm.file, e.key_span.clone())),
                    classify_in(&e.key, raw, block.iter().copied()),
                    looks_random(raw),
                    Place::Compose {
                        compose: ci,
                        service: si,
                    },
                ));
            }
        }
    }
    for (oi, km) in p.k8s.iter().enumerate() {
        let o = &km.object;
        for (k, v) in &o.data {
            let at = Origin::new(km.file, v.span);
            if o.kind == "Secret" {
                out.push(site(
                    at,
                    &v.text,
                    &k.text,
                    Some(Origin::new(km.file, k.span)),
                    ValueClass::Secret,
                    true,
                    Place::SecretObject { object: oi },
                ));
                continue;
            }
            // a ConfigMap's value by its key (one line: a whole file under a key is judged by
            // what is in it), or by a secret's shape anywhere in it
            let by_key = is_secret_key(&k.text) && !v.text.contains('\n');
            let by_shape = !scan(&v.text).is_empty();
            if by_key || by_shape {
                let class = if by_shape {
                    ValueClass::Secret
                } else {
                    classify_setting(&k.text, &v.text)
                };
                out.push(site(
                    at,
                    &v.text,
                    &k.text,
                    Some(Origin::new(km.file, k.span)),
                    class,
                    by_shape || looks_random(&v.text),
                    Place::ConfigMap { object: oi },
                ));
            }
        }
        if let Some(pod) = &o.pod {
            for (cix, c) in pod
                .containers
                .iter()
                .chain(&pod.init_containers)
                .enumerate()
            {
                let block: Vec<(&str, Option<&str>)> = c
                    .env
                    .iter()
                    .map(|e| (e.name.as_str(), e.value.as_ref().map(|v| v.text.as_str())))
                    .collect();
                for e in c.env.iter().filter(|e| is_secret_key(&e.name)) {
                    let Some(v) = &e.value else { continue };
                    out.push(site(
                        Origin::new(km.file, v.span),
                        &v.text,
                        &e.name,
                        Some(Origin::new(km.file, e.name_span)),
                        classify_in(&e.name, &v.text, block.iter().copied()),
                        looks_random(&v.text),
                        Place::Container {
                            object: oi,
                            container: cix,
                        },
                    ));
                }
            }
        }
    }
    for (di, d) in p.dotenvs.iter().enumerate() {
        let block: Vec<(&str, Option<&str>)> = d
            .entries
            .iter()
            .map(|e| (e.key.as_str(), Some(e.value.as_str())))
            .collect();
        for e in d.entries.iter().filter(|e| is_secret_key(&e.key)) {
            out.push(site(
                Origin::new(d.file, e.value_span.clone()),
                &e.value,
                &e.key,
                Some(Origin::new(d.file, e.key_span.clone())),
                classify_in(&e.key, &e.value, block.iter().copied()),
                looks_random(&e.value),
                Place::EnvFile { dotenv: di },
            ));
        }
    }
    for (si, src) in p.sources.iter().enumerate() {
        // a password equal to a name written beside it (`POSTGRES_USER = "mealie"`) is guessable
        let plain: foldhash::HashSet<&str> = p
            .code(src)
            .bindings
            .iter()
            .filter(|b| !is_secret_key(&b.key))
            .map(|b| b.value.trim())
            .collect();
        for b in p
            .code(src)
            .bindings
            .iter()
            .filter(|b| is_secret_key(&b.key))
        {
            let in_test = p
                .code(src)
                .test_spans
                .iter()
                .any(|t| t.start() <= b.value_span.start() && b.value_span.end() <= t.end());
            if in_test {
                continue;
            }
            out.push(site(
                Origin::new(src.file, b.value_span),
                &b.value,
                &b.key,
                None,
                match classify(&b.key, &b.value) {
                    ValueClass::Secret if plain.contains(b.value.trim()) => ValueClass::WeakDefault,
                    c => c,
                },
                looks_random(&b.value),
                Place::Code { source: si },
            ));
        }
    }
    for (file, docs) in p
        .other_yaml
        .iter()
        .chain(&p.helm_values)
        .filter(|(f, _)| !p.secret_files.iter().any(|s| s.file == *f))
    {
        for d in docs {
            yaml_secrets(d, 0, &mut |key, v, plain| {
                let text = v.as_str().unwrap_or("");
                out.push(site(
                    Origin::new(*file, v.span.clone()),
                    text,
                    key,
                    None,
                    match classify_setting(key, text) {
                        ValueClass::Secret if plain.contains(&text.trim()) => {
                            ValueClass::WeakDefault
                        }
                        c => c,
                    },
                    looks_random(text),
                    Place::ConfigFile,
                ))
            });
        }
    }
    for (si, sc) in p.scripts.iter().enumerate() {
        let text = &p.file(sc.file).text();
        let all = shell_assignments(text);
        let values: Vec<(&str, Option<&str>)> = all
            .iter()
            .map(|(k, _, v)| (k.as_str(), text.get(v.clone())))
            .collect();
        for (key, key_range, value_range) in all.iter().filter(|(k, _, _)| is_secret_key(k)) {
            let value = text.get(value_range.clone()).unwrap_or_default();
            out.push(site(
                Origin::new(sc.file, value_range.clone()),
                value,
                key,
                Some(Origin::new(sc.file, key_range.clone())),
                classify_in(key, value, values.iter().copied()),
                looks_random(value),
                Place::Script { script: si },
            ));
        }
    }
    // a committed secret file is judged whole (below), not key by key
    let secret_files: foldhash::HashSet<FileId> = p.secret_files.iter().map(|s| s.file).collect();
    for c in p
        .config_files
        .iter()
        .filter(|c| !secret_files.contains(&c.file))
    {
        for s in c
            .settings
            .iter()
            .filter(|s| !s.disabled && is_secret_key(s.name()))
        {
            let siblings = c
                .settings
                .iter()
                .filter(|o| o.group == s.group)
                .map(|o| (o.name(), Some(o.value.as_str())));
            out.push(site(
                Origin::new(c.file, s.value_span.clone()),
                &s.value,
                s.name(),
                Some(Origin::new(c.file, s.key_span.clone())),
                classify_in(s.name(), &s.value, siblings),
                looks_random(&s.value),
                Place::ConfigFile,
            ));
        }
    }
    for (index, sf) in p.secret_files.iter().enumerate() {
        let f = p.file(sf.file);
        let value = f.text().trim();
        if value.is_empty() || is_public_material(value) {
            continue;
        }
        let lead = f.text().len() - f.text().trim_start().len();
        let class = if value.contains('\n') {
            ValueClass::Secret
        } else {
            classify_setting(&sf.name, value)
        };
        let mut s = site(
            Origin::new(sf.file, lead..lead + value.len()),
            value,
            &sf.name,
            Some(sf.reference.clone()),
            class,
            value.contains('\n') || looks_random(value),
            Place::SecretFile { index },
        );
        if p.context_of(sf.reference.file) == Context::Test {
            s.context = Context::Test;
        }
        out.push(s);
    }
    for (ki, k) in p.kustomizations.iter().enumerate() {
        for g in &k.k.secret_generators {
            for (key, value, span) in &g.literals {
                if !is_secret_key(key) && !looks_random(value) {
                    continue;
                }
                out.push(site(
                    Origin::new(k.file, span.clone()),
                    value,
                    key,
                    None,
                    classify_setting(key, value),
                    looks_random(value),
                    Place::GeneratorLiteral { kustomization: ki },
                ));
            }
        }
    }
    // secret values passed on command lines, wherever a command is written
    let mut command_sites: Vec<Origin> = Vec::new();
    let mut command = |file: FileId, words: Vec<(&str, &Span)>| {
        let texts: Vec<&str> = words.iter().map(|(w, _)| *w).collect();
        for (wi, r) in secret_args(&texts) {
            let Some((w, span)) = words.get(wi) else {
                continue;
            };
            // exact when the word stands in the file as written, else the whole word
            let exact = p.file(file).slice(span) == *w;
            command_sites.push(Origin::new(
                file,
                if exact {
                    span.start + r.start..span.start + r.end
                } else {
                    (*span).clone()
                },
            ));
        }
    };
    let cmds = p
        .starts
        .iter()
        .flatten()
        .flat_map(|l| &l.cmds)
        .chain(p.runs.iter().flatten().flat_map(|(_, c)| c));
    for c in cmds {
        // every word of a command is in the command's file
        let spans: Vec<crate::source::Span> = c.words.iter().map(|(_, sp)| sp.range()).collect();
        command(
            c.origin.file,
            c.words
                .iter()
                .zip(&spans)
                .map(|((w, _), span)| (w.as_str(), span))
                .collect(),
        );
    }
    for s in &p.scripts {
        for c in &s.script.commands {
            command(
                s.file,
                c.words.iter().map(|(w, sp)| (w.as_str(), sp)).collect(),
            );
        }
    }
    for o in command_sites {
        let value = p.file(o.file).slice(&o.span.range()).to_string();
        out.push(site(
            o,
            &value,
            "",
            None,
            ValueClass::Secret,
            true,
            Place::Command,
        ));
    }
    // files without a (full) model of their values: unparsable ones, code with syntax
    // errors, scripts, templates, Procfiles
    let unmodelled: std::collections::BTreeSet<FileId> = p
        .parse_errors
        .iter()
        .chain(&p.internal_errors)
        .map(|(o, _)| o.file)
        .chain(p.scripts.iter().map(|s| s.file))
        .chain(p.procfiles.iter().map(|s| s.file))
        .chain(p.helm_templates.iter().copied())
        // code that parsed only in part: its bindings may be missing
        .chain(
            p.sources
                .iter()
                .filter(|s| s.facts.has_error)
                .map(|s| s.file),
        )
        .collect();
    for id in unmodelled {
        let f = p.file(id);
        for r in assignments(f.text()) {
            out.push(site(
                Origin::new(id, r.clone()),
                f.slice(&r),
                "",
                None,
                ValueClass::Secret,
                false,
                Place::Unmodelled,
            ));
        }
    }
    // secrets by their shape anywhere: where a value under a secret-like name already holds
    // one, that site stands for it; where another setting's value holds one (a URL with a
    // password in `DATABASE_URL`), the setting is the site, in its own place
    // (a reference, `${DB_PASSWORD:-secret}`, stands for nothing written inside it)
    let keyed = crate::source::Coverage::new(
        out.iter()
            .filter(|s| s.class != ValueClass::Reference)
            .map(|s| s.origin.clone()),
    );
    // files whose `${VAR:-default}` a shell or compose expands
    let interpolating: foldhash::HashSet<FileId> = p
        .scripts
        .iter()
        .map(|s| s.file)
        .chain(p.compose.iter().map(|c| c.file))
        .chain(p.dockerfiles.iter().map(|d| d.file))
        .chain(p.dotenvs.iter().map(|d| d.file))
        .chain(p.procfiles.iter().map(|d| d.file))
        .collect();
    let holders = settings_by_file(p);
    let mut shaped = Vec::new();
    for f in &p.files {
        let test_spans: &[crate::source::Sp] = p
            .source_of_file(f.id)
            .map(|s| p.code(s).test_spans)
            .unwrap_or(&[]);
        let dotenv = p.is_dotenv_file(f.id);
        let fallbacks = if interpolating.contains(&f.id) {
            fallback_defaults(f.text())
        } else {
            Vec::new()
        };
        let scanned;
        let shapes: &[ShapeHit] = match p.prescans.get(f.id.0 as usize) {
            Some(s) => s,
            None if f.is_unloaded() => &[],
            None => {
                scanned = prescan(f.text());
                &scanned
            }
        };
        let hits = shapes
            .iter()
            .map(|h| (h.span.clone(), h.what, h.class, None, h.value.clone()))
            .chain(fallbacks.into_iter().map(|(r, var, c)| {
                let value = f.slice(&r).to_string();
                (r, FALLBACK_SHAPE, c, Some(var), value)
            }));
        for (range, what, class, var, value) in hits {
            if keyed.covers(f.id, &range) {
                continue;
            }
            let in_test = test_spans
                .iter()
                .any(|t| t.start() <= range.start && range.end <= t.end());
            let value = value.as_str();
            let confident =
                class == ValueClass::Secret && (what != "password in a URL" || looks_random(value));
            let holder = holders.get(&f.id).and_then(|hs| {
                hs.iter()
                    .find(|h| h.value.start <= range.start && range.end <= h.value.end)
            });
            let (key, key_origin, place) = match holder {
                Some(h) => (h.key.as_str(), h.key_origin.clone(), h.place),
                // a fallback in a script: the variable it stands for
                None if var.is_some() => (var.as_deref().unwrap_or(what), None, Place::Pattern),
                // a comment of an env file: masked, not judged
                None if dotenv => (what, None, Place::Unmodelled),
                // a guessable URL password outside any setting (a test script's database, a
                // values file's example): masked, not judged
                None if class == ValueClass::WeakDefault => (what, None, Place::Unmodelled),
                None => (what, None, Place::Pattern),
            };
            shaped.push((
                Origin::new(f.id, range),
                key.to_string(),
                key_origin,
                class,
                confident,
                place,
                in_test,
                what,
                value.to_string(),
            ));
        }
    }
    for (o, key, key_origin, class, confident, place, in_test, what, value) in shaped {
        out.push(site(o, &value, &key, key_origin, class, confident, place));
        if let Some(s) = out.last_mut() {
            s.shape = Some(what);
            // test code inside an app file (a `#[cfg(test)]` module): masked, never reported
            if in_test {
                s.context = Context::Test;
            }
        }
    }
    out.sort_by(|a, b| a.origin.cmp(&b.origin));
    out.dedup_by(|a, b| a.origin == b.origin);
    out
}

/// A build argument that a `RUN` sends as a credential: whatever the build passes stays in
/// the image history, whatever the argument is called.
#[derive(Debug, Clone)]
pub struct CredentialArg {
    /// Index into `dockerfiles`.
    pub dockerfile: usize,
    pub name: String,
    /// The `ARG` that declares it.
    pub declared: Origin,
    /// Where a `RUN` sends it.
    pub used: Origin,
    /// How it is sent (`an auth header`).
    pub how: &'static str,
}

/// Every build argument a later `RUN` of its Dockerfile sends as a credential, once per
/// argument (its first such use).
pub fn credential_args(p: &Project) -> Vec<CredentialArg> {
    let mut out: Vec<CredentialArg> = Vec::new();
    for (di, d) in p.dockerfiles.iter().enumerate() {
        let text = &p.file(d.file).text();
        let mut args: Vec<(&str, Origin)> = Vec::new();
        for ins in &d.df.instructions {
            match &ins.kind {
                Kind::Arg(kvs) => args.extend(
                    kvs.iter()
                        .map(|kv| (kv.key.as_str(), Origin::new(d.file, kv.key_span))),
                ),
                Kind::Run(_) => {
                    let Some(run) = text.get(ins.span.range()) else {
                        continue;
                    };
                    for (name, r) in variables(run) {
                        let Some((_, declared)) = args.iter().find(|(a, _)| *a == name) else {
                            continue;
                        };
                        if out.iter().any(|c| c.dockerfile == di && c.name == name) {
                            continue;
                        }
                        if let Some(how) = credential_use(run, r.clone()) {
                            out.push(CredentialArg {
                                dockerfile: di,
                                name: name.to_string(),
                                declared: declared.clone(),
                                used: Origin::new(
                                    d.file,
                                    ins.span.start() + r.start..ins.span.start() + r.end,
                                ),
                                how,
                            });
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// A value in a provider's own credential format (`AKIA…`, `ghp_…`, `sk_live_…`, a private
/// key block), not merely random-looking.
fn has_provider_shape(value: &str) -> bool {
    scan(value)
        .iter()
        .any(|(_, what)| !what.starts_with("password in a"))
}

/// Certificates and public keys: material a secret may carry that is no secret itself.
fn is_public_material(text: &str) -> bool {
    text.starts_with("-----BEGIN CERTIFICATE")
        || text.starts_with("-----BEGIN PUBLIC KEY")
        || text.starts_with("-----BEGIN RSA PUBLIC KEY")
        || text.starts_with("ssh-rsa ")
        || text.starts_with("ssh-ed25519 ")
}

/// A setting whose value may hold a secret by its shape: an env file entry, a compose
/// service's `environment:`, a container's `env[].value`, a Dockerfile `ENV`/`ARG`.
struct Setting {
    value: Span,
    key: String,
    key_origin: Option<Origin>,
    place: Place,
}

/// Every setting of the project, by file.
fn settings_by_file(p: &Project) -> foldhash::HashMap<FileId, Vec<Setting>> {
    let mut out: foldhash::HashMap<FileId, Vec<Setting>> = Default::default();
    for (di, d) in p.dotenvs.iter().enumerate() {
        for e in &d.entries {
            out.entry(d.file).or_default().push(Setting {
                value: e.value_span.clone(),
                key: e.key.clone(),
                key_origin: Some(Origin::new(d.file, e.key_span.clone())),
                place: Place::EnvFile { dotenv: di },
            });
        }
    }
    for (ci, cm) in p.compose.iter().enumerate() {
        for (si, s) in cm.compose.services.iter().enumerate() {
            for e in s.environment.iter().filter(|e| e.raw.is_some()) {
                out.entry(cm.file).or_default().push(Setting {
                    value: e.value_span.clone(),
                    key: e.key.clone(),
                    key_origin: Some(Origin::new(cm.file, e.key_span.clone())),
                    place: Place::Compose {
                        compose: ci,
                        service: si,
                    },
                });
            }
        }
    }
    for (oi, km) in p.k8s.iter().enumerate() {
        let Some(pod) = &km.object.pod else { continue };
        for (cix, c) in pod
            .containers
            .iter()
            .chain(&pod.init_containers)
            .enumerate()
        {
            for e in &c.env {
                let Some(v) = &e.value else { continue };
                out.entry(km.file).or_default().push(Setting {
                    value: v.span.range(),
                    key: e.name.to_string(),
                    key_origin: Some(Origin::new(km.file, e.name_span)),
                    place: Place::Container {
                        object: oi,
                        container: cix,
                    },
                });
            }
        }
    }
    // an app's config file: a URL with a password in `db_dsn = "postgres://u:p@db/x"`
    for c in &p.config_files {
        for st in c.settings.iter().filter(|st| !st.disabled) {
            out.entry(c.file).or_default().push(Setting {
                value: st.value_span.clone(),
                key: st.name().to_string(),
                key_origin: Some(Origin::new(c.file, st.key_span.clone())),
                place: Place::ConfigFile,
            });
        }
    }
    for (di, d) in p.dockerfiles.iter().enumerate() {
        for ins in &d.df.instructions {
            let (kvs, arg) = match &ins.kind {
                Kind::Env(kvs) => (kvs, false),
                Kind::Arg(kvs) => (kvs, true),
                _ => continue,
            };
            for kv in kvs.iter().filter(|kv| kv.value.is_some()) {
                out.entry(d.file).or_default().push(Setting {
                    value: kv.value_span.range(),
                    key: kv.key.to_string(),
                    key_origin: Some(Origin::new(d.file, kv.key_span)),
                    place: Place::Image {
                        dockerfile: di,
                        arg,
                    },
                });
            }
        }
    }
    out
}

pub use crate::secrets::{ShapeHit, prescan};

/// Mask every secret of the project wherever a finding's message, label or help quotes it,
/// and every URL password: whatever a rule writes, no report prints a secret in clear.
pub fn mask_messages<'a>(
    p: &Project,
    diagnostics: impl IntoIterator<Item = &'a mut crate::diagnostic::Diagnostic>,
) {
    let diagnostics: Vec<&mut crate::diagnostic::Diagnostic> = diagnostics.into_iter().collect();
    let mut needles: Vec<&str> = p
        .secrets
        .iter()
        .filter(|s| s.class == ValueClass::Secret)
        .map(|s| &s.origin)
        .chain(diagnostics.iter().flat_map(|d| d.secrets.iter()))
        .map(|o| p.file(o.file).slice(&o.span.range()))
        // shorter values are words, not secrets a message could quote by chance
        .filter(|s| s.chars().count() >= 4)
        .collect();
    needles.sort_unstable();
    needles.dedup();
    let finder = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(&needles)
        .ok()
        .filter(|_| !needles.is_empty());
    let mask = |s: &str| -> Option<String> {
        let urls = mask_url_credentials(s);
        let masked = match &finder {
            Some(f) if f.is_match(urls.as_ref()) => {
                let mut out = String::with_capacity(urls.len());
                let mut last = 0;
                for m in f.find_iter(urls.as_ref()) {
                    out.push_str(urls.get(last..m.start()).unwrap_or_default());
                    out.push_str(&crate::diagnostic::redact(
                        urls.get(m.range()).unwrap_or_default(),
                    ));
                    last = m.end();
                }
                out.push_str(urls.get(last..).unwrap_or_default());
                std::borrow::Cow::Owned(out)
            }
            _ => urls,
        };
        match masked {
            std::borrow::Cow::Owned(o) => Some(o),
            std::borrow::Cow::Borrowed(_) => None,
        }
    };
    for d in diagnostics {
        if let Some(m) = mask(&d.message) {
            d.message = m;
        }
        if let Some(m) = d.help.as_deref().and_then(mask) {
            d.help = Some(m.into());
        }
        for l in d.primary.iter_mut().chain(d.secondary.iter_mut()) {
            if let Some(m) = mask(&l.message) {
                l.message = m.into();
            }
        }
    }
}
