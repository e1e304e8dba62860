//! A lexical front end for Python: the facts of a file that needs no syntax tree, from its
//! tokens alone, at a fraction of tree-sitter's cost.
//!
//! Most modules of an application import, assign string constants, pass keyword arguments,
//! build dictionaries and read the environment with `os.getenv("X", "default")`: all of that
//! is in the order of the tokens. What needs a tree — a server started, a log file, a
//! subprocess, a migration, a call given a `host`, a read inside `try … except KeyError`, a
//! comparison with an environment name, code under `if __name__ == "__main__":`, a retry
//! loop — is announced by a call or a word the file must contain (`.run(`, `.bind(`,
//! `FileHandler(`, `environ[…]`, `__main__`, `sleep` …). [`facts`] gives the facts of a file
//! without any of them, and `None` for every other file, and for anything it does not read
//! exactly (Python 2, a template, an unterminated string, unbalanced brackets, inconsistent
//! indentation, neighbouring tokens that are no Python, nesting deeper than a tree walk
//! goes): tree-sitter reads those. Its result is the tree-sitter walk's, fact for fact and
//! span for span, on every Python file of the fixtures and the shared corpora
//! (`tests/lexer.rs`).

use super::{
    ArgValue, CodeFacts, EnvRead, StrBinding, generated_secret, is_ident_byte, is_ident_start,
    may_hold_retry_loop,
};

/// Calls (by their last name) that hold a fact only the tree gives: servers, log files,
/// migrations, subprocesses, credentials passed by position, dotenv files.
fn tree_word(w: &str) -> bool {
    matches!(
        w,
        "run"
            | "run_app"
            | "serve"
            | "run_simple"
            | "bind"
            | "HTTPServer"
            | "ThreadingHTTPServer"
            | "TCPServer"
            | "ThreadingTCPServer"
            | "FileHandler"
            | "RotatingFileHandler"
            | "TimedRotatingFileHandler"
            | "WatchedFileHandler"
            | "basicConfig"
            | "load_dotenv"
            | "FileSystemStorage"
            | "call_command"
            | "upgrade"
            | "latest"
            | "migrateToLatest"
            | "runMigrations"
            | "up"
            | "AutoMigrate"
            | "Up"
            | "run_pending_migrations"
            | "system"
            | "popen"
            | "Popen"
            | "check_call"
            | "check_output"
            | "PlainCredentials"
            | "HTTPBasicAuth"
            | "HTTPDigestAuth"
            | "HTTPProxyAuth"
            | "BasicAuth"
            | "DigestAuth"
            | "SASLPlain"
    )
}

fn keyword(w: &str) -> bool {
    matches!(
        w,
        "False"
            | "None"
            | "True"
            | "and"
            | "as"
            | "assert"
            | "async"
            | "await"
            | "break"
            | "class"
            | "continue"
            | "def"
            | "del"
            | "elif"
            | "else"
            | "except"
            | "finally"
            | "for"
            | "from"
            | "global"
            | "if"
            | "import"
            | "in"
            | "is"
            | "lambda"
            | "nonlocal"
            | "not"
            | "or"
            | "pass"
            | "raise"
            | "return"
            | "try"
            | "while"
            | "with"
            | "yield"
    )
}

/// Statements that end their header with a colon.
fn compound(w: &str) -> bool {
    matches!(
        w,
        "if" | "elif"
            | "else"
            | "while"
            | "for"
            | "try"
            | "except"
            | "finally"
            | "with"
            | "def"
            | "class"
            | "async"
    )
}

/// More tokens of operators in one statement than this, or brackets nested deeper, make a tree
/// deeper than the walk follows: tree-sitter reads the file.
const MAX_OPERATORS: usize = 150;
const MAX_DEPTH: usize = 48;
const MAX_INDENT: usize = 40;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum K {
    Ident,
    Str,
    Num,
    /// `(`, `[`, `{`
    Open(u8),
    Close(u8),
    Comma,
    Colon,
    Semi,
    /// `=` alone
    Assign,
    /// `==`, `!=`
    Compare,
    Dot,
    /// `...`
    Ellipsis,
    Star,
    /// every other operator
    Op,
    Newline,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    k: K,
    start: usize,
    end: usize,
    /// A string: where its content starts and ends, whether it interpolates.
    inner: (usize, usize),
    interp: bool,
    /// A comment lies between this token and the one before.
    after_comment: bool,
}

/// The facts of a Python file that needs no tree, or `None` when tree-sitter must read it.
/// The caller completes them as it completes the tree walk's (`mark_env_defaults`, …).
pub fn facts(text: &str) -> Option<CodeFacts> {
    let b = text.as_bytes();
    // retry loops need the tree
    if may_hold_retry_loop(b) {
        return None;
    }
    let toks = lex(text)?;
    let guard = main_guard(text, &toks)?;
    let mut w = Walk {
        text,
        toks: &toks,
        f: CodeFacts::default(),
        env_words: memchr::memmem::find(b, b"environ").is_some()
            || memchr::memmem::find(b, b"getenv").is_some(),
        guard,
        entry: None,
        matches: Vec::new(),
        buffers: (Vec::new(), Vec::new()),
    };
    let mut s = 0;
    for (i, t) in toks.iter().enumerate() {
        if t.k == K::Newline {
            if i > s {
                w.line(s, i)?;
            }
            s = i + 1;
        }
    }
    if s < toks.len() {
        w.line(s, toks.len())?;
    }
    // the script's entry: the first call under the guard, as the tree walk meets calls (see
    // `CodeFacts::keep_judged_calls`, which keeps only its place)
    if let Some(e) = w.entry {
        w.f.rare.calls.push(super::Call {
            callee: e.callee,
            args: Vec::new(),
            span: e.span,
            main_guard: true,
        });
    }
    Some(w.f)
}

/// The tokens of the body of `if __name__ == "__main__":` (`[start, end)`), `Some(None)` for a
/// file without one, `None` when the tree must read the file: `__main__` anywhere but in the
/// one guard a script opens with at the top level, or the guard with an `elif`/`else` (which
/// the tree counts under the guard too) or a condition of another shape.
fn main_guard(text: &str, toks: &[Tok]) -> Option<Option<(usize, usize)>> {
    let b = text.as_bytes();
    let mut named = memchr::memmem::find_iter(b, b"__main__");
    let Some(at) = named.next() else {
        return Some(None);
    };
    if named.next().is_some() {
        return None;
    }
    let word = |i: usize, w: &str| {
        toks.get(i)
            .is_some_and(|t| t.k == K::Ident && text.get(t.start..t.end) == Some(w))
    };
    let main_str = |i: usize| {
        toks.get(i).is_some_and(|t| {
            t.k == K::Str && !t.interp && text.get(t.inner.0..t.inner.1) == Some("__main__")
        })
    };
    let equals = |i: usize| {
        toks.get(i)
            .is_some_and(|t| t.k == K::Compare && text.get(t.start..t.end) == Some("=="))
    };
    // the start of a logical line at the first column
    let top = |i: usize| {
        toks.get(i).is_some_and(|t| {
            (i == 0 || toks.get(i - 1).is_some_and(|p| p.k == K::Newline))
                && (t.start == 0 || b.get(t.start - 1) == Some(&b'\n'))
        })
    };
    let s = toks.iter().position(|t| t.start <= at && at < t.end)?;
    let i = s.checked_sub(if main_str(s) && equals(s + 1) { 1 } else { 3 })?;
    let shape = word(i, "if")
        && ((word(i + 1, "__name__") && equals(i + 2) && main_str(i + 3))
            || (main_str(i + 1) && equals(i + 2) && word(i + 3, "__name__")))
        && toks.get(i + 4).is_some_and(|t| t.k == K::Colon);
    if !shape || !top(i) {
        return None;
    }
    let start = i + 5;
    // the body ends before the next logical line at the first column
    let end = (start..toks.len()).find(|&j| top(j)).unwrap_or(toks.len());
    if word(end, "elif") || word(end, "else") {
        return None;
    }
    // a call inside an f-string's replacement field is a call of the tree's too
    let calls_inside = |t: &Tok| {
        t.k == K::Str && t.interp && b.get(t.start..t.end).is_some_and(|s| s.contains(&b'('))
    };
    if toks.get(start..end)?.iter().any(calls_inside) {
        return None;
    }
    Some(Some((start, end)))
}

/// The tokens of the file, with a `Newline` ending each logical line; `None` for anything
/// outside the Python this front end reads exactly.
fn lex(text: &str) -> Option<Vec<Tok>> {
    let b = text.as_bytes();
    let mut toks: Vec<Tok> = Vec::with_capacity(b.len() / 4);
    let mut stack: Vec<u8> = Vec::new();
    let mut indents: Vec<usize> = vec![0];
    let mut indent_char: Option<u8> = None;
    let mut i = 0;
    let mut line_start = true;
    let mut comment = false;
    // the last logical line ended with a header's colon: the next one is indented
    let mut expect_indent = false;
    let tok = |k: K, start: usize, end: usize, comment: bool| Tok {
        k,
        start,
        end,
        inner: (0, 0),
        interp: false,
        after_comment: comment,
    };
    while i < b.len() {
        if line_start && stack.is_empty() {
            // indentation of a logical line (blank and comment-only lines have none)
            let mut j = i;
            let mut col = 0;
            while let Some(&c) = b.get(j) {
                match c {
                    b' ' | b'\t' => {
                        if *indent_char.get_or_insert(c) != c {
                            return None;
                        }
                        col += 1;
                    }
                    _ => break,
                }
                j += 1;
            }
            line_start = false;
            match b.get(j) {
                Some(b'\n' | b'#') | None => {}
                Some(b'\r') if b.get(j + 1) == Some(&b'\n') => {}
                Some(_) => {
                    let cur = *indents.last()?;
                    if expect_indent {
                        if col <= cur || indents.len() > MAX_INDENT {
                            return None;
                        }
                        indents.push(col);
                        expect_indent = false;
                    } else if col > cur {
                        return None;
                    } else {
                        while indents.last().is_some_and(|&l| l > col) {
                            indents.pop();
                        }
                        if *indents.last()? != col {
                            return None;
                        }
                    }
                }
            }
            i = j;
            continue;
        }
        let c = b[i];
        match c {
            b' ' | b'\t' => i += 1,
            b'\r' if b.get(i + 1) == Some(&b'\n') => i += 1,
            b'\n' => {
                if stack.is_empty() {
                    if toks.last().is_some_and(|t| t.k != K::Newline) {
                        let last = toks.last()?;
                        expect_indent = last.k == K::Colon;
                        toks.push(tok(K::Newline, i, i, false));
                    }
                    line_start = true;
                }
                i += 1;
            }
            b'#' => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
                comment = true;
            }
            b'\\' => match (b.get(i + 1), b.get(i + 2)) {
                (Some(b'\n'), _) => i += 2,
                (Some(b'\r'), Some(b'\n')) => i += 3,
                _ => return None,
            },
            b'"' | b'\'' => {
                let t = string(b, i, i, false)?;
                i = t.end;
                toks.push(Tok {
                    after_comment: comment,
                    ..t
                });
                comment = false;
            }
            _ if is_ident_start(c) => {
                let mut j = i + 1;
                while b.get(j).copied().is_some_and(is_ident_byte) {
                    j += 1;
                }
                if let Some(&q) = b.get(j)
                    && (q == b'"' || q == b'\'')
                {
                    let prefix = text.get(i..j).unwrap_or("");
                    let lower = prefix.to_ascii_lowercase();
                    if !matches!(
                        lower.as_str(),
                        "r" | "u" | "f" | "b" | "br" | "rb" | "fr" | "rf"
                    ) {
                        return None;
                    }
                    let t = string(b, i, j, lower.contains('f'))?;
                    i = t.end;
                    toks.push(Tok {
                        after_comment: comment,
                        ..t
                    });
                } else {
                    toks.push(tok(K::Ident, i, j, comment));
                    i = j;
                }
                comment = false;
            }
            _ if c.is_ascii_digit()
                || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                let radix = c == b'0'
                    && b.get(i + 1)
                        .is_some_and(|x| matches!(x, b'x' | b'X' | b'o' | b'O' | b'b' | b'B'));
                let mut j = i + 1;
                // digits, letters, points, and the sign of a decimal exponent (`1e-5`)
                while let Some(&x) = b.get(j) {
                    let exponent_sign = (x == b'+' || x == b'-')
                        && !radix
                        && matches!(b.get(j - 1), Some(b'e' | b'E'));
                    if !(is_ident_byte(x) || x == b'.' || exponent_sign) {
                        break;
                    }
                    j += 1;
                }
                let n = &b[i..j];
                // Python 2's octal `0777` and long `10L`
                if (n.len() > 1
                    && n[0] == b'0'
                    && n.iter().all(u8::is_ascii_digit)
                    && n.iter().any(|&d| d != b'0'))
                    || n.last().is_some_and(|l| matches!(l, b'l' | b'L'))
                {
                    return None;
                }
                toks.push(tok(K::Num, i, j, comment));
                comment = false;
                i = j;
            }
            b'(' | b'[' | b'{' => {
                // `{{ … }}`, `{% … %}`, `{# … #}`: a template, not Python
                if stack.len() >= MAX_DEPTH
                    || (c == b'{' && matches!(b.get(i + 1), Some(b'{' | b'%' | b'#')))
                {
                    return None;
                }
                stack.push(c);
                toks.push(tok(K::Open(c), i, i + 1, comment));
                comment = false;
                i += 1;
            }
            b')' | b']' | b'}' => {
                let open = match c {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                if stack.pop() != Some(open) {
                    return None;
                }
                toks.push(tok(K::Close(open), i, i + 1, comment));
                comment = false;
                i += 1;
            }
            _ => {
                let rest = &b[i..];
                let three = rest.get(..3).unwrap_or(b"");
                let two = rest.get(..2).unwrap_or(b"");
                let (k, n) = if matches!(three, b"**=" | b"//=" | b">>=" | b"<<=") {
                    (K::Op, 3)
                } else if three == b"..." {
                    (K::Ellipsis, 3)
                } else if matches!(two, b"==" | b"!=") {
                    (K::Compare, 2)
                } else if two == b"<>" {
                    return None;
                } else if two == b"**" {
                    (K::Star, 2)
                } else if matches!(
                    two,
                    b"<="
                        | b">="
                        | b":="
                        | b"->"
                        | b"+="
                        | b"-="
                        | b"*="
                        | b"/="
                        | b"%="
                        | b"&="
                        | b"|="
                        | b"^="
                        | b"@="
                        | b"//"
                        | b"<<"
                        | b">>"
                ) {
                    (K::Op, 2)
                } else {
                    match c {
                        b'=' => (K::Assign, 1),
                        b',' => (K::Comma, 1),
                        b':' => (K::Colon, 1),
                        b';' => (K::Semi, 1),
                        b'.' => (K::Dot, 1),
                        b'*' => (K::Star, 1),
                        b'+' | b'-' | b'/' | b'%' | b'@' | b'&' | b'|' | b'^' | b'~' | b'<'
                        | b'>' => (K::Op, 1),
                        // `$`, `?`, backticks, `!`, control and non-ASCII characters outside
                        // strings: not Python 3 (or a template)
                        _ => return None,
                    }
                };
                toks.push(tok(k, i, i + n, comment));
                comment = false;
                i += n;
            }
        }
    }
    if !stack.is_empty() || expect_indent {
        return None;
    }
    if toks.last().is_some_and(|t| t.k != K::Newline) {
        toks.push(tok(K::Newline, b.len(), b.len(), false));
    }
    Some(toks)
}

/// A string literal whose prefix starts at `start` and whose quote is at `q`.
fn string(b: &[u8], start: usize, q: usize, f: bool) -> Option<Tok> {
    let quote = b[q];
    let triple = b.get(q + 1) == Some(&quote) && b.get(q + 2) == Some(&quote);
    let open = if triple { 3 } else { 1 };
    let mut i = q + open;
    let inner_start = i;
    let mut interp = false;
    loop {
        let c = *b.get(i)?;
        match c {
            b'\\' => {
                if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
                    i += 3;
                } else {
                    i += 2;
                }
                continue;
            }
            b'\n' | b'\r' if !triple => return None,
            _ if c == quote => {
                if !triple {
                    return Some(Tok {
                        k: K::Str,
                        start,
                        end: i + 1,
                        inner: (inner_start, i),
                        interp,
                        after_comment: false,
                    });
                }
                if b.get(i + 1) == Some(&quote) && b.get(i + 2) == Some(&quote) {
                    return Some(Tok {
                        k: K::Str,
                        start,
                        end: i + 3,
                        inner: (inner_start, i),
                        interp,
                        after_comment: false,
                    });
                }
            }
            b'{' if f => {
                if b.get(i + 1) == Some(&b'{') {
                    i += 2;
                    continue;
                }
                // an interpolation: backslashes or comments inside it need the tree
                interp = true;
                let from = i + 1;
                let mut depth = 0usize;
                let mut strings = false;
                loop {
                    i += 1;
                    match *b.get(i)? {
                        b'{' | b'(' | b'[' => depth += 1,
                        b'}' | b')' | b']' if depth > 0 => depth -= 1,
                        b'}' => break,
                        // a string inside (`f"{d['k']}"`, `f"{', '.join(x)}"`), in the other
                        // quote: read past it
                        c @ (b'"' | b'\'') if c != quote => {
                            let end = memchr::memchr(c, b.get(i + 1..)?)? + i + 1;
                            if b.get(i + 1..end)?
                                .iter()
                                .any(|x| matches!(x, b'\n' | b'\r') || *x == quote)
                            {
                                return None;
                            }
                            i = end;
                            strings = true;
                        }
                        b'"' | b'\'' | b'\\' | b'#' => return None,
                        b'\n' | b'\r' if !triple => return None,
                        _ => {}
                    }
                }
                if strings && !plain_interpolation(b.get(from..i)?) {
                    return None;
                }
            }
            b'}' if f => {
                if b.get(i + 1) == Some(&b'}') {
                    i += 2;
                    continue;
                }
                return None;
            }
            _ => {}
        }
        i += 1;
    }
}

/// Whether an interpolation that holds strings holds no fact either: the tree reads its
/// strings (a URL, a machine path), keyword arguments and dictionaries (`=`, `{`), calls that
/// need it and environment reads. What holds any of them is left to the tree.
fn plain_interpolation(b: &[u8]) -> bool {
    let Ok(s) = std::str::from_utf8(b) else {
        return false;
    };
    if s.contains(['=', '{', '\\'])
        || ["://", "/home/", "/Users/", "environ", "getenv"]
            .iter()
            .any(|w| s.contains(w))
    {
        return false;
    }
    !s.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|w| tree_word(w) || matches!(w, "host" | "Host" | "subprocess" | "check_call" | "run"))
}

struct Walk<'a> {
    text: &'a str,
    toks: &'a [Tok],
    f: CodeFacts,
    /// The file names the environment somewhere (`environ`, `getenv`): its lines are looked
    /// at for reads only the tree makes out.
    env_words: bool,
    /// The tokens under `if __name__ == "__main__":` (see [`main_guard`]).
    guard: Option<(usize, usize)>,
    /// The first call under the guard so far, in the order the tree walk meets calls.
    entry: Option<Entry>,
    /// The `match` blocks the line is in: the column of each header, and of its `case`
    /// clauses once one is met.
    matches: Vec<(usize, Option<usize>)>,
    /// `expressions`' lists of open brackets and of their items' starts, kept between calls.
    buffers: (Vec<Frame>, Vec<usize>),
}

/// A call under the main guard: its callee as written (without whitespace) and its span.
struct Entry {
    callee: String,
    span: std::ops::Range<usize>,
}

/// A bracket open in the expression being read.
struct Frame {
    open: u8,
    /// Token index of the bracket.
    at: usize,
    /// An argument list (of a call, a decorator or a class's bases).
    call: bool,
    /// Where this bracket's items start in the shared list of item starts (the token index
    /// where each argument, element or pair starts): its items are the list's tail while it is
    /// the innermost open bracket.
    items_from: usize,
    /// Where this call's bindings and environment reads go: before everything found inside
    /// it (the tree walk records a call's facts before its children's).
    bindings_at: usize,
    reads_at: usize,
}

impl Walk<'_> {
    fn t(&self, i: usize) -> &str {
        self.toks
            .get(i)
            .and_then(|t| self.text.get(t.start..t.end))
            .unwrap_or("")
    }

    /// The column (in bytes: the lexer took only one kind of indentation) of the token at `i`.
    fn column(&self, i: usize) -> usize {
        let start = self.toks.get(i).map_or(0, |t| t.start);
        let before = self.text.as_bytes().get(..start).unwrap_or_default();
        start - memchr::memrchr(b'\n', before).map_or(0, |n| n + 1)
    }

    fn is(&self, i: usize, k: K) -> bool {
        self.toks.get(i).is_some_and(|t| t.k == k)
    }

    fn word(&self, i: usize, w: &str) -> bool {
        self.is(i, K::Ident) && self.t(i) == w
    }

    /// One logical line, tokens `[s, e)`.
    fn line(&mut self, s: usize, e: usize) -> Option<()> {
        let toks = &self.toks[s..e];
        if toks
            .iter()
            .filter(|t| matches!(t.k, K::Op | K::Dot | K::Star | K::Compare | K::Assign))
            .count()
            > MAX_OPERATORS
        {
            return None;
        }
        if !self.well_formed(s, e) {
            return None;
        }
        let env_words = self.env_words && {
            let line_text = self.text.get(toks[0].start..toks[toks.len() - 1].end)?;
            line_text.contains("environ") || line_text.contains("getenv")
        };
        // a comparison that reads the environment (`os.getenv("ENV") == "production"`), a
        // subscript of the environment (required or not: the tree knows)
        if env_words
            && (toks.iter().any(|t| t.k == K::Compare)
                || (s..e).any(|i| self.word(i, "environ") && self.is(i + 1, K::Open(b'['))))
        {
            return None;
        }
        let mut start = s;
        // borrowed from the text, not from `self`, which the line goes on to change
        let (text, all) = (self.text, self.toks);
        let first = all
            .get(s)
            .and_then(|t| text.get(t.start..t.end))
            .unwrap_or("");
        let soft_header = matches!(first, "match" | "case")
            && self.is(e - 1, K::Colon)
            && !self.is(s + 1, K::Assign)
            && !self.is(s + 1, K::Dot)
            && !self.is(s + 1, K::Colon);
        // a `match` block holds `case` clauses alone, and a `case` clause is in one
        let col = self.column(s);
        while self.matches.last().is_some_and(|m| m.0 >= col) {
            self.matches.pop();
        }
        let is_case = first == "case" && soft_header && self.is(s, K::Ident);
        match self.matches.last_mut() {
            Some((_, level)) if level.is_none_or(|l| l == col) => {
                *level = Some(col);
                if !is_case {
                    return None;
                }
            }
            _ if is_case => return None,
            _ => {}
        }
        if first == "match" && soft_header && self.is(s, K::Ident) {
            self.matches.push((col, None));
        }
        if first == "case" && self.is(s, K::Ident) {
            if !soft_header {
                // `case 1: x = "y"` (a body on the header's line), `case(x)`: the tree's
                if !(self.is(s + 1, K::Assign) || self.is(s + 1, K::Dot)) {
                    return None;
                }
            } else {
                // a pattern, then maybe a guard: `case {"url": str(u)} if u:`
                let colon = self.header_colon(s, e)?;
                let guard = self.depth0(s + 1, colon).find(|&i| self.word(i, "if"));
                self.pattern(s + 1, guard.unwrap_or(colon))?;
                if let Some(g) = guard {
                    self.expressions(g + 1, colon)?;
                }
                return (colon + 1 == e).then_some(());
            }
        }
        if self.is(s, K::Ident) && (compound(first) || soft_header) {
            let colon = self.header_colon(s, e)?;
            if first == "except" && self.depth0(s, colon).any(|i| self.is(i, K::Comma)) {
                return None; // Python 2's `except E, e:`
            }
            self.expressions(s, colon)?;
            start = colon + 1;
        }
        // simple statements separated by `;`
        let mut seg = start;
        // most lines are one statement: no list of semicolons for them
        let semis: Vec<usize> = if all.get(start..e)?.iter().any(|t| t.k == K::Semi) {
            self.depth0(start, e)
                .filter(|&i| self.is(i, K::Semi))
                .collect()
        } else {
            Vec::new()
        };
        for end in semis.into_iter().chain(std::iter::once(e)) {
            if end > seg {
                self.statement(seg, end)?;
            }
            seg = end + 1;
        }
        Some(())
    }

    /// Whether no two neighbouring tokens of the logical line `[s, e)` rule out Python (`a b`,
    /// `x = = 1`, `f(,)`, a statement that starts or ends with an operator): what the tree
    /// would mark as an error, the front end leaves to it.
    fn well_formed(&self, s: usize, e: usize) -> bool {
        let operand_end = |i: usize| match self.toks[i].k {
            K::Ident => !keyword(self.t(i)) || matches!(self.t(i), "True" | "False" | "None"),
            K::Num | K::Str | K::Close(_) | K::Ellipsis => true,
            _ => false,
        };
        let soft = matches!(self.t(s), "match" | "case" | "type" | "print" | "exec");
        // `from ...pkg import x`: dots, then a name
        let from = self.word(s, "from");
        let mut stmt_start = true;
        for i in s..e {
            let k = self.toks[i].k;
            if stmt_start
                && matches!(
                    k,
                    K::Assign | K::Comma | K::Dot | K::Compare | K::Colon | K::Semi
                )
            {
                return false;
            }
            stmt_start = k == K::Semi;
            let Some(next) = self.toks.get(i + 1).filter(|_| i + 1 < e) else {
                // the line's last token
                return !matches!(k, K::Assign | K::Op | K::Compare | K::Dot);
            };
            let bad = match (k, next.k) {
                (K::Dot | K::Ellipsis, _) if from => false,
                (_, K::Ident | K::Num) if operand_end(i) => {
                    next.k == K::Num || !(keyword(self.t(i + 1)) || soft && i == s)
                }
                (K::Assign, K::Assign | K::Close(_) | K::Comma | K::Colon | K::Semi) => true,
                (K::Dot, n) => !matches!(n, K::Ident | K::Dot | K::Ellipsis),
                (K::Comma, K::Comma) => true,
                (K::Open(_), K::Comma | K::Assign | K::Dot | K::Compare | K::Semi) => true,
                (K::Op | K::Compare, K::Close(_) | K::Comma | K::Assign | K::Semi) => true,
                _ => false,
            };
            if bad {
                return false;
            }
        }
        true
    }

    /// Token indices of `[s, e)` outside any bracket opened there.
    fn depth0(&self, s: usize, e: usize) -> impl Iterator<Item = usize> + '_ {
        let mut depth = 0usize;
        (s..e).filter(move |&i| match self.toks[i].k {
            K::Open(_) => {
                depth += 1;
                false
            }
            K::Close(_) => {
                depth = depth.saturating_sub(1);
                false
            }
            _ => depth == 0,
        })
    }

    /// The colon that ends a compound statement's header (a lambda's colons are skipped).
    fn header_colon(&self, s: usize, e: usize) -> Option<usize> {
        let mut lambdas = 0;
        for i in self.depth0(s, e) {
            if self.word(i, "lambda") {
                lambdas += 1;
            } else if self.is(i, K::Colon) {
                if lambdas == 0 {
                    return Some(i);
                }
                lambdas -= 1;
            }
        }
        None
    }

    fn statement(&mut self, s: usize, e: usize) -> Option<()> {
        let first = self.t(s);
        if self.is(s, K::Ident) {
            match first {
                "import" => return self.import(s + 1, e),
                "from" => return self.import_from(s + 1, e),
                // Python 2's print and exec statements
                "print" | "exec"
                    if !matches!(
                        self.toks.get(s + 1).map(|t| t.k),
                        None | Some(K::Open(b'(') | K::Assign | K::Dot | K::Open(b'['))
                    ) =>
                {
                    return None;
                }
                _ => {}
            }
        }
        // an assignment of a string: `NAME = "…"`, `obj.attr = "…"`, `a = b = "…"`,
        // `NAME: str = "…"`; of a generated secret: `SECRET_KEY = secrets.token_hex(32)`
        // the last `=` at depth 0, the one before it, and how many there are
        let (eqs, before_last, last) = self
            .depth0(s, e)
            .filter(|&i| self.is(i, K::Assign))
            .fold((0usize, None, None), |(n, _, last), i| {
                (n + 1, last, Some(i))
            });
        if let Some(last_eq) = last {
            let left_start = before_last.map_or(s, |b: usize| b + 1);
            let mut left_end = last_eq;
            if eqs == 1
                && let Some(colon) = self.depth0(s, last_eq).find(|&i| self.is(i, K::Colon))
            {
                left_end = colon;
            }
            let value = self.string_group(last_eq + 1, e);
            let right = self.toks[last_eq + 1].start..self.toks[e - 1].end;
            let right_text = self.text.get(right.clone())?;
            let generated = left_end > left_start
                && self.is(left_end - 1, K::Ident)
                && generated_secret(self.t(left_end - 1), right_text);
            if (value.is_some() || generated)
                && let Some(key) = self.target(left_start, left_end)?
            {
                if let Some(Some(v)) = value {
                    self.f.bindings.push(StrBinding {
                        key: key.into(),
                        value: v.into(),
                        value_span: right.clone().into(),
                    });
                }
                if generated {
                    let left = self.toks[left_start].start..self.toks[left_end - 1].end;
                    self.f
                        .rare
                        .generated_secrets
                        .push((self.text.get(left)?.to_string(), right));
                }
            }
        }
        self.expressions(s, e)
    }

    /// The name an assignment's target binds (`NAME`, `a.b.NAME`), `Some(None)` for targets
    /// that bind none (subscripts, tuples), `None` for what only the tree reads exactly.
    fn target(&self, s: usize, e: usize) -> Option<Option<String>> {
        if e <= s {
            return Some(None);
        }
        let simple = (s..e).all(|i| {
            if (i - s).is_multiple_of(2) {
                self.is(i, K::Ident)
            } else {
                self.is(i, K::Dot)
            }
        }) && (e - s) % 2 == 1;
        if simple {
            if keyword(self.t(s)) {
                return Some(None);
            }
            return Some(Some(self.t(e - 1).to_string()));
        }
        // `f().x = "…"`, `a[0].b = "…"`: an attribute of something else
        if e - s >= 2 && self.is(e - 1, K::Ident) && self.is(e - 2, K::Dot) {
            return None;
        }
        Some(None)
    }

    /// Tokens `[s, e)` as one string literal or implicit concatenation: `Some(value)`, where
    /// the value is `None` when a part interpolates. `None` when they are anything else.
    fn string_group(&self, s: usize, e: usize) -> Option<Option<String>> {
        if e <= s || !(s..e).all(|i| self.is(i, K::Str)) {
            return None;
        }
        if (s + 1..e).any(|i| self.toks[i].after_comment) {
            return None;
        }
        let mut out = String::new();
        for t in &self.toks[s..e] {
            if t.interp {
                return Some(None);
            }
            out.push_str(self.text.get(t.inner.0..t.inner.1)?);
        }
        Some(Some(out))
    }

    /// `import a.b as c, d`
    fn import(&mut self, s: usize, e: usize) -> Option<()> {
        let mut i = s;
        while i < e {
            let (name, span, next) = self.dotted(i, e)?;
            let top = name.split('.').next().unwrap_or("").to_string();
            self.f.imports.push((top.into(), span.into()));
            self.f.modules.push(name.into());
            i = next;
            if self.word(i, "as") {
                if !self.is(i + 1, K::Ident) {
                    return None;
                }
                i += 2;
            }
            if i < e {
                if !self.is(i, K::Comma) {
                    return None;
                }
                i += 1;
            }
        }
        Some(())
    }

    /// A dotted name at `i`: its text, span and the index after it.
    fn dotted(&self, mut i: usize, e: usize) -> Option<(String, std::ops::Range<usize>, usize)> {
        if i >= e || !self.is(i, K::Ident) || keyword(self.t(i)) {
            return None;
        }
        let start = self.toks[i].start;
        let mut name = self.t(i).to_string();
        let mut end = self.toks[i].end;
        i += 1;
        while i + 1 < e && self.is(i, K::Dot) && self.is(i + 1, K::Ident) {
            name.push('.');
            name.push_str(self.t(i + 1));
            end = self.toks[i + 1].end;
            i += 2;
        }
        Some((name, start..end, i))
    }

    /// `from a.b import c as d, e`, `from . import x`, `from ..m import (y, z)`
    fn import_from(&mut self, s: usize, e: usize) -> Option<()> {
        let mut i = s;
        let mut module = String::new();
        while i < e && (self.is(i, K::Dot) || self.is(i, K::Ellipsis)) {
            module.push_str(if self.is(i, K::Dot) { "." } else { "..." });
            i += 1;
        }
        let relative = !module.is_empty();
        let mut dotted_span = None;
        if !self.word(i, "import") {
            let (name, span, next) = self.dotted(i, e)?;
            module.push_str(&name);
            dotted_span = Some(span);
            i = next;
        }
        if !self.word(i, "import") || module.is_empty() {
            return None;
        }
        i += 1;
        if module == "__future__" {
            return Some(()); // a future statement, not an import
        }
        if !relative && let Some(span) = dotted_span {
            let top = module.split('.').next().unwrap_or("").to_string();
            self.f.imports.push((top.into(), span.into()));
        }
        let mut end = e;
        if self.is(i, K::Open(b'(')) {
            if !self.is(e - 1, K::Close(b'(')) {
                return None;
            }
            i += 1;
            end = e - 1;
        }
        if self.is(i, K::Star) && self.t(i) == "*" {
            if i + 1 != end {
                return None;
            }
        } else {
            while i < end {
                if !self.is(i, K::Ident) {
                    return None;
                }
                let name = self.t(i);
                let mut full = String::with_capacity(module.len() + 1 + name.len());
                full.push_str(&module);
                if !module.ends_with('.') {
                    full.push('.');
                }
                full.push_str(name);
                self.f.modules.push(full.into());
                i += 1;
                if self.word(i, "as") {
                    if !self.is(i + 1, K::Ident) {
                        return None;
                    }
                    i += 2;
                }
                if i < end {
                    if !self.is(i, K::Comma) {
                        return None;
                    }
                    i += 1;
                }
            }
        }
        self.f.modules.push(module.into());
        Some(())
    }

    /// The facts inside the expressions of tokens `[s, e)`: string literals, keyword
    /// arguments and dictionary pairs of strings, environment reads.
    fn expressions(&mut self, s: usize, e: usize) -> Option<()> {
        // lists kept from one expression to the next: most lines open a bracket
        let (mut frames, mut items) = std::mem::take(&mut self.buffers);
        frames.clear();
        items.clear();
        let mut i = s;
        while i < e {
            let t = self.toks[i];
            match t.k {
                K::Str => {
                    let mut j = i + 1;
                    while j < e && self.is(j, K::Str) {
                        j += 1;
                    }
                    if let Some(Some(v)) = self.string_group(i, j) {
                        self.f
                            .string_literal(v, self.toks[i].start..self.toks[j - 1].end);
                    } else if j - i > 1 && (i + 1..j).any(|x| self.toks[x].after_comment) {
                        return None;
                    }
                    i = j;
                    continue;
                }
                K::Open(open) => {
                    let call = open == b'(' && i > s && self.is_call_paren(i);
                    frames.push(Frame {
                        open,
                        at: i,
                        call,
                        items_from: items.len(),
                        bindings_at: self.f.bindings.len(),
                        reads_at: self.f.env_reads.len(),
                    });
                    items.push(i + 1);
                }
                K::Comma => {
                    if let Some(fr) = frames.last() {
                        if fr.open == b'{' {
                            let item = *items.last()?;
                            self.pair(item, i);
                        }
                        items.push(i + 1);
                    }
                }
                K::Ident if matches!(self.t(i), "for" | "async") => {
                    // a dictionary comprehension's pair ends at its `for`
                    if let Some(fr) = frames.last()
                        && fr.open == b'{'
                        && let Some(&item) = items.last()
                    {
                        self.pair(item, i);
                        items.push(e); // no further pair in this comprehension
                    }
                }
                K::Close(_) => {
                    let fr = frames.pop()?;
                    if fr.open == b'{'
                        && let Some(&item) = items.last()
                    {
                        self.pair(item, i);
                    }
                    if fr.call {
                        self.call(&fr, items.get(fr.items_from..)?, i)?;
                    }
                    items.truncate(fr.items_from);
                }
                _ => {}
            }
            i += 1;
        }
        let closed = frames.is_empty();
        self.buffers = (frames, items);
        closed.then_some(())
    }

    /// A call under the main guard, its argument list `[at, close]`: the first the tree walk
    /// meets is the one that starts first, of those the outermost (`f(a)(b)` before `f(a)`,
    /// `d[g(1)](2)` before `g(1)`). A connection opened there is the tree's to report.
    fn guarded_call(&mut self, at: usize, close: usize) -> Option<()> {
        let start = self.chain_start(at)?;
        let callee: String = self
            .text
            .get(self.toks[start].start..self.toks[at - 1].end)?
            .split_whitespace()
            .collect();
        if super::eager_connect_call(super::Lang::Python, &callee) {
            return None;
        }
        let span = self.toks[start].start..self.toks[close].end;
        let first = self.entry.as_ref().is_none_or(|e| {
            span.start < e.span.start || (span.start == e.span.start && span.end > e.span.end)
        });
        if first {
            self.entry = Some(Entry { callee, span });
        }
        Some(())
    }

    /// Where the expression called by the argument list at `at` starts: back over names,
    /// attributes, calls and subscripts (`a.b(c)[0].d`), to a name, a string or a bracketed
    /// group that follows no expression.
    fn chain_start(&self, at: usize) -> Option<usize> {
        // whether the token at `p` ends an expression a postfix can follow
        let operand_end = |p: usize| match self.toks[p].k {
            K::Ident => !keyword(self.t(p)) || matches!(self.t(p), "True" | "False" | "None"),
            K::Str | K::Close(_) | K::Num => true,
            _ => false,
        };
        let mut p = at.checked_sub(1)?;
        loop {
            let q = match self.toks[p].k {
                K::Ident | K::Num => p,
                K::Str => {
                    let mut q = p;
                    while q > 0 && self.is(q - 1, K::Str) {
                        q -= 1;
                    }
                    q
                }
                K::Close(_) => {
                    let m = self.matching_open(p)?;
                    if matches!(self.toks[m].k, K::Open(b'(' | b'[')) && m > 0 && operand_end(m - 1)
                    {
                        p = m - 1;
                        continue;
                    }
                    m
                }
                _ => return None,
            };
            // an attribute of what comes before the dot
            if q >= 2 && self.is(q - 1, K::Dot) && self.is(q, K::Ident) {
                if !operand_end(q - 2) {
                    return None;
                }
                p = q - 2;
                continue;
            }
            return Some(q);
        }
    }

    /// The bracket that the one closing at `close` opens.
    fn matching_open(&self, close: usize) -> Option<usize> {
        let mut depth = 0usize;
        for i in (0..=close).rev() {
            match self.toks[i].k {
                K::Close(_) => depth += 1,
                K::Open(_) => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                K::Newline => return None,
                _ => {}
            }
        }
        None
    }

    /// A `case` pattern, tokens `[s, e)`: patterns, not expressions (`{"k": "v"}` there is no
    /// dictionary, `Point(x="a")` no call), so only its string literals are facts.
    fn pattern(&mut self, s: usize, e: usize) -> Option<()> {
        let mut i = s;
        while i < e {
            if !self.is(i, K::Str) {
                i += 1;
                continue;
            }
            let mut j = i + 1;
            while j < e && self.is(j, K::Str) {
                j += 1;
            }
            match self.string_group(i, j)? {
                Some(v) => self
                    .f
                    .string_literal(v, self.toks[i].start..self.toks[j - 1].end),
                // no f-string is a pattern
                None => return None,
            }
            i = j;
        }
        Some(())
    }

    /// Whether the `(` at `i` opens an argument list: after a name (not a keyword, not the
    /// name of a `def`), a call or a subscript.
    fn is_call_paren(&self, i: usize) -> bool {
        let p = i - 1;
        match self.toks[p].k {
            // a function's parameters and a class's bases are no call
            K::Ident => {
                !keyword(self.t(p))
                    && !(p > 0 && (self.word(p - 1, "def") || self.word(p - 1, "class")))
            }
            K::Close(_) | K::Str => true,
            _ => false,
        }
    }

    /// A pair of strings in a dictionary, tokens `[s, e)`: `"key": "value"`.
    fn pair(&mut self, s: usize, e: usize) {
        let Some(colon) = (s..e).find(|&i| self.is(i, K::Colon)) else {
            return;
        };
        if let (Some(Some(k)), Some(Some(v))) =
            (self.string_group(s, colon), self.string_group(colon + 1, e))
        {
            self.f.bindings.push(StrBinding {
                key: k.into(),
                value: v.into(),
                value_span: (self.toks[colon + 1].start..self.toks[e - 1].end).into(),
            });
        }
    }

    /// A call closed at `close`: bindings of its keyword arguments of strings and, for an
    /// environment lookup, the read.
    fn call(&mut self, fr: &Frame, items: &[usize], close: usize) -> Option<()> {
        if self.guard.is_some_and(|(s, e)| s <= fr.at && fr.at < e) {
            self.guarded_call(fr.at, close)?;
        }
        // the callee: a dotted name before the parenthesis
        let mut c = fr.at;
        if c >= 1 && self.is(c - 1, K::Ident) {
            c -= 1;
            while c >= 2 && self.is(c - 1, K::Dot) && self.is(c - 2, K::Ident) {
                c -= 2;
            }
        }
        let callee: String = self.toks[c..fr.at]
            .iter()
            .filter_map(|t| self.text.get(t.start..t.end))
            .collect();
        let env_get = super::python::env_lookup(&callee);
        let method = self.toks[c..fr.at]
            .last()
            .map_or("", |t| self.text.get(t.start..t.end).unwrap_or(""));
        if tree_word(method) || super::python::RUNNERS.contains(&callee.as_str()) {
            return None;
        }
        let simple = c < fr.at && !(c >= 1 && matches!(self.toks[c - 1].k, K::Dot | K::Close(_)));
        if !simple && (callee.contains("environ") || callee.contains("getenv")) {
            return None; // `x().environ.get(…)`: the tree knows the callee
        }
        // the arguments: (keyword, first token of the value, end)
        let ends = items
            .iter()
            .skip(1)
            .map(|&n| n - 1)
            .chain(std::iter::once(close));
        let args: Vec<(Option<usize>, usize, usize)> = items
            .iter()
            .zip(ends)
            .filter(|(s, e)| e > s)
            .map(|(&s, e)| {
                if self.is(s, K::Ident) && self.is(s + 1, K::Assign) && s + 2 < e {
                    (Some(s), s + 2, e)
                } else {
                    (None, s, e)
                }
            })
            .collect();
        let span = |(k, v, e): (Option<usize>, usize, usize)| {
            self.toks[k.unwrap_or(v)].start..self.toks[e - 1].end
        };
        let value_span = |v: usize, e: usize| self.toks[v].start..self.toks[e - 1].end;
        let mut bindings: Vec<StrBinding> = Vec::new();
        for &(k, v, e) in &args {
            // a call given a `host` is one the model reads whole
            if k.is_some_and(|k| matches!(self.t(k), "host" | "Host")) {
                return None;
            }
            if let Some(k) = k
                && let Some(Some(value)) = self.string_group(v, e)
            {
                bindings.push(StrBinding {
                    key: self.t(k).to_string().into(),
                    value: value.into(),
                    value_span: value_span(v, e).into(),
                });
            }
        }
        if env_get
            && let Some(&(_, v, e)) = args.first()
            && let ArgValue::Str(name) = self.arg_value(v, e)?
        {
            let call_span = self.toks[c].start..self.toks[close].end;
            let default_arg = args
                .get(1)
                .filter(|a| a.0.is_none())
                .or_else(|| {
                    args.iter()
                        .find(|a| a.0.is_some_and(|k| self.t(k) == "default"))
                })
                .copied();
            let default = match default_arg {
                Some((_, v, e)) => Some(self.arg_value(v, e)?),
                None => None,
            };
            let default_span = default_arg.map(|a| match a.0 {
                None => span(a),
                Some(_) => value_span(a.1, a.2),
            });
            if let Some(ArgValue::Str(d)) = &default {
                bindings.push(StrBinding {
                    key: name.clone().into(),
                    value: d.clone(),
                    value_span: args.get(1).map_or(call_span.clone(), |a| span(*a)).into(),
                });
            }
            let read = EnvRead {
                name: name.into(),
                has_default: default.is_some(),
                default,
                span: call_span.into(),
                default_span: default_span.map(Into::into),
                required: false,
                required_if: None,
            };
            self.f
                .env_reads
                .insert(fr.reads_at.min(self.f.env_reads.len()), read);
        }
        let at = fr.bindings_at.min(self.f.bindings.len());
        for (n, b) in bindings.into_iter().enumerate() {
            self.f.bindings.insert(at + n, b);
        }
        Some(())
    }

    /// An argument's value, as the tree walk's `arg_value` gives it.
    fn arg_value(&self, s: usize, e: usize) -> Option<ArgValue> {
        if let Some(Some(v)) = self.string_group(s, e) {
            return Some(ArgValue::Str(v.into()));
        }
        if e == s + 1
            && self.is(s, K::Num)
            && let Ok(n) = self.t(s).replace('_', "").parse()
        {
            return Some(ArgValue::Int(n));
        }
        let body = self.text.get(self.toks[s].start..self.toks[e - 1].end)?;
        Some(super::python::expr_value(body))
    }
}
