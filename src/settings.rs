//! What one run is asked to do: the configuration file's values merged with the command
//! line's, and the rules that follow from them.

use crate::config::Config;
use crate::diagnostic::Severity;
use crate::rules::{self, Rule};

#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub severity: Vec<(String, Severity)>,
    pub preview: bool,
    pub no_ignore: bool,
    pub exclude: Vec<String>,
    /// Check generated and bundled source too.
    pub include_generated: bool,
    pub test_paths: Vec<String>,
    /// Worker threads; `None` for one per core.
    pub jobs: Option<usize>,
    /// The facts cache directory; `None` for no cache.
    pub cache_dir: Option<std::path::PathBuf>,
    /// Config `[per-path-ignores]`.
    pub per_path: Vec<crate::suppress::PathIgnore>,
    /// Config `[components]`: a kind per component key.
    pub components: Vec<(String, crate::model::components::Kind)>,
}

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
            include_generated: cli.include_generated || cfg.include_generated.unwrap_or(false),
            test_paths,
            jobs: cli.jobs,
            cache_dir: cli.cache_dir,
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
