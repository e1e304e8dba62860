//! TF12 — XII. Admin processes: run admin/management tasks as one-off processes.

use super::{DiagExt, Input, Meta, Rule, diag};
use crate::diagnostic::Diagnostic;
use crate::meta;
use crate::model::Project;
use crate::model::commands::{migration, migration_flag};
use crate::source::Origin;
use crate::walk::{self, FileKind};

fn migrations_on_startup(p: &Project) -> Vec<(String, Origin, String)> {
    let mut out = Vec::new();
    for (ai, app) in p.apps.iter().enumerate() {
        for line in p.start_commands(ai) {
            if line.one_off || line.dev {
                continue;
            }
            for c in &line.cmds {
                // at the flag, when a flag asks the server to migrate
                let at = migration_flag(&c.unwrapped()).unwrap_or_else(|| c.origin.clone());
                if let Some(m) = migration(c)
                    && !out
                        .iter()
                        .any(|(_, o, _): &(String, Origin, String)| *o == at)
                {
                    out.push((format!("app `{}`", app.name), at, format!("runs `{m}`")));
                }
            }
        }
    }
    // migrations the app's own code runs as it starts (an app factory, a lifespan hook,
    // `main`): every process that runs that code migrates
    for (ai, app) in p.apps.iter().enumerate() {
        for src in code_migrating_at_start(p, ai) {
            for (what, span) in &src.facts.rare.migrations {
                let at = Origin::new(src.file, span.clone());
                if !out.iter().any(|(_, o, _)| *o == at) {
                    out.push((
                        format!("app `{}`", app.name),
                        at,
                        format!("migrates from its own code ({what})"),
                    ));
                }
            }
        }
    }
    // a service a systemd unit starts on a host
    for line in p.unit_start_commands() {
        for c in &line.cmds {
            if let Some(m) = migration(c) {
                let unit = walk::file_name(p.rel(line.origin.file)).to_string();
                out.push((
                    format!("systemd unit `{unit}`"),
                    c.origin.clone(),
                    format!("runs `{m}`"),
                ));
            }
        }
    }
    out
}

/// The sources of app `ai` that a serving process runs (a web or worker process, or every
/// process when twelve cannot tell which code each runs) and that call a migration outside
/// test code, leaving out scripts that exist to migrate or administer (`manage.py`,
/// `cmd/migrate/`, `scripts/`, CLI commands).
fn code_migrating_at_start(p: &Project, ai: usize) -> Vec<&crate::model::SourceModel> {
    use crate::model::processes::ProcessKind;
    let candidates: Vec<usize> = p
        .source_indices_of_app(ai)
        .filter(|si| {
            let s = &p.sources[*si];
            !s.facts.rare.migrations.is_empty() && !admin_path(p.rel(s.file))
        })
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    let procs = p.process_code(ai);
    let serving: Vec<&Option<std::collections::BTreeSet<usize>>> = procs
        .iter()
        .filter(|(pi, _)| {
            matches!(
                p.processes[*pi].kind,
                ProcessKind::Web | ProcessKind::Worker
            )
        })
        .map(|(_, code)| code)
        .collect();
    let any_process = !procs.is_empty();
    candidates
        .into_iter()
        .filter(|si| {
            let s = &p.sources[*si];
            let in_test = |sp: &crate::source::Span| {
                p.code(s)
                    .test_spans
                    .iter()
                    .any(|t| t.start() <= sp.start && sp.end <= t.end())
            };
            if s.facts.rare.migrations.iter().all(|(_, sp)| in_test(sp)) {
                return false;
            }
            // an app with processes: one that serves runs this file; without any declared
            // process the image's start runs the app's code
            !any_process
                || serving
                    .iter()
                    .any(|code| code.as_ref().is_none_or(|c| c.contains(si)))
        })
        .map(|si| &p.sources[si])
        .collect()
}

/// Paths of code that exists to migrate or administer: run as a one-off, not at start.
fn admin_path(rel: &str) -> bool {
    rel.split('/').any(|seg| {
        let seg = seg.to_ascii_lowercase();
        let stem = seg.split('.').next().unwrap_or(&seg);
        stem.contains("migrat")
            || stem.contains("manage")
            || stem.contains("command")
            || stem.starts_with("cli")
            || stem.contains("script")
            || stem.contains("seed")
            || stem.contains("tool")
            || stem.contains("task")
            || stem == "bin"
            || stem == "cmd" && !rel.ends_with("/main.go")
            || stem == "admin"
            || stem == "setup"
            || stem == "fixtures"
            || stem.contains("backup")
            || stem.contains("restore")
            || stem.contains("export")
    })
}

pub struct MigrationsOnStartup;
impl Rule for MigrationsOnStartup {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF1201",
            "migrations-on-startup",
            12,
            Warning,
            "the start command runs migrations on every start of every replica"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.apps.is_empty()
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for (app, origin, m) in migrations_on_startup(p) {
            out.push(
                diag(self.meta(), format!("{app} {m} every time it starts"))
                    .at(origin, "migration at start")
                    .help("run it once per release: a Kubernetes Job or Helm hook, an initContainer, a compose one-off service, or a Procfile `release:` entry"),
            );
        }
    }
}

pub struct MissingAdminProcess;
impl Rule for MissingAdminProcess {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF1202",
            "missing-admin-process",
            12,
            Info,
            "the repo has migrations but no one-off process to run them"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.paths
            .iter()
            .any(|(r, _)| crate::model::is_migration_marker(r) && !crate::model::is_test_path(r))
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let Some((marker, _)) = p
            .paths
            .iter()
            .find(|(r, _)| crate::model::is_migration_marker(r) && !crate::model::is_test_path(r))
        else {
            return;
        };
        let k8s_one_off = p.k8s.iter().any(|k| {
            matches!(k.object.kind.as_str(), "Job" | "CronJob")
                || k.object
                    .pod
                    .as_ref()
                    .is_some_and(|pod| !pod.init_containers.is_empty())
                || k.object.annotations.iter().any(|(a, _)| {
                    a.starts_with("helm.sh/hook") || a.starts_with("argocd.argoproj.io/hook")
                })
        });
        let helm_hook = !p.helm_hooks.is_empty();
        // a one-off process of an app: a compose service under a profile or awaited to
        // completion, a Job, a hook, a Procfile `release:` (the model's process kinds)
        let one_off_process = p
            .processes
            .iter()
            .any(|pr| pr.kind == crate::model::processes::ProcessKind::OneOff);
        let script = p.paths.iter().any(|(r, k)| {
            let n = walk::file_name(r).to_ascii_lowercase();
            matches!(
                k,
                FileKind::Shell
                    | FileKind::Other
                    | FileKind::Source(crate::parse::code::Lang::Python)
            ) && (n.starts_with("migrate")
                || n.starts_with("init") && k == FileKind::Shell
                || n.starts_with("admin")
                || n.starts_with("release"))
        });
        if k8s_one_off
            || helm_hook
            || one_off_process
            || !p.paas_one_offs().is_empty()
            || script
            || !migrations_on_startup(p).is_empty()
        {
            return;
        }
        let dg = diag(self.meta(), format!("the repository has migrations (`{marker}`) but no one-off process runs them"))
            .help("add a Kubernetes Job or Helm hook, a compose one-off service (under a profile), a Procfile `release:` entry or an app.json `postdeploy` script that runs the migrations once per release");
        // migration markers are always read (model), so the finding is located
        let dg = match p.file_at(marker) {
            Some(f) => dg.at(p.file_origin(f), "migrations"),
            None => dg,
        };
        out.push(dg);
    }
}

pub struct AdminImageDrift;
impl Rule for AdminImageDrift {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF1204",
            "admin-image-drift",
            12,
            Warning,
            "an admin Job or initContainer runs a different release of the app's image"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.k8s.iter().any(|k| {
            matches!(k.object.kind.as_str(), "Job" | "CronJob")
                || k.object
                    .pod
                    .as_ref()
                    .is_some_and(|p| !p.init_containers.is_empty())
        })
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Kubernetes]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        use crate::model::images::ImageRef;
        // the images the long-running workloads deploy
        let mut deployed: Vec<(ImageRef, Origin, String)> = Vec::new();
        for km in &p.k8s {
            if !matches!(
                km.object.kind.as_str(),
                "Deployment" | "StatefulSet" | "DaemonSet"
            ) {
                continue;
            }
            for c in km.object.pod.iter().flat_map(|p| &p.containers) {
                if let Some(img) = &c.image {
                    deployed.push((
                        ImageRef::parse(&img.text),
                        Origin::new(km.file, img.span),
                        km.object.name.clone().unwrap_or_default().to_string(),
                    ));
                }
            }
        }
        for km in &p.k8s {
            if p.is_test_file(km.file) {
                continue;
            }
            let Some(pod) = &km.object.pod else { continue };
            let admin: Vec<&crate::parse::k8s::Container> =
                if matches!(km.object.kind.as_str(), "Job" | "CronJob") {
                    pod.containers.iter().chain(&pod.init_containers).collect()
                } else {
                    pod.init_containers.iter().collect()
                };
            for c in admin {
                let Some(img) = &c.image else { continue };
                let r = ImageRef::parse(&img.text);
                let Some((d, at, name)) = deployed
                    .iter()
                    .find(|(d, _, _)| d.repository == r.repository)
                else {
                    continue;
                };
                if d.tag == r.tag && d.digest == r.digest {
                    continue;
                }
                let show = |x: &ImageRef| {
                    x.digest
                        .clone()
                        .or(x.tag.clone())
                        .unwrap_or_else(|| "(no tag)".into())
                };
                out.push(
                    diag(self.meta(), format!("{} `{}` runs `{}` at {} while `{name}` runs it at {}", km.object.kind, km.object.name.as_deref().unwrap_or("?"), r.repository, show(&r), show(d)))
                        .at(Origin::new(km.file, img.span), "admin task image")
                        .also(at.clone(), "the app's image")
                        .help("run admin tasks from the same release as the app: template both tags from one value"),
                );
            }
        }
    }
}

/// Admin entry points of a build context, relative to it.
fn admin_scripts(p: &Project, ctx: &str) -> Vec<String> {
    let under = |d: &str| walk::join(ctx, d).unwrap_or_default();
    let mut rels: Vec<&str> = [ctx.to_string(), under("bin"), under("scripts")]
        .iter()
        .flat_map(|d| p.paths_in(d).map(|(r, _)| r))
        .collect();
    rels.sort_unstable();
    rels.dedup();
    rels.into_iter()
        .filter_map(|rel| {
            let inner = if ctx.is_empty() {
                rel
            } else {
                rel.strip_prefix(ctx)?.strip_prefix('/')?
            };
            let name = walk::file_name(inner).to_ascii_lowercase();
            let dir = walk::parent_dir(inner);
            let admin_name = ["migrate", "init", "admin", "release", "seed"]
                .iter()
                .any(|w| name.starts_with(w))
                && (name.ends_with(".sh") || name.ends_with(".py") || !name.contains('.'));
            let ok = (dir.is_empty() && (name == "manage.py" || admin_name))
                || (matches!(dir, "bin" | "scripts") && admin_name);
            ok.then(|| inner.to_string())
        })
        .collect()
}

pub struct AdminScriptNotShipped;
impl Rule for AdminScriptNotShipped {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF1203",
            "admin-script-not-shipped",
            12,
            Warning,
            "an admin script of the build context is not copied into the app image"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.apps.iter().any(|a| a.dockerfile.is_some())
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Dockerfile]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        use crate::parse::dockerfile::Kind;
        for app in &p.apps {
            let (Some(di), Some(ctx)) = (app.dockerfile, app.context.as_deref()) else {
                continue;
            };
            let d = &p.dockerfiles[di];
            if d.dev || p.is_test_file(d.file) {
                continue;
            }
            let srcs: Vec<String> =
                d.df.instructions
                    .iter()
                    .filter_map(|i| match &i.kind {
                        Kind::Copy {
                            srcs, from: None, ..
                        }
                        | Kind::Add { srcs, .. } => Some(
                            srcs.iter()
                                .map(|s| s.text.trim_start_matches("./").to_string())
                                .collect::<Vec<_>>(),
                        ),
                        _ => None,
                    })
                    .flatten()
                    .collect();
            for script in admin_scripts(p, ctx) {
                let whole = srcs
                    .iter()
                    .any(|s| matches!(s.trim_end_matches('/'), "" | "." | "*"));
                let named = srcs.iter().any(|s| {
                    let s = s.trim_end_matches('/');
                    script == s || script.starts_with(&format!("{s}/"))
                });
                let ignored = p.dockerignored(ctx, &script).unwrap_or(false);
                if (whole && !ignored) || named {
                    continue;
                }
                let rel = walk::join(ctx, &script).unwrap_or(script.clone());
                let at = match p.file_at(&rel) {
                    Some(f) => p.file_origin(f),
                    None => Origin::new(
                        d.file,
                        d.final_stage()
                            .map(|s| d.df.instructions[s.from].span)
                            .unwrap_or_default(),
                    ),
                };
                out.push(
                    diag(self.meta(), format!("`{rel}` is an admin script of app `{}` but its image does not contain it", app.name))
                        .at(at, "not in the image")
                        .also(Origin::new(d.file, d.final_stage().map(|s| d.df.instructions[s.from].span).unwrap_or_default()), "the app's image")
                        .help("copy admin scripts into the image so one-off processes run the same release as the app"),
                );
            }
        }
    }
}
