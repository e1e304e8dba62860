//! Text helpers that cannot panic, for every module that handles text from scanned files.
//!
//! Offsets into a `&str` are bytes; a byte offset found in one string and applied to another,
//! or computed by arithmetic, may fall inside a multi-byte character, where slicing panics.
//! The library denies `clippy::string_slice`: text is cut with `str::get`, `split_once`,
//! `strip_prefix` or the helpers here, which never panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use std::borrow::Cow;
use std::ops::Range;

/// The greatest char boundary of `s` at or before `i` (`s.len()` when `i` is past the end).
pub fn floor_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    let mut i = i;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The least char boundary of `s` at or after `i` (`s.len()` when `i` is past the end).
pub fn ceil_boundary(s: &str, i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    let mut i = i;
    while !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// `span` shrunk or widened onto char boundaries of `s` and inside it: the start moves back,
/// the end forward, so the range covers every character the span touches.
pub fn widen(s: &str, span: &Range<usize>) -> Range<usize> {
    let start = floor_boundary(s, span.start);
    let end = ceil_boundary(s, span.end.max(span.start));
    start..end.max(start)
}

/// The text of `span` in `s` widened onto char boundaries; never panics.
pub fn cut<'a>(s: &'a str, span: &Range<usize>) -> &'a str {
    s.get(widen(s, span)).unwrap_or_default()
}

/// `s` up to byte `i` (rounded down to a char boundary).
pub fn head(s: &str, i: usize) -> &str {
    s.get(..floor_boundary(s, i)).unwrap_or_default()
}

/// `s` from byte `i` (rounded up to a char boundary).
pub fn tail(s: &str, i: usize) -> &str {
    s.get(ceil_boundary(s, i)..).unwrap_or_default()
}

/// At most `max` bytes of `s`, cut at a char boundary, with `…` when something was left out.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if s.len() <= max {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(format!("{}…", head(s, max)))
    }
}

/// Whether a character moves the cursor, rewrites the screen or hides text on a terminal:
/// C0 and C1 controls (ESC starts every escape sequence; BEL and ST end OSC links), DEL, and
/// the bidirectional overrides and isolates that reorder what is shown.
fn is_terminal_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// The bidirectional formatting characters: embeddings, overrides and isolates, and the
/// marks (LRM, RLM, ALM) that reorder the neutral text around them.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// Text from a scanned file made safe to print on a terminal: every control character (but
/// newline and tab) and every bidirectional override is written as a visible `\u{…}` escape,
/// so a name cannot clear the screen, forge a link or reorder a line.
pub fn terminal_safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_terminal_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_terminal_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Like [`terminal_safe`] for text that must stay on one line: newlines are escaped too.
pub fn terminal_line(s: &str) -> Cow<'_, str> {
    if !s.contains(['\n', '\t']) {
        return terminal_safe(s);
    }
    let escaped = s.replace('\n', "\\n").replace('\t', "\\t");
    Cow::Owned(terminal_safe(&escaped).into_owned())
}

/// Whether XML 1.0 allows a character: tab, newline, carriage return, and everything from
/// U+0020 but the surrogates and the non-characters U+FFFE and U+FFFF.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Text made valid in an XML document: each character XML 1.0 forbids becomes a visible
/// `\u{…}` escape (escaping of `<`, `&` and quotes is the XML writer's job).
pub fn xml_safe(s: &str) -> Cow<'_, str> {
    if s.chars().all(is_xml_char) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_xml_char(c) {
            out.push(c);
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

/// Strip a leading UTF-8 byte-order mark.
pub fn strip_bom(s: String) -> String {
    match s.strip_prefix('\u{FEFF}') {
        Some(rest) => rest.to_string(),
        None => s,
    }
}

/// Characters between consecutive checkpoints of a [`Lines`] index.
const CHUNK: usize = 64;

/// Line starts of a text, and a sparse table from character index to byte offset, so that
/// both directions (byte offset ↔ line and character column) take logarithmic time plus at
/// most [`CHUNK`] characters of walking, however long a line is. Owns no text: each method
/// takes the text it was built from. Offsets are kept as `u32` (twelve reads no file over a
/// few MiB; a longer text saturates rather than wraps), and the character tables only for a
/// text that is not all ASCII, built the first time a column is asked: a project holds one of
/// these per file read, and asks columns of the few files with findings.
#[derive(Debug, Clone, Default)]
pub struct Lines {
    /// Byte offset of each line's start.
    starts: Vec<u32>,
    ascii: bool,
    /// For a text that is not all ASCII, once a column was asked.
    chars: std::sync::OnceLock<Box<CharTables>>,
}

/// The character tables of a [`Lines`] over a text that is not all ASCII.
#[derive(Debug, Clone, Default)]
struct CharTables {
    /// The character index of each line's start.
    line_chars: Vec<u32>,
    /// The byte offset of every `CHUNK`-th character.
    marks: Vec<u32>,
}

/// An offset or index into a text, as a [`Lines`] keeps it.
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl Lines {
    /// Lines ended by `\n`, as editors and reports count them.
    pub fn new(text: &str) -> Lines {
        Lines::build(text, false)
    }

    /// Lines as YAML counts them: ended by `\n`, `\r\n` or a lone `\r`.
    pub fn yaml(text: &str) -> Lines {
        Lines::build(text, true)
    }

    fn build(text: &str, lone_cr: bool) -> Lines {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        if lone_cr {
            starts.extend(memchr::memchr2_iter(b'\n', b'\r', bytes).filter_map(|i| {
                let ends = bytes.get(i) == Some(&b'\n') || bytes.get(i + 1) != Some(&b'\n');
                ends.then_some(narrow(i + 1))
            }));
        } else {
            starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| narrow(i + 1)));
        }
        starts.shrink_to_fit();
        Lines {
            starts,
            ascii: text.is_ascii(),
            chars: std::sync::OnceLock::new(),
        }
    }

    /// The character tables of `text` (`None` for ASCII), built on first use.
    fn chars(&self, text: &str) -> Option<&CharTables> {
        if self.ascii {
            return None;
        }
        let tables = self.chars.get_or_init(|| {
            let mut line_chars = Vec::with_capacity(self.starts.len());
            let mut marks = Vec::with_capacity(text.len() / CHUNK + 1);
            let mut line = 0;
            let mut total = 0;
            for (ci, (bi, _)) in text.char_indices().enumerate() {
                if ci % CHUNK == 0 {
                    marks.push(narrow(bi));
                }
                while self.starts.get(line).is_some_and(|s| *s as usize == bi) {
                    line_chars.push(narrow(ci));
                    line += 1;
                }
                total = ci + 1;
            }
            line_chars.resize(self.starts.len(), narrow(total));
            marks.shrink_to_fit();
            Box::new(CharTables { line_chars, marks })
        });
        Some(tables)
    }

    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line of a byte offset.
    pub fn line_at(&self, offset: usize) -> usize {
        self.line_of(offset)
    }

    /// Byte offset where a 0-based line starts (`None` past the last line).
    pub fn start_of(&self, line: usize) -> Option<usize> {
        self.starts.get(line).map(|s| *s as usize)
    }

    /// 0-based line of a byte offset (clamped into the text).
    fn line_of(&self, offset: usize) -> usize {
        match self.starts.binary_search(&narrow(offset)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte range of a 0-based line, without its newline.
    fn line_range(&self, text: &str, line: usize) -> Option<Range<usize>> {
        let start = self.start_of(line)?;
        let end = self.start_of(line + 1).map_or(text.len(), |e| e - 1);
        Some(start..end.max(start))
    }

    /// The character index of a byte offset that is a char boundary.
    fn char_index(&self, text: &str, offset: usize) -> usize {
        let Some(chars) = self.chars(text) else {
            return offset;
        };
        let k = match chars.marks.binary_search(&narrow(offset)) {
            Ok(k) => return k * CHUNK,
            Err(k) => k.saturating_sub(1),
        };
        let from = chars.marks.get(k).map_or(0, |m| *m as usize);
        k * CHUNK + text.get(from..offset).map_or(0, |s| s.chars().count())
    }

    /// The byte offset of a character index (`text.len()` past the end).
    fn char_offset(&self, text: &str, ci: usize) -> usize {
        let Some(chars) = self.chars(text) else {
            return ci.min(text.len());
        };
        let Some(from) = chars.marks.get(ci / CHUNK).map(|m| *m as usize) else {
            return text.len();
        };
        let rest = text.get(from..).unwrap_or_default();
        from + rest
            .char_indices()
            .nth(ci % CHUNK)
            .map(|(i, _)| i)
            .unwrap_or(rest.len())
    }

    /// 1-based line and 1-based column (in characters) of a byte offset, which is clamped
    /// into the text and onto a char boundary.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_boundary(text, offset);
        let line = self.line_of(offset);
        let start = self.start_of(line).unwrap_or(0);
        let col = self.char_index(text, offset) - self.char_index(text, start);
        (line + 1, col + 1)
    }

    /// Byte offset of a 1-based line and a 0-based column counted in characters, clamped to
    /// the end of that line (`text.len()` for a line past the end).
    pub fn offset(&self, text: &str, line: usize, col_chars: usize) -> usize {
        let Some(range) = self.line_range(text, line.saturating_sub(1)) else {
            return text.len();
        };
        let Some(chars) = self.chars(text) else {
            return (range.start + col_chars).min(range.end);
        };
        let first = chars
            .line_chars
            .get(line.saturating_sub(1))
            .map_or(0, |c| *c as usize);
        self.char_offset(text, first.saturating_add(col_chars))
            .clamp(range.start, range.end)
    }

    /// Byte range of the whole 1-based line, without its newline.
    pub fn line_span(&self, text: &str, line: usize) -> Range<usize> {
        self.line_range(text, line.saturating_sub(1))
            .unwrap_or(text.len()..text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries() {
        let s = "a’b";
        assert_eq!(floor_boundary(s, 2), 1);
        assert_eq!(ceil_boundary(s, 2), 4);
        assert_eq!(cut(s, &(2..3)), "’");
        assert_eq!(head(s, 3), "a");
        assert_eq!(tail(s, 2), "b");
        assert_eq!(cut(s, &(9..12)), "");
        assert_eq!(truncate("héllo", 2), "h…");
    }

    #[test]
    fn escapes() {
        assert_eq!(terminal_safe("a\u{1b}]8;;x\u{7}b"), "a\\u{1b}]8;;x\\u{7}b");
        assert_eq!(terminal_safe("a\u{202e}b\nc"), "a\\u{202e}b\nc");
        assert_eq!(terminal_line("a\nb"), "a\\nb");
        assert_eq!(xml_safe("a\u{fffe}b\u{1}"), "a\\u{fffe}b\\u{1}");
        assert!(matches!(xml_safe("plain é"), Cow::Borrowed(_)));
    }

    #[test]
    fn yaml_lines_end_at_a_lone_carriage_return() {
        let text = "a\rb\r\nc\nd";
        let y = Lines::yaml(text);
        assert_eq!(y.count(), 4);
        assert_eq!(y.offset(text, 2, 0), 2);
        assert_eq!(y.offset(text, 3, 0), 5);
        assert_eq!(y.offset(text, 4, 0), 7);
        assert_eq!(Lines::new(text).count(), 3);
        // a carriage return last, and one before a CRLF
        assert_eq!(Lines::yaml("a\r").count(), 2);
        let y = Lines::yaml("\r\r\nx");
        assert_eq!(y.count(), 3);
        assert_eq!(y.offset("\r\r\nx", 3, 0), 3);
    }

    /// Every char boundary of `text`, both ways through a `Lines`, against a line split by hand.
    fn check_both_ways(text: &str) {
        let lines = Lines::new(text);
        let starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        assert_eq!(lines.count(), starts.len());
        assert_eq!(Lines::yaml(text).count(), starts.len());
        for (b, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let line = starts.iter().rposition(|s| *s <= b).unwrap();
            let col = text[starts[line]..b].chars().count();
            assert_eq!(
                lines.line_col(text, b),
                (line + 1, col + 1),
                "{text:?} at {b}"
            );
            assert_eq!(lines.offset(text, line + 1, col), b, "{text:?} at {b}");
        }
    }

    #[test]
    fn lines_both_ways() {
        for text in ["ab\ncd\n\nlast", "é’\n𝄞x\n\nß😀ẞ", "", "\n\n", "x"] {
            check_both_ways(text);
        }
    }

    proptest::proptest! {
        /// Long lines of mixed-width characters, across several checkpoints of the
        /// character table.
        #[test]
        fn lines_both_ways_on_any_text(text in "([a-z]{0,70}|[é’𝄞😀ß]{0,70}|\n){0,12}") {
            check_both_ways(&text);
        }
    }
}
