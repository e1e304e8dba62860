//! Source files as read from disk, with a line table for byte offset <-> line/column.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::text::{self, Lines};
use std::ops::Range;
use std::path::PathBuf;

/// Index of a file in [`crate::model::Project::files`].
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
    pub rel: String,
    /// Path on disk.
    pub abs: PathBuf,
    pub text: String,
    lines: Lines,
}

impl SourceFile {
    pub fn new(id: FileId, rel: String, abs: PathBuf, text: String) -> Self {
        let lines = Lines::new(&text);
        SourceFile {
            id,
            rel,
            abs,
            text,
            lines,
        }
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
        self.lines.line_span(&self.text, line)
    }

    pub fn line_count(&self) -> usize {
        self.lines.count()
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
    /// Byte offset of a 1-based line and a 0-based column in characters, clamped to the line.
    pub fn offset(&self, line: usize, col_chars: usize) -> usize {
        self.lines.offset(self.text, line, col_chars)
    }
}
