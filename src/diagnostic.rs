//! Findings: what rules produce and reports render.

use crate::source::{FileId, Origin, Span};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// A label's or a help's text: most are written in the rule, and a run's thousands of
/// findings share them instead of each holding a copy.
pub type Text = std::borrow::Cow<'static, str>;

/// A labelled place in a file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Label {
    pub origin: Origin,
    pub message: Text,
}

/// One finding of one rule.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The main place; `None` for findings about the repository as a whole.
    pub primary: Option<Label>,
    /// Other places involved (other files of a cross-file finding, or more spots in the same file).
    pub secondary: thin_vec::ThinVec<Label>,
    pub help: Option<Text>,
    /// Byte ranges holding secret values: every report masks them.
    pub secrets: thin_vec::ThinVec<Origin>,
}

impl Diagnostic {
    pub fn file(&self) -> Option<FileId> {
        self.primary.as_ref().map(|l| l.origin.file)
    }
    pub fn span(&self) -> Option<Span> {
        self.primary.as_ref().map(|l| l.origin.span.range())
    }
}

/// Show the first two characters of a secret and mask the rest.
pub fn redact(value: &str) -> String {
    let shown: String = value.chars().take(2).collect();
    format!("{shown}****")
}
