//! TF10 — X. Dev/prod parity: keep development, staging and production as similar as possible.

use super::{DiagExt, Meta, Rule, diag};
use crate::diagnostic::Diagnostic;
use crate::meta;
use crate::model::Project;
use crate::source::Origin;

pub struct HardcodedAbsolutePath;
impl Rule for HardcodedAbsolutePath {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF1003",
            "hardcoded-absolute-path",
            10,
            Warning,
            "code uses a path that exists on one developer's machine"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.python.is_empty()
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for py in &p.python {
            if py.test_tree || p.is_test_file(py.file) {
                continue;
            }
            for (path, span) in &py.facts.abs_paths {
                out.push(
                    diag(self.meta(), format!("`{path}` exists only on one machine"))
                        .at(Origin::new(py.file, span.clone()), "machine-specific path")
                        .help("build paths from the code's own location (`Path(__file__).parent`) or read them from the environment"),
                );
            }
        }
    }
}

pub struct EnvironmentBranching;
impl Rule for EnvironmentBranching {
    fn meta(&self) -> &'static Meta {
        meta!(
            "TF1005",
            "environment-branching",
            10,
            Info,
            "code branches on the environment's name"
        )
    }
    fn applies(&self, p: &Project) -> bool {
        !p.python.is_empty()
    }
    fn check(&self, p: &Project, out: &mut Vec<Diagnostic>) {
        for py in &p.python {
            if py.test_tree || p.is_test_file(py.file) {
                continue;
            }
            for (var, value, span) in &py.facts.env_branches {
                out.push(
                    diag(self.meta(), format!("code compares `{var}` with \"{value}\" to choose its behaviour"))
                        .at(Origin::new(py.file, span.clone()), "branch on the environment's name")
                        .help("read each setting from its own variable (a feature flag, a URL) instead of switching on the environment's name"),
                );
            }
        }
    }
}
