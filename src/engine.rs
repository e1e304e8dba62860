//! One run: load the project, run the selected rules, apply severity overrides, sort.

use crate::diagnostic::Diagnostic;
use crate::model::Project;
use crate::outcome::{Check, Outcome};
use crate::rules;
use crate::settings::Settings;
use crate::walk::WalkOptions;
use rayon::prelude::*;
use std::path::Path;

/// Stack size of the worker threads: parsers of third-party formats recurse, and a hostile file
/// must give a finding, not a stack overflow.
const WORKER_STACK: usize = 64 * 1024 * 1024;

/// Longest message, label or help a finding carries: a rule quoting a 1 MB value from a file
/// says so in its first few kilobytes.
pub const MAX_MESSAGE: usize = 4096;

fn bound_text(d: &mut Diagnostic) {
    if d.message.len() > MAX_MESSAGE {
        d.message = crate::text::truncate(&d.message, MAX_MESSAGE).into_owned();
    }
    let cut = |s: &mut crate::diagnostic::Text| {
        if s.len() > MAX_MESSAGE {
            *s = crate::text::truncate(s, MAX_MESSAGE).into_owned().into();
        }
    };
    if let Some(h) = &mut d.help {
        cut(h);
    }
    for l in d.primary.iter_mut().chain(d.secondary.iter_mut()) {
        cut(&mut l.message);
    }
}

pub fn run(root: &Path, settings: &Settings) -> Outcome {
    run_focused(root, settings, None)
}

/// `run`, keeping the whole model in the outcome (for `twelve model`): a check's outcome keeps
/// only what its report reads (see `Project::release_rule_facts`).
pub fn run_keeping_model(root: &Path, settings: &Settings) -> Outcome {
    in_pool(settings, || run_in_pool(root, settings, None, Keep::Model))
}

/// What of the model an outcome keeps once the rules have run.
#[derive(Clone, Copy, PartialEq)]
enum Keep {
    Report,
    Model,
}

/// `run`, reading only the code of the projects that hold the `focus` files (paths relative
/// to `root`): their findings are the same, the rest of the repository is not judged.
pub fn run_focused(root: &Path, settings: &Settings, focus: Option<&[String]>) -> Outcome {
    in_pool(settings, || {
        run_in_pool(root, settings, focus, Keep::Report)
    })
}

/// `run_focused` of each root, all in one pool of threads and side by side (files given by
/// name from many small projects, as a hook passes them), in the order given.
pub fn run_all(roots: &[(&Path, Option<Vec<String>>)], settings: &Settings) -> Vec<Outcome> {
    in_pool(settings, || {
        roots
            .par_iter()
            .map(|(root, focus)| run_in_pool(root, settings, focus.as_deref(), Keep::Report))
            .collect()
    })
}

fn in_pool<T: Send>(settings: &Settings, f: impl FnOnce() -> T + Send) -> T {
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK);
    if let Some(j) = settings.jobs {
        builder = builder.num_threads(j.max(1));
    }
    match builder.build() {
        Ok(pool) => pool.install(f),
        Err(_) => f(),
    }
}

fn run_in_pool(root: &Path, settings: &Settings, focus: Option<&[String]>, keep: Keep) -> Outcome {
    let opts = WalkOptions {
        no_ignore: settings.no_ignore,
        excludes: settings.exclude.clone(),
        include_generated: settings.include_generated,
        ..WalkOptions::default()
    };
    let mut project = Project::load_with(
        root,
        &opts,
        &crate::model::Options {
            test_dirs: settings.test_paths.clone(),
            components: settings.components.clone(),
            cache_dir: settings.cache_dir.clone(),
            focus: focus.map(<[String]>::to_vec),
        },
    );
    let enabled = settings.enabled();
    // a rule that panics is reported and left out; every other rule still runs
    let results: Vec<Result<(bool, Vec<Diagnostic>), String>> = enabled
        .par_iter()
        .map(|r| {
            crate::fault::catch(|| {
                crate::fault::injection_point("rule", r.meta().code);
                let applies = r.applies(&project);
                let mut out = Vec::new();
                if applies {
                    r.check(&project, &mut out);
                }
                (applies, out)
            })
        })
        .collect();
    let mut failed_rules: Vec<(&'static rules::Meta, String)> = Vec::new();
    let mut checks = Vec::new();
    // sized once: a monorepo's findings are thousands, and doubling the list is the peak
    let mut diagnostics = Vec::with_capacity(
        results
            .iter()
            .map(|r| r.as_ref().map_or(0, |(_, out)| out.len()))
            .sum(),
    );
    // a directory with nothing twelve reads has no score, not a perfect one
    let scored = project.has_anything_to_check();
    for (r, result) in enabled.iter().zip(results) {
        let (applies, out) = match result {
            Ok(x) => x,
            Err(msg) => {
                failed_rules.push((r.meta(), msg));
                continue;
            }
        };
        if applies && scored {
            checks.push(Check {
                inputs: r.app_inputs(),
                meta: r.meta(),
                severity: settings
                    .severity_override(r.meta().code, r.meta().name)
                    .unwrap_or(r.meta().severity),
            });
        }
        diagnostics.extend(out);
    }
    // a finding on a workload that is written again elsewhere (a rendered bundle, a split
    // file) names the copies, which are not judged twice
    for d in &mut diagnostics {
        if let Some(at) = d.primary.as_ref().map(|l| l.origin.clone()) {
            for (c, what) in project.copy_locations(&at) {
                d.secondary.push(crate::diagnostic::Label {
                    origin: c,
                    message: what.into(),
                });
            }
        }
    }
    // a finding on a value a Helm template printed from `.Values` lands on the values line
    // that set it, where the user changes it (of several, the last: an image's tag); the
    // template line and the other values lines stay as other ends. Where an environment's
    // values file sets it too, the finding may be any environment's: it stays on the
    // template, with every values line that sets it beside.
    let mut moved = vec![false; diagnostics.len()];
    for (d, moved) in diagnostics.iter_mut().zip(&mut moved) {
        let Some(primary) = d.primary.as_mut() else {
            continue;
        };
        let sites = project.values_sites(&primary.origin);
        if sites.is_empty() {
            continue;
        }
        let label =
            |origin: &crate::source::Origin, message: &'static str| crate::diagnostic::Label {
                origin: origin.clone(),
                message: message.into(),
            };
        let mut related = Vec::new();
        if sites.iter().any(|(_, by_env)| *by_env) {
            for (o, by_env) in sites {
                let what = if by_env {
                    "set here for this environment"
                } else {
                    "set here by default"
                };
                related.push(label(o, what));
            }
        } else {
            let (last, _) = sites[sites.len() - 1];
            *moved = true;
            let template = std::mem::replace(&mut primary.origin, last.clone());
            related.push(label(&template, "printed by this template"));
            for (o, _) in &sites[..sites.len() - 1] {
                related.push(label(o, "also printed there"));
            }
        }
        d.secondary.splice(0..0, related);
    }
    // a chart that rendered only in part is also read from its values: a rule that found the
    // same thing at the same values line both ways reports it once; and a secret the values
    // file holds is one finding there, whichever rule also met it in a rendered object
    let key = |d: &Diagnostic| {
        d.primary.as_ref().map(|l| {
            // secrets are keyed by place alone
            let code = if d.secrets.is_empty() { d.code } else { "" };
            (
                code,
                l.origin.file,
                l.origin.span.start(),
                l.origin.span.end(),
            )
        })
    };
    let stayed: foldhash::HashSet<_> = diagnostics
        .iter()
        .zip(&moved)
        .filter(|(_, m)| !**m)
        .filter_map(|(d, _)| key(d))
        .collect();
    let mut moved = moved.into_iter();
    diagnostics
        .retain(|d| !moved.next().unwrap_or(false) || !key(d).is_some_and(|k| stayed.contains(&k)));
    if keep == Keep::Report {
        project.release_rule_facts();
        crate::model::give_back_freed_memory(project.files.len());
    }
    // the texts of files were dropped once the model was built: read again the files findings
    // land in (their other ends too, and the copies and values lines named above) and those
    // holding secrets (messages are masked with their values)
    let referenced: Vec<crate::source::FileId> = diagnostics
        .iter()
        .flat_map(|d| {
            d.primary
                .iter()
                .chain(&d.secondary)
                .map(|l| l.origin.file)
                .chain(d.secrets.iter().map(|o| o.file))
        })
        .chain(project.secrets.iter().map(|s| s.origin.file))
        // and the files whose reading hit an internal fault: their findings come last
        .chain(project.internal_errors.iter().map(|(o, _)| o.file))
        .collect();
    project.reload_texts(referenced, opts.max_file_size);
    let project = project;
    let ran: Vec<&'static rules::Meta> = enabled.iter().map(|r| r.meta()).collect();
    let unused = ran.iter().copied().find(|m| m.code == "TF0002");
    let (mut diagnostics, mut suppressed) =
        crate::suppress::apply(&project, diagnostics, &settings.per_path, &ran, unused);
    crate::model::secrets::mask_messages(
        &project,
        diagnostics
            .iter_mut()
            .chain(suppressed.iter_mut().map(|s| &mut s.diagnostic)),
    );
    for d in diagnostics
        .iter_mut()
        .chain(suppressed.iter_mut().map(|s| &mut s.diagnostic))
    {
        bound_text(d);
    }
    for d in diagnostics
        .iter_mut()
        .chain(suppressed.iter_mut().map(|s| &mut s.diagnostic))
    {
        if let Some(s) = settings.severity_override(d.code, d.name) {
            d.severity = s;
        }
    }
    let key = |d: &Diagnostic| {
        (
            d.file().map(|f| project.rel(f).to_string()),
            d.span().map(|s| (s.start, s.end)),
            d.code,
            d.message.clone(),
        )
    };
    diagnostics.sort_by_key(key);
    suppressed.sort_by_key(|s| key(&s.diagnostic));
    diagnostics
        .dedup_by(|a, b| a.code == b.code && a.primary == b.primary && a.message == b.message);
    // internal faults come last, past suppression: nothing may hide them
    let faults = rules::tool::internal_errors(&project, &failed_rules);
    let internal = faults.len();
    diagnostics.extend(faults);
    Outcome {
        display_root: root.to_path_buf(),
        project,
        diagnostics,
        checks,
        suppressed,
        baselined: 0,
        internal,
    }
}
