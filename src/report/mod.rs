//! Reports: one module per format. They render to strings; only the CLI writes them out.

pub mod concise;
pub mod html;
pub mod human;
pub mod json;
pub mod markdown;
pub mod score_json;
pub mod svg;
pub mod table;

use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::Outcome;
use crate::source::FileId;

/// Masked file texts, computed once per file for a whole report.
pub struct Masked<'a> {
    o: &'a Outcome,
    cache: std::cell::RefCell<std::collections::HashMap<FileId, std::rc::Rc<String>>>,
}

impl<'a> Masked<'a> {
    pub fn new(o: &'a Outcome) -> Self {
        Masked {
            o,
            cache: Default::default(),
        }
    }
    pub fn get(&self, file: FileId) -> std::rc::Rc<String> {
        self.cache
            .borrow_mut()
            .entry(file)
            .or_insert_with(|| std::rc::Rc::new(masked_text(self.o, file)))
            .clone()
    }
}

/// A file's text with every secret span of every finding masked (`ab****`), byte lengths kept
/// so spans stay valid.
pub fn masked_text(o: &Outcome, file: FileId) -> String {
    let f = o.project.file(file);
    let mut bytes = f.text.clone().into_bytes();
    let all = o
        .project
        .secret_spans
        .iter()
        .chain(o.diagnostics.iter().flat_map(|d| d.secrets.iter()));
    {
        for s in all.filter(|s| s.file == file) {
            let start = f.clamp(s.span.start);
            let end = f.clamp(s.span.end);
            let keep = f.text[start..end]
                .chars()
                .take(2)
                .map(char::len_utf8)
                .sum::<usize>();
            for b in bytes.iter_mut().take(end).skip(start + keep) {
                *b = b'*';
            }
        }
    }
    // masking may split a multi-byte character; repair lossily
    String::from_utf8_lossy(&bytes).into_owned()
}

#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Counts {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

pub fn counts<'a>(ds: impl IntoIterator<Item = &'a Diagnostic>) -> Counts {
    let mut c = Counts::default();
    for d in ds {
        match d.severity {
            Severity::Error => c.errors += 1,
            Severity::Warning => c.warnings += 1,
            Severity::Info => c.infos += 1,
        }
    }
    c
}

/// 1-based (line, column) of the start of a finding's primary span.
pub fn position(o: &Outcome, d: &Diagnostic) -> Option<(String, usize, usize)> {
    let l = d.primary.as_ref()?;
    let f = o.project.file(l.origin.file);
    let (line, col) = f.line_col(l.origin.span.start);
    Some((o.display_path(&f.rel), line, col))
}

/// A failed check of a scorecard with its findings, for the reports that list them.
pub struct FailedCheck<'a> {
    pub result: &'a crate::score::CheckResult,
    /// `path:line` (when the finding has a place) and message, in report order.
    pub findings: Vec<(Option<String>, &'a str)>,
}

pub fn failed_checks<'a>(
    outcomes: &'a [Outcome],
    card: &'a crate::score::Scorecard,
) -> Vec<FailedCheck<'a>> {
    card.checks()
        .filter(|c| !c.passed())
        .map(|c| FailedCheck {
            result: c,
            findings: outcomes
                .iter()
                .flat_map(|o| {
                    o.diagnostics
                        .iter()
                        .filter(|d| d.code == c.meta.code)
                        .map(move |d| {
                            (
                                position(o, d).map(|(p, l, _)| format!("{p}:{l}")),
                                d.message.as_str(),
                            )
                        })
                })
                .collect(),
        })
        .collect()
}
