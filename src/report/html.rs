//! The scorecard as one self-contained HTML page (inline CSS and SVG, no script, nothing
//! fetched): overall grade, a per-factor chart, per-app cards, and each failed check with its
//! findings and its explanation from `rules/`.

use super::failed_checks;
use crate::outcome::Outcome;
use crate::score::{Grade, Scorecard, Scorecards};
use askama::Template;

/// Findings listed per failed check before "… and N more".
const MAX_FINDINGS: usize = 50;
/// Failed checks are shown open when there are at most this many.
const OPEN_UP_TO: usize = 5;

struct FactorRow {
    numeral: &'static str,
    name: &'static str,
    score: String,
    width: u32,
    tone: &'static str,
    na: bool,
    passed: usize,
    failed: usize,
}

struct MiniBar {
    title: String,
    numeral: &'static str,
    tone: &'static str,
    /// Percent of the column (0–100).
    height: u32,
}

struct AppCard {
    name: String,
    overall: String,
    grade: &'static str,
    tone: &'static str,
    bars: Vec<MiniBar>,
    /// (code, name) of failed checks.
    failed: Vec<(&'static str, &'static str)>,
}

struct FailedRow {
    code: &'static str,
    name: &'static str,
    factor: &'static str,
    severity: &'static str,
    /// The rule's one-line summary (escaped HTML).
    summary: String,
    /// The rule's doc, rendered (trusted: compiled into the binary, raw HTML dropped).
    doc: String,
    /// Place, message and help (message and help already escaped HTML).
    findings: Vec<(Option<String>, String, Option<String>)>,
    more: usize,
}

#[derive(Template)]
#[template(path = "scorecard.html")]
struct Page {
    name: String,
    version: &'static str,
    overall: String,
    grade: &'static str,
    verdict: &'static str,
    tone: &'static str,
    ring: String,
    applicable: usize,
    passed: usize,
    failed: usize,
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    unparsed: usize,
    factors: Vec<FactorRow>,
    apps: Vec<AppCard>,
    /// Why the repository's score stands below its apps' (see `Scorecards::repository_note`).
    repository_note: Option<String>,
    /// "commit 1a2b3c4d5e6f on main", when the repository is a git work tree.
    revision: Option<String>,
    failed_checks: Vec<FailedRow>,
    open_checks: bool,
    /// (code, name, factor title)
    passed_checks: Vec<(&'static str, &'static str, &'static str)>,
    notices: Vec<String>,
}

/// The tone (colour class) of a score on the 0–100 scale.
fn tone(points: Option<u32>) -> &'static str {
    match points.map(Grade::of) {
        Some(Grade::A) => "a",
        Some(Grade::B) => "b",
        Some(Grade::C) => "c",
        Some(Grade::D) => "d",
        Some(Grade::F) => "f",
        None => "na",
    }
}

fn verdict(g: Option<Grade>) -> &'static str {
    match g {
        Some(Grade::A) => "Twelve-factor ready",
        Some(Grade::B) => "Mostly twelve-factor",
        Some(Grade::C) => "Partly twelve-factor",
        Some(Grade::D) => "Far from twelve-factor",
        Some(Grade::F) => "Not twelve-factor yet",
        None => "Nothing to score",
    }
}

/// Escape text for HTML, as the page's template escapes every value (askama's escaper).
fn escape(text: &str) -> String {
    match askama::filters::escape(text, askama::filters::Html) {
        Ok(safe) => safe.to_string(),
        Err(never) => match never {},
    }
}

/// A finding message as HTML: escaped, with its `code spans` as `<code>`.
fn message_html(text: &str) -> String {
    if text.matches('`').count() % 2 == 1 {
        return escape(text);
    }
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", escape(part))
            } else {
                escape(part)
            }
        })
        .collect()
}

/// A rule doc (Markdown) as HTML, its headings moved under the check's, raw HTML dropped.
fn doc_html(md: &str) -> String {
    use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
    let demote = |l: HeadingLevel| match l {
        HeadingLevel::H1 | HeadingLevel::H2 => HeadingLevel::H3,
        _ => HeadingLevel::H4,
    };
    let events = Parser::new_ext(md, Options::ENABLE_TABLES).map(|e| match e {
        Event::Html(t) | Event::InlineHtml(t) => Event::Text(t),
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: demote(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(demote(level))),
        e => e,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// Bare `https://` references on their own list line become links (CommonMark only links
/// `<https://…>`).
fn link_references(md: &str) -> String {
    md.lines()
        .map(|l| match l.strip_prefix("- https://") {
            Some(rest) if !rest.contains(char::is_whitespace) => format!("- <https://{rest}>\n"),
            _ => format!("{l}\n"),
        })
        .collect()
}

/// stroke-dasharray of the score ring (r = 52) for a score out of 100.
fn ring(points: Option<u32>) -> String {
    let c = 2.0 * std::f64::consts::PI * 52.0;
    let len = c * f64::from(points.unwrap_or(0)) / 100.0;
    format!("{len:.1} {c:.1}")
}

fn app_card(c: &Scorecard) -> AppCard {
    AppCard {
        name: c.name.clone(),
        overall: c.overall().map_or("n/a".into(), |o| o.to_string()),
        grade: c.grade().map_or("–", Grade::as_str),
        tone: tone(c.overall()),
        bars: c
            .factors
            .iter()
            .map(|f| MiniBar {
                title: format!("{}: {}", f.factor.title(), f.display()),
                numeral: crate::factor::numeral(f.factor),
                tone: tone(f.tenths()),
                height: f.tenths().unwrap_or(0),
            })
            .collect(),
        failed: c
            .checks()
            .filter(|r| !r.passed())
            .map(|r| (r.meta.code, r.meta.name))
            .collect(),
    }
}

pub fn render(outcomes: &[Outcome], cards: &Scorecards) -> String {
    let repo = &cards.repository;
    let c = super::counts(outcomes.iter().flat_map(|o| &o.diagnostics));
    let failed_checks: Vec<FailedRow> = failed_checks(outcomes, repo)
        .into_iter()
        .map(|fc| {
            let m = fc.result.meta;
            FailedRow {
                code: m.code,
                name: m.name,
                factor: m.factor.title(),
                severity: fc.result.severity.as_str(),
                summary: message_html(m.summary),
                doc: doc_html(&link_references(m.doc)),
                more: fc.findings.len().saturating_sub(MAX_FINDINGS),
                findings: fc
                    .findings
                    .iter()
                    .take(MAX_FINDINGS)
                    .map(|f| {
                        (
                            f.place.clone(),
                            message_html(f.message),
                            f.help.map(message_html),
                        )
                    })
                    .collect(),
            }
        })
        .collect();
    let page = Page {
        name: repo.name.clone(),
        version: env!("CARGO_PKG_VERSION"),
        overall: repo.overall().map_or("n/a".into(), |o| o.to_string()),
        grade: repo.grade().map_or("–", Grade::as_str),
        verdict: verdict(repo.grade()),
        tone: tone(repo.overall()),
        ring: ring(repo.overall()),
        applicable: repo.applicable().count(),
        passed: repo.passed(),
        failed: repo.failed(),
        files: outcomes.iter().map(|o| o.project.files.len()).sum(),
        errors: c.errors,
        warnings: c.warnings,
        infos: c.infos,
        unparsed: cards.unparsed,
        factors: repo
            .factors
            .iter()
            .map(|f| FactorRow {
                numeral: crate::factor::numeral(f.factor),
                name: crate::factor::factor_name(f.factor),
                score: f.display(),
                width: f.tenths().unwrap_or(0),
                tone: tone(f.tenths()),
                na: !f.applicable(),
                passed: f.passed(),
                failed: f.failed(),
            })
            .collect(),
        apps: cards.apps.iter().map(app_card).collect(),
        repository_note: cards.repository_note(),
        revision: super::markdown::revision(outcomes).map(|r| {
            let mut at = format!("commit {}", r.commit);
            if let Some(b) = &r.branch {
                at.push_str(&format!(" on {b}"));
            }
            if let Some(d) = &r.date {
                at.push_str(&format!(", {d}"));
            }
            at
        }),
        open_checks: failed_checks.len() <= OPEN_UP_TO,
        failed_checks,
        passed_checks: repo
            .checks()
            .filter(|r| r.passed())
            .map(|r| (r.meta.code, r.meta.name, r.meta.factor.title()))
            .collect(),
        notices: outcomes
            .iter()
            .flat_map(|o| {
                o.project
                    .notices
                    .iter()
                    .map(move |n| format!("{}: {}", o.display_path(&n.path), n.message))
            })
            .collect(),
    };
    page.render().unwrap_or_else(|e| {
        format!(
            "<!DOCTYPE html><title>twelve</title><p>{}</p>\n",
            escape(&e.to_string())
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_escape_and_keep_code_spans() {
        assert_eq!(
            message_html("port `<8000>` & \"x\""),
            "port <code>&#60;8000&#62;</code> &#38; &#34;x&#34;"
        );
        assert_eq!(message_html("odd ` <b>"), "odd ` &#60;b&#62;");
    }

    #[test]
    fn references_become_links() {
        let h = doc_html(&link_references(
            "## References\n\n- https://12factor.net/config\n",
        ));
        assert!(
            h.contains("<a href=\"https://12factor.net/config\">https://12factor.net/config</a>"),
            "{h}"
        );
    }

    #[test]
    fn docs_drop_raw_html_and_demote_headings() {
        let h = doc_html("## What it does\n\n<script>alert(1)</script>\n\nSee `x`.\n");
        assert!(h.contains("<h3>What it does</h3>"), "{h}");
        assert!(!h.contains("<script"), "{h}");
        assert!(h.contains("<code>x</code>"), "{h}");
    }
}
