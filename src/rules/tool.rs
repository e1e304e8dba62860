//! TF00: the tool itself.

use super::{DiagExt, Meta, Rule, diag};
use crate::diagnostic::Diagnostic;
use crate::meta;
use crate::model::Project;

pub struct ParseError;
impl Rule for ParseError {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0001",
            "parse-error",
            0,
            Error,
            "a recognised file cannot be parsed"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        p.has_files()
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for (origin, msg) in &p.parse_errors {
            out.push(
                diag(
                    self.meta(),
                    format!("cannot parse `{}`: {msg}", p.rel(origin.file)),
                )
                .at(origin.clone(), msg.clone())
                .help("fix the syntax; the other files were still checked"),
            );
        }
    }
}

/// Reported by the suppression pass (`crate::suppress`), which runs after every rule; the rule
/// itself only carries the metadata that turns it on and off.
pub struct UnusedSuppression;
impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0002",
            "unused-suppression",
            0,
            Warning,
            "a suppression comment or annotation matches no finding"
        )
    }
    fn applies(&self, _: &Project) -> bool {
        false
    }
    fn check(&self, _: &Project, _: &mut Vec<Diagnostic>) {}
}

pub struct NothingToCheck;
impl Rule for NothingToCheck {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0003",
            "nothing-to-check",
            0,
            Warning,
            "no manifest, Dockerfile, compose, Kubernetes or source file was found"
        )
    }
    fn applies(&self, _: &Project) -> bool {
        true
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        if !p.has_anything_to_check() {
            out.push(
                diag(
                    self.meta(),
                    format!(
                        "nothing to check in `{}`: no manifest, Dockerfile, compose, Kubernetes or source file",
                        p.root.display()
                    ),
                )
                .help("check the path; twelve reads Dockerfiles, compose and Kubernetes YAML, dependency manifests and source"),
            );
        }
    }
}

/// An internal fault: a panic caught while reading one file or running one rule. The engine
/// reports these itself, whatever rules are selected, and they cannot be suppressed or
/// baselined; the rule only carries the metadata and the doc.
pub struct InternalError;
impl Rule for InternalError {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF0004",
            "internal-error",
            0,
            Error,
            "twelve failed on this input: a file or a rule could not be checked"
        )
    }
    fn applies(&self, _: &Project) -> bool {
        false
    }
    fn check(&self, _: &Project, _: &mut Vec<Diagnostic>) {}
}

/// The findings of a project's internal faults: each file whose reading failed, and each
/// rule (by its meta) whose check failed.
pub fn internal_errors(p: &Project, rules: &[(&'static Meta, String)]) -> Vec<Diagnostic> {
    let meta = InternalError.meta();
    let mut out: Vec<Diagnostic> = p
        .internal_errors
        .iter()
        .map(|(origin, msg)| {
            diag(
                meta,
                format!(
                    "internal error while reading `{}`: {msg}; please report it",
                    p.rel(origin.file)
                ),
            )
            .at(origin.clone(), "twelve could not check this file")
            .help("this is a bug in twelve, not in the file: the other files were still checked")
        })
        .collect();
    out.extend(rules.iter().map(|(m, msg)| {
        diag(
            meta,
            format!(
                "internal error in rule {} ({}): {msg}; please report it",
                m.code, m.name
            ),
        )
        .help("this is a bug in twelve: every other rule still ran")
    }));
    out
}
