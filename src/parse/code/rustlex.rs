//! A lexical front end for Rust: the facts of a file that needs no syntax tree, from its
//! tokens alone (see `pylex` for Python, and why).
//!
//! Most Rust modules hold only `use` declarations, string literals, strings bound by `let`,
//! `const`, `static` and struct fields (`Config { host: "…" }`), and test code under
//! `#[cfg(test)]` / `#[test]`: all in the order of the tokens. An environment read, a server
//! bound, a pool or client connected, a migration, a subprocess, a log file or a retry loop
//! needs the tree: [`facts`] declines a file holding any of them, and anything it does not
//! read exactly (unbalanced brackets, an unterminated string or comment, a test attribute on
//! something other than a function, module or impl, a struct pattern with a string field,
//! characters that are no Rust, nesting deeper than a tree walk goes). Its result is the
//! tree-sitter walk's, fact for fact and span for span, on every Rust file of the fixtures and
//! the shared corpora (`tests/lexer.rs`).

use super::{CodeFacts, StrBinding, is_ident_byte, is_ident_start, may_hold_retry_loop};

/// Calls, by their last name, that hold a fact only the tree gives: servers, connections
/// opened at start-up, migrations, log files.
fn tree_method(m: &str) -> bool {
    matches!(
        m,
        "bind"
            | "run"
            | "bind_rustls"
            | "bind_openssl"
            | "connect"
            | "connect_with"
            | "get_async_connection"
            | "get_multiplexed_async_connection"
            | "get_connection"
            | "run_pending_migrations"
            | "up"
            | "Up"
            | "AutoMigrate"
            | "latest"
            | "migrateToLatest"
            | "runMigrations"
            | "log_to_file"
    )
}

fn keyword(w: &str) -> bool {
    matches!(
        w,
        "as" | "break"
            | "const"
            | "continue"
            | "else"
            | "enum"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "async"
            | "await"
            | "dyn"
            | "yield"
    )
}

const MAX_OPERATORS: usize = 150;
const MAX_DEPTH: usize = 48;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum K {
    Ident,
    Str,
    /// a raw string (`r"…"`, `r#"…"#`, `br"…"`)
    RawStr,
    Char,
    Lifetime,
    Num,
    Open(u8),
    Close(u8),
    Comma,
    Colon,
    /// `::`
    Path,
    Semi,
    /// `=` alone
    Assign,
    /// `=>`
    Arrow,
    Dot,
    Bang,
    Hash,
    Op,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    k: K,
    start: usize,
    end: usize,
}

/// The facts of a Rust file that needs no tree, or `None` when tree-sitter must read it.
pub fn facts(text: &str) -> Option<CodeFacts> {
    let b = text.as_bytes();
    if may_hold_retry_loop(b) || log_file_words(b) {
        return None;
    }
    let toks = lex(b)?;
    let mut w = Walk {
        text,
        toks: &toks,
        f: CodeFacts::default(),
    };
    w.walk()?;
    Some(w.f)
}

/// The words of the log file appenders the tree walk recognises (`tracing_appender::rolling`,
/// `RollingFileAppender`, `FileAppender::builder`, `WriteLogger`), in any case.
fn log_file_words(b: &[u8]) -> bool {
    ["rolling", "fileappender", "writelogger"].iter().any(|w| {
        b.windows(w.len())
            .any(|x| x.eq_ignore_ascii_case(w.as_bytes()))
    })
}

fn lex(b: &[u8]) -> Option<Vec<Tok>> {
    let mut toks: Vec<Tok> = Vec::with_capacity(b.len() / 4);
    let mut stack: Vec<u8> = Vec::new();
    let mut i = 0;
    let push = |toks: &mut Vec<Tok>, k: K, start: usize, end: usize| {
        toks.push(Tok { k, start, end });
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                // block comments nest
                let mut depth = 1usize;
                let mut j = i + 2;
                while depth > 0 {
                    match (b.get(j)?, b.get(j + 1)) {
                        (b'/', Some(b'*')) => {
                            depth += 1;
                            j += 2;
                        }
                        (b'*', Some(b'/')) => {
                            depth -= 1;
                            j += 2;
                        }
                        _ => j += 1,
                    }
                }
                i = j;
            }
            b'"' => {
                let end = quoted(b, i + 1, b'"')?;
                push(&mut toks, K::Str, i, end);
                i = end;
            }
            b'\'' => {
                // a character literal (`'a'`, `'\n'`, `'é'`) or a lifetime (`'a`, `'static`)
                let next = *b.get(i + 1)?;
                let width = match next {
                    0..=0x7F => 1,
                    0xC0..=0xDF => 2,
                    0xE0..=0xEF => 3,
                    _ => 4,
                };
                if next == b'\\' {
                    let end = quoted(b, i + 1, b'\'')?;
                    push(&mut toks, K::Char, i, end);
                    i = end;
                } else if b.get(i + 1 + width) == Some(&b'\'') && next != b'\'' {
                    push(&mut toks, K::Char, i, i + 2 + width);
                    i += 2 + width;
                } else if is_ident_start(next) {
                    let mut j = i + 2;
                    while b.get(j).copied().is_some_and(is_ident_byte) {
                        j += 1;
                    }
                    push(&mut toks, K::Lifetime, i, j);
                    i = j;
                } else {
                    return None;
                }
            }
            _ if is_ident_start(c) => {
                let mut j = i + 1;
                while b.get(j).copied().is_some_and(is_ident_byte) {
                    j += 1;
                }
                let word = &b[i..j];
                match (word, b.get(j)) {
                    (b"b", Some(b'"')) => {
                        let end = quoted(b, j + 1, b'"')?;
                        push(&mut toks, K::Str, i, end);
                        i = end;
                    }
                    (b"b", Some(b'\'')) => {
                        let end = quoted(b, j + 1, b'\'')?;
                        push(&mut toks, K::Char, i, end);
                        i = end;
                    }
                    (b"r" | b"br", Some(b'"' | b'#')) => {
                        // `r#ident` is a raw identifier, `r#"…"#` a raw string
                        let mut q = j;
                        while b.get(q) == Some(&b'#') {
                            q += 1;
                        }
                        if b.get(q) != Some(&b'"') {
                            if word == b"r"
                                && q == j + 1
                                && b.get(q).copied().is_some_and(is_ident_start)
                            {
                                let mut e = q + 1;
                                while b.get(e).copied().is_some_and(is_ident_byte) {
                                    e += 1;
                                }
                                push(&mut toks, K::Ident, i, e);
                                i = e;
                                continue;
                            }
                            return None;
                        }
                        let hashes = q - j;
                        let mut e = q + 1;
                        loop {
                            let at = memchr::memchr(b'"', b.get(e..)?)? + e;
                            if b.get(at + 1..at + 1 + hashes)
                                .is_some_and(|h| h.iter().all(|&x| x == b'#'))
                            {
                                e = at + 1 + hashes;
                                break;
                            }
                            e = at + 1;
                        }
                        push(&mut toks, K::RawStr, i, e);
                        i = e;
                    }
                    // C strings and other prefixes: the tree reads them
                    (_, Some(b'"')) => return None,
                    _ => {
                        push(&mut toks, K::Ident, i, j);
                        i = j;
                    }
                }
            }
            _ if c.is_ascii_digit() => {
                let hex = c == b'0' && matches!(b.get(i + 1), Some(b'x' | b'X'));
                let mut j = i + 1;
                while let Some(&x) = b.get(j) {
                    let point = x == b'.' && b.get(j + 1).is_some_and(u8::is_ascii_digit);
                    let sign = (x == b'+' || x == b'-')
                        && !hex
                        && matches!(b.get(j - 1), Some(b'e' | b'E'));
                    if !(is_ident_byte(x) || point || sign) {
                        break;
                    }
                    j += 1;
                }
                push(&mut toks, K::Num, i, j);
                i = j;
            }
            b'(' | b'[' | b'{' => {
                if stack.len() >= MAX_DEPTH {
                    return None;
                }
                stack.push(c);
                push(&mut toks, K::Open(c), i, i + 1);
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
                push(&mut toks, K::Close(open), i, i + 1);
                i += 1;
            }
            _ => {
                let three = b.get(i..i + 3).unwrap_or(b"");
                let two = b.get(i..i + 2).unwrap_or(b"");
                let (k, n) = match two {
                    _ if matches!(three, b"..=" | b"..." | b"<<=" | b">>=") => (K::Op, 3),
                    b"::" => (K::Path, 2),
                    b"=>" => (K::Arrow, 2),
                    b"==" | b"!=" | b"<=" | b">=" | b"&&" | b"||" | b"+=" | b"-=" | b"*="
                    | b"/=" | b"%=" | b"^=" | b"&=" | b"|=" | b"->" | b".." | b"<<" | b">>" => {
                        (K::Op, 2)
                    }
                    _ => match c {
                        b'=' => (K::Assign, 1),
                        b',' => (K::Comma, 1),
                        b':' => (K::Colon, 1),
                        b';' => (K::Semi, 1),
                        b'.' => (K::Dot, 1),
                        b'!' => (K::Bang, 1),
                        b'#' => (K::Hash, 1),
                        // `$` belongs to macro definitions, checked where it stands
                        b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^' | b'<' | b'>'
                        | b'?' | b'@' | b'$' => (K::Op, 1),
                        // backslashes, backticks, `~`, control and non-ASCII characters
                        // outside strings and comments: not Rust
                        _ => return None,
                    },
                };
                push(&mut toks, k, i, i + n);
                i += n;
            }
        }
    }
    stack.is_empty().then_some(toks)
}

/// The end (after the closing quote) of a quoted literal whose content starts at `i`.
fn quoted(b: &[u8], mut i: usize, quote: u8) -> Option<usize> {
    loop {
        match *b.get(i)? {
            b'\\' => i += 2,
            x if x == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// A string literal's value as the tree walk gives it.
fn string_value(t: &Tok, text: &str) -> Option<String> {
    let raw = text.get(t.start..t.end)?;
    match t.k {
        // the content between the quotes, escapes as written (`b"…"` too)
        K::Str => {
            let open = raw.find('"')?;
            raw.get(open + 1..raw.len() - 1).map(str::to_string)
        }
        K::RawStr => {
            let inner = raw.trim_start_matches('r').trim_matches('#');
            Some(inner.trim_matches('"').to_string())
        }
        _ => None,
    }
}

/// A bracket open in the code being read.
struct Frame {
    open: u8,
    /// Token index of the bracket.
    at: usize,
    /// A macro's token tree: only its string literals are facts.
    tokens: bool,
    /// Where the current item (statement, element, field) starts.
    start: usize,
}

struct Walk<'a> {
    text: &'a str,
    toks: &'a [Tok],
    f: CodeFacts,
}

impl Walk<'_> {
    fn t(&self, i: usize) -> &str {
        self.toks
            .get(i)
            .and_then(|t| self.text.get(t.start..t.end))
            .unwrap_or("")
    }

    fn is(&self, i: usize, k: K) -> bool {
        self.toks.get(i).is_some_and(|t| t.k == k)
    }

    fn word(&self, i: usize, w: &str) -> bool {
        self.is(i, K::Ident) && self.t(i) == w
    }

    fn is_str(&self, i: usize) -> bool {
        self.is(i, K::Str) || self.is(i, K::RawStr)
    }

    /// The bracket that matches the one at `i`.
    fn matching(&self, i: usize) -> Option<usize> {
        let mut depth = 0usize;
        for j in i..self.toks.len() {
            match self.toks[j].k {
                K::Open(_) => depth += 1,
                K::Close(_) => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(j);
                    }
                }
                _ => {}
            }
        }
        None
    }

    fn walk(&mut self) -> Option<()> {
        let mut frames = vec![Frame {
            open: b'{',
            at: usize::MAX,
            tokens: false,
            start: 0,
        }];
        // where each bracket closes, found once (a struct literal's fields ask what follows it)
        let mut partner = vec![usize::MAX; self.toks.len()];
        let mut open: Vec<usize> = Vec::new();
        for (j, t) in self.toks.iter().enumerate() {
            match t.k {
                K::Open(_) => open.push(j),
                K::Close(_) => partner[open.pop()?] = j,
                _ => {}
            }
        }
        let mut operators = 0usize;
        // an outer attribute said the next item is test code
        let mut test_next = false;
        let mut i = 0;
        while i < self.toks.len() {
            let t = self.toks[i];
            let in_tokens = frames.last()?.tokens;
            match t.k {
                K::Str | K::RawStr => {
                    let v = string_value(&t, self.text)?;
                    self.f.string_literal(v, t.start..t.end);
                }
                // an outer attribute `#[…]`: no fact inside; a test attribute makes the next
                // item test code. Inner attributes `#![…]` are read as code.
                K::Hash if !in_tokens && self.is(i + 1, K::Open(b'[')) => {
                    let close = self.matching(i + 1)?;
                    let attr = self.text.get(t.start..self.toks[close].end)?;
                    if super::rust::is_test_attribute(attr) {
                        test_next = true;
                    }
                    i = close + 1;
                    // what it qualifies starts after it
                    frames.last_mut()?.start = i;
                    continue;
                }
                _ if test_next && !in_tokens => {
                    test_next = false;
                    let end = self.item_end(i)?;
                    self.f.test_spans.push((t.start..self.toks[end].end).into());
                    i = end + 1;
                    frames.last_mut()?.start = i;
                    continue;
                }
                K::Open(open) => {
                    // a macro's token tree: `name!(…)`, `name! {…}`, `macro_rules! name {…}`
                    let tokens = in_tokens
                        || (i >= 2
                            && self.is(i - 1, K::Bang)
                            && self.is(i - 2, K::Ident)
                            && self.toks[i - 2].end == self.toks[i - 1].start
                            && !keyword(self.t(i - 2)))
                        || (i >= 3
                            && self.is(i - 1, K::Ident)
                            && self.is(i - 2, K::Bang)
                            && self.word(i - 3, "macro_rules"));
                    frames.push(Frame {
                        open,
                        at: i,
                        tokens,
                        start: i + 1,
                    });
                }
                K::Close(_) => {
                    let fr = frames.pop()?;
                    if fr.open == b'{' && !fr.tokens {
                        self.field(fr.start, i, i)?;
                    }
                    if frames.is_empty() {
                        return None;
                    }
                    // a block ends a statement
                    if fr.open == b'{' {
                        frames.last_mut()?.start = i + 1;
                    }
                }
                _ if in_tokens => {}
                K::Semi => {
                    operators = 0;
                    frames.last_mut()?.start = i + 1;
                }
                K::Comma => {
                    let fr = frames.last_mut()?;
                    let s = fr.start;
                    fr.start = i + 1;
                    if fr.open == b'{' {
                        let close = partner.get(fr.at).copied().unwrap_or(usize::MAX);
                        self.field(s, i, close)?;
                    }
                }
                K::Ident => {
                    let word = self.t(i);
                    // a call (not the definition `fn run(…)`)
                    if self.is(i + 1, K::Open(b'('))
                        && tree_method(word)
                        && !(i >= 1 && self.word(i - 1, "fn"))
                    {
                        return None;
                    }
                    let start = frames.last()?.start;
                    match word {
                        // `Command::new(…)`: the tree reads the program
                        "new"
                            if i >= 2 && self.is(i - 1, K::Path) && self.t(i - 2) == "Command" =>
                        {
                            return None;
                        }
                        "var" | "var_os"
                            if i >= 2
                                && self.is(i - 1, K::Path)
                                && matches!(self.t(i - 2), "env" | "dotenvy")
                                && self.is(i + 1, K::Open(b'(')) =>
                        {
                            self.env_read(i)?;
                        }
                        "use" if self.at_item(start, i) => {
                            i = self.use_declaration(i + 1)?;
                            frames.last_mut()?.start = i + 1;
                        }
                        "let" if i == start || self.at_item(start, i) => {
                            self.let_declaration(i + 1)?
                        }
                        "const" | "static" if self.at_item(start, i) => self.item_value(i + 1)?,
                        _ => {}
                    }
                }
                K::Op | K::Dot | K::Assign => {
                    operators += 1;
                    if operators > MAX_OPERATORS {
                        return None;
                    }
                    // `$` outside a macro's token tree is no Rust
                    if self.t(i) == "$" {
                        return None;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        (frames.len() == 1 && !test_next).then_some(())
    }

    /// Whether the keyword at `i` starts its item: only a visibility (`pub`,
    /// `pub(crate)`) stands between the item's start `s` and it.
    fn at_item(&self, s: usize, i: usize) -> bool {
        if s == i {
            return true;
        }
        if !self.word(s, "pub") {
            return false;
        }
        if s + 1 == i {
            return true;
        }
        self.is(s + 1, K::Open(b'(')) && self.matching(s + 1).is_some_and(|c| c + 1 == i)
    }

    /// The last token of the item starting at `i` that a test attribute marks: a function,
    /// module or impl (after a visibility and qualifiers). `None` for anything else.
    fn item_end(&self, mut i: usize) -> Option<usize> {
        if self.word(i, "pub") {
            i += 1;
            if self.is(i, K::Open(b'(')) {
                i = self.matching(i)? + 1;
            }
        }
        while matches!(self.t(i), "async" | "unsafe" | "const" | "extern") {
            i += 1;
            if self.is(i, K::Str) {
                i += 1; // extern "C"
            }
        }
        if !matches!(self.t(i), "fn" | "mod" | "impl") {
            return None;
        }
        let mut depth = 0usize;
        for j in i..self.toks.len() {
            match self.toks[j].k {
                K::Open(b'{') if depth == 0 => return self.matching(j),
                K::Open(_) => depth += 1,
                K::Close(_) => depth = depth.checked_sub(1)?,
                K::Semi if depth == 0 => return Some(j),
                _ => {}
            }
        }
        None
    }

    /// `use a::b::{c, d};` after `use` at `i`: the crate it imports; the index of its `;`.
    fn use_declaration(&mut self, i: usize) -> Option<usize> {
        let mut end = i;
        while !self.is(end, K::Semi) {
            if end >= self.toks.len() {
                return None;
            }
            end += 1;
        }
        if end == i {
            return None;
        }
        let span = self.toks[i].start..self.toks[end - 1].end;
        let path = self.text.get(span.clone())?;
        let first = path
            .trim_start_matches("::")
            .split("::")
            .next()
            .unwrap_or("")
            .trim_start_matches('{');
        if !matches!(
            first,
            "crate" | "self" | "super" | "std" | "core" | "alloc" | ""
        ) {
            self.f.imports.push((first.to_string().into(), span.into()));
        }
        // strings inside a use list are none; nothing else to read
        Some(end)
    }

    /// `let [mut] PATTERN [: T] = "…";` after `let` at `i`.
    fn let_declaration(&mut self, mut i: usize) -> Option<()> {
        if self.word(i, "mut") {
            i += 1;
        }
        let (pattern_end, eq) = self.until_value(i)?;
        if let Some(eq) = eq
            && pattern_end > i
            && self.is_str(eq + 1)
            && (self.is(eq + 2, K::Semi) || self.word(eq + 2, "else"))
        {
            let key = self
                .text
                .get(self.toks[i].start..self.toks[pattern_end - 1].end)?;
            self.bind(key.to_string(), eq + 1)?;
        }
        Some(())
    }

    /// `const NAME: T = "…";`, `static [mut] NAME: T = "…";` after the keyword at `i`.
    fn item_value(&mut self, mut i: usize) -> Option<()> {
        if self.word(i, "mut") {
            i += 1;
        }
        // `const fn`, `const unsafe fn`, `const {…}`: no item with a value
        if !self.is(i, K::Ident) || !self.is(i + 1, K::Colon) {
            return Some(());
        }
        let (_, eq) = self.until_value(i)?;
        if let Some(eq) = eq
            && self.is_str(eq + 1)
            && self.is(eq + 2, K::Semi)
        {
            self.bind(self.t(i).to_string(), eq + 1)?;
        }
        Some(())
    }

    /// From `i`, the end of a pattern or name (a `:` or `=` outside brackets) and the `=`.
    fn until_value(&self, i: usize) -> Option<(usize, Option<usize>)> {
        let mut depth = 0usize;
        let mut pattern_end = None;
        for j in i..self.toks.len() {
            match self.toks[j].k {
                K::Open(_) => depth += 1,
                K::Close(_) => depth = depth.checked_sub(1)?,
                K::Colon if depth == 0 => {
                    pattern_end.get_or_insert(j);
                }
                K::Assign if depth == 0 => return Some((pattern_end.unwrap_or(j), Some(j))),
                K::Semi if depth == 0 => return Some((pattern_end.unwrap_or(j), None)),
                _ => {}
            }
        }
        None
    }

    /// A field of a struct expression, tokens `[s, e)` in braces that close at `close`:
    /// `name: "…"`.
    fn field(&mut self, s: usize, e: usize, close: usize) -> Option<()> {
        if e != s + 3
            || !(self.is(s, K::Ident) || self.is(s, K::Num))
            || !self.is(s + 1, K::Colon)
            || !self.is_str(s + 2)
        {
            return Some(());
        }
        // a struct pattern (`S { f: "x" } =>`, `let S { f: "x" } = …`) binds nothing: the
        // tree knows which it is
        if self.in_pattern(close) {
            return None;
        }
        self.bind(self.t(s).to_string(), s + 2)
    }

    /// Whether the braces that close at `close` may be a struct pattern: a match arm, a `let`,
    /// an `if let`, a closure's or function's parameters (what follows them and the brackets
    /// closing right after them says).
    fn in_pattern(&self, close: usize) -> bool {
        if close >= self.toks.len() {
            return true;
        }
        let mut k = close + 1;
        while self.is(k, K::Close(b'(')) || self.is(k, K::Close(b'[')) {
            k += 1;
        }
        matches!(
            self.toks.get(k).map(|t| t.k),
            Some(K::Arrow | K::Assign | K::Op | K::Colon)
        ) || self.word(k, "if")
            || self.word(k, "in")
    }

    /// `env::var("X")` with `var` at `i` (after `env::` or `dotenvy::`): the read, with what
    /// the call around it says (`.unwrap_or(…)`, `.ok()`); `None` for a required read (`?`,
    /// `.unwrap()`, `.expect(…)`: a guard around it may make it optional, which only the tree
    /// sees).
    fn env_read(&mut self, i: usize) -> Option<()> {
        // the callee: `env::var`, `std::env::var`, `dotenvy::var`
        let mut c = i;
        while c >= 2 && self.is(c - 1, K::Path) && self.is(c - 2, K::Ident) {
            c -= 2;
        }
        if c >= 1 && self.is(c - 1, K::Path) {
            c -= 1; // `::std::env::var`
        }
        let callee: String = (c..=i).map(|j| self.t(j)).collect();
        let is = |name: &str| {
            callee == name || callee.strip_suffix(name).is_some_and(|p| p.ends_with("::"))
        };
        if !(is("env::var") || is("env::var_os") || is("dotenvy::var")) {
            return Some(());
        }
        let close = self.matching(i + 1)?;
        if !self.is_str(i + 2) || !matches!(self.toks[i + 3].k, K::Close(_) | K::Comma) {
            return Some(()); // no literal name: no read
        }
        let name = string_value(&self.toks[i + 2], self.text)?;
        let method = if self.is(close + 1, K::Dot) && self.is(close + 2, K::Ident) {
            Some(self.t(close + 2))
        } else {
            None
        };
        if (self.is(close + 1, K::Op) && self.t(close + 1) == "?")
            || matches!(method, Some("unwrap" | "expect"))
        {
            return None;
        }
        let has_default = matches!(
            method,
            Some("unwrap_or" | "unwrap_or_else" | "unwrap_or_default" | "ok" | "is_ok")
        );
        // `.unwrap_or(default)`: its first argument
        let mut default = None;
        if method == Some("unwrap_or") && self.is(close + 3, K::Open(b'(')) {
            let end = self.matching(close + 3)?;
            let s = close + 4;
            let mut e = s;
            let mut depth = 0usize;
            while e < end {
                match self.toks[e].k {
                    K::Open(_) => depth += 1,
                    K::Close(_) => depth -= 1,
                    K::Comma if depth == 0 => break,
                    _ => {}
                }
                e += 1;
            }
            if e > s {
                let span = self.toks[s].start..self.toks[e - 1].end;
                let value = match self.literal_of(s, e) {
                    Some(v) => super::ArgValue::Str(v.into()),
                    None => super::ArgValue::Expr {
                        text: self.text.get(span.clone())?.chars().take(200).collect(),
                        from_env: false,
                    },
                };
                default = Some((value, span));
            }
        }
        self.f.env_reads.push(super::EnvRead {
            name: name.into(),
            has_default,
            default_span: default.as_ref().map(|d| d.1.clone().into()),
            default: default.map(|d| d.0),
            span: (self.toks[c].start..self.toks[close].end).into(),
            required: false,
            required_if: None,
        });
        Some(())
    }

    /// A string the tokens `[s, e)` make, as the tree walk's `literal_of` reads one: a
    /// literal, `"…".to_string()` (`.into()`, `.to_owned()`), `String::from("…")`.
    fn literal_of(&self, s: usize, e: usize) -> Option<String> {
        let n = e - s;
        if n == 1 && self.is_str(s) {
            return string_value(&self.toks[s], self.text);
        }
        if n == 5
            && self.is_str(s)
            && self.is(s + 1, K::Dot)
            && matches!(self.t(s + 2), "to_string" | "into" | "to_owned")
            && self.is(s + 3, K::Open(b'('))
            && self.is(s + 4, K::Close(b'('))
        {
            return string_value(&self.toks[s], self.text);
        }
        let from = self
            .text
            .get(self.toks[s].start..self.toks[(s + 3).min(e - 1)].end)?;
        if n == 6 && from == "String::from(" && self.is_str(s + 4) && self.is(s + 5, K::Close(b'('))
        {
            return string_value(&self.toks[s + 4], self.text);
        }
        None
    }

    fn bind(&mut self, key: String, at: usize) -> Option<()> {
        let t = self.toks[at];
        let value = string_value(&t, self.text)?;
        self.f.bindings.push(StrBinding {
            key: key.into(),
            value: value.into(),
            value_span: (t.start..t.end).into(),
        });
        Some(())
    }
}
