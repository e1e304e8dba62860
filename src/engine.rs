//! One run: load the project, run the selected rules, apply severity overrides, sort.

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Project;
use crate::rules::{self, Rule};
use crate::score::Check;
use crate::walk::WalkOptions;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub severity: Vec<(String, Severity)>,
    pub preview: bool,
    pub no_ignore: bool,
    pub exclude: Vec<String>,
    pub test_paths: Vec<String>,
    /// Worker threads; `None` for one per core.
    pub jobs: Option<usize>,
    /// Config `[per-path-ignores]`.
    pub per_path: Vec<crate::suppress::PathIgnore>,
    /// Config `[components]`: a kind per component key.
    pub components: Vec<(String, crate::model::components::Kind)>,
}

/// Stack size of the worker threads: parsers of third-party formats recurse, and a hostile file
/// must give a finding, not a stack overflow.
const WORKER_STACK: usize = 64 * 1024 * 1024;

impl Settings {
    /// Config file values, overridden by command-line values where given.
    pub fn merge(cfg: &Config, cli: Settings) -> Settings {
        let mut severity: Vec<(String, Severity)> = cfg
            .severity
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), Severity::parse(v)?)))
            .collect();
        severity.extend(cli.severity);
        let mut ignore = cfg.ignore.clone();
        ignore.extend(cli.ignore);
        let mut exclude = cfg.exclude.clone();
        exclude.extend(cli.exclude);
        let mut test_paths = cfg.test_paths.clone();
        test_paths.extend(cli.test_paths);
        Settings {
            select: cli.select.or_else(|| cfg.select.clone()),
            ignore,
            severity,
            preview: cli.preview || cfg.preview.unwrap_or(false),
            no_ignore: cli.no_ignore,
            exclude,
            test_paths,
            jobs: cli.jobs,
            per_path: cfg
                .per_path_ignores
                .iter()
                .map(|(glob, selectors)| crate::suppress::PathIgnore {
                    glob: glob.clone(),
                    selectors: selectors.clone(),
                })
                .chain(cli.per_path)
                .collect(),
            components: cfg
                .components
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), crate::model::components::Kind::parse(v)?)))
                .collect(),
        }
    }

    /// The severity configured for a rule (by code or name), the last one given winning.
    pub fn severity_override(&self, code: &str, name: &str) -> Option<Severity> {
        self.severity
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(code) || k == name)
            .map(|(_, s)| *s)
    }

    /// The rules this run executes.
    pub fn enabled(&self) -> Vec<&'static dyn Rule> {
        rules::registry()
            .into_iter()
            .filter(|r| {
                let m = r.meta();
                let selected = match &self.select {
                    Some(sel) => sel.iter().any(|s| rules::selector_matches(s, m)),
                    None => true,
                };
                selected
                    && (self.preview || !m.preview)
                    && !self.ignore.iter().any(|s| rules::selector_matches(s, m))
            })
            .collect()
    }
}

/// The result of checking one path.
pub struct Outcome {
    /// The path as the user gave it (prefix for displayed paths).
    pub display_root: PathBuf,
    pub project: Project,
    pub diagnostics: Vec<Diagnostic>,
    /// The enabled rules whose inputs exist in the project: the scored checks.
    pub checks: Vec<Check>,
    /// Findings that a suppression (inline, file, annotation, config) took out of the report.
    pub suppressed: Vec<crate::suppress::Suppressed>,
    /// Findings left out because a `--baseline` records them.
    pub baselined: usize,
    /// Internal faults (TF0004 findings) of this run: when any, the run exits 2.
    pub internal: usize,
}

impl Outcome {
    /// A file's path for display: relative to where the user ran twelve.
    pub fn display_path(&self, rel: &str) -> String {
        let root = self.display_root.to_string_lossy();
        if root == "." || root.is_empty() {
            rel.to_string()
        } else if self.display_root.is_file() {
            root.into_owned()
        } else {
            format!("{}/{}", root.trim_end_matches('/'), rel)
        }
    }
}

/// Longest message, label or help a finding carries: a rule quoting a 1 MB value from a file
/// says so in its first few kilobytes.
pub const MAX_MESSAGE: usize = 4096;

fn bound_text(d: &mut Diagnostic) {
    let cut = |s: &mut String| {
        if s.len() > MAX_MESSAGE {
            *s = crate::text::truncate(s, MAX_MESSAGE).into_owned();
        }
    };
    cut(&mut d.message);
    if let Some(h) = &mut d.help {
        cut(h);
    }
    for l in d.primary.iter_mut().chain(d.secondary.iter_mut()) {
        cut(&mut l.message);
    }
}

pub fn run(root: &Path, settings: &Settings) -> Outcome {
    let mut builder = rayon::ThreadPoolBuilder::new().stack_size(WORKER_STACK);
    if let Some(j) = settings.jobs {
        builder = builder.num_threads(j.max(1));
    }
    match builder.build() {
        Ok(pool) => pool.install(|| run_in_pool(root, settings)),
        Err(_) => run_in_pool(root, settings),
    }
}

fn run_in_pool(root: &Path, settings: &Settings) -> Outcome {
    let opts = WalkOptions {
        no_ignore: settings.no_ignore,
        excludes: settings.exclude.clone(),
        ..WalkOptions::default()
    };
    let project = Project::load_with(
        root,
        &opts,
        &crate::model::Options {
            test_dirs: settings.test_paths.clone(),
            components: settings.components.clone(),
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
    let mut diagnostics = Vec::new();
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
            for c in project.copy_locations(&at) {
                d.secondary.push(crate::diagnostic::Label {
                    origin: c,
                    message: "the same workload, copied here".into(),
                });
            }
        }
    }
    let ran: Vec<&'static rules::Meta> = enabled.iter().map(|r| r.meta()).collect();
    let unused = ran.iter().copied().find(|m| m.code == "TF0002");
    let (mut diagnostics, mut suppressed) =
        crate::suppress::apply(&project, diagnostics, &settings.per_path, &ran, unused);
    crate::secrets::mask_messages(
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
