//! The scorecard as a terminal table, and the one-line score summary that ends `check`.

use crate::score::{Grade, Scorecard, Scorecards};
use owo_colors::{OwoColorize, Style};
use std::fmt::Write;

/// Bar width in cells: one cell per half point.
const BAR: usize = 20;

fn paint(text: &str, style: Style, color: bool) -> String {
    if color {
        text.style(style).to_string()
    } else {
        text.to_string()
    }
}

/// The colour of a score in tenths of a factor point (0–100) or overall points (0–100).
fn score_style(points: u32) -> Style {
    match Grade::of(points) {
        Grade::A => Style::new().green(),
        Grade::B => Style::new().bright_green(),
        Grade::C => Style::new().yellow(),
        Grade::D => Style::new().bright_red(),
        Grade::F => Style::new().red(),
    }
}

fn bar(tenths: u32, width: usize, color: bool) -> String {
    let filled = ((tenths as usize * width * 2 + 100) / 200).min(width);
    format!(
        "{}{}",
        paint(&"█".repeat(filled), score_style(tenths), color),
        paint(&"░".repeat(width - filled), Style::new().dimmed(), color)
    )
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// One scorecard's factor rows and overall line.
fn card(s: &mut String, c: &Scorecard, color: bool, width: usize) {
    let name_w = 20;
    for f in &c.factors {
        let label = format!(
            "{:<5} {:<name_w$}",
            crate::factor::numeral(f.factor),
            crate::factor::factor_name(f.factor)
        );
        match f.tenths() {
            Some(t) => {
                let counts = if f.failed() == 0 {
                    format!("{} passed", f.passed())
                } else {
                    format!("{} passed · {} failed", f.passed(), f.failed())
                };
                let _ = writeln!(
                    s,
                    "  {label} {:>4}  {}  {counts}",
                    paint(&f.display(), score_style(t).bold(), color),
                    bar(t, width, color),
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "  {} {:>4}  {}",
                    paint(&label, Style::new().dimmed(), color),
                    paint("n/a", Style::new().dimmed(), color),
                    paint("no check applies", Style::new().dimmed(), color)
                );
            }
        }
    }
    let _ = writeln!(s);
    let applicable = c.applicable().count();
    match (c.overall(), c.grade()) {
        (Some(o), Some(g)) => {
            let _ = writeln!(
                s,
                "  {}  {}  {}   {} of 12 factors apply · {}: {} passed, {} failed",
                paint("Overall", Style::new().bold(), color),
                paint(&format!("{o:>3}/100"), score_style(o).bold(), color),
                paint(g.as_str(), score_style(o).bold(), color),
                applicable,
                plural(c.passed() + c.failed(), "check"),
                c.passed(),
                c.failed()
            );
        }
        _ => {
            let _ = writeln!(s, "  Overall  n/a: no check applies to this repository");
        }
    }
}

/// Widest app-name column of the apps table.
const APP_NAME_MAX: usize = 40;

/// One line per app: its score and grade, then each factor's score, so that a repository of
/// twenty apps stays one screen.
fn apps(s: &mut String, apps: &[Scorecard], color: bool) {
    let width = apps
        .iter()
        .map(|a| a.name.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(12, APP_NAME_MAX);
    let head: String = (1..=12u8)
        .map(|f| format!("{:>5}", crate::factor::numeral(crate::rules::Factor(f))))
        .collect();
    let _ = writeln!(
        s,
        "\n{}",
        paint(
            &format!("  {:<width$} {:>8} {head}", "Apps", "Score"),
            Style::new().bold(),
            color
        )
    );
    for app in apps {
        let mut name: String = app.name.chars().take(width).collect();
        if app.name.chars().count() > width {
            name.pop();
            name.push('…');
        }
        let overall = match (app.overall(), app.grade()) {
            (Some(o), Some(g)) => paint(
                &format!("{:>6} {}", o, g.as_str()),
                score_style(o).bold(),
                color,
            ),
            _ => format!("{:>8}", "n/a"),
        };
        let cells: String = app
            .factors
            .iter()
            .map(|f| match f.tenths() {
                Some(t) => paint(&format!("{:>5}", f.display()), score_style(t), color),
                None => paint(&format!("{:>5}", "–"), Style::new().dimmed(), color),
            })
            .collect();
        let _ = writeln!(s, "  {name:<width$} {overall} {cells}");
    }
}

pub fn render(cards: &Scorecards, color: bool) -> String {
    let mut s = String::new();
    let repo = &cards.repository;
    let _ = writeln!(
        s,
        "{} · {}\n",
        paint("twelve scorecard", Style::new().bold(), color),
        repo.name
    );
    card(&mut s, repo, color, BAR);
    if cards.apps.len() > 1 {
        apps(&mut s, &cards.apps, color);
        if let Some(note) = cards.repository_note() {
            let opts = textwrap::Options::new(100)
                .initial_indent("  ")
                .subsequent_indent("  ")
                .word_splitter(textwrap::WordSplitter::NoHyphenation);
            let _ = writeln!(s);
            for line in textwrap::wrap(&note, opts) {
                let _ = writeln!(s, "{}", paint(&line, Style::new().dimmed(), color));
            }
        }
    }
    let failed: Vec<_> = repo.checks().filter(|c| !c.passed()).collect();
    if !failed.is_empty() {
        let _ = writeln!(
            s,
            "\n{}",
            paint("Failed checks", Style::new().bold(), color)
        );
        for c in &failed {
            let _ = writeln!(
                s,
                "  {} {:<5} {} {:<30} {:<8} {}",
                paint("✗", Style::new().red(), color),
                crate::factor::numeral(c.meta.factor),
                paint(c.meta.code, Style::new().bold(), color),
                c.meta.name,
                c.severity.as_str(),
                plural(c.findings, "finding")
            );
        }
        let _ = writeln!(
            s,
            "\n  `twelve check` shows each finding; `twelve explain CODE` explains a check."
        );
    }
    if cards.unparsed > 0 {
        let _ = writeln!(
            s,
            "\n  note: {} could not be parsed and {} not checked (TF0001)",
            plural(cards.unparsed, "file"),
            if cards.unparsed == 1 { "was" } else { "were" }
        );
    }
    let _ = writeln!(
        s,
        "\n  {}",
        paint(
            "Score = mean of applicable factor scores; a factor = passed/applicable checks weighted error 3, warning 2, info 1.",
            Style::new().dimmed(),
            color
        )
    );
    s
}

/// The line that ends the human `check` report of a selection of files (a pre-commit hook's),
/// for which only the code of the projects holding them was read.
pub const FOCUSED_SUMMARY: &str =
    "Score: n/a for a selection of files · `twelve score` scores the repository\n";

/// The line that ends the human `check` report.
pub fn summary_line(c: &Scorecard, color: bool) -> String {
    let Some(o) = c.overall() else {
        return "Score: n/a (no check applies)\n".into();
    };
    let mut weakest: Vec<_> = c
        .applicable()
        .filter_map(|f| Some((f.tenths()?, f)))
        .filter(|(t, _)| *t < 100)
        .collect();
    weakest.sort_by_key(|(t, f)| (*t, f.factor));
    let weak = weakest
        .iter()
        .take(3)
        .map(|(_, f)| format!("{} {}", f.factor.title(), f.display()))
        .collect::<Vec<_>>()
        .join(", ");
    let head = paint(&c.headline(), score_style(o).bold(), color);
    if weak.is_empty() {
        format!(
            "Score: {head} · every applicable factor at 10 · `twelve score` for the scorecard\n"
        )
    } else {
        format!("Score: {head} · weakest: {weak} · `twelve score` for the scorecard\n")
    }
}
