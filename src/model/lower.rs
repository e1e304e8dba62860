//! Lowering: each parsed file becomes the model's view of it (a Dockerfile's stages, which
//! compose services are for development, which code a bundler builds).

use super::load::Parsed;
use super::*;

/// A compose service's own signs of development: a dev server or reloader as its command, a
/// dev build stage, an anonymous volume keeping the image's `node_modules` under mounted source.
pub(super) fn dev_service(s: &Service) -> Option<String> {
    let words: Vec<&str> = [&s.entrypoint, &s.command]
        .into_iter()
        .flatten()
        .flat_map(|c| match c {
            compose::CmdValue::String(t) => t.text.split_whitespace().collect::<Vec<_>>(),
            compose::CmdValue::List(l) => l
                .iter()
                .flat_map(|w| w.text.split_whitespace())
                .collect::<Vec<_>>(),
        })
        .collect();
    if let Some(w) = commands::dev_server(&words) {
        return Some(format!("runs `{w}`, a development server"));
    }
    if let Some(t) = s.build.as_ref().and_then(|b| b.target.as_deref()) {
        let lower = t.to_ascii_lowercase();
        if ["dev", "development", "develop", "local", "debug"].contains(&lower.as_str()) {
            return Some(format!("builds the `{t}` stage"));
        }
    }
    let anonymous_modules = s
        .volumes
        .iter()
        .any(|v| v.source.is_none() && v.target.trim_end_matches('/').ends_with("/node_modules"));
    if anonymous_modules && s.volumes.iter().any(|v| v.bind) {
        return Some("mounts its source, keeping `node_modules` in an anonymous volume".into());
    }
    None
}

pub(super) fn lower_dockerfile(file: FileId, rel: &str, df: Dockerfile) -> DockerfileModel {
    let dir = walk::parent_dir(rel).to_string();
    let mut global_args = HashMap::default();
    let mut stages: Vec<Stage> = Vec::new();
    for (i, ins) in df.instructions.iter().enumerate() {
        match &ins.kind {
            Kind::Arg(kvs) if stages.is_empty() => {
                for kv in kvs {
                    global_args.insert(
                        kv.key.to_string(),
                        kv.value.as_deref().unwrap_or_default().to_string(),
                    );
                }
            }
            Kind::From { image, name } => {
                if let Some(last) = stages.last_mut() {
                    last.end = i;
                }
                let base = dockerfile::substitute(&image.text, &global_args);
                let parent = base.as_deref().and_then(|b| {
                    stages
                        .iter()
                        .position(|s| s.name.as_deref().is_some_and(|n| n.eq_ignore_ascii_case(b)))
                });
                stages.push(Stage {
                    from: i,
                    end: df.instructions.len(),
                    base,
                    name: name.as_ref().map(|n| n.text.to_string()),
                    parent,
                });
            }
            _ => {}
        }
    }
    let backing = stages.last().and_then(|s| {
        if s.parent.is_some() {
            return None;
        }
        s.base.as_deref().and_then(images::backing_kind)
    });
    DockerfileModel {
        file,
        context: dir.clone(),
        dev: is_dev_path(rel),
        dir,
        df,
        stages,
        global_args,
        backing,
    }
}

/// Configuration files of bundlers and frontend frameworks, which run at build time.
pub(super) fn is_bundler_config(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    if !matches!(ext, "js" | "mjs" | "cjs" | "ts" | "mts" | "cts") {
        return false;
    }
    let tool = stem.split('.').next().unwrap_or(stem);
    matches!(
        tool,
        "nuxt"
            | "next"
            | "vite"
            | "vitest"
            | "webpack"
            | "rollup"
            | "vue"
            | "svelte"
            | "astro"
            | "gatsby-config"
            | "gatsby-node"
            | "gatsby-browser"
            | "gatsby-ssr"
            | "remix"
            | "quasar"
            | "babel"
            | "postcss"
            | "tailwind"
            | "tsup"
            | "esbuild"
            | "craco"
            | "metro"
            | "snowpack"
    )
}

/// Dependencies of a package whose code a bundler builds for the browser.
pub(super) const FRONTEND_FRAMEWORKS: &[&str] = &[
    "react",
    "react-dom",
    "vue",
    "nuxt",
    "next",
    "svelte",
    "@sveltejs/kit",
    "@angular/core",
    "solid-js",
    "preact",
    "gatsby",
    "react-scripts",
];

/// Dependencies of a package that runs a server of its own.
pub(super) const SERVER_FRAMEWORKS: &[&str] = &[
    "express",
    "koa",
    "fastify",
    "@nestjs/core",
    "@hapi/hapi",
    "hapi",
    "restify",
    "@adonisjs/core",
    "sails",
    "loopback",
    "@feathersjs/feathers",
    "polka",
    "hono",
];

impl Project {
    /// Mark JavaScript that a bundler reads or compiles: bundler and framework configs
    /// (`nuxt.config.js`, `vite.config.ts`), and the code of a package that depends on a
    /// frontend framework (React, Vue, Nuxt, Next, Svelte, Angular) and on no server framework.
    pub(super) fn mark_bundled_code(&mut self) {
        let packages: Vec<(String, String)> = self
            .manifests
            .iter()
            .filter(|m| m.manifest.kind == crate::parse::manifest::ManifestKind::PackageJson)
            .filter(|m| {
                let has = |list: &[&str]| {
                    m.manifest
                        .deps
                        .iter()
                        .any(|d| list.contains(&d.name.as_str()))
                };
                has(FRONTEND_FRAMEWORKS) && !has(SERVER_FRAMEWORKS)
            })
            .map(|m| (m.dir.clone(), self.rel(m.file).to_string()))
            .collect();
        for i in 0..self.sources.len() {
            let s = &self.sources[i];
            if !matches!(
                s.lang,
                crate::parse::code::Lang::JavaScript | crate::parse::code::Lang::TypeScript
            ) {
                continue;
            }
            let rel = self.rel(s.file);
            let reason = if is_bundler_config(walk::file_name(rel)) {
                Some(format!("`{}` configures a bundler", walk::file_name(rel)))
            } else {
                // the nearest package.json decides
                packages
                    .iter()
                    .filter(|(dir, _)| walk::is_within(self.source_dir(s), dir))
                    .max_by_key(|(dir, _)| dir.len())
                    .filter(|(dir, _)| {
                        !self.manifests.iter().any(|m| {
                            m.manifest.kind == crate::parse::manifest::ManifestKind::PackageJson
                                && m.dir.len() > dir.len()
                                && walk::is_within(self.source_dir(s), &m.dir)
                        })
                    })
                    .map(|(_, manifest)| format!("frontend code of `{manifest}`"))
            };
            if let Some(reason) = reason {
                self.sources[i].bundled = true;
                self.bundled_code.insert(i, reason.into_boxed_str());
            }
        }
    }

    /// Why each compose service is a development service, if it is one. A `*prod*` sibling
    /// does not make a compose file a development one: it is as often an override applied on
    /// top of it (`-f compose.yaml -f compose.prod.yaml`), so the base reaches production too.
    pub(super) fn mark_dev_services(&mut self) {
        for cm in &mut self.compose {
            let file_dev = cm.dev.then(|| {
                let rel = self.files[cm.file.0 as usize].rel.as_ref();
                format!("`{}` is a development file", walk::file_name(rel))
            });
            cm.dev_services = cm
                .compose
                .services
                .iter()
                .map(|s| file_dev.clone().or_else(|| dev_service(s)))
                .collect();
        }
    }

    /// Why the compose service named `name` of `cm` is a development service, if it is one.
    pub fn dev_service<'a>(&self, cm: &'a ComposeModel, name: &str) -> Option<&'a str> {
        let si = cm.compose.services.iter().position(|s| s.name == name)?;
        cm.dev_services.get(si)?.as_deref()
    }

    fn push_source(
        &mut self,
        lang: crate::parse::code::Lang,
        file: FileId,
        rel: &str,
        facts: super::code::FileFacts,
    ) {
        self.sources.push(SourceModel {
            lang,
            file,
            facts,
            build_script: lang == crate::parse::code::Lang::Rust
                && walk::file_name(rel) == "build.rs",
            bundled: false,
        });
    }

    /// Lower one parsed file into the model; compose files wait in `compose_docs` until every
    /// env file is known (their interpolation reads them).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn lower_parsed(
        &mut self,
        id: FileId,
        kind: FileKind,
        rel: &str,
        text: &str,
        parsed: Parsed,
        compose_docs: &mut Vec<(FileId, String, Vec<Yaml>)>,
        notices: &mut Vec<Notice>,
    ) {
        let rel = rel.to_string();
        let dir = walk::parent_dir(&rel).to_string();
        match parsed {
            Parsed::Error(offset, message) => self.parse_errors.push((
                Origin::new(id, offset..offset),
                super::load::one_line(&message),
            )),
            Parsed::Internal(message) => {
                self.internal_errors.push((Origin::new(id, 0..0), message))
            }
            Parsed::Template => notices.push(Notice {
                path: rel.clone(),
                message:
                    "not checked: looks like a template (`{{`, `{%`, ERB `<%`), not plain syntax"
                        .into(),
            }),
            Parsed::Dockerfile(df) => {
                match crate::fault::catch(|| lower_dockerfile(id, &rel, df)) {
                    Ok(d) => self.dockerfiles.push(d),
                    Err(m) => self.internal_errors.push((Origin::new(id, 0..0), m)),
                }
            }
            Parsed::Yaml(docs) => match kind {
                FileKind::Compose => compose_docs.push((id, dir, docs)),
                FileKind::HelmChart => {}
                _ => {
                    let in_chart = self.charts.iter().any(|c| {
                        walk::parent_dir(&rel) == c.as_str()
                            && walk::file_name(&rel).starts_with("values")
                    });
                    // a compose project whatever its name (`traefik.yml`, a Swarm stack)
                    if !in_chart && kind == FileKind::Yaml && docs.iter().any(compose::is_project) {
                        compose_docs.push((id, dir, docs));
                        return;
                    }
                    // a Skaffold config names the images it builds; it is no object
                    // of the cluster
                    let (skaffold, docs): (Vec<Yaml>, Vec<Yaml>) = docs
                        .into_iter()
                        .partition(crate::parse::buildtools::is_skaffold);
                    // a kustomization puts files together; it is no object either
                    let name = walk::file_name(&rel);
                    let (kustomizations, docs): (Vec<Yaml>, Vec<Yaml>) = docs
                        .into_iter()
                        .partition(|d| crate::parse::kustomize::is_kustomization(name, d));
                    self.kustomizations.extend(kustomizations.iter().map(|d| {
                        units::KustomizationModel {
                            file: id,
                            dir: walk::parent_dir(&rel).to_string(),
                            k: crate::parse::kustomize::read(d),
                        }
                    }));
                    for d in &skaffold {
                        let deploys = crate::parse::buildtools::skaffold_deploys(d);
                        if !deploys.is_empty() {
                            self.skaffold_deploys.push((id, deploys));
                        }
                        self.build_artifacts.extend(
                            crate::parse::buildtools::skaffold_artifacts(d)
                                .into_iter()
                                .map(|(image, span)| BuildArtifact {
                                    image,
                                    tool: "Skaffold",
                                    origin: Origin::new(id, span),
                                }),
                        );
                    }
                    if in_chart {
                        self.helm_values.push((id, docs));
                    } else if docs.iter().any(k8s::is_object) {
                        let lowered = crate::fault::catch(|| {
                            let mut objs = Vec::new();
                            for d in &docs {
                                k8s::lower(d, &mut objs);
                            }
                            objs
                        });
                        match lowered {
                            Ok(objs) => self.k8s.extend(objs.into_iter().map(|object| K8sModel {
                                file: id,
                                object,
                                helm: None,
                            })),
                            Err(m) => self.internal_errors.push((Origin::new(id, 0..0), m)),
                        }
                    } else {
                        self.other_yaml.push((id, docs));
                    }
                }
            },
            Parsed::Objects(Ok(objs)) => self.k8s.extend(objs.into_iter().map(|object| K8sModel {
                file: id,
                object,
                helm: None,
            })),
            Parsed::Objects(Err(m)) => self.internal_errors.push((Origin::new(id, 0..0), m)),
            Parsed::Manifest(m) => self.manifests.push(ManifestModel {
                file: id,
                dir,
                manifest: *m,
            }),
            Parsed::Unsupported(feature) => notices.push(Notice {
                path: rel.clone(),
                message: format!("not checked: this build of twelve has no `{feature}` feature"),
            }),
            Parsed::Source(lang, facts) => {
                let facts = self.code_tables.add(*facts);
                self.push_source(lang, id, &rel, facts);
            }
            Parsed::Code(lang, facts) => self.push_source(lang, id, &rel, *facts),
            Parsed::Script(script) => {
                let required_vars = shell::required_vars(text);
                self.scripts.push(ScriptModel {
                    file: id,
                    script: *script,
                    required_vars,
                })
            }
            Parsed::DotEnv(entries) => {
                let lower = walk::file_name(&rel).to_ascii_lowercase();
                let example = ["example", "sample", "template", "dist", "tmpl", "defaults"]
                    .iter()
                    .any(|w| lower.contains(w));
                self.dotenvs.push(DotEnvModel {
                    file: id,
                    entries,
                    example,
                })
            }
            Parsed::Procfile(entries) => self.procfiles.push(ProcfileModel { file: id, entries }),
            Parsed::Tiltfile(images) => {
                self.build_artifacts
                    .extend(images.into_iter().map(|(image, span)| BuildArtifact {
                        image,
                        tool: "Tilt",
                        origin: Origin::new(id, span),
                    }))
            }
            Parsed::Settings(settings) => self
                .config_files
                .push(ConfigFileModel { file: id, settings }),
            Parsed::LogConfig(appenders) => {
                self.log_files
                    .extend(appenders.into_iter().map(|(span, what)| LogFile {
                        origin: Origin::new(id, span),
                        what: format!("{what} writes logs to a file"),
                    }))
            }
            Parsed::Text => {
                if kind == FileKind::HelmTemplate {
                    self.helm_templates.push(id);
                }
            }
        }
    }

    /// Lower the compose files, with the files they `include:` (compose files whatever their
    /// name), each interpolated with the env file of its directory.
    pub(super) fn lower_compose(
        &mut self,
        compose_docs: Vec<(FileId, String, Vec<Yaml>)>,
        found: &[Found],
        opts: &WalkOptions,
        notices: &mut Vec<Notice>,
    ) {
        // `include:`d files are compose files whatever their name
        let mut queue: Vec<(FileId, String, Vec<Yaml>)> = compose_docs;
        let mut compose_docs = Vec::new();
        while let Some((id, dir, docs)) = queue.pop() {
            let vars = self.dotenv_vars(&dir);
            for d in &docs {
                for inc in compose::lower(d, &vars).includes {
                    let Some(target) = walk::join(&dir, &inc.text) else {
                        continue;
                    };
                    if let Some(pos) = self
                        .other_yaml
                        .iter()
                        .position(|(f, _)| *self.files[f.0 as usize].rel == *target)
                    {
                        let (fid, idocs) = self.other_yaml.remove(pos);
                        queue.push((fid, walk::parent_dir(&target).to_string(), idocs));
                    }
                }
            }
            compose_docs.push((id, dir, docs));
        }
        compose_docs.sort_by_key(|(id, _, _)| *id);
        for (id, dir, docs) in compose_docs {
            let vars = self.dotenv_vars(&dir);
            for d in &docs {
                let compose = match crate::fault::catch(|| compose::lower(d, &vars)) {
                    Ok(c) => c,
                    Err(m) => {
                        self.internal_errors.push((Origin::new(id, 0..0), m));
                        continue;
                    }
                };
                let rel = self.files[id.0 as usize].rel.clone();
                let env_files = compose
                    .services
                    .iter()
                    .map(|s| {
                        s.env_files
                            .iter()
                            .map(|ef| {
                                let idx = walk::join(&dir, &ef.text).and_then(|target| {
                                    self.env_file_index(found, &target, opts, notices)
                                });
                                (ef.clone(), idx)
                            })
                            .collect()
                    })
                    .collect();
                for svc in &compose.services {
                    if let Some((Some(other), base, _)) = &svc.extends {
                        notices.push(Notice {
                            path: rel.to_string(),
                            message: format!(
                                "service `{}` extends `{base}` from `{other}`: extends from another file is not followed yet",
                                svc.name
                            ),
                        });
                    }
                }
                self.compose.push(ComposeModel {
                    file: id,
                    dir: dir.clone(),
                    dev: is_dev_path(&rel),
                    dev_services: Vec::new(),
                    merged_onto: None,
                    compose,
                    env_files,
                });
            }
        }
        self.link_compose_overrides();
    }

    /// Link each override file to the file `docker compose` merges it onto: in its directory,
    /// the first of `compose.yaml`, `compose.yml`, `docker-compose.yaml`, `docker-compose.yml`.
    fn link_compose_overrides(&mut self) {
        const BASES: [&str; 4] = [
            "compose.yaml",
            "compose.yml",
            "docker-compose.yaml",
            "docker-compose.yml",
        ];
        for i in 0..self.compose.len() {
            let name = walk::file_name(self.rel(self.compose[i].file)).to_ascii_lowercase();
            let is_override = matches!(
                name.as_str(),
                "compose.override.yaml"
                    | "compose.override.yml"
                    | "docker-compose.override.yaml"
                    | "docker-compose.override.yml"
            );
            if !is_override {
                continue;
            }
            let dir = self.compose[i].dir.clone();
            self.compose[i].merged_onto = BASES.iter().find_map(|b| {
                self.compose.iter().position(|c| {
                    c.dir == dir && walk::file_name(self.rel(c.file)).eq_ignore_ascii_case(b)
                })
            });
        }
    }
}
