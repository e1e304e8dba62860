//! A rule's Markdown documentation, laid out for a terminal (`twelve explain`): headings on
//! their own line (bold in colour), paragraphs and list items wrapped to the width, code
//! blocks indented and never wrapped, inline code kept in backticks, links followed by their
//! address.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// Indent of code blocks.
const CODE_INDENT: &str = "    ";

pub fn render(markdown: &str, width: usize, color: bool) -> String {
    let width = width.max(20);
    let mut out = String::new();
    // the text of the paragraph, heading or item being read
    let mut text = String::new();
    let mut code: Option<String> = None;
    // list depth, and whether the current item's first line is still to come
    let mut depth = 0usize;
    let mut item_start = false;
    let mut link: Vec<String> = Vec::new();
    let blank = |out: &mut String| {
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
    };
    let flush = |out: &mut String, text: &mut String, depth: usize, item_start: &mut bool| {
        let words = std::mem::take(text);
        let words = words.trim();
        if words.is_empty() {
            return;
        }
        let indent = "  ".repeat(depth);
        let (first, rest) = if depth > 0 && *item_start {
            (format!("{}- ", "  ".repeat(depth - 1)), indent.clone())
        } else {
            (indent.clone(), indent.clone())
        };
        *item_start = false;
        let opts = textwrap::Options::new(width)
            .initial_indent(&first)
            .subsequent_indent(&rest)
            .word_splitter(textwrap::WordSplitter::NoHyphenation);
        for line in textwrap::wrap(words, opts) {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    };
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                flush(&mut out, &mut text, depth, &mut item_start);
                blank(&mut out);
            }
            Event::End(TagEnd::Heading(_)) => {
                let title = std::mem::take(&mut text);
                if color {
                    out.push_str(&format!("\x1b[1m{}\x1b[0m\n", title.trim()));
                } else {
                    out.push_str(title.trim());
                    out.push('\n');
                }
            }
            Event::Start(Tag::Paragraph) if depth == 0 => blank(&mut out),
            Event::End(TagEnd::Paragraph) => flush(&mut out, &mut text, depth, &mut item_start),
            Event::Start(Tag::List(_)) => {
                flush(&mut out, &mut text, depth, &mut item_start);
                if depth == 0 {
                    blank(&mut out);
                }
                depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                flush(&mut out, &mut text, depth, &mut item_start);
                depth = depth.saturating_sub(1);
            }
            Event::Start(Tag::Item) => {
                flush(&mut out, &mut text, depth, &mut item_start);
                item_start = true;
            }
            Event::End(TagEnd::Item) => flush(&mut out, &mut text, depth, &mut item_start),
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut out, &mut text, depth, &mut item_start);
                blank(&mut out);
                code = Some(String::new());
            }
            Event::End(TagEnd::CodeBlock) => {
                for line in code.take().unwrap_or_default().lines() {
                    out.push_str(CODE_INDENT);
                    out.push_str(line);
                    out.push('\n');
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => link.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link.pop()
                    && !text.ends_with(url.as_str())
                {
                    text.push_str(&format!(" <{url}>"));
                }
            }
            Event::Text(t) => match &mut code {
                Some(c) => c.push_str(&t),
                None => text.push_str(&t),
            },
            Event::Code(t) => {
                text.push('`');
                text.push_str(&t);
                text.push('`');
            }
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::Rule => {
                blank(&mut out);
                out.push_str(&"─".repeat(width.min(40)));
                out.push('\n');
            }
            _ => {}
        }
    }
    flush(&mut out, &mut text, depth, &mut item_start);
    out
}

#[cfg(test)]
mod tests {
    use super::render;

    const DOC: &str = "## What it does\n\nCompares every place an app's port is stated: Dockerfile `EXPOSE`, compose container ports and `expose`, Kubernetes `containerPort`, the start command's flags.\n\n## Example\n\n```yaml\nports: [\"8080:80\"]\n```\n\n- one item that is long enough to be wrapped onto a second line at forty columns\n- two\n\n## References\n\n- https://12factor.net/port-binding\n- [the spec](https://example.com/spec)\n";

    #[test]
    fn wraps_paragraphs_keeps_code_and_lists() {
        let t = render(DOC, 40, false);
        for line in t.lines() {
            // code is never wrapped; nothing else is wider than the width
            if !line.starts_with("    ") {
                assert!(line.chars().count() <= 40, "{line:?}\n{t}");
            }
        }
        assert!(t.starts_with("What it does\n\nCompares every place"), "{t}");
        assert!(t.contains("\n\n    ports: [\"8080:80\"]\n"), "{t}");
        assert!(
            t.contains("\n- one item that is long enough to be\n  wrapped"),
            "{t}"
        );
        assert!(t.contains("`containerPort`"), "{t}");
        assert!(t.contains("- the spec <https://example.com/spec>"), "{t}");
        assert!(t.contains("- https://12factor.net/port-binding\n"), "{t}");
        assert!(!t.contains("##"), "{t}");
        // bold headings only in colour
        assert!(render(DOC, 40, true).contains("\x1b[1mExample\x1b[0m"));
    }

    #[test]
    fn every_rule_doc_renders_within_the_width() {
        for r in crate::rules::registry() {
            let t = render(r.meta().doc, 72, false);
            assert!(t.len() > 100, "{}", r.meta().code);
            for line in t.lines().filter(|l| !l.starts_with("    ")) {
                // a single word longer than the width (a URL) stays whole
                if line.contains(' ') && !line.trim_start().starts_with("- http") {
                    assert!(line.chars().count() <= 72, "{}: {line}", r.meta().code);
                }
            }
        }
    }
}
