//! The scorecard as GitHub-flavoured Markdown: fits a pull-request comment or
//! `$GITHUB_STEP_SUMMARY`. A table per factor, apps when there are several, and the failed
//! checks with their findings folded under `<details>`.

use super::failed_checks;
use crate::outcome::Outcome;
use crate::score::Scorecards;
use std::fmt::Write;

/// Findings listed per failed check before "… and N more" (a PR comment holds 65,536 chars).
const MAX_FINDINGS: usize = 10;

/// Escape text for inline Markdown, leaving `code spans` as they are.
fn inline(text: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 {
            out.push_str(part);
            continue;
        }
        for ch in part.chars() {
            match ch {
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '\\' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                    out.push('\\');
                    out.push(ch);
                }
                '\n' | '\r' => out.push(' '),
                c => out.push(c),
            }
        }
    }
    // an unbalanced backtick would open a code span to the end of the line
    if text.matches('`').count() % 2 == 1 {
        out = out.replace('`', "\\`");
    }
    out
}

/// A code span holding arbitrary text.
fn code(text: &str) -> String {
    let t = text.replace(['\n', '\r'], " ");
    if t.contains('`') {
        format!("`` {t} ``")
    } else {
        format!("`{t}`")
    }
}

fn bar(tenths: u32) -> String {
    let filled = ((tenths + 5) / 10) as usize;
    format!("{}{}", "█".repeat(filled), "░".repeat(10 - filled))
}

/// The revision of the repository scored, when it is one git work tree.
pub struct Revision {
    /// The commit, abbreviated to 12 hex digits.
    pub commit: String,
    pub branch: Option<String>,
    /// The committer date (`2026-12-05`).
    pub date: Option<String>,
}

pub fn revision(outcomes: &[Outcome]) -> Option<Revision> {
    let [o] = outcomes else {
        return None;
    };
    let head = o.project.git_head.as_ref()?;
    Some(Revision {
        commit: head.commit.chars().take(12).collect(),
        branch: head.branch.clone(),
        date: head.date.clone(),
    })
}

pub fn render(outcomes: &[Outcome], cards: &Scorecards) -> String {
    let mut s = String::new();
    let repo = &cards.repository;
    let _ = writeln!(s, "## 12-factor scorecard: {}\n", repo.headline());
    let _ = writeln!(
        s,
        "**{}**{} · {} of 12 factors apply · {} checks: {} passed, {} failed\n",
        inline(&repo.name),
        revision(outcomes)
            .map(|r| {
                let mut at = format!(" at {}", code(&r.commit));
                if let Some(b) = &r.branch {
                    let _ = write!(at, " on {}", code(b));
                }
                if let Some(d) = &r.date {
                    let _ = write!(at, " ({d})");
                }
                at
            })
            .unwrap_or_default(),
        repo.applicable().count(),
        repo.passed() + repo.failed(),
        repo.passed(),
        repo.failed()
    );
    let _ = writeln!(s, "| Factor | Score | | Checks |");
    let _ = writeln!(s, "| :-- | --: | :-- | :-- |");
    for f in &repo.factors {
        let title = f.factor.title();
        match f.tenths() {
            Some(t) => {
                let checks = if f.failed() == 0 {
                    format!("✅ {} passed", f.passed())
                } else {
                    format!("❌ {} failed · {} passed", f.failed(), f.passed())
                };
                let _ = writeln!(
                    s,
                    "| {title} | **{}** | `{}` | {checks} |",
                    f.display(),
                    bar(t)
                );
            }
            None => {
                let _ = writeln!(s, "| {title} | n/a | | no check applies |");
            }
        }
    }
    if cards.apps.len() > 1 {
        let _ = writeln!(s, "\n| App | Score | Grade | Failed checks |");
        let _ = writeln!(s, "| :-- | --: | :-: | :-- |");
        for app in &cards.apps {
            let failed: Vec<String> = app
                .checks()
                .filter(|c| !c.passed())
                .map(|c| format!("`{}`", c.meta.code))
                .collect();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                inline(&app.name),
                app.overall().map_or("n/a".into(), |o| o.to_string()),
                app.grade().map_or("–", |g| g.as_str()),
                if failed.is_empty() {
                    "none".into()
                } else {
                    failed.join(" ")
                }
            );
        }
    }
    if let Some(note) = cards.repository_note() {
        let _ = writeln!(s, "\n{}", inline(&note));
    }
    let failed = failed_checks(outcomes, repo);
    if !failed.is_empty() {
        let _ = writeln!(
            s,
            "\n<details>\n<summary>{} failed check{}</summary>\n",
            failed.len(),
            if failed.len() == 1 { "" } else { "s" }
        );
        for fc in &failed {
            let m = fc.result.meta;
            let _ = writeln!(
                s,
                "#### {} {} · {} · {}\n\n{}\n",
                m.code,
                m.name,
                m.factor.title(),
                fc.result.severity.as_str(),
                inline(m.summary)
            );
            for f in fc.findings.iter().take(MAX_FINDINGS) {
                match &f.place {
                    Some(p) => {
                        let _ = writeln!(s, "- {} {}", code(p), inline(f.message));
                    }
                    None => {
                        let _ = writeln!(s, "- {}", inline(f.message));
                    }
                }
            }
            if fc.findings.len() > MAX_FINDINGS {
                let _ = writeln!(
                    s,
                    "- … and {} more (`twelve check` lists them all)",
                    fc.findings.len() - MAX_FINDINGS
                );
            }
            let _ = writeln!(s);
        }
        let _ = writeln!(s, "</details>\n");
    } else {
        let _ = writeln!(s);
    }
    if cards.unparsed > 0 {
        let _ = writeln!(
            s,
            "> [!WARNING]\n> {} file{} could not be parsed (TF0001); {} content was not scored.\n",
            cards.unparsed,
            if cards.unparsed == 1 { "" } else { "s" },
            if cards.unparsed == 1 { "its" } else { "their" }
        );
    }
    let _ = writeln!(
        s,
        "<sub>twelve {} · each factor scores its applicable checks weighted error 3, warning 2, info 1; the score is their mean × 10 · grades A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60</sub>",
        env!("CARGO_PKG_VERSION")
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_escapes_outside_code_spans_only() {
        assert_eq!(inline("a <b> `x<y>` *c*"), "a &lt;b&gt; `x<y>` \\*c\\*");
        assert_eq!(inline("odd ` tick"), "odd \\` tick");
        assert_eq!(code("a`b"), "`` a`b ``");
    }
}
