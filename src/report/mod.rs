//! Reports: one module per format. They render to strings; only the CLI writes them out.

pub mod concise;
pub mod github;
pub mod gitlab;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod model;
pub mod sarif;
pub mod score_json;
pub mod snippet;
pub mod statistics;
pub mod svg;
pub mod table;
pub mod terminal_md;

use crate::diagnostic::{Diagnostic, Severity};
use crate::outcome::Outcome;
use crate::source::FileId;

/// Masked file texts for a report. The secret spans are indexed by file once; a file's
/// masked text is computed when a finding asks for it and kept among the few most recently
/// asked (reports go through findings file by file), so a report of a large tree holds a few
/// files' texts, not a copy of every file with a finding.
pub struct Masked<'a> {
    o: &'a Outcome,
    secrets: foldhash::HashMap<FileId, Vec<crate::source::Span>>,
    recent: std::cell::RefCell<Vec<(FileId, std::rc::Rc<String>)>>,
}

/// Masked texts a report keeps at once.
const MASKED_KEPT: usize = 8;

impl<'a> Masked<'a> {
    pub fn new(o: &'a Outcome) -> Self {
        let mut secrets: foldhash::HashMap<FileId, Vec<crate::source::Span>> = Default::default();
        for s in o
            .project
            .secrets
            .iter()
            .filter(|s| s.class.is_credential())
            .map(|s| &s.origin)
            .chain(o.diagnostics.iter().flat_map(|d| d.secrets.iter()))
        {
            secrets.entry(s.file).or_default().push(s.span.range());
        }
        Masked {
            o,
            secrets,
            recent: Default::default(),
        }
    }
    pub fn get(&self, file: FileId) -> std::rc::Rc<String> {
        let mut recent = self.recent.borrow_mut();
        if let Some(i) = recent.iter().position(|(f, _)| *f == file) {
            let hit = recent.remove(i);
            let text = hit.1.clone();
            recent.push(hit);
            return text;
        }
        let spans = self.secrets.get(&file).map_or(&[][..], Vec::as_slice);
        let text = std::rc::Rc::new(mask(self.o, file, spans));
        if recent.len() >= MASKED_KEPT {
            recent.remove(0);
        }
        recent.push((file, text.clone()));
        text
    }
}

/// A file's text with every secret span in `spans` masked (`ab****`), byte lengths kept so
/// spans stay valid.
fn mask(o: &Outcome, file: FileId, spans: &[crate::source::Span]) -> String {
    let f = o.project.file(file);
    // a file that could not be read again for the report (removed since) shows nothing
    let mut bytes = f.text_or_empty().as_bytes().to_vec();
    for span in spans {
        let start = f.clamp(span.start);
        let end = f.clamp(span.end);
        let keep = f
            .slice(&(start..end))
            .chars()
            .take(2)
            .map(char::len_utf8)
            .sum::<usize>();
        // both ends are char boundaries: every byte of every masked character becomes
        // `*`, so no character is split and every span stays valid
        for b in bytes.iter_mut().take(end).skip(start + keep) {
            *b = b'*';
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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

/// Characters of a line that reports quote at most (JSON snippets, fingerprints).
pub const MAX_QUOTED_LINE: usize = 1000;

/// The (masked) line of a span, as reports quote it: the whole line when it is at most
/// [`MAX_QUOTED_LINE`] characters, else that many around the span, with `…` where text is
/// left out. Bounded whatever the line, and the same for the same text around the span
/// wherever the line moves.
pub fn quoted_line<'t>(
    f: &crate::source::SourceFile,
    masked: &'t str,
    span: &crate::source::Span,
) -> std::borrow::Cow<'t, str> {
    let (n, _) = f.line_col(span.start);
    let line = f.line_span(n);
    let focus = Some(span.start..span.end.min(line.end));
    let kept = snippet::keep(masked, line.clone(), focus, MAX_QUOTED_LINE);
    let text = masked.get(kept.clone()).unwrap_or_default();
    if kept == line {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 6);
    if kept.start > line.start {
        out.push('…');
    }
    out.push_str(text);
    if kept.end < line.end {
        out.push('…');
    }
    std::borrow::Cow::Owned(out)
}

/// 1-based (line, column) of the start of a finding's primary span.
pub fn position(o: &Outcome, d: &Diagnostic) -> Option<(String, usize, usize)> {
    let l = d.primary.as_ref()?;
    let f = o.project.file(l.origin.file);
    let (line, col) = f.line_col(l.origin.span.start());
    Some((o.display_path(&f.rel), line, col))
}

/// A failed check of a scorecard with its findings, for the reports that list them.
pub struct FailedCheck<'a> {
    pub result: &'a crate::score::CheckResult,
    /// Its findings, in report order.
    pub findings: Vec<FindingLine<'a>>,
}

/// A finding in one line: where, what, and how to fix it.
pub struct FindingLine<'a> {
    /// `path:line`, when the finding has a place.
    pub place: Option<String>,
    pub message: &'a str,
    pub help: Option<&'a str>,
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
                        .map(move |d| FindingLine {
                            place: position(o, d).map(|(p, l, _)| format!("{p}:{l}")),
                            message: d.message.as_str(),
                            help: d.help.as_deref(),
                        })
                })
                .collect(),
        })
        .collect()
}

/// FNV-1a, 64 bits: a stable hash (the standard library's is seeded per process).
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// A finding's identity that survives line moves and edits elsewhere: its rule, its file
/// (relative to the scanned root), the text of its first line with whitespace collapsed and
/// secrets masked, and its message — never a line number. `occurrence` tells identical ones
/// apart, in report order.
pub fn fingerprint(o: &Outcome, m: &Masked<'_>, d: &Diagnostic, occurrence: usize) -> String {
    let (path, line) = match &d.primary {
        Some(l) => {
            let f = o.project.file(l.origin.file);
            let text = m.get(l.origin.file);
            let line = quoted_line(f, &text, &l.origin.span.range())
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            (f.rel.to_string(), line)
        }
        None => (String::new(), String::new()),
    };
    let occ = occurrence.to_string();
    format!("{:016x}", fnv1a(&[d.code, &path, &line, &d.message, &occ]))
}

/// The fingerprints of a list of findings, occurrences counted in order.
pub fn fingerprints<'a>(
    o: &Outcome,
    m: &Masked<'_>,
    ds: impl IntoIterator<Item = &'a Diagnostic>,
) -> Vec<String> {
    let mut seen: foldhash::HashMap<String, usize> = Default::default();
    ds.into_iter()
        .map(|d| {
            let base = fingerprint(o, m, d, 0);
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                base
            } else {
                fingerprint(o, m, d, *n - 1)
            }
        })
        .collect()
}
