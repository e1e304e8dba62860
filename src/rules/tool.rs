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
        !p.files.is_empty()
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
