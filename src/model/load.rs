//! Loading a repository: walk it, read and parse every file in parallel, and hand each parsed
//! file to lowering; then link, and compute the facts rules read. Nothing else reads the disk.

use super::*;
use crate::cache::Depth;

pub(super) enum Parsed {
    Dockerfile(Dockerfile),
    Yaml(Vec<Yaml>),
    /// A YAML file of Kubernetes objects only, lowered as it was read (an internal fault in
    /// lowering: its message).
    Objects(Result<Vec<k8s::Object>, String>),
    /// Boxed, as is `Script`: every file read has a `Parsed` while the model is built, few
    /// of them these large ones
    Manifest(Box<Manifest>),
    Source(crate::parse::code::Lang, Box<CodeFacts>),
    /// Source whose facts were moved into the project's tables as it was read.
    Code(crate::parse::code::Lang, Box<super::code::FileFacts>),
    /// Source in a language this build was compiled without.
    Unsupported(&'static str),
    Script(Box<Script>),
    DotEnv(Vec<dotenv::Entry>),
    Procfile(Vec<(String, String, crate::source::Span)>),
    /// The images a Tiltfile builds.
    Tiltfile(Vec<(String, crate::source::Span)>),
    /// The string settings of an app configuration file (TOML, JSON, INI, properties).
    Settings(Vec<crate::parse::settings::Setting>),
    /// The file appenders of an XML logging configuration.
    LogConfig(Vec<(crate::source::Span, String)>),
    Text,
    Error(usize, String),
    /// The parser panicked (an internal fault, caught): the message.
    Internal(String),
    /// Looks like a template (Jinja, Go templates): not checked, said in a notice.
    Template,
}

pub(super) fn parse_one(kind: FileKind, rel: &str, text: &str) -> Parsed {
    match kind {
        FileKind::Dockerfile => match dockerfile::parse(text) {
            Ok(d) => Parsed::Dockerfile(d),
            Err(e) if looks_templated(text) => {
                let _ = e;
                Parsed::Template
            }
            Err(e) => Parsed::Error(e.offset, e.message),
        },
        FileKind::Compose | FileKind::Yaml | FileKind::HelmChart => match yaml::parse(text) {
            Ok(docs) => Parsed::Yaml(docs),
            Err(_) if looks_templated(text) => Parsed::Template,
            Err(e) => Parsed::Error(e.offset, e.message),
        },
        FileKind::Manifest => {
            let name = walk::file_name(rel);
            match manifest::kind_of(name) {
                Some(k) => match manifest::parse(k, text) {
                    Ok(m) => Parsed::Manifest(Box::new(m)),
                    Err(_) if looks_templated(text) => Parsed::Template,
                    Err(e) => Parsed::Error(e.offset, e.message),
                },
                None => Parsed::Text,
            }
        }
        FileKind::Source(lang) => {
            match crate::parse::code::parse_source(lang, walk::file_name(rel), text) {
                Ok(facts) => Parsed::Source(lang, Box::new(facts)),
                Err(feature) => Parsed::Unsupported(feature),
            }
        }
        FileKind::Shell => Parsed::Script(Box::new(shell::parse(text))),
        FileKind::DotEnv => Parsed::DotEnv(dotenv::parse(text)),
        FileKind::Procfile => Parsed::Procfile(dotenv::parse_procfile(text)),
        FileKind::Tiltfile => Parsed::Tiltfile(crate::parse::buildtools::tilt_artifacts(text)),
        FileKind::LogConfig => Parsed::LogConfig(crate::parse::logconfig::xml_file_appenders(text)),
        FileKind::Config => {
            let name = walk::file_name(rel).to_ascii_lowercase();
            match crate::parse::settings::format_of(&name) {
                // a JSON file this large is data (fixtures, translations, dumps), not settings
                Some(crate::parse::settings::Format::Json) if text.len() > MAX_JSON_CONFIG => {
                    Parsed::Text
                }
                Some(format) => {
                    // a Kubernetes manifest written in JSON (JSON is YAML)
                    if format == crate::parse::settings::Format::Json
                        && text.contains("\"apiVersion\"")
                        && text.contains("\"kind\"")
                        && let Ok(docs) = yaml::parse(text)
                        && docs.iter().any(k8s::is_object)
                    {
                        return Parsed::Yaml(docs);
                    }
                    match crate::parse::settings::parse(format, text) {
                        Ok(settings) => Parsed::Settings(settings),
                        Err(_) if looks_templated(text) => Parsed::Template,
                        Err(e) => Parsed::Error(e.offset, e.message),
                    }
                }
                None => Parsed::Text,
            }
        }
        _ => Parsed::Text,
    }
}

/// The directories whose code a run reporting on `focus` files reads: per file, the nearest
/// directory at or above it holding a dependency manifest (the project its code belongs to).
/// `None` (read everything) when a file may concern any project: a compose file, Kubernetes
/// or Helm YAML, a config file, or a file with no manifest above it.
fn focus_dirs(found: &[Found], focus: &[String]) -> Option<Vec<String>> {
    let kinds: HashMap<&str, FileKind> = found.iter().map(|f| (f.rel.as_ref(), f.kind)).collect();
    let manifest_dirs: foldhash::HashSet<&str> = found
        .iter()
        .filter(|f| f.kind == FileKind::Manifest)
        .map(|f| walk::parent_dir(&f.rel))
        .collect();
    let mut dirs = Vec::new();
    for rel in focus {
        let local = matches!(
            kinds.get(rel.as_str()),
            Some(
                FileKind::Dockerfile
                    | FileKind::Manifest
                    | FileKind::Lockfile
                    | FileKind::Source(_)
                    | FileKind::Shell
                    | FileKind::DockerIgnore
            )
        );
        if !local {
            return None;
        }
        let dir = walk::dirs_holding(walk::parent_dir(rel)).find(|d| manifest_dirs.contains(d))?;
        // a manifest at the root: the whole repository is one project
        if dir.is_empty() {
            return None;
        }
        dirs.push(dir.to_string());
    }
    Some(dirs)
}

/// One file, read, parsed and scanned for secrets by their shape.
enum Loaded {
    File {
        kind: FileKind,
        /// The text, or what is kept of source code once its facts are extracted: the span
        /// of its first line and its line count.
        text: Result<String, (crate::source::Span, usize)>,
        parsed: Parsed,
        shapes: Vec<secrets::ShapeHit>,
    },
    /// Generated or bundled code, left out.
    Generated,
    /// Not a file twelve reads after all: an extension-less file that is no shell script.
    Skip,
    /// Unreadable: the notice.
    Error(String),
}

/// Files read, parsed and reduced to their facts at a time (see `load_with`): enough that
/// the threads rarely wait for each other at a batch's end.
const LOAD_BATCH: usize = 4096;

fn load_one(
    f: &Found,
    opts: &WalkOptions,
    test_dirs: &[String],
    cache: Option<&crate::cache::Cache>,
    charts: &foldhash::HashSet<&str>,
    copies: &foldhash::HashSet<&str>,
) -> Loaded {
    // code in a test, example or docs tree is not parsed: no rule reads its facts (they judge
    // the code an app runs), and a third of a typical repository's code is tests. Its text is
    // still scanned for secrets by their shape, and its suppressions read
    let depth = if in_test_tree(&f.rel, test_dirs) {
        Depth::Shapes
    } else {
        Depth::Facts
    };
    // source code the cache knows by its metadata is not read at all (see `cache`), unless
    // its text is kept (it parsed in part, or holds suppressions)
    // a file kept whole: it may be one environment's copy of a file another environment has
    // too, and its text is compared with theirs (see `compute_environment_copies`)
    let env_copy = copies.contains(&*f.rel);
    let mut stat_key = None;
    if let (FileKind::Source(lang), Some(cache)) = (f.kind, cache)
        && lang.spec().parse.is_some()
        && let Ok(meta) = std::fs::metadata(f.abs())
        && meta.len() <= opts.max_file_size
    {
        stat_key = cache.stat_key(lang, depth, &f.rel, &meta);
        // a fault injected into the parse of a file fires whether its facts are cached or not
        let known = crate::fault::catch(|| {
            crate::fault::injection_point("parse", &f.rel);
            stat_key.and_then(|k| cache.by_stat(k))
        });
        match known {
            Ok(Some(e)) if e.generated && !opts.include_generated => return Loaded::Generated,
            Ok(Some(e)) if !e.facts.has_error && !e.suppressions && !env_copy => {
                return Loaded::File {
                    kind: f.kind,
                    text: Err(e.outline),
                    parsed: Parsed::Source(lang, Box::new(e.facts)),
                    shapes: e.shapes,
                };
            }
            // a fault fires again, and is reported, where the file is read below
            Ok(_) | Err(_) => {}
        }
    }
    let text = match walk::read(f, opts.max_file_size) {
        Ok(t) => t,
        Err(message) => return Loaded::Error(message),
    };
    if f.kind.lang().is_some() && !opts.include_generated && walk::generated_header(&text) {
        return Loaded::Generated;
    }
    let kind = if f.kind == FileKind::Other {
        if is_migration_marker(&f.rel) {
            FileKind::Other
        } else if text.starts_with("#!") && text.lines().next().unwrap_or("").contains("sh") {
            FileKind::Shell
        } else {
            return Loaded::Skip;
        }
    } else {
        f.kind
    };
    let parse = || {
        crate::fault::catch(|| {
            crate::fault::injection_point("parse", &f.rel);
            match kind {
                FileKind::Source(lang) if depth == Depth::Shapes => {
                    Parsed::Source(lang, Box::default())
                }
                _ => parse_one(kind, &f.rel, &text),
            }
        })
        .unwrap_or_else(Parsed::Internal)
    };
    let scan = |text: &str| match (kind, depth) {
        (FileKind::Source(_), Depth::Shapes) => crate::secrets::prescan_unparsed(text),
        _ => secrets::prescan(text),
    };
    // source code: its facts, shapes and outline, from the cache when the content was read
    // before
    if let (FileKind::Source(lang), Some(cache)) = (kind, cache)
        && lang.spec().parse.is_some()
    {
        let mut fault = None;
        // a fault injected into the parse of a file fires whether its facts are cached or not
        let entry = crate::fault::catch(|| {
            crate::fault::injection_point("parse", &f.rel);
            cache.entry(
                lang,
                depth,
                walk::file_name(&f.rel),
                &text,
                stat_key,
                || match parse() {
                    Parsed::Source(_, facts) => Some(crate::cache::SourceEntry {
                        facts: *facts,
                        shapes: scan(&text),
                        outline: SourceFile::outline(&text),
                        generated: walk::generated_header(&text),
                        suppressions: text.contains("twelve:"),
                    }),
                    other => {
                        fault = Some(other);
                        None
                    }
                },
            )
        })
        .unwrap_or_else(|message| {
            fault = Some(Parsed::Internal(message));
            None
        });
        if let Some(e) = entry {
            let keep = e.facts.has_error || e.suppressions || env_copy;
            return Loaded::File {
                kind,
                text: if keep { Ok(text) } else { Err(e.outline) },
                parsed: Parsed::Source(lang, Box::new(e.facts)),
                shapes: e.shapes,
            };
        }
        return Loaded::File {
            kind,
            text: Ok(text),
            parsed: fault.unwrap_or_else(|| Parsed::Internal("no facts".into())),
            shapes: Vec::new(),
        };
    }
    let parsed = match parse() {
        // Kubernetes manifests become their objects here, in parallel: their YAML trees (ten
        // times the size of the text) do not wait for the serial lowering
        Parsed::Yaml(docs) if kind == FileKind::Yaml && plain_objects(&f.rel, &docs, charts) => {
            Parsed::Objects(crate::fault::catch(|| {
                let mut objs = Vec::new();
                for d in &docs {
                    k8s::lower(d, &mut objs);
                }
                objs
            }))
        }
        other => other,
    };
    let shapes = scan(&text);
    // source code is its facts: its text is read again only if a finding lands in it. Code
    // that parsed in part, that holds suppression comments or that may be an environment's
    // copy keeps it (all are read again from the text). So are Kubernetes manifests but those
    // whose containers have commands (parsed from the text with the model's) or an object
    // annotated `twelve/ignore`, and dependency manifests but `package.json` (its scripts are
    // commands): in a monorepo these are most of the texts that are not code
    let unload = match &parsed {
        Parsed::Source(_, facts) => !facts.has_error,
        Parsed::Objects(Ok(objs)) => objs
            .iter()
            .all(|o| o.ignore().is_none() && !o.has_commands()),
        Parsed::Manifest(m) => m.kind != crate::parse::manifest::ManifestKind::PackageJson,
        _ => false,
    } && !text.contains("twelve:")
        && !env_copy;
    let text = if unload {
        Err(SourceFile::outline(&text))
    } else {
        Ok(text)
    };
    Loaded::File {
        kind,
        text,
        parsed,
        shapes,
    }
}

/// Whether a YAML file holds Kubernetes objects and nothing lowering treats otherwise: no
/// values file of a chart, compose project, Skaffold config or kustomization (see
/// `Project::lower_parsed`).
fn plain_objects(rel: &str, docs: &[Yaml], charts: &foldhash::HashSet<&str>) -> bool {
    let name = walk::file_name(rel);
    let values = charts.contains(walk::parent_dir(rel)) && name.starts_with("values");
    !values
        && docs.iter().any(k8s::is_object)
        && !docs.iter().any(|d| {
            compose::is_project(d)
                || crate::parse::buildtools::is_skaffold(d)
                || crate::parse::kustomize::is_kustomization(name, d)
        })
}

/// The largest JSON file read as settings.
const MAX_JSON_CONFIG: usize = 256 * 1024;

/// Whether a file holds template syntax (Jinja, Go templates, Helm): `{{ expr }}`, `{%`; or
/// ERB (Rails fixtures and configs): `<%= expr %>`, `<% code %>`.
pub(super) fn looks_templated(text: &str) -> bool {
    text.contains("{%")
        || text.contains("<%=")
        || text.contains("<% ")
        || text.split("{{").skip(1).any(|after| {
            after.trim_start_matches([' ', '-']).starts_with(|c: char| {
                c.is_alphanumeric() || matches!(c, '.' | '$' | '/' | '_' | '"')
            })
        })
}

impl Project {
    /// Walk `root`, read and parse every file in parallel, and lower it all into the model.
    pub fn load(root: &Path, opts: &WalkOptions) -> Project {
        Project::load_with(root, opts, &Options::default())
    }

    /// `load`, with what the user's configuration says about the repository.
    pub fn load_with(root: &Path, opts: &WalkOptions, options: &Options) -> Project {
        let (mut found, mut notices) = walk::discover(root, opts);
        // project templates (cookiecutter, copier): paths holding `{{` are not a project yet
        let mut template_roots: std::collections::BTreeSet<String> = Default::default();
        found.retain(|f| {
            if !f.rel.contains("{{") {
                return true;
            }
            // the path down to the first segment that holds `{{`
            let segs: Vec<&str> = f.rel.split('/').collect();
            let upto = segs.iter().position(|s| s.contains("{{")).unwrap_or(0);
            template_roots.insert(segs[..=upto].join("/"));
            false
        });
        for r in template_roots {
            notices.push(Notice {
                path: r,
                message: "not checked: a project template (its path holds `{{`), not a project"
                    .into(),
            });
        }
        let paths = crate::source::PathList::new(found.iter().map(|f| (&f.rel, f.kind)));
        let mut dependency_trees: std::collections::BTreeSet<String> = Default::default();
        // the directories of generated and bundled code left out, for the notice
        let mut generated: std::collections::BTreeSet<String> = Default::default();
        let dockerfile_dirs: foldhash::HashSet<&str> = found
            .iter()
            .filter(|d| d.kind == FileKind::Dockerfile)
            .map(|d| walk::parent_dir(&d.rel))
            .collect();
        let focus_dirs = options.focus.as_deref().and_then(|f| focus_dirs(&found, f));
        let to_read: Vec<&Found> = found
            .iter()
            .filter(|f| {
                // code outside the projects of the files the run reports on
                if let Some(dirs) = &focus_dirs
                    && f.kind.lang().is_some()
                    && !dirs.iter().any(|d| walk::is_within(&f.rel, d))
                {
                    return false;
                }
                // installed or vendored dependencies are not the app's code
                if f.kind.lang().is_some()
                    && let Some(tree) = walk::dependency_tree(&f.rel)
                {
                    if !dependency_trees.contains(tree) {
                        dependency_trees.insert(tree.to_string());
                    }
                    return false;
                }
                if f.kind.lang().is_some()
                    && !opts.include_generated
                    && walk::generated_path(&f.rel)
                {
                    generated.insert(walk::parent_dir(&f.rel).to_string());
                    return false;
                }
                // an extension-less file beside a Dockerfile, or in a directory of scripts,
                // may be the image's entrypoint (`COPY scripts/launch /usr/local/bin/`); its
                // shebang decides below
                let beside_dockerfile = f.kind == FileKind::Other
                    && !walk::file_name(&f.rel).contains('.')
                    && (dockerfile_dirs.contains(walk::parent_dir(&f.rel))
                        || matches!(
                            walk::file_name(walk::parent_dir(&f.rel)),
                            "bin" | "scripts" | "script" | "docker" | "deploy" | "entrypoints"
                        ));
                f.kind.is_read() || beside_dockerfile || is_migration_marker(&f.rel)
            })
            .collect();
        let cache = options
            .cache_dir
            .as_deref()
            .map(|d| crate::cache::Cache::open(d, root));
        let copies = super::units::environment_copy_candidates(found.iter().map(|f| &*f.rel));
        let chart_dirs: foldhash::HashSet<&str> = found
            .iter()
            .filter(|f| f.kind == FileKind::HelmChart)
            .map(|f| walk::parent_dir(&f.rel))
            .collect();
        // read, parse and scan every file in parallel; of source code only the facts are kept,
        // moved into the project's tables a batch at a time: the lists each file's parse wrote
        // are freed as the next batch is parsed, which reuses their memory
        let mut code_tables = super::code::CodeTables::default();
        let mut loaded: Vec<(&Found, Loaded)> = Vec::with_capacity(to_read.len());
        for batch in to_read.chunks(LOAD_BATCH) {
            let mut part: Vec<(&Found, Loaded)> = batch
                .par_iter()
                .map(|f| {
                    let loaded = load_one(
                        f,
                        opts,
                        &options.test_dirs,
                        cache.as_ref(),
                        &chart_dirs,
                        &copies,
                    );
                    (*f, loaded)
                })
                .collect();
            for (_, l) in &mut part {
                if let Loaded::File { parsed, .. } = l
                    && let Parsed::Source(lang, facts) = parsed
                {
                    let lang = *lang;
                    let facts = std::mem::take(&mut **facts);
                    *parsed = Parsed::Code(lang, Box::new(code_tables.add(facts)));
                }
            }
            loaded.append(&mut part);
        }
        code_tables.shrink_to_fit();
        if let Some(cache) = cache {
            cache.save();
        }
        for tree in dependency_trees {
            notices.push(Notice {
                path: tree,
                message: "not checked: installed dependencies, not the app's code".into(),
            });
        }
        // sized once: these hold an entry per file, and doubling them is the heap's peak
        let mut files = Vec::with_capacity(loaded.len());
        let mut inputs = Vec::with_capacity(loaded.len());
        let mut parsed = Vec::with_capacity(loaded.len());
        let mut prescans = Vec::with_capacity(loaded.len());
        for (f, l) in loaded {
            match l {
                Loaded::Skip => {}
                Loaded::Generated => {
                    generated.insert(walk::parent_dir(&f.rel).to_string());
                }
                Loaded::Error(message) => notices.push(Notice {
                    path: f.rel.to_string(),
                    message,
                }),
                Loaded::File {
                    kind,
                    text,
                    parsed: what,
                    shapes,
                } => {
                    let id = FileId(files.len() as u32);
                    files.push(match text {
                        Ok(text) => SourceFile::new(id, f.rel.clone(), f.at.clone(), text),
                        Err((first, lines)) => {
                            SourceFile::unloaded(id, f.rel.clone(), f.at.clone(), first, lines)
                        }
                    });
                    inputs.push((id, kind));
                    parsed.push(what);
                    prescans.push(thin_vec::ThinVec::from(shapes));
                }
            }
        }
        // one message for every such directory, so that the report can gather them in one line
        for dir in generated {
            notices.push(Notice {
                path: if dir.is_empty() { ".".into() } else { dir },
                message:
                    "not checked: generated or bundled source (`--include-generated` checks it)"
                        .into(),
            });
        }
        let mut p = Project {
            prescans,
            root: root.to_path_buf(),
            in_git: walk::in_git_work_tree(root),
            git_head: crate::git::git_head(root),
            extra_test_dirs: options.test_dirs.clone(),
            component_overrides: options.components.clone(),
            paths,
            ..Project::default()
        };
        p.index_paths();
        p.charts = found
            .iter()
            .filter(|f| f.kind == FileKind::HelmChart)
            .map(|f| walk::parent_dir(&f.rel).to_string())
            .collect();
        let mut compose_docs = Vec::new();
        // lists of the whole project, sized once
        let count = |is: fn(&Parsed) -> bool| parsed.iter().filter(|x| is(x)).count();
        p.sources.reserve_exact(count(|x| {
            matches!(x, Parsed::Source(..) | Parsed::Code(..))
        }));
        p.dockerfiles
            .reserve_exact(count(|x| matches!(x, Parsed::Dockerfile(..))));
        p.manifests
            .reserve_exact(count(|x| matches!(x, Parsed::Manifest(..))));
        p.code_tables = code_tables;
        p.k8s.reserve_exact(
            parsed
                .iter()
                .map(|x| match x {
                    Parsed::Objects(Ok(objs)) => objs.len(),
                    _ => 0,
                })
                .sum(),
        );
        for ((id, kind), parsed) in inputs.iter().zip(parsed) {
            let f = &files[id.0 as usize];
            p.lower_parsed(
                *id,
                *kind,
                &f.rel,
                f.text_or_empty(),
                parsed,
                &mut compose_docs,
                &mut notices,
            );
        }
        p.files = files;
        p.index_files();
        p.render_charts(&found, opts, &mut notices);
        p.lower_compose(compose_docs, &found, opts, &mut notices);
        p.read_secret_files(&found, opts, &mut notices);
        // the walk's list is done with (`paths` keeps each path and kind): not held at the
        // peak, which is the rest of the model's building
        drop(found);
        crate::model::give_back_freed_memory(p.files.len());
        p.index_test_files();
        p.compute_log_files();
        p.compute_config_loopbacks();
        p.compute_config_hosts();
        // the texts of other files are compared here, and not read again below
        p.compute_environment_copies();
        p.unload_texts_not_read_again();
        crate::model::give_back_freed_memory(p.files.len());
        notices.sort();
        p.notices = notices;
        p.mark_bundled_code();
        p.mark_dev_services();
        p.compute_units();
        p.link();
        p.compute_commands();
        p.compute_processes();
        p.index_processes();
        p.secrets = secrets::collect(&p);
        p.credential_args = secrets::credential_args(&p);
        p.ownership = ownership::Ownership::new(&p);
        p.unload_texts();
        p
    }

    /// Drop the texts of the files read, once the model holds what the rules read of them:
    /// a repository's texts would otherwise live until its report is written. The files
    /// findings land in are read again (`reload_texts`); those holding suppressions (comments,
    /// `twelve/ignore` annotations) keep theirs, which suppressions are read from after the
    /// rules ran.
    fn unload_texts(&mut self) {
        self.unload_texts_except(&foldhash::HashSet::default());
    }

    /// Drop, before the model's links, commands and secrets are computed (the peak of its
    /// building), the texts no later step reads: what remains to read is the text of files
    /// commands are parsed from, of files the secrets scan reads assignments or defaults from,
    /// and of files without a model of their values. Kubernetes manifests (but those with
    /// commands), dependency manifests, config files' copies and test code go: in a monorepo
    /// they are most of the texts read.
    fn unload_texts_not_read_again(&mut self) {
        let mut keep: foldhash::HashSet<FileId> = foldhash::HashSet::default();
        keep.extend(self.dockerfiles.iter().map(|d| d.file));
        keep.extend(self.compose.iter().map(|c| c.file));
        keep.extend(self.dotenvs.iter().map(|d| d.file));
        keep.extend(self.procfiles.iter().map(|d| d.file));
        keep.extend(self.scripts.iter().map(|d| d.file));
        // systemd units and supervisor programs are commands
        keep.extend(self.config_files.iter().map(|c| c.file));
        // `npm run` scripts are commands
        keep.extend(
            self.manifests
                .iter()
                .filter(|m| m.manifest.kind == crate::parse::manifest::ManifestKind::PackageJson)
                .map(|m| m.file),
        );
        keep.extend(
            self.k8s
                .iter()
                .filter(|k| k.object.has_commands())
                .map(|k| k.file),
        );
        keep.extend(self.secret_files.iter().map(|s| s.file));
        // files without a (full) model of their values: the secrets scan reads them whole
        keep.extend(
            self.parse_errors
                .iter()
                .chain(&self.internal_errors)
                .map(|(o, _)| o.file),
        );
        keep.extend(self.helm_templates.iter().copied());
        keep.extend(
            self.sources
                .iter()
                .filter(|s| s.facts.has_error)
                .map(|s| s.file),
        );
        // files read after the walk's (no shapes were scanned while reading them)
        keep.extend(self.files.iter().skip(self.prescans.len()).map(|f| f.id));
        self.unload_texts_except(&keep);
    }

    fn unload_texts_except(&mut self, keep: &foldhash::HashSet<FileId>) {
        let annotated: foldhash::HashSet<FileId> = self
            .k8s
            .iter()
            .filter(|k| k.object.ignore().is_some())
            .map(|k| k.file)
            .collect();
        for f in &mut self.files {
            if !keep.contains(&f.id)
                && !annotated.contains(&f.id)
                && memchr::memmem::find(f.text_or_empty().as_bytes(), b"twelve:").is_none()
            {
                f.unload();
            }
        }
    }

    /// Drop what only the rules read, once they have run: code facts, pod specs, Dockerfile
    /// instructions, commands, YAML trees and the lookups over them. A report needs the files,
    /// their owners (`owner_of`), suppressions and secrets, and the texts of the files findings
    /// land in, which are read again next: without this the model the rules judged and those
    /// texts would be held together, the run's peak. `twelve model` keeps everything.
    pub fn release_rule_facts(&mut self) {
        for s in &mut self.sources {
            s.facts.release();
        }
        self.code_tables = Default::default();
        for k in &mut self.k8s {
            // kept: file, span and the `twelve/ignore` annotation (ownership, suppressions)
            let o = &mut k.object;
            o.pod = None;
            o.annotations = Default::default();
            o.selector = Default::default();
            o.service_ports = Default::default();
            o.data = Default::default();
        }
        for d in &mut self.dockerfiles {
            d.df.instructions = Vec::new();
            d.stages = Vec::new();
            d.global_args = HashMap::default();
        }
        for m in &mut self.manifests {
            m.manifest.deps = Vec::new();
        }
        self.scripts = Vec::new();
        self.runs = Vec::new();
        self.starts = Vec::new();
        self.unit_starts = Vec::new();
        self.helm_values = Vec::new();
        self.helm_renders = Vec::new();
        self.other_yaml = Vec::new();
        self.processes = Vec::new();
        // kept: paths (`has_path`), build contexts (`app_of_path`) and objects by file
        let index = std::mem::take(&mut self.index);
        self.index = super::index::Index {
            path: index.path,
            app_by_context: index.app_by_context,
            k8s_in_file: index.k8s_in_file,
            ..Default::default()
        };
    }

    /// Read again the text of unloaded files (source code whose facts were extracted): the
    /// files findings land in, before they are suppressed, masked and reported. A file that
    /// cannot be read now keeps no text; its spans then show nothing.
    pub fn reload_texts(&mut self, ids: impl IntoIterator<Item = FileId>, max_file_size: u64) {
        let mut ids: Vec<FileId> = ids
            .into_iter()
            .filter(|id| {
                self.files
                    .get(id.0 as usize)
                    .is_some_and(|f| f.is_unloaded())
            })
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let texts: Vec<(FileId, Option<String>)> = ids
            .par_iter()
            .map(|id| {
                let f = &self.files[id.0 as usize];
                let found = Found {
                    rel: f.rel.clone(),
                    at: f.at.clone(),
                    kind: FileKind::Other,
                };
                (*id, walk::read(&found, max_file_size).ok())
            })
            .collect();
        for (id, text) in texts {
            if let Some(text) = text {
                self.files[id.0 as usize].reload(text);
            }
        }
    }

    /// Index the files read by path, and read what the rules ask of some of them by kind:
    /// `.dockerignore` matchers and the Helm templates that declare hooks.
    pub(super) fn index_files(&mut self) {
        self.file_of_path = vec![u32::MAX; self.paths.len()];
        self.files_off_walk = HashMap::default();
        let files: Vec<(crate::source::Rel, FileId)> =
            self.files.iter().map(|f| (f.rel.clone(), f.id)).collect();
        for (rel, id) in &files {
            self.index_file(rel, *id);
        }
        self.dockerignores = self
            .files
            .iter()
            .filter(|f| walk::file_name(&f.rel) == ".dockerignore")
            .map(|f| {
                (
                    walk::parent_dir(&f.rel).to_string(),
                    DockerIgnore::new(f.text()),
                )
            })
            .collect();
        self.helm_hooks = self
            .helm_templates
            .iter()
            .copied()
            .filter(|id| self.file(*id).text().contains("helm.sh/hook"))
            .collect();
    }

    /// Read the committed files that compose `secrets:` and kustomize `secretGenerator:` make
    /// secrets of (the env files a generator names are env files).
    pub(super) fn read_secret_files(
        &mut self,
        found: &[Found],
        opts: &WalkOptions,
        notices: &mut Vec<Notice>,
    ) {
        let mut wanted: Vec<(String, String, Origin, SecretSource)> = Vec::new();
        for (ci, c) in self.compose.iter().enumerate() {
            for (name, path) in &c.compose.secret_files {
                if let Some(rel) = walk::join(&c.dir, &path.text) {
                    wanted.push((
                        rel,
                        name.clone(),
                        Origin::new(c.file, path.span),
                        SecretSource::Compose(ci),
                    ));
                }
            }
        }
        let mut env_files = Vec::new();
        for (ki, k) in self.kustomizations.iter().enumerate() {
            for g in &k.k.secret_generators {
                for (path, span) in &g.files {
                    if let Some(rel) = walk::join(&k.dir, path) {
                        wanted.push((
                            rel,
                            g.name.clone(),
                            Origin::new(k.file, span.clone()),
                            SecretSource::Kustomize(ki),
                        ));
                    }
                }
                env_files.extend(g.envs.iter().filter_map(|(p, _)| walk::join(&k.dir, p)));
            }
        }
        for rel in env_files {
            self.env_file_index(found, &rel, opts, notices);
        }
        for (rel, name, reference, by) in wanted {
            let file = match self.file_at(&rel) {
                Some(id) => id,
                None => {
                    // not in the tree (ignored, or made at deploy time): nothing committed
                    let Some(f) = self.found_at(found, &rel) else {
                        continue;
                    };
                    match walk::read(f, opts.max_file_size) {
                        Ok(text) => {
                            let id = FileId(self.files.len() as u32);
                            self.files
                                .push(SourceFile::new(id, f.rel.clone(), f.at.clone(), text));
                            self.index_file(&f.rel, id);
                            id
                        }
                        Err(message) => {
                            notices.push(Notice {
                                path: f.rel.to_string(),
                                message,
                            });
                            continue;
                        }
                    }
                }
            };
            self.secret_files.push(SecretFile {
                file,
                name,
                reference,
                by,
            });
        }
        // a secret file is judged whole, from its text: one that was read as code, a manifest
        // or Kubernetes objects had it dropped once parsed
        let ids: Vec<FileId> = self.secret_files.iter().map(|s| s.file).collect();
        self.reload_texts(ids, opts.max_file_size);
    }

    /// The env file at `rel` as an index into `dotenvs`, reading and parsing it now when the
    /// walk found it under a name it did not classify as an env file.
    /// The walk's entry for `rel`, by the path index (`paths` lists the walk's files in its
    /// order): every compose `env_file:` and generator would otherwise scan the whole walk.
    fn found_at<'a>(&self, found: &'a [Found], rel: &str) -> Option<&'a Found> {
        let pi = self.path_index(rel)?;
        found
            .get(pi)
            .filter(|f| *f.rel == *rel)
            .or_else(|| found.iter().find(|f| *f.rel == *rel))
    }

    pub(super) fn env_file_index(
        &mut self,
        found: &[Found],
        rel: &str,
        opts: &WalkOptions,
        notices: &mut Vec<Notice>,
    ) -> Option<usize> {
        if let Some(id) = self.file_at(rel)
            && let Some(i) = self.dotenvs.iter().position(|d| d.file == id)
        {
            return Some(i);
        }
        let f = self.found_at(found, rel)?;
        match walk::read(f, opts.max_file_size) {
            Ok(text) => {
                let id = FileId(self.files.len() as u32);
                let entries = dotenv::parse(&text);
                self.files
                    .push(SourceFile::new(id, f.rel.clone(), f.at.clone(), text));
                self.index_file(&f.rel, id);
                self.dotenvs.push(DotEnvModel {
                    file: id,
                    entries,
                    example: false,
                });
                Some(self.dotenvs.len() - 1)
            }
            Err(message) => {
                notices.push(Notice {
                    path: f.rel.to_string(),
                    message,
                });
                None
            }
        }
    }
}

pub(super) fn one_line(s: &str) -> String {
    let first = s.lines().next().unwrap_or("").trim();
    first.trim_end_matches('.').to_string()
}
