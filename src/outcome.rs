//! What checking one path produced: the model, the findings that survived suppression, the
//! checks that applied. Reports and the scorecard read this; the engine writes it.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Project;
use crate::rules::{Input, Meta};
use std::path::PathBuf;

/// A rule that applied to the project, with the severity it runs at (its weight).
#[derive(Clone, Copy, Debug)]
pub struct Check {
    pub meta: &'static Meta,
    pub severity: Severity,
    /// What of an app it judges (empty: every app).
    pub inputs: &'static [Input],
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
