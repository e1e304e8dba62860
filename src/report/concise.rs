//! `path:line:col: CODE [severity] message`, one line per finding.

use super::position;
use crate::outcome::Outcome;
use std::fmt::Write;

pub fn render(outcomes: &[Outcome]) -> String {
    let mut s = String::new();
    for o in outcomes {
        for d in &o.diagnostics {
            let loc = match position(o, d) {
                Some((p, l, c)) => format!("{p}:{l}:{c}"),
                None => o.display_root.display().to_string(),
            };
            // one line per finding, whatever a path or message holds
            let line = format!("{loc}: {} [{}] {}", d.code, d.severity.as_str(), d.message);
            let _ = writeln!(s, "{}", crate::text::terminal_line(&line));
        }
    }
    s
}
