//! TF05 — V. Build, release, run: strictly separate build and run stages.

use super::{DiagExt, Input, Meta, Rule, diag};
use crate::diagnostic::Diagnostic;
use crate::meta;
use crate::model::Project;
use crate::model::commands::Cmd;
use crate::model::images::ImageRef;
use crate::parse::dockerfile::Kind;
use crate::parse::yaml::{Value, Yaml};
use crate::source::Origin;
use crate::walk;

/// Why an image reference floats, if it does.
fn floating(image: &str) -> Option<&'static str> {
    if image.is_empty() || image.contains('$') {
        return None;
    }
    ImageRef::parse(image).floating()
}

pub struct MutableImageReference;
impl Rule for MutableImageReference {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0501",
            "mutable-image-reference",
            5,
            Warning,
            "a deployment runs an image by a tag that moves (`latest` or none)"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.compose.is_empty() || !p.k8s.is_empty() || !p.helm_values.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Compose, Input::Kubernetes]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let help = "deploy an immutable reference: a version tag or a digest, set per release";
        for cm in &p.compose {
            if p.is_test_file(cm.file) {
                continue;
            }
            for s in &cm.compose.services {
                let Some(img) = &s.image else { continue };
                // a service that builds names its own output, and a build tool tags its
                // artifacts when it deploys them
                if s.build.is_some()
                    || p.build_artifact(&img.text).is_some()
                    || cm
                        .compose
                        .missing_vars
                        .iter()
                        .any(|(_, sp)| *sp == img.span)
                {
                    continue;
                }
                if let Some(why) = floating(&img.text) {
                    out.push(
                        diag(
                            self.meta(),
                            format!("service `{}` runs `{}`, which {why}", s.name, img.text),
                        )
                        .at(Origin::new(cm.file, img.span), "mutable image reference")
                        .help(help),
                    );
                }
            }
        }
        for km in &p.k8s {
            if p.is_test_file(km.file) {
                continue;
            }
            let Some(pod) = &km.object.pod else { continue };
            for c in pod.containers.iter().chain(&pod.init_containers) {
                let Some(img) = &c.image else { continue };
                if p.build_artifact(&img.text).is_some() {
                    continue;
                }
                if let Some(why) = floating(&img.text) {
                    out.push(
                        diag(
                            self.meta(),
                            format!(
                                "{} `{}` runs `{}`, which {why}",
                                km.object.kind,
                                km.object.name.as_deref().unwrap_or("?"),
                                img.text
                            ),
                        )
                        .at(Origin::new(km.file, img.span), "mutable image reference")
                        .help(help),
                    );
                }
            }
        }
        // values of a chart that rendered are judged through its objects above
        for (file, docs) in &p.helm_values {
            if p.is_test_file(*file) || p.values_rendered(*file) {
                continue;
            }
            for d in docs {
                helm_latest(d, 0, &mut |tag: &Yaml, repo: &str| {
                    out.push(
                        diag(self.meta(), format!("Helm values deploy `{repo}` with the `latest` tag"))
                            .at(Origin::new(*file, tag.span.clone()), "mutable image tag")
                            .help("set `tag` to the release's version (an empty tag uses the chart's appVersion)"),
                    );
                });
            }
        }
    }
}

/// `image: {repository: x, tag: latest}` anywhere in a values tree.
fn helm_latest(y: &Yaml, depth: usize, f: &mut dyn FnMut(&Yaml, &str)) {
    if depth > 64 {
        return;
    }
    match &y.value {
        Value::Map(entries) => {
            if let (Some(repo), Some(tag)) =
                (y.get("repository").and_then(Yaml::as_str), y.get("tag"))
                && tag.as_str() == Some("latest")
            {
                f(tag, repo);
            }
            for (_, v) in entries {
                helm_latest(v, depth + 1, f);
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| helm_latest(i, depth + 1, f)),
        _ => {}
    }
}

/// What a start command builds or installs, if anything.
pub(crate) fn builds_at_start(c: &Cmd) -> Option<String> {
    let u = c.unwrapped();
    let w: Vec<&str> = u.words.iter().map(|(w, _)| w.as_str()).collect();
    let prog = u.program();
    let sub = w.get(1).copied().unwrap_or("");
    let hit = match prog {
        "pip" | "pip3" => sub == "install",
        p if p.starts_with("python") => {
            w.get(1) == Some(&"-m") && w.get(2) == Some(&"pip") && w.get(3) == Some(&"install")
        }
        "npm" | "pnpm" => {
            matches!(sub, "install" | "i" | "ci")
                || (sub == "run" && w.get(2).is_some_and(|s| s.starts_with("build")))
        }
        "yarn" => w.len() == 1 || sub == "install" || sub == "build",
        "cargo" => matches!(sub, "build" | "run" | "install"),
        "go" => matches!(sub, "build" | "run" | "install"),
        "mvn" | "mvnw" | "./mvnw" => w
            .iter()
            .any(|a| matches!(*a, "package" | "install" | "compile" | "spring-boot:run")),
        "gradle" | "gradlew" => w
            .iter()
            .any(|a| matches!(*a, "build" | "bootRun" | "assemble")),
        "bundle" => sub == "install",
        "composer" => sub == "install",
        "poetry" | "pipenv" => sub == "install",
        "uv" => sub == "sync" || (sub == "pip" && w.get(2) == Some(&"install")),
        _ => false,
    };
    hit.then(|| w.iter().take(3).copied().collect::<Vec<_>>().join(" "))
}

pub struct BuildAtRuntime;
impl Rule for BuildAtRuntime {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0502",
            "build-at-runtime",
            5,
            Error,
            "the start command installs dependencies or compiles"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.apps.is_empty()
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        let mut seen: Vec<Origin> = Vec::new();
        for (ai, app) in p.apps.iter().enumerate() {
            for line in p.start_commands(ai) {
                if line.one_off || line.dev || p.is_test_file(line.origin.file) {
                    continue;
                }
                for c in &line.cmds {
                    let Some(what) = builds_at_start(c) else {
                        continue;
                    };
                    if seen.contains(&c.origin) {
                        continue;
                    }
                    seen.push(c.origin.clone());
                    out.push(
                        diag(self.meta(), format!("app `{}` runs `{what}` when it starts", app.name))
                            .at(c.origin.clone(), "build step at run time")
                            .help("build and install in the image (RUN steps); the run stage only starts the release"),
                    );
                }
            }
        }
    }
}

pub struct SourceMountedIntoContainer;
impl Rule for SourceMountedIntoContainer {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0503",
            "source-mounted-into-container",
            5,
            Info,
            "a non-development compose file mounts the app's source into its container"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.compose.is_empty()
    }
    fn app_inputs(&self) -> &'static [Input] {
        &[Input::Compose]
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for (ai, cm, s) in p.app_services() {
            if p.dev_service(cm, &s.name).is_some() || p.is_test_file(cm.file) {
                continue;
            }
            let Some(ctx) = &p.apps[ai].context else {
                continue;
            };
            for v in s.volumes.iter().filter(|v| v.bind) {
                let Some(src) = v.source.as_deref().and_then(|src| walk::join(&cm.dir, src)) else {
                    continue;
                };
                if src == *ctx {
                    out.push(
                        diag(self.meta(), format!("service `{}` runs the source tree mounted at `{}`, not the code in its image", s.name, v.target))
                            .at(Origin::new(cm.file, v.span.clone()), "build context mounted into the container")
                            .help("keep source mounts in a development override (docker-compose.override.yml); run the release's image as built"),
                    );
                }
            }
        }
    }
}

pub struct MissingDockerignore;
impl Rule for MissingDockerignore {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0504",
            "missing-dockerignore",
            5,
            Info,
            "a Dockerfile copies its whole context and the context has no .dockerignore"
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
            if d.backing.is_some() || p.is_test_file(d.file) {
                continue;
            }
            let rel = p.rel(d.file);
            let ignore_files = [
                walk::join(&d.context, ".dockerignore").unwrap_or_default(),
                format!("{rel}.dockerignore"),
            ];
            if ignore_files.iter().any(|f| p.has_path(f)) {
                continue;
            }
            let whole = d.df.instructions.iter().find(|i| match &i.kind {
                Kind::Copy {
                    srcs, from: None, ..
                }
                | Kind::Add { srcs, .. } => srcs
                    .iter()
                    .any(|s| matches!(s.text.as_str(), "." | "./" | "*")),
                _ => false,
            });
            if let Some(ins) = whole {
                out.push(
                    diag(self.meta(), format!("`{rel}` copies its whole build context, which has no .dockerignore"))
                        .at(Origin::new(d.file, ins.span), "copies everything")
                        .help("add a .dockerignore (at least `.git`, `.env*`, local build output) to the build context"),
                );
            }
        }
    }
}
