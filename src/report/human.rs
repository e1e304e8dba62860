//! The human report: miette snippets with labels in every file involved, help, rule code, and
//! a summary line. Secrets are masked in the snippets.

use super::snippet::Window;
use super::{Masked, counts};
use crate::diagnostic::{Diagnostic as Finding, Severity};
use crate::outcome::Outcome;
use crate::source::FileId;
use crate::text::terminal_line;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use std::fmt::{self, Write};

#[derive(Debug)]
struct Rendered {
    code: Option<String>,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<Window>,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered>,
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

fn severity(s: Severity) -> miette::Severity {
    match s {
        Severity::Error => miette::Severity::Error,
        Severity::Warning => miette::Severity::Warning,
        Severity::Info => miette::Severity::Advice,
    }
}

/// The snippet of one file for a finding: its window and the labels in it. Every text
/// that came from a scanned file is made safe for a terminal.
fn snippet(
    o: &Outcome,
    m: &Masked<'_>,
    file: FileId,
    labels: &[(crate::source::Sp, &str)],
) -> (Window, Vec<LabeledSpan>) {
    let f = o.project.file(file);
    let text = m.get(file);
    let spans: Vec<crate::source::Span> = labels.iter().map(|(s, _)| s.range()).collect();
    let name = terminal_line(&o.display_path(&f.rel)).into_owned();
    let (window, mapped) = Window::new(name, f, &text, &spans);
    let labels = mapped
        .into_iter()
        .zip(labels)
        .map(|(r, (_, msg))| {
            LabeledSpan::new(
                Some(terminal_line(msg).into_owned()),
                r.start,
                r.end - r.start,
            )
        })
        .collect();
    (window, labels)
}

fn render_one(o: &Outcome, m: &Masked<'_>, d: &Finding) -> Rendered {
    let mut r = Rendered {
        code: Some(format!("{}({})", d.code, d.name)),
        message: terminal_line(&d.message).into_owned(),
        severity: severity(d.severity),
        help: d.help.as_deref().map(|h| terminal_line(h).into_owned()),
        source: None,
        labels: Vec::new(),
        related: Vec::new(),
    };
    if let Some(p) = &d.primary {
        let file = p.origin.file;
        let mut here = vec![(p.origin.span, &*p.message)];
        let mut others: Vec<FileId> = Vec::new();
        for s in &d.secondary {
            if s.origin.file == file {
                here.push((s.origin.span, &*s.message));
            } else if !others.contains(&s.origin.file) {
                others.push(s.origin.file);
            }
        }
        let (window, labels) = snippet(o, m, file, &here);
        r.source = Some(window);
        r.labels = labels;
        for other in others {
            let there: Vec<(crate::source::Sp, &str)> = d
                .secondary
                .iter()
                .filter(|s| s.origin.file == other)
                .map(|s| (s.origin.span, &*s.message))
                .collect();
            let (window, labels) = snippet(o, m, other, &there);
            r.related.push(Rendered {
                code: None,
                message: format!("{}: the other end", d.code),
                severity: miette::Severity::Advice,
                help: None,
                source: Some(window),
                labels,
                related: Vec::new(),
            });
        }
    }
    r
}

pub struct Options {
    pub color: bool,
    pub width: usize,
    /// The findings only: no summary line.
    pub quiet: bool,
}

pub fn render(outcomes: &[Outcome], opts: &Options) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(opts.width);
    let mut s = String::new();
    for o in outcomes {
        let m = Masked::new(o);
        for d in &o.diagnostics {
            let mut r = render_one(o, &m, d);
            // the other ends of a cross-file finding follow it as snippets of their own, under
            // their label ("TF0702: the other end"), not under miette's "Advice:" heading
            let others = std::mem::take(&mut r.related);
            if handler.render_report(&mut s, &r).is_err() {
                let _ = writeln!(s, "{}: {}", d.code, terminal_line(&d.message));
            }
            for other in &others {
                s.push('\n');
                let _ = handler.render_report(&mut s, other);
            }
            s.push('\n');
        }
    }
    if opts.quiet {
        return s;
    }
    let c = counts(outcomes.iter().flat_map(|o| &o.diagnostics));
    let files: usize = outcomes.iter().map(|o| o.project.files.len()).sum();
    // the files findings land in, apart from the files read
    let with_findings: usize = outcomes
        .iter()
        .map(|o| {
            let ids: std::collections::BTreeSet<_> =
                o.diagnostics.iter().filter_map(|d| d.file()).collect();
            ids.len()
        })
        .sum();
    let total = c.errors + c.warnings + c.infos;
    let suppressed: usize = outcomes.iter().map(|o| o.suppressed.len()).sum();
    let baselined: usize = outcomes.iter().map(|o| o.baselined).sum();
    let also = match (suppressed, baselined) {
        (0, 0) => String::new(),
        (s, 0) => format!(" ({s} suppressed)"),
        (0, b) => format!(" ({b} in the baseline)"),
        (s, b) => format!(" ({s} suppressed, {b} in the baseline)"),
    };
    if total == 0 {
        let _ = writeln!(
            s,
            "All checks passed: no findings in the {files} file{} read{also}.",
            if files == 1 { "" } else { "s" }
        );
    } else {
        let _ = writeln!(
            s,
            "Found {total} finding{} ({} error{}, {} warning{}, {} info) {}{also}.",
            if total == 1 { "" } else { "s" },
            c.errors,
            if c.errors == 1 { "" } else { "s" },
            c.warnings,
            if c.warnings == 1 { "" } else { "s" },
            c.infos,
            match with_findings {
                0 => format!(
                    "about the repository as a whole ({files} file{} read)",
                    if files == 1 { "" } else { "s" }
                ),
                1 => format!("in 1 file of the {files} read"),
                n => format!("in {n} files of the {files} read"),
            },
        );
    }
    s
}

/// Notices (files skipped or not checked) for stderr: one line each, except that a message
/// said of more than `NOTICE_PATHS` paths is one line naming the first of them and how many
/// more (a monorepo's fifty vendored trees are one note; `--format json` lists every one).
pub fn notices(outcomes: &[Outcome]) -> String {
    const NOTICE_PATHS: usize = 3;
    let mut s = String::new();
    for o in outcomes {
        // messages in order of first appearance, with their paths
        let mut groups: Vec<(&str, Vec<&str>)> = Vec::new();
        let mut index: foldhash::HashMap<&str, usize> = Default::default();
        for n in &o.project.notices {
            let i = *index.entry(&n.message).or_insert_with(|| {
                groups.push((&n.message, Vec::new()));
                groups.len() - 1
            });
            groups[i].1.push(&n.path);
        }
        for (message, paths) in groups {
            if paths.len() <= NOTICE_PATHS {
                for path in paths {
                    let _ = writeln!(
                        s,
                        "note: {}: {}",
                        terminal_line(&o.display_path(path)),
                        terminal_line(message)
                    );
                }
                continue;
            }
            let named: Vec<String> = paths
                .iter()
                .take(NOTICE_PATHS)
                .map(|p| terminal_line(&o.display_path(p)).into_owned())
                .collect();
            let _ = writeln!(
                s,
                "note: {}, and {} more: {}",
                named.join(", "),
                paths.len() - NOTICE_PATHS,
                terminal_line(message)
            );
        }
    }
    s
}
