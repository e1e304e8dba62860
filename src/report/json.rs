//! The JSON report, format version 1. Documented in README.md ("JSON format").

use super::{Counts, Masked, counts};
use crate::diagnostic::Diagnostic;
use crate::outcome::Outcome;
use crate::rules;
use serde::Serialize;

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    tool: Tool,
    summary: Summary,
    findings: Vec<Finding<'a>>,
    /// Findings taken out of the report by a suppression, with its kind and reason.
    suppressed: Vec<SuppressedFinding<'a>>,
    notices: Vec<Notice>,
}

#[derive(Serialize)]
struct SuppressedFinding<'a> {
    #[serde(flatten)]
    finding: Finding<'a>,
    suppression: Suppression,
}

#[derive(Serialize)]
struct Suppression {
    /// inline, file, annotation or config
    kind: &'static str,
    reason: Option<String>,
    /// Where the suppression is written; `null` for config `[per-path-ignores]`.
    location: Option<Location>,
}

#[derive(Serialize)]
pub(crate) struct Tool {
    name: &'static str,
    version: &'static str,
}

pub(crate) fn tool() -> Tool {
    Tool {
        name: "twelve",
        version: env!("CARGO_PKG_VERSION"),
    }
}

#[derive(Serialize)]
struct Summary {
    #[serde(flatten)]
    counts: Counts,
    files: usize,
    /// Findings suppressed (not counted above).
    suppressed: usize,
    /// Findings left out because the `--baseline` records them.
    baselined: usize,
    /// The repository's overall score (0–100) and grade; `null` when no check applies.
    score: Option<u32>,
    grade: Option<&'static str>,
}

#[derive(Serialize)]
struct Location {
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    /// The source line, secrets masked (a line over 1,000 characters: 1,000 around the
    /// finding, `…` where text is left out).
    snippet: String,
}

#[derive(Serialize)]
struct Related {
    #[serde(flatten)]
    location: Location,
    message: String,
}

#[derive(Serialize)]
struct Finding<'a> {
    code: &'a str,
    name: &'a str,
    factor: &'static str,
    severity: &'static str,
    message: &'a str,
    help: Option<&'a str>,
    /// Stable across line moves and unrelated edits (see README, "Baseline").
    fingerprint: String,
    location: Option<Location>,
    related: Vec<Related>,
}

#[derive(Serialize)]
pub(crate) struct Notice {
    path: String,
    message: String,
}

pub(crate) fn notices(outcomes: &[Outcome]) -> Vec<Notice> {
    outcomes
        .iter()
        .flat_map(|o| {
            o.project.notices.iter().map(move |n| Notice {
                path: o.display_path(&n.path),
                message: n.message.clone(),
            })
        })
        .collect()
}

fn location(o: &Outcome, m: &Masked<'_>, origin: &crate::source::Origin) -> Location {
    let f = o.project.file(origin.file);
    let (line, column) = f.line_col(origin.span.start());
    let (end_line, end_column) = f.line_col(origin.span.end());
    let masked = m.get(origin.file);
    Location {
        path: o.display_path(&f.rel),
        line,
        column,
        end_line,
        end_column,
        snippet: super::quoted_line(f, &masked, &origin.span.range()).into_owned(),
    }
}

fn finding<'a>(o: &Outcome, m: &Masked<'_>, d: &'a Diagnostic, fingerprint: String) -> Finding<'a> {
    Finding {
        fingerprint,
        code: d.code,
        name: d.name,
        factor: rules::find(d.code)
            .map(|r| r.meta().factor.slug())
            .unwrap_or("tool"),
        severity: d.severity.as_str(),
        message: &d.message,
        help: d.help.as_deref(),
        location: d.primary.as_ref().map(|l| location(o, m, &l.origin)),
        related: d
            .secondary
            .iter()
            .map(|l| Related {
                location: location(o, m, &l.origin),
                message: l.message.to_string(),
            })
            .collect(),
    }
}

pub fn render(outcomes: &[Outcome], card: &crate::score::Scorecard) -> String {
    let mut out = Vec::new();
    // writing to memory fails only where serde_json does, on a value it cannot write
    if let Err(e) = render_to(outcomes, card, &mut out) {
        return format!("{{\"error\": \"{e}\"}}\n");
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The report written as it is serialised (a monorepo's is megabytes: it is never held whole
/// in memory on its way to stdout or a file).
pub fn render_to(
    outcomes: &[Outcome],
    card: &crate::score::Scorecard,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let findings: Vec<Finding<'_>> = outcomes
        .iter()
        .flat_map(|o| {
            let m = Masked::new(o);
            let fps = super::fingerprints(o, &m, &o.diagnostics);
            o.diagnostics
                .iter()
                .zip(fps)
                .map(|(d, fp)| finding(o, &m, d, fp))
                .collect::<Vec<_>>()
        })
        .collect();
    let suppressed: Vec<SuppressedFinding<'_>> = outcomes
        .iter()
        .flat_map(|o| {
            let m = Masked::new(o);
            let fps = super::fingerprints(o, &m, o.suppressed.iter().map(|s| &s.diagnostic));
            o.suppressed
                .iter()
                .zip(fps)
                .map(|(s, fp)| SuppressedFinding {
                    finding: finding(o, &m, &s.diagnostic, fp),
                    suppression: Suppression {
                        kind: s.kind.as_str(),
                        reason: s.reason.clone(),
                        location: s.origin.as_ref().map(|or| location(o, &m, or)),
                    },
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let report = Report {
        version: VERSION,
        tool: tool(),
        summary: Summary {
            counts: counts(outcomes.iter().flat_map(|o| &o.diagnostics)),
            files: outcomes.iter().map(|o| o.project.files.len()).sum(),
            suppressed: outcomes.iter().map(|o| o.suppressed.len()).sum(),
            baselined: outcomes.iter().map(|o| o.baselined).sum(),
            score: card.overall(),
            grade: card.grade().map(|g| g.as_str()),
        },
        findings,
        suppressed,
        notices: notices(outcomes),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    out.write_all(b"\n")
}
