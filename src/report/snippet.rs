//! The source text a human-report snippet shows: only the lines around its labels, each cut
//! to a readable width around what it labels, with the file's own line numbers and character
//! columns. Whatever the file (a 2 MiB line, a label over 50,000 lines, ten thousand
//! findings in one file), a finding costs a few lines of text, never a copy or a scan of the
//! whole file; and no byte of it can drive the terminal.

use crate::source::SourceFile;
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::ops::Range;

/// Characters of one line shown at most; a longer line is cut around its labels with `…`.
pub const MAX_SHOWN_LINE: usize = 160;
/// Characters shown before the first label on a cut line.
const LEAD: usize = 40;
/// Lines of one label shown at most; a longer label stops at the end of its last shown line.
pub const MAX_LABEL_LINES: usize = 12;

/// One line of the window: where it came from and how it was cut.
#[derive(Debug)]
struct Row {
    /// 0-based line of the file.
    line: usize,
    /// Byte range of the file kept on this row.
    kept: Range<usize>,
    /// Byte offset of the row in the window text, and of the kept text (after a `…`).
    at: usize,
    kept_at: usize,
    /// Characters of the file's line before the kept text.
    skipped_chars: usize,
}

/// The window of one snippet, as miette reads it.
#[derive(Debug)]
pub struct Window {
    name: String,
    text: String,
    rows: Vec<Row>,
}

/// Whether a character must not reach a terminal: controls (but tab), bidirectional
/// overrides and isolates.
fn unsafe_char(c: char) -> bool {
    (c.is_control() && c != '\t') || crate::text::is_bidi_control(c)
}

impl Window {
    /// The window of `text` (a file's masked text) for labels given as byte ranges of it;
    /// returns the window and each label's range in it.
    pub fn new(
        name: String,
        file: &SourceFile,
        text: &str,
        labels: &[Range<usize>],
    ) -> (Window, Vec<Range<usize>>) {
        let n = file.line_count();
        // each label, its end kept within MAX_LABEL_LINES lines
        let labels: Vec<Range<usize>> = labels
            .iter()
            .map(|r| {
                let r = crate::text::widen(text, r);
                let first = file.line_col(r.start).0;
                let last_byte = if r.end > r.start { r.end - 1 } else { r.end };
                let last = file.line_col(last_byte).0;
                if last >= first + MAX_LABEL_LINES {
                    let cut = file.line_span(first + MAX_LABEL_LINES - 1).end;
                    r.start..cut.max(r.start)
                } else {
                    r
                }
            })
            .collect();
        // the lines shown: each label's lines, one before and one after (0-based)
        // (the empty "line" after a final newline is no context line)
        let last_context = if text.ends_with('\n') {
            n.saturating_sub(2)
        } else {
            n - 1
        };
        let mut lines: Vec<usize> = Vec::new();
        for r in &labels {
            let first = file.line_col(r.start).0 - 1;
            let last = file
                .line_col(if r.end > r.start { r.end - 1 } else { r.end })
                .0
                - 1;
            lines.extend(first.saturating_sub(1)..first);
            lines.extend(first..=last);
            lines.extend((last + 1..=last + 1).filter(|l| *l <= last_context));
        }
        lines.sort_unstable();
        lines.dedup();
        let mut w = Window {
            name,
            text: String::new(),
            rows: Vec::with_capacity(lines.len()),
        };
        for line in lines {
            let span = file.line_span(line + 1);
            let content = text.get(span.clone()).unwrap_or_default();
            let content_end = span.start + content.trim_end_matches('\r').len();
            // what the labels cover on this line
            let mut focus: Option<Range<usize>> = None;
            for r in &labels {
                let a = r.start.max(span.start);
                let b = r.end.min(content_end);
                if a <= b && r.start <= content_end && r.end >= span.start {
                    focus = Some(match focus {
                        Some(f) => f.start.min(a)..f.end.max(b),
                        None => a..b,
                    });
                }
            }
            let kept = keep(text, span.start..content_end, focus, MAX_SHOWN_LINE);
            let skipped_chars = text
                .get(span.start..kept.start)
                .map_or(0, |s| s.chars().count());
            let at = w.text.len();
            if kept.start > span.start {
                w.text.push('…');
            }
            let kept_at = w.text.len();
            for c in text.get(kept.clone()).unwrap_or_default().chars() {
                if unsafe_char(c) {
                    // as many bytes as it had, so every offset still holds
                    w.text.extend(std::iter::repeat_n('?', c.len_utf8()));
                } else {
                    w.text.push(c);
                }
            }
            if kept.end < content_end {
                w.text.push('…');
            }
            w.text.push('\n');
            w.rows.push(Row {
                line,
                kept,
                at,
                kept_at,
                skipped_chars,
            });
        }
        let mapped = labels
            .iter()
            .map(|r| {
                let s = w.map(r.start);
                s..w.map(r.end).max(s)
            })
            .collect();
        (w, mapped)
    }

    /// The window offset of a file offset (clamped into the kept text of its row).
    fn map(&self, offset: usize) -> usize {
        let i = self
            .rows
            .partition_point(|r| r.kept.start <= offset)
            .saturating_sub(1);
        let Some(row) = self.rows.get(i) else {
            return 0;
        };
        let within = offset.clamp(row.kept.start, row.kept.end) - row.kept.start;
        if offset > row.kept.end {
            // past the kept text: the newline of the row (after a closing `…`)
            let next = self.rows.get(i + 1).map_or(self.text.len(), |r| r.at);
            return next.saturating_sub(1).max(row.kept_at + within);
        }
        row.kept_at + within
    }

    /// The row holding a window offset.
    fn row_at(&self, offset: usize) -> Option<&Row> {
        let i = self
            .rows
            .partition_point(|r| r.at <= offset)
            .saturating_sub(1);
        self.rows.get(i)
    }
}

/// The part of a line to show: all of it when at most `max` characters, else `max`
/// characters that start a little before what the labels cover.
pub fn keep(
    text: &str,
    line: Range<usize>,
    focus: Option<Range<usize>>,
    max: usize,
) -> Range<usize> {
    let content = text.get(line.clone()).unwrap_or_default();
    if content.len() <= max || content.chars().count() <= max {
        return line;
    }
    let focus_start = focus.map_or(line.start, |f| f.start);
    // back LEAD characters from the focus, then forward MAX_SHOWN_LINE characters
    let before = text.get(line.start..focus_start).unwrap_or_default();
    let start = before
        .char_indices()
        .rev()
        .nth(LEAD.saturating_sub(1))
        .map_or(line.start, |(i, _)| line.start + i);
    let rest = text.get(start..line.end).unwrap_or_default();
    let end = rest
        .char_indices()
        .nth(max)
        .map_or(line.end, |(i, _)| start + i);
    start..end
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        let data_start = inner.span().offset();
        let first = self.row_at(data_start);
        let line = first.map_or(0, |r| r.line);
        // the column of the span's start, in characters of the file's line
        let at = span.offset();
        let column = match self.row_at(at) {
            Some(r) if at >= r.kept_at => {
                r.skipped_chars
                    + self
                        .text
                        .get(r.kept_at..at)
                        .map_or(0, |s| s.chars().count())
            }
            Some(r) => r.skipped_chars,
            None => 0,
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            line,
            column,
            inner.line_count(),
        )))
    }
}
