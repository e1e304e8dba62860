//! TF10 — X. Dev/prod parity: keep development, staging and production as similar as possible.

use super::{DiagExt, Input, Meta, Rule, diag};
use crate::diagnostic::Diagnostic;
use crate::meta;
use crate::model::Project;
use crate::source::Origin;

pub struct HardcodedAbsolutePath;
impl Rule for HardcodedAbsolutePath {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF1003",
            "hardcoded-absolute-path",
            10,
            Warning,
            "code uses a path that exists on one developer's machine"
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
            for (path, span) in &py.facts.rare.abs_paths {
                out.push(
                    diag(self.meta(), format!("`{path}` exists only on one machine"))
                        .at(Origin::new(py.file, span.clone()), "machine-specific path")
                        .help("build paths from the code's own location (`Path(__file__).parent`) or read them from the environment"),
                );
            }
        }
    }
}

pub struct EnvironmentBranching;
impl Rule for EnvironmentBranching {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF1005",
            "environment-branching",
            10,
            Info,
            "code branches on the environment's name"
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
            for (var, value, span) in &py.facts.rare.env_branches {
                // a bundler replaces `NODE_ENV` at build time: the switch is its dead-code
                // elimination, not the app choosing behaviour by environment
                if py.bundled && var == "NODE_ENV" {
                    continue;
                }
                out.push(
                    diag(self.meta(), format!("code compares `{var}` with \"{value}\" to choose its behaviour"))
                        .at(Origin::new(py.file, span.clone()), "branch on the environment's name")
                        .help("read each setting from its own variable (a feature flag, a URL) instead of switching on the environment's name"),
                );
            }
        }
    }
}

pub use crate::model::units::env_of_path;

/// The major version of an image tag (`16-alpine` → 16, `7.2.5` → 7).
fn major(tag: &str) -> Option<u32> {
    let digits: String = tag
        .trim_start_matches('v')
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

pub struct BackingServiceMismatch;
impl Rule for BackingServiceMismatch {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF1001",
            "backing-service-mismatch",
            10,
            Warning,
            "environments run different major versions of one backing service"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.services.len() > 1 || !p.helm_values.is_empty()
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        use crate::model::images::{ImageRef, backing_kind};
        // (kind, major version, where, what)
        let mut seen: Vec<(&'static str, u32, Origin, String)> = Vec::new();
        let mut add = |image: &str, origin: Origin, what: String| {
            let Some(kind) = backing_kind(image) else {
                return;
            };
            let Some(m) = ImageRef::parse(image).tag.as_deref().and_then(major) else {
                return;
            };
            seen.push((kind, m, origin, what));
        };
        for cm in &p.compose {
            for s in &cm.compose.services {
                if let Some(img) = &s.image {
                    add(
                        &img.text,
                        Origin::new(cm.file, img.span),
                        format!("compose `{}`", p.rel(cm.file)),
                    );
                }
            }
        }
        for km in &p.k8s {
            for c in km.object.pod.iter().flat_map(|p| &p.containers) {
                if let Some(img) = &c.image {
                    add(
                        &img.text,
                        Origin::new(km.file, img.span),
                        format!("`{}`", p.rel(km.file)),
                    );
                }
            }
        }
        for km in &p.kustomizations {
            for (name, new_name, new_tag, span) in &km.k.images {
                let repo = new_name.as_deref().unwrap_or(name);
                if let Some(tag) = new_tag {
                    add(
                        &format!("{repo}:{tag}"),
                        Origin::new(km.file, span.clone()),
                        format!("kustomization `{}`", p.rel(km.file)),
                    );
                }
            }
        }
        for (file, docs) in p.helm_values.iter().filter(|(f, _)| !p.values_rendered(*f)) {
            for d in docs {
                helm_images(d, 0, &mut |repo, tag, span| {
                    add(
                        &format!("{repo}:{tag}"),
                        Origin::new(*file, span),
                        format!("Helm values `{}`", p.rel(*file)),
                    );
                });
            }
        }
        sqlite_in_development(self.meta(), p, out);
        let mut reported: Vec<(&str, u32, u32)> = Vec::new();
        for (i, (kind, m, o, what)) in seen.iter().enumerate() {
            for (k2, m2, o2, what2) in &seen[..i] {
                if k2 != kind || m2 == m || p.is_test_file(o.file) || p.is_test_file(o2.file) {
                    continue;
                }
                // two stacks that each run a different app of the repository beside their
                // database are two apps' choices, not one app's environments drifting
                let (a, b) = (p.apps_of_file(o.file), p.apps_of_file(o2.file));
                if !a.is_empty() && !b.is_empty() && !a.iter().any(|x| b.contains(x)) {
                    continue;
                }
                let key = (*kind, (*m).min(*m2), (*m).max(*m2));
                if reported.contains(&key) {
                    continue;
                }
                reported.push(key);
                out.push(
                    diag(
                        self.meta(),
                        format!("{kind} {m} in {what} but {kind} {m2} in {what2}"),
                    )
                    .at(o.clone(), format!("{kind} {m}"))
                    .also(o2.clone(), format!("{kind} {m2}"))
                    .help(
                        "run the same major version of each backing service in every environment",
                    ),
                );
            }
        }
    }
}

/// SQLite in development (a code default, compose, `.env.example`, Django's sqlite3 engine)
/// while a deployment runs PostgreSQL or MySQL.
fn sqlite_in_development(meta: &'static super::Meta, p: &Project, out: &mut Vec<Diagnostic>) {
    let is_sqlite = |v: &str| v.starts_with("sqlite:") || v.ends_with("backends.sqlite3");
    let mut dev: Option<Origin> = None;
    for src in p.app_code() {
        let url = p
            .code(src)
            .urls
            .iter()
            .find(|u| u.env_default && is_sqlite(&u.value))
            .map(|u| u.span);
        let engine = p
            .code(src)
            .bindings
            .iter()
            .find(|b| b.key == "ENGINE" && is_sqlite(&b.value))
            .map(|b| b.value_span);
        if let Some(span) = url.or(engine) {
            dev.get_or_insert(Origin::new(src.file, span));
        }
    }
    for d in p.dotenvs.iter().filter(|d| d.example) {
        if let Some(e) = d.entries.iter().find(|e| is_sqlite(&e.value)) {
            dev.get_or_insert(Origin::new(d.file, e.value_span.clone()));
        }
    }
    // a compose service choosing SQLite: a `sqlite:` URL, or an engine switch
    // (`DB_ENGINE: sqlite`, `DATABASE_CLIENT: sqlite3`)
    let engine_key = |k: &str| {
        let k = k.to_ascii_uppercase();
        (k.contains("DB") || k.contains("DATABASE"))
            && ["ENGINE", "TYPE", "DRIVER", "CLIENT", "DIALECT", "BACKEND"]
                .iter()
                .any(|w| k.ends_with(w))
    };
    let sqlite_setting = |e: &crate::parse::compose::EnvEntry| {
        e.value.as_deref().is_some_and(|v| {
            is_sqlite(v)
                || (engine_key(&e.key)
                    && matches!(v.trim().to_ascii_lowercase().as_str(), "sqlite" | "sqlite3"))
        })
    };
    // SQLite in a compose file that is no development file: the shipped deployment
    let mut deployed_sqlite: Option<Origin> = None;
    for cm in &p.compose {
        for s in &cm.compose.services {
            if let Some(e) = s.environment.iter().find(|e| sqlite_setting(e)) {
                let at = Origin::new(cm.file, e.value_span.clone());
                if !cm.dev && !p.is_test_file(cm.file) {
                    deployed_sqlite.get_or_insert(at.clone());
                }
                dev.get_or_insert(at);
            }
        }
    }
    // the reverse: the shipped compose runs SQLite while the development compose beside it
    // provides PostgreSQL or MySQL
    if let Some(at) = &deployed_sqlite {
        let dir = crate::walk::parent_dir(p.rel(at.file));
        let dev_db = p.services.iter().find(|s| {
            matches!(s.kind.as_str(), "postgres" | "mysql" | "mariadb")
                && p.compose.iter().any(|cm| {
                    cm.dev
                        && cm.file == s.origin.file
                        && crate::walk::parent_dir(p.rel(cm.file)) == dir
                })
        });
        if let Some(db) = dev_db {
            out.push(
                diag(
                    meta,
                    format!(
                        "`{}` runs the app on SQLite while development runs {}",
                        p.rel(at.file),
                        db.kind
                    ),
                )
                .at(at.clone(), "SQLite in the deployment")
                .also(db.origin.clone(), format!("{} in development", db.kind))
                .help(format!(
                    "run {} in every environment, or develop on what you deploy",
                    db.kind
                )),
            );
            // the same SQLite is not also "development's" below
            if dev.as_ref() == Some(at) {
                dev = None;
            }
        }
    }
    let Some(dev) = dev else { return };
    // a relational database in a deployment: a Kubernetes workload, Helm values, or a URL in env
    let k8s_files: Vec<crate::source::FileId> = p.k8s.iter().map(|k| k.file).collect();
    let deployed = p
        .services
        .iter()
        .find(|s| {
            matches!(s.kind.as_str(), "postgres" | "mysql" | "mariadb")
                && (k8s_files.contains(&s.origin.file)
                    || p.helm_values.iter().any(|(f, _)| *f == s.origin.file))
        })
        .map(|s| (s.origin.clone(), s.kind.clone()))
        .or_else(|| {
            p.k8s.iter().find_map(|km| {
                km.object
                    .pod
                    .iter()
                    .flat_map(|pod| &pod.containers)
                    .flat_map(|c| &c.env)
                    .find_map(|e| {
                        let v = e.value.as_ref()?;
                        let scheme = v.text.split("://").next()?;
                        matches!(scheme, "postgres" | "postgresql" | "mysql")
                            .then(|| (Origin::new(km.file, v.span), scheme.to_string()))
                    })
            })
        });
    if let Some((at, kind)) = deployed {
        out.push(
            diag(meta, format!("development uses SQLite while a deployment uses {kind}"))
                .at(dev, "SQLite in development")
                .also(at, format!("{kind} in a deployment"))
                .help(format!("run {kind} in development too (a compose service) so queries, types and migrations behave the same")),
        );
    }
}

/// `{repository, tag}` pairs in a Helm values tree.
fn helm_images(
    y: &crate::parse::yaml::Yaml,
    depth: usize,
    f: &mut dyn FnMut(&str, &str, crate::source::Span),
) {
    use crate::parse::yaml::{Value, Yaml};
    if depth > 64 {
        return;
    }
    match &y.value {
        Value::Map(entries) => {
            if let (Some(repo), Some(tag)) =
                (y.get("repository").and_then(Yaml::as_str), y.get("tag"))
                && let Some(t) = tag.as_str()
            {
                f(repo, t, tag.span.clone());
            }
            for (_, v) in entries {
                helm_images(v, depth + 1, f);
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| helm_images(i, depth + 1, f)),
        _ => {}
    }
}

pub struct DivergentEnvironmentDockerfiles;
impl Rule for DivergentEnvironmentDockerfiles {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF1002",
            "divergent-environment-dockerfiles",
            10,
            Warning,
            "per-environment Dockerfiles of one app use different bases or dependency steps"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.dockerfiles.len() > 1
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Dockerfile]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let mut named: Vec<(usize, &str)> = p
            .dockerfiles
            .iter()
            .enumerate()
            .filter_map(|(i, d)| {
                let name = crate::walk::file_name(p.rel(d.file));
                env_of_path(name).map(|e| (i, e))
            })
            .collect();
        // a plain `Dockerfile` beside a production one is another image of the same app (the
        // one its compose file or registry publishes); beside a dev one it is the release
        // image a dev variant is allowed to extend, and is left alone
        let prod_dirs: Vec<&str> = named
            .iter()
            .filter(|(_, e)| matches!(*e, "prod" | "production"))
            .map(|(i, _)| p.dockerfiles[*i].dir.as_str())
            .collect();
        for (i, d) in p.dockerfiles.iter().enumerate() {
            let name = crate::walk::file_name(p.rel(d.file));
            if name == "Dockerfile" && prod_dirs.contains(&d.dir.as_str()) {
                named.push((i, "default"));
            }
        }
        for (a, (ia, ea)) in named.iter().enumerate() {
            for (ib, eb) in &named[..a] {
                let (da, db) = (&p.dockerfiles[*ia], &p.dockerfiles[*ib]);
                if da.dir != db.dir || ea == eb || p.is_test_file(da.file) {
                    continue;
                }
                let base = |d: &crate::model::DockerfileModel| {
                    d.final_stage().and_then(|s| s.base.clone())
                };
                if base(da) != base(db) {
                    let at = |d: &crate::model::DockerfileModel| {
                        let st = d.final_stage().map(|s| s.from).unwrap_or(0);
                        Origin::new(
                            d.file,
                            d.df.instructions
                                .get(st)
                                .map(|i| i.span)
                                .unwrap_or_default(),
                        )
                    };
                    out.push(
                        diag(self.meta(), format!("the {ea} and {eb} Dockerfiles build on different base images (`{}` and `{}`)", base(da).unwrap_or_default(), base(db).unwrap_or_default()))
                            .at(at(da), format!("{ea} base"))
                            .also(at(db), format!("{eb} base"))
                            .help("build one image for every environment (one Dockerfile, targets for dev tooling) and vary only config"),
                    );
                    continue;
                }
                let installs = |di: usize| -> Vec<String> {
                    p.run_commands(di)
                        .iter()
                        .flat_map(|(_, cmds)| cmds)
                        .map(|c| {
                            c.words
                                .iter()
                                .map(|(w, _)| w.as_str())
                                .collect::<Vec<_>>()
                                .join(" ")
                        })
                        .filter(|t| {
                            t.contains(" install")
                                || t.contains(" sync")
                                || t.starts_with("npm ci")
                                || t.contains(" ci")
                        })
                        .collect()
                };
                let (xa, xb) = (installs(*ia), installs(*ib));
                if xa != xb {
                    let first = p
                        .run_commands(*ia)
                        .first()
                        .map(|(i, _)| da.df.instructions[*i].span)
                        .unwrap_or_default();
                    out.push(
                        diag(self.meta(), format!("the {ea} and {eb} Dockerfiles install dependencies differently"))
                            .at(Origin::new(da.file, first), format!("{ea} dependency steps"))
                            .also(Origin::new(db.file, 0..0), format!("{eb} Dockerfile"))
                            .help("install dependencies the same way in every environment: one Dockerfile, one lockfile"),
                    );
                }
            }
        }
    }
}

pub struct EnvironmentsShareNamespace;
impl Rule for EnvironmentsShareNamespace {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF1004",
            "environments-share-namespace",
            10,
            Info,
            "manifests of different environments deploy into the same namespace"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.k8s.iter().any(|k| k.object.namespace.is_some())
            || p.kustomizations.iter().any(|k| k.k.namespace.is_some())
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Kubernetes]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let mut by_ns: Vec<(String, &'static str, Origin)> = Vec::new();
        // what each object says, then what each kustomization sets on what it renders
        let namespaces = p
            .k8s
            .iter()
            .filter_map(|km| {
                let ns = km.object.namespace.as_ref()?;
                Some((km.file, ns.text.as_str(), ns.span.range()))
            })
            .chain(p.kustomizations.iter().filter_map(|k| {
                let (ns, span) = k.k.namespace.as_ref()?;
                Some((k.file, ns.as_str(), span.clone()))
            }));
        for (file, ns, span) in namespaces {
            let Some(env) = env_of_path(crate::walk::parent_dir(p.rel(file))) else {
                continue;
            };
            let o = Origin::new(file, span);
            if let Some((_, other_env, other)) = by_ns.iter().find(|(n, e, _)| n == ns && e != &env)
            {
                out.push(
                    diag(self.meta(), format!("the {env} and {other_env} manifests both deploy into namespace `{ns}`"))
                        .at(o, env.to_string())
                        .also(other.clone(), other_env.to_string())
                        .help("give each environment its own namespace (a kustomize overlay's `namespace:`)"),
                );
                return;
            }
            by_ns.push((ns.to_string(), env, o));
        }
    }
}
