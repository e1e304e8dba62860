//! Source files as read from disk, with a line table for byte offset <-> line/column.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::text::{self, Lines};
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// Index of a file in the project's list of files read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct FileId(pub u32);

/// A byte range into one file's text.
pub type Span = Range<usize>;

/// Where a fact came from: a file and a byte span in it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    pub file: FileId,
    pub span: Span,
}

impl Ord for Origin {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.file, self.span.start, self.span.end).cmp(&(
            other.file,
            other.span.start,
            other.span.end,
        ))
    }
}

impl PartialOrd for Origin {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Origin {
    pub fn new(file: FileId, span: Span) -> Self {
        Origin { file, span }
    }
}

/// A file that was read: its path relative to the scan root (always with `/`) and its text.
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// Path relative to the root, `/`-separated.
    pub rel: Arc<str>,
    /// Path on disk.
    pub abs: Arc<Path>,
    text: String,
    lines: Lines,
    /// The text was dropped once the file's facts were extracted (source code, whose facts
    /// are all the model keeps of it): `text()` is empty until `reload`. What a finding may
    /// still ask of it without its text is kept: the span of its first line, its line count.
    unloaded: Option<(Span, usize)>,
}

impl SourceFile {
    pub fn new(id: FileId, rel: Arc<str>, abs: Arc<Path>, text: String) -> Self {
        let lines = Lines::new(&text);
        SourceFile {
            id,
            rel,
            abs,
            text,
            lines,
            unloaded: None,
        }
    }

    /// A file whose text was read and dropped (see `unload`): `first_line` is the span of its
    /// first line, `lines` its line count.
    pub fn unloaded(
        id: FileId,
        rel: Arc<str>,
        abs: Arc<Path>,
        first_line: Span,
        lines: usize,
    ) -> Self {
        SourceFile {
            id,
            rel,
            abs,
            text: String::new(),
            lines: Lines::new(""),
            unloaded: Some((first_line, lines)),
        }
    }

    /// The span of the first line and the line count of a text, as an unloaded file keeps them.
    pub fn outline(text: &str) -> (Span, usize) {
        // as `Lines` counts them, without building its tables
        let b = text.as_bytes();
        let first = memchr::memchr(b'\n', b).unwrap_or(b.len());
        (0..first, memchr::memchr_iter(b'\n', b).count() + 1)
    }

    /// The file's text; empty while it is unloaded.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the text was dropped (see `unloaded`).
    pub fn is_unloaded(&self) -> bool {
        self.unloaded.is_some()
    }

    /// Give an unloaded file its text again (read anew from disk).
    pub fn reload(&mut self, text: String) {
        self.lines = Lines::new(&text);
        self.text = text;
        self.unloaded = None;
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.lines.line_col(&self.text, offset)
    }

    /// Byte offset of a 1-based line and a 0-based column counted in characters.
    pub fn offset_of(&self, line: usize, col_chars: usize) -> usize {
        self.lines.offset(&self.text, line, col_chars)
    }

    /// Byte range of the whole 1-based line, without its newline.
    pub fn line_span(&self, line: usize) -> Span {
        match &self.unloaded {
            Some((first, _)) if line == 1 => first.clone(),
            _ => self.lines.line_span(&self.text, line),
        }
    }

    pub fn line_count(&self) -> usize {
        match &self.unloaded {
            Some((_, n)) => *n,
            None => self.lines.count(),
        }
    }

    /// Clamp an offset into the text and onto a char boundary.
    pub fn clamp(&self, offset: usize) -> usize {
        text::floor_boundary(&self.text, offset)
    }

    /// The text of a span, its ends moved onto char boundaries inside the text.
    pub fn slice(&self, span: &Span) -> &str {
        let s = self.clamp(span.start);
        let e = self.clamp(span.end.max(span.start));
        self.text.get(s..e).unwrap_or_default()
    }
}

/// Index from 1-based line and character column to byte offsets, for parsers that report
/// character positions (saphyr). Works on any `&str`.
pub struct LineIndex<'a> {
    text: &'a str,
    lines: Lines,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            lines: Lines::new(text),
        }
    }
    /// Lines as YAML counts them (a lone `\r` ends one too), as saphyr reports them.
    pub fn yaml(text: &'a str) -> Self {
        LineIndex {
            text,
            lines: Lines::yaml(text),
        }
    }
    /// 0-based line of a byte offset.
    pub fn line_at(&self, offset: usize) -> usize {
        self.lines.line_at(offset)
    }
    /// Byte offset of a 1-based line and a 0-based column in characters, clamped to the line.
    pub fn offset(&self, line: usize, col_chars: usize) -> usize {
        self.lines.offset(self.text, line, col_chars)
    }
}

/// Spans of many files, asked whether one of them covers a range: sorted once, each question
/// a binary search (not a scan of every span).
#[derive(Debug, Default)]
pub struct Coverage {
    /// Per file: spans sorted by start, with the greatest end up to each.
    files: foldhash::HashMap<FileId, (Vec<Span>, Vec<usize>)>,
}

impl Coverage {
    pub fn new(spans: impl IntoIterator<Item = Origin>) -> Coverage {
        let mut by_file: foldhash::HashMap<FileId, Vec<Span>> = Default::default();
        for o in spans {
            by_file.entry(o.file).or_default().push(o.span);
        }
        let files = by_file
            .into_iter()
            .map(|(f, mut v)| {
                v.sort_by_key(|s| s.start);
                let mut most = 0;
                let ends = v
                    .iter()
                    .map(|s| {
                        most = most.max(s.end.max(s.start));
                        most
                    })
                    .collect();
                (f, (v, ends))
            })
            .collect();
        Coverage { files }
    }

    /// Whether one span of `file` holds all of `range`.
    pub fn covers(&self, file: FileId, range: &Span) -> bool {
        let Some((spans, ends)) = self.files.get(&file) else {
            return false;
        };
        // the spans starting at or before the range; the widest reach among them decides
        let n = spans.partition_point(|s| s.start <= range.start);
        n > 0 && ends.get(n - 1).is_some_and(|e| *e >= range.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coverage() {
        let f = FileId(0);
        let c = Coverage::new([
            Origin::new(f, 10..20),
            Origin::new(f, 0..5),
            Origin::new(f, 12..30),
        ]);
        assert!(c.covers(f, &(1..4)));
        assert!(c.covers(f, &(15..25)));
        assert!(!c.covers(f, &(4..11)));
        assert!(!c.covers(f, &(31..32)));
        assert!(!c.covers(FileId(1), &(1..2)));
    }

    proptest::proptest! {
        /// An unloaded file's outline is what the loaded file says of its first line and its
        /// line count.
        #[test]
        fn outline_is_what_the_line_table_says(text in "(a|é|😀|\r|\n|\r\n| ){0,40}") {
            let lines = Lines::new(&text);
            proptest::prop_assert_eq!(
                SourceFile::outline(&text),
                (lines.line_span(&text, 1), lines.count())
            );
        }
    }
}
