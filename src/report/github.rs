//! GitHub Actions workflow commands: one annotation per finding, on its file and line, with
//! the rule as title. Values are escaped as the runner expects.

use super::position;
use crate::diagnostic::Severity;
use crate::outcome::Outcome;

/// Escape a command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a command property (`file=`, `title=`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    for o in outcomes {
        for d in &o.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut props = Vec::new();
            if let (Some((path, line, col)), Some(l)) = (position(o, d), &d.primary) {
                let f = o.project.file(l.origin.file);
                let (end_line, end_col) =
                    f.line_col(l.origin.span.end().max(l.origin.span.start()));
                props.push(format!(
                    "file={}",
                    property(&crate::text::terminal_safe(&path))
                ));
                props.push(format!("line={line}"));
                props.push(format!("col={col}"));
                props.push(format!("endLine={end_line}"));
                if end_line == line {
                    props.push(format!("endColumn={end_col}"));
                }
            }
            props.push(format!(
                "title={}",
                property(&format!("{} {}", d.code, d.name))
            ));
            let mut message = d.message.clone();
            if let Some(h) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(h);
            }
            // the runner prints the message in the job log, which renders terminal sequences
            out.push_str(&format!(
                "::{command} {}::{}\n",
                props.join(","),
                data(&crate::text::terminal_safe(&message))
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
    }
}
