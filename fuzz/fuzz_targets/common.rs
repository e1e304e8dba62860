//! What every harness checks of the spans it gets back: inside the text, on char boundaries.
#![allow(dead_code)]

use std::ops::Range;

/// The input as twelve reads a file: bytes that are not UTF-8 replaced.
pub fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// A byte range as twelve's types keep it: a `Range` or a compact `Sp`.
pub trait ToRange {
    fn to_range(&self) -> Range<usize>;
}

impl ToRange for Range<usize> {
    fn to_range(&self) -> Range<usize> {
        self.clone()
    }
}

impl ToRange for twelve::source::Sp {
    fn to_range(&self) -> Range<usize> {
        self.range()
    }
}

/// A span inside `text`, on char boundaries; panics (a finding for the fuzzer) otherwise.
pub fn span<'t>(text: &'t str, r: &impl ToRange, what: &str) -> &'t str {
    let r = &r.to_range();
    assert!(
        r.start <= r.end && r.end <= text.len(),
        "{what}: span {r:?} outside the text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
        "{what}: span {r:?} splits a character"
    );
    &text[r.clone()]
}

/// A span that must hold `name` (as written, perhaps quoted).
pub fn names(text: &str, r: &impl ToRange, name: &str, what: &str) {
    let r = &r.to_range();
    let s = span(text, r, what);
    assert!(s.contains(name), "{what}: span {r:?} holds {s:?}, not {name:?}");
}
