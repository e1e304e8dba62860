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

/// A `Span` as the facts of source code keep it: half the size, for the lists a monorepo holds
/// hundreds of thousands of (imports, environment reads). Files are read only up to
/// `max_file_size`, far below 4 GiB; an offset past `u32::MAX` would saturate, never wrap.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Sp {
    start: u32,
    end: u32,
}

impl Sp {
    pub fn range(self) -> Span {
        self.start as usize..self.end as usize
    }
    pub fn start(self) -> usize {
        self.start as usize
    }
    pub fn end(self) -> usize {
        self.end as usize
    }
}

impl From<Span> for Sp {
    fn from(s: Span) -> Sp {
        let at = |o: usize| u32::try_from(o).unwrap_or(u32::MAX);
        Sp {
            start: at(s.start),
            end: at(s.end),
        }
    }
}

impl From<Sp> for Span {
    fn from(s: Sp) -> Span {
        s.range()
    }
}

impl PartialEq<Sp> for Span {
    fn eq(&self, other: &Sp) -> bool {
        *self == other.range()
    }
}

impl PartialEq<Span> for Sp {
    fn eq(&self, other: &Span) -> bool {
        self.range() == *other
    }
}

impl From<&Sp> for Span {
    fn from(s: &Sp) -> Span {
        s.range()
    }
}

/// Where a fact came from: a file and a byte span in it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Origin {
    pub file: FileId,
    pub span: Sp,
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
    pub fn new(file: FileId, span: impl Into<Sp>) -> Self {
        let span = span.into();
        Origin { file, span }
    }
}

/// Where a file is on disk. Almost always its path relative to the root, under the root:
/// the root is then shared by every file (a 100,000-file repository kept 100,000 paths
/// beside their relative ones). A name that is not UTF-8 is escaped in the relative path,
/// which then names no file: such a file keeps its own path. (A thin pointer to a `PathBuf`,
/// not an `Arc<Path>`, and one pointer for both cases: every file record holds one.)
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location(Arc<Place>);

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    /// At the relative path under this root.
    Under(std::path::PathBuf),
    /// At this path.
    At(std::path::PathBuf),
}

impl Location {
    /// Under `root`: clone the location to share the root between files.
    pub fn under(root: std::path::PathBuf) -> Location {
        Location(Arc::new(Place::Under(root)))
    }

    /// At `path`, whatever the file's relative path.
    pub fn at(path: std::path::PathBuf) -> Location {
        Location(Arc::new(Place::At(path)))
    }

    /// The path on disk of the file at `rel`.
    pub fn path(&self, rel: &str) -> std::borrow::Cow<'_, Path> {
        match &*self.0 {
            Place::Under(root) => std::borrow::Cow::Owned(root.join(rel)),
            Place::At(path) => std::borrow::Cow::Borrowed(path.as_path()),
        }
    }
}

/// A file that was read: its path relative to the scan root (always with `/`) and its text.
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// Path relative to the root, `/`-separated.
    pub rel: Rel,
    /// Where it is on disk (see `abs`).
    pub at: Location,
    body: Body,
}

/// A file's text and line table, or what is kept of it once dropped. A repository's files
/// are mostly code, whose text is dropped: that case is kept inline and small (a file
/// record is 56 bytes, not 144).
#[derive(Debug)]
enum Body {
    Loaded(Box<Loaded>),
    /// The text was dropped once the file's facts were extracted (source code, whose facts
    /// are all the model keeps of it): `text()` is empty until `reload`. What a finding may
    /// still ask of it without its text is kept: where its first line ends, its line count.
    Unloaded {
        first_line_end: u32,
        lines: u32,
    },
}

#[derive(Debug)]
struct Loaded {
    text: String,
    lines: Lines,
}

/// The relative paths of the files a walk found, in one text: a monorepo's hundred thousand
/// paths are one allocation and a list of offsets, not an allocation each.
#[derive(Debug, Default)]
pub struct PathTable {
    text: String,
    /// Where each path ends in `text`; it starts where the one before ends.
    ends: Vec<u32>,
}

impl PathTable {
    /// Every path of `paths` (walked twice: once to size the table), in order, in one table.
    /// Paths take far less than 4 GiB (the offsets are 32 bits); past that, a new table starts.
    pub fn build<S: AsRef<str>>(paths: impl Iterator<Item = S> + Clone) -> Vec<Rel> {
        let (count, total) = paths
            .clone()
            .fold((0, 0), |(n, t), p| (n + 1, t + p.as_ref().len()));
        let mut rels = Vec::with_capacity(count);
        let mut table = PathTable {
            text: String::with_capacity(total.min(u32::MAX as usize)),
            ends: Vec::with_capacity(count),
        };
        for p in paths {
            let p = p.as_ref();
            if u32::try_from(table.text.len() + p.len()).is_err() {
                PathTable::share(std::mem::take(&mut table), &mut rels);
            }
            // a single path longer than 4 GiB does not exist: it would be cut
            let p = p.get(..p.len().min(u32::MAX as usize)).unwrap_or_default();
            table.text.push_str(p);
            table
                .ends
                .push(u32::try_from(table.text.len()).unwrap_or(u32::MAX));
        }
        PathTable::share(table, &mut rels);
        rels
    }

    /// Push a path for each entry of `table`.
    fn share(table: PathTable, rels: &mut Vec<Rel>) {
        let n = table.ends.len();
        let table = Arc::new(table);
        rels.extend((0..n).map(|i| Rel {
            table: table.clone(),
            index: u32::try_from(i).unwrap_or(u32::MAX),
        }));
    }

    fn get(&self, i: u32) -> &str {
        let i = i as usize;
        let start = match i.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or(0) as usize,
            None => 0,
        };
        let end = self.ends.get(i).copied().unwrap_or(0) as usize;
        self.text.get(start..end).unwrap_or_default()
    }
}

/// Paths with a kind each (every file the walk found, as the project lists them): four bytes
/// a path and its kind beside the walk's table of their texts.
#[derive(Debug)]
pub struct PathList<K> {
    table: Arc<PathTable>,
    index: Vec<u32>,
    kinds: Vec<K>,
}

impl<K> Default for PathList<K> {
    fn default() -> Self {
        PathList {
            table: Arc::default(),
            index: Vec::new(),
            kinds: Vec::new(),
        }
    }
}

impl<K: Copy> PathList<K> {
    pub fn new<'a>(entries: impl Iterator<Item = (&'a Rel, K)> + Clone) -> PathList<K> {
        let kinds = entries.clone().map(|(_, k)| k).collect();
        let first = entries.clone().next().map(|(r, _)| r.table.clone());
        match first.filter(|t| entries.clone().all(|(r, _)| Arc::ptr_eq(&r.table, t))) {
            Some(table) => PathList {
                table,
                index: entries.map(|(r, _)| r.index).collect(),
                kinds,
            },
            // paths of different tables (given one by one): copied into a table of their own
            None => {
                let mut table = PathTable::default();
                for (r, _) in entries.clone() {
                    table.text.push_str(r);
                    table
                        .ends
                        .push(u32::try_from(table.text.len()).unwrap_or(u32::MAX));
                }
                let n = u32::try_from(table.ends.len()).unwrap_or(u32::MAX);
                PathList {
                    table: Arc::new(table),
                    index: (0..n).collect(),
                    kinds,
                }
            }
        }
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The `i`th path and its kind.
    pub fn get(&self, i: usize) -> Option<(&str, K)> {
        let at = self.index.get(i)?;
        Some((self.table.get(*at), *self.kinds.get(i)?))
    }

    /// The `i`th path; empty past the end.
    pub fn rel(&self, i: usize) -> &str {
        self.get(i).map_or("", |(r, _)| r)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, K)> + Clone + '_ {
        self.index
            .iter()
            .zip(&self.kinds)
            .map(|(i, k)| (self.table.get(*i), *k))
    }
}

impl<'a, K: Copy> IntoIterator for &'a PathList<K> {
    type Item = (&'a str, K);
    type IntoIter = Box<dyn Iterator<Item = Self::Item> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// A file's path relative to the scan root, `/`-separated: an entry of a `PathTable` the
/// walk's files share. It reads as the `str` it names (`Deref`), and compares, orders and
/// hashes as that `str`.
#[derive(Clone)]
pub struct Rel {
    table: Arc<PathTable>,
    index: u32,
}

impl Rel {
    pub fn as_str(&self) -> &str {
        self.table.get(self.index)
    }
}

impl From<&str> for Rel {
    /// A path of its own (a file given outside a walk).
    fn from(s: &str) -> Rel {
        PathTable::build(std::iter::once(s))
            .pop()
            .unwrap_or_else(|| Rel {
                table: Arc::default(),
                index: 0,
            })
    }
}

impl From<String> for Rel {
    fn from(s: String) -> Rel {
        Rel::from(s.as_str())
    }
}

impl std::ops::Deref for Rel {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Rel {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Rel {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Rel {
    fn eq(&self, other: &Rel) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Rel {}

impl PartialEq<str> for Rel {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Rel {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for Rel {
    fn partial_cmp(&self, other: &Rel) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Rel {
    fn cmp(&self, other: &Rel) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for Rel {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

impl std::fmt::Display for Rel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Rel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// The line table of the empty text, which an unloaded file answers with.
static NO_LINES: std::sync::LazyLock<Lines> = std::sync::LazyLock::new(|| Lines::new(""));

impl SourceFile {
    pub fn new(id: FileId, rel: Rel, at: Location, text: String) -> Self {
        let lines = Lines::new(&text);
        SourceFile {
            id,
            rel,
            at,
            body: Body::Loaded(Box::new(Loaded { text, lines })),
        }
    }

    /// A file whose text was read and dropped (see `unload`): `first_line` is the span of its
    /// first line, `lines` its line count.
    pub fn unloaded(id: FileId, rel: Rel, at: Location, first_line: Span, lines: usize) -> Self {
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        SourceFile {
            id,
            rel,
            at,
            body: Body::Unloaded {
                first_line_end: narrow(first_line.end),
                lines: narrow(lines),
            },
        }
    }

    /// The span of the first line and the line count of a text, as an unloaded file keeps them.
    pub fn outline(text: &str) -> (Span, usize) {
        // as `Lines` counts them, without building its tables
        let b = text.as_bytes();
        let first = memchr::memchr(b'\n', b).unwrap_or(b.len());
        (0..first, memchr::memchr_iter(b'\n', b).count() + 1)
    }

    /// The file's path on disk.
    pub fn abs(&self) -> std::borrow::Cow<'_, Path> {
        self.at.path(&self.rel)
    }

    /// The text and its line table; empty while the file is unloaded.
    fn loaded(&self) -> (&str, &Lines) {
        match &self.body {
            Body::Loaded(l) => (&l.text, &l.lines),
            Body::Unloaded { .. } => ("", &NO_LINES),
        }
    }

    /// The file's text. Asking for the text of an unloaded file is a bug in debug builds (what
    /// would be read is empty, and a fact computed from it silently wrong: two such were
    /// found late); a caller that may meet one uses `text_or_empty`.
    pub fn text(&self) -> &str {
        debug_assert!(
            !self.is_unloaded(),
            "the text of `{}` was read after it was dropped",
            self.rel
        );
        self.loaded().0
    }

    /// The file's text; empty while it is unloaded.
    pub fn text_or_empty(&self) -> &str {
        self.loaded().0
    }

    /// Whether the text was dropped (see `unloaded`).
    pub fn is_unloaded(&self) -> bool {
        matches!(self.body, Body::Unloaded { .. })
    }

    /// Drop the text, keeping what a finding may ask without it (see `Body::Unloaded`).
    pub fn unload(&mut self) {
        if let Body::Loaded(l) = &self.body {
            let (first, lines) = Self::outline(&l.text);
            let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            self.body = Body::Unloaded {
                first_line_end: narrow(first.end),
                lines: narrow(lines),
            };
        }
    }

    /// Give an unloaded file its text again (read anew from disk).
    pub fn reload(&mut self, text: String) {
        let lines = Lines::new(&text);
        self.body = Body::Loaded(Box::new(Loaded { text, lines }));
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let (text, lines) = self.loaded();
        lines.line_col(text, offset)
    }

    /// Byte offset of a 1-based line and a 0-based column counted in characters.
    pub fn offset_of(&self, line: usize, col_chars: usize) -> usize {
        let (text, lines) = self.loaded();
        lines.offset(text, line, col_chars)
    }

    /// Byte range of the whole 1-based line, without its newline.
    pub fn line_span(&self, line: usize) -> Span {
        match &self.body {
            Body::Unloaded { first_line_end, .. } if line == 1 => 0..*first_line_end as usize,
            _ => {
                let (text, lines) = self.loaded();
                lines.line_span(text, line)
            }
        }
    }

    pub fn line_count(&self) -> usize {
        match &self.body {
            Body::Unloaded { lines, .. } => *lines as usize,
            Body::Loaded(l) => l.lines.count(),
        }
    }

    /// Clamp an offset into the text and onto a char boundary.
    pub fn clamp(&self, offset: usize) -> usize {
        text::floor_boundary(self.text_or_empty(), offset)
    }

    /// The text of a span, its ends moved onto char boundaries inside the text.
    pub fn slice(&self, span: &Span) -> &str {
        debug_assert!(
            !self.is_unloaded() || span.is_empty(),
            "a span of `{}` was read after its text was dropped",
            self.rel
        );
        let s = self.clamp(span.start);
        let e = self.clamp(span.end.max(span.start));
        self.text_or_empty().get(s..e).unwrap_or_default()
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
            by_file.entry(o.file).or_default().push(o.span.range());
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
    fn paths_in_one_table_read_compare_and_hash_as_their_text() {
        let texts = ["", "Dockerfile", "a/é/ß.py", "a/é/ß.py", "日本/x.go", "z"];
        let rels = PathTable::build(texts.iter());
        assert_eq!(rels.len(), texts.len());
        for (r, t) in rels.iter().zip(texts) {
            assert_eq!(r.as_str(), t);
            assert_eq!(*r, *t);
            assert_eq!(r.to_string(), t);
            assert_eq!(format!("{r:?}"), format!("{t:?}"));
        }
        // one table: every path shares it
        assert!(rels.iter().all(|r| Arc::ptr_eq(&r.table, &rels[0].table)));
        assert_eq!(rels[2], rels[3]);
        assert!(rels[1] < rels[2] && rels[4] > rels[2]);
        // a map by path is asked by `&str`: the hash is the text's
        let map: std::collections::HashMap<Rel, usize> = rels.iter().cloned().zip(0..).collect();
        assert_eq!(map.get("日本/x.go"), Some(&4));
        assert_eq!(map.get("a/é/ß.py"), Some(&3));
        assert_eq!(map.get("a/é"), None);
        // a path given alone is a table of its own, equal to the walk's
        assert_eq!(Rel::from("a/é/ß.py"), rels[2]);
        assert_eq!(PathTable::build(std::iter::empty::<&str>()).len(), 0);

        // the project's list: indices into the walk's table, or a copy when they are mixed
        let shared = PathList::new(rels.iter().map(|r| (r, 'o')));
        assert!(Arc::ptr_eq(&shared.table, &rels[0].table));
        let alone = Rel::from("b.py");
        let mixed = PathList::new([(&rels[4], 'g'), (&alone, 'p')].into_iter());
        for list in [&shared, &mixed] {
            let read: Vec<(&str, char)> = list.iter().collect();
            assert_eq!(list.len(), read.len());
            for (i, x) in read.iter().enumerate() {
                assert_eq!(list.get(i), Some(*x));
            }
            assert_eq!(list.get(list.len()), None);
            assert_eq!(list.rel(list.len()), "");
        }
        assert_eq!(
            mixed.iter().collect::<Vec<_>>(),
            [("日本/x.go", 'g'), ("b.py", 'p')]
        );
        assert_eq!(shared.rel(4), "日本/x.go");
        assert!(PathList::<char>::default().is_empty());
    }

    #[test]
    fn compact_spans_round_trip_and_saturate() {
        let s = Sp::from(3..17);
        assert_eq!(std::mem::size_of::<Sp>(), 8);
        assert_eq!(s.range(), 3..17);
        assert_eq!((s.start(), s.end()), (3, 17));
        assert_eq!(s, 3..17);
        assert_eq!(3..17, s);
        assert_ne!(s, 3..18);
        assert_eq!(Origin::new(FileId(0), s), Origin::new(FileId(0), 3..17));
        // past 4 GiB an offset saturates: it never wraps to an earlier place
        let far = Sp::from(5..(u32::MAX as usize + 10));
        assert_eq!(far.range(), 5..u32::MAX as usize);
    }

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

    /// Reading the text of a file whose text was dropped is a bug the tests catch (debug
    /// builds): a fact computed from it would be silently wrong.
    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "was read after it was dropped")]
    fn reading_a_dropped_text_is_caught() {
        let f = SourceFile::unloaded(
            FileId(0),
            "a.py".into(),
            Location::at(std::path::PathBuf::from("/r/a.py")),
            0..3,
            2,
        );
        let _ = f.text();
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

        /// A file unloaded from its outline answers what a finding may ask of it without its
        /// text (its first line, its line count) as the loaded file does, and once reloaded
        /// answers everything as the loaded file does.
        #[test]
        fn an_unloaded_file_answers_as_the_loaded_one(text in "(a|é|😀|\r|\n|\r\n| ){0,40}") {
            let (rel, abs): (Rel, _) = ("a.py".into(), Location::at(std::path::PathBuf::from("/r/a.py")));
            let loaded = SourceFile::new(FileId(0), rel.clone(), abs.clone(), text.clone());
            let (first, n) = SourceFile::outline(&text);
            let mut unloaded = SourceFile::unloaded(FileId(0), rel, abs, first, n);
            proptest::prop_assert!(unloaded.is_unloaded() && !loaded.is_unloaded());
            proptest::prop_assert_eq!(unloaded.text_or_empty(), "");
            proptest::prop_assert_eq!(unloaded.line_span(1), loaded.line_span(1));
            proptest::prop_assert_eq!(unloaded.line_count(), loaded.line_count());
            unloaded.reload(text.clone());
            proptest::prop_assert!(!unloaded.is_unloaded());
            proptest::prop_assert_eq!(unloaded.text(), text.as_str());
            for offset in 0..=text.len() + 1 {
                proptest::prop_assert_eq!(unloaded.line_col(offset), loaded.line_col(offset));
            }
            for line in 1..=loaded.line_count() + 1 {
                proptest::prop_assert_eq!(unloaded.line_span(line), loaded.line_span(line));
            }
        }
    }
}
