//! A lexical front end for Ruby: the facts of a file that needs no syntax tree, from its
//! tokens alone (see `pylex` for Python, and why).
//!
//! A Rails application is mostly models, controllers, migrations and initializers: classes
//! and methods whose facts are their string literals, the strings they bind (`x = "…"`,
//! `self.x = "…"`, `{ key: "…" }`, `"key" => "…"`, `notice: "…"` given to a call) and their
//! `ENV["X"]`/`ENV.fetch("X", …)` reads. Servers (`bind`, `port`), log files, sessions,
//! migrations run by the code, programs, clients given a host, dotenv, `retry`, RSpec blocks,
//! Active Storage's service, a comparison of an environment read, a required read under an
//! `if`: only the tree reads those, and [`facts`] declines a file holding any of them — and
//! any file holding what it cannot read exactly: heredocs, `%q()` strings, a `/` or a `%`
//! it cannot tell from a regular expression or a literal, an argument it cannot tell from an
//! operand (`foo -1`, `foo [1]`, `foo *args`), `=begin` comments, `__END__`, characters that
//! are no Ruby, unbalanced brackets or `end`s, nesting deeper than a tree walk goes.
//!
//! Its result is the tree-sitter walk's, fact for fact and span for span, on every Ruby file
//! of the fixtures and the shared corpora (`tests/lexer.rs`): the facts come out in the order
//! the tree walk finds them (a node before its children, children in order), which for a
//! call given keyword arguments is the call's start, not the argument's.

use super::{ArgValue, CodeFacts, EnvRead, StrBinding, is_ident_byte, is_ident_start};
use std::cmp::Reverse;
use std::ops::Range;

/// Names that announce a fact only the tree gives (a `Logger`, a session store, migrations
/// run by the code, a memcached client, dotenv, `retry`), or Ruby this walk does not read.
fn tree_word(w: &str) -> bool {
    matches!(
        w,
        "Logger"
            | "Pool"
            | "DatabaseTasks"
            | "MigrationContext"
            | "Migrator"
            | "Dalli"
            | "Dotenv"
            | "retry"
            | "BEGIN"
            | "END"
            | "__END__"
            | "redo"
            | "undef"
    )
}

/// Methods that hold a fact only the tree gives when they are called with arguments or a
/// block (a server's `bind`/`port`, a program run, RSpec's blocks); a local variable or a
/// reader of that name (`port = …`, `uri.port`) holds none.
fn tree_call(w: &str) -> bool {
    matches!(
        w,
        "bind" | "port" | "system" | "spawn" | "describe" | "context" | "it"
    )
}

fn keyword(w: &str) -> bool {
    matches!(
        w,
        "alias"
            | "and"
            | "begin"
            | "break"
            | "case"
            | "class"
            | "def"
            | "defined?"
            | "do"
            | "else"
            | "elsif"
            | "end"
            | "ensure"
            | "false"
            | "for"
            | "if"
            | "in"
            | "module"
            | "next"
            | "nil"
            | "not"
            | "or"
            | "rescue"
            | "return"
            | "self"
            | "then"
            | "true"
            | "unless"
            | "until"
            | "when"
            | "while"
            | "yield"
            | "__FILE__"
            | "__LINE__"
            | "__ENCODING__"
    )
}

/// Keywords that end an expression (a value), as a name does.
fn value_keyword(w: &str) -> bool {
    matches!(
        w,
        "end" | "self" | "nil" | "true" | "false" | "__FILE__" | "__LINE__" | "__ENCODING__"
    )
}

const MAX_DEPTH: usize = 40;
const MAX_OPERATORS: usize = 100;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum K {
    /// A name: an identifier, a constant, `@x`, `@@x`, `$x`, a keyword, a method name
    /// (`valid?`, `save!`, `name=` after `def`).
    Ident,
    /// `key:` (the span is the name's, without the colon).
    Label,
    /// The colon after a quoted key (`"key": value`).
    QColon,

    /// `:name`
    Sym,
    /// A string without interpolation; `lit` when the tree reads it as one literal (no
    /// escape sequence in a double-quoted string).
    Str {
        lit: bool,
    },
    Num,
    /// A value that holds no fact: `%w[…]`, `%i[…]`, a regular expression, a heredoc's
    /// opening (`<<~SQL`, its body skipped).
    Opaque,
    /// `(`, `[`, `{`; `#` opens an interpolation (`#{`), `"` a string holding one.
    Open(u8),
    Close(u8),
    Comma,
    /// `;`, or the end of a line that ends a statement
    Semi,
    Assign,
    /// `+=`, `||=`, `<<=` …
    OpAssign,
    /// `==`, `!=`
    Compare,
    /// `=>`
    Rocket,
    /// `.`, `&.`
    Dot,
    /// `::`
    Scope,
    /// `||`
    OrOr,
    Pipe,
    /// `?` of a conditional
    Question,
    /// `:` of a conditional
    Colon,
    /// `->`
    Lambda,
    Op,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    k: K,
    start: usize,
    end: usize,
}

/// The facts of a Ruby file that needs no tree, or `None` when tree-sitter must read it.
pub fn facts(text: &str) -> Option<CodeFacts> {
    let b = text.as_bytes();
    if memchr::memmem::find(b, b"active_storage.service").is_some() {
        return None;
    }
    let toks = lex(b)?;
    let mut w = Walk {
        text,
        toks: &toks,
        f: CodeFacts::default(),
        bindings: Vec::new(),
        required: false,
        has_if: false,
    };
    w.walk()?;
    if w.required && w.has_if {
        // a required read under an `if` on another variable is required only where that
        // variable is set: the tree finds the enclosing condition
        return None;
    }
    let Walk {
        mut f,
        mut bindings,
        ..
    } = w;
    bindings.sort_by_key(|(start, end, _)| (*start, Reverse(*end)));
    f.bindings = bindings.into_iter().map(|(_, _, b)| b).collect();
    f.mark_env_defaults();
    Some(f)
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r')
}

struct Lexer<'a> {
    b: &'a [u8],
    toks: Vec<Tok>,
    /// Heredocs opened on this line, whose bodies start on the next: (terminator, whether
    /// it may be indented, whether the body interpolates).
    heredocs: Vec<(&'a [u8], bool, bool)>,
    /// Open brackets; `#` an interpolation, to resume the string after it.
    stack: Vec<u8>,
    /// The `.` that continues the statement of an earlier line (`continued_by_dot`), for the
    /// line breaks of the comment lines before it.
    dot_at: Option<usize>,
}

impl Lexer<'_> {
    fn push(&mut self, k: K, start: usize, end: usize) {
        self.toks.push(Tok { k, start, end });
    }

    fn last(&self) -> Option<&Tok> {
        self.toks.last()
    }

    fn text(&self, t: &Tok) -> &[u8] {
        self.b.get(t.start..t.end).unwrap_or(b"")
    }

    /// Whether the last token ends a value (what a `/`, `%`, `?`, `<<` or `[` after it
    /// continues as an operator).
    fn after_value(&self) -> bool {
        self.last().is_some_and(|t| match t.k {
            K::Ident => {
                let w = std::str::from_utf8(self.text(t)).unwrap_or("");
                !keyword(w) || value_keyword(w) || self.after_dot(self.toks.len() - 1)
            }
            K::Str { .. } | K::Num | K::Sym | K::Opaque | K::Close(_) => true,
            _ => false,
        })
    }

    /// Whether the token at `i` is a method name after `.`, `&.` or `::`.
    fn after_dot(&self, i: usize) -> bool {
        i >= 1 && matches!(self.toks[i - 1].k, K::Dot | K::Scope)
    }

    /// Whether the last token is a name that may be a method given arguments without
    /// parentheses, with a space between it and `at`: `foo -1`, `foo [1]`, `foo *a` are
    /// arguments or operands depending on what `foo` is, which only the tree decides.
    fn command_ambiguity(&self, at: usize, len: usize) -> bool {
        let b = self.b;
        let spaced_after = b.get(at + len).is_none_or(|c| is_space(*c) || *c == b'\n');
        self.last().is_some_and(|t| {
            t.k == K::Ident && t.end < at && !spaced_after && {
                let w = std::str::from_utf8(self.text(t)).unwrap_or("");
                !keyword(w) || self.after_dot(self.toks.len() - 1)
            }
        })
    }

    /// Whether the next line (past blank and comment lines) starts with `.` or `&.`, which
    /// continues the statement of this one.
    fn continued_by_dot(&mut self, mut i: usize) -> bool {
        if self.dot_at.is_some_and(|d| i <= d) {
            return true;
        }
        let b = self.b;
        loop {
            while b.get(i).is_some_and(|c| is_space(*c) || *c == b'\n') {
                i += 1;
            }
            match b.get(i) {
                Some(b'#') => match memchr::memchr(b'\n', &b[i..]) {
                    Some(n) => i += n,
                    None => return false,
                },
                Some(b'.') if b.get(i + 1) != Some(&b'.') => {
                    self.dot_at = Some(i);
                    return true;
                }
                Some(b'&') if b.get(i + 1) == Some(&b'.') => {
                    self.dot_at = Some(i);
                    return true;
                }
                _ => return false,
            }
        }
    }

    /// A double-quoted string from `i` (after its opening quote): a whole string token, or
    /// the opening of one whose interpolation starts; where to go on.
    fn dstring(&mut self, open: usize, mut j: usize, resumed: bool) -> Option<usize> {
        let b = self.b;
        let mut lit = true;
        loop {
            match *b.get(j)? {
                b'\\' => {
                    lit = false;
                    j += 2;
                }
                b'#' if b.get(j + 1) == Some(&b'{') => {
                    if !resumed {
                        self.push(K::Open(b'"'), open, open + 1);
                    }
                    if self.stack.len() >= MAX_DEPTH {
                        return None;
                    }
                    self.stack.push(b'"');
                    self.stack.push(b'#');
                    self.push(K::Open(b'#'), j, j + 2);
                    return Some(j + 2);
                }
                b'#' if matches!(b.get(j + 1), Some(b'@' | b'$')) => {
                    lit = false;
                    j += 1;
                }
                b'"' => {
                    if resumed {
                        self.push(K::Close(b'"'), j, j + 1);
                    } else {
                        self.push(K::Str { lit }, open, j + 1);
                    }
                    // `"key": value`: a label the tree reads as a string
                    if b.get(j + 1) == Some(&b':') && b.get(j + 2) != Some(&b':') {
                        self.push(K::QColon, j + 1, j + 2);
                        return Some(j + 2);
                    }
                    return Some(j + 1);
                }
                _ => j += 1,
            }
        }
    }

    /// A heredoc's opening at `i` (`<<~SQL`, `<<-'EOS'`, `<<ID`): noted for the next line;
    /// where the opening ends.
    fn heredoc(&mut self, i: usize) -> Option<usize> {
        let b = self.b;
        let mut j = i + 2;
        let indented = matches!(b.get(j), Some(b'~' | b'-'));
        if indented {
            j += 1;
        }
        let (id, end, raw) = match *b.get(j)? {
            q @ (b'\'' | b'"') => {
                let close = memchr::memchr(q, b.get(j + 1..)?)? + j + 1;
                (b.get(j + 1..close)?, close + 1, q == b'\'')
            }
            c if is_ident_start(c) => {
                let mut e = j;
                while b.get(e).copied().is_some_and(is_ident_byte) {
                    e += 1;
                }
                (&b[j..e], e, false)
            }
            _ => return None,
        };
        if id.is_empty() || id.contains(&b'\n') || self.heredocs.len() >= 4 {
            return None;
        }
        self.heredocs.push((id, indented, !raw));
        Some(end)
    }

    /// The bodies of the heredocs opened on the line ending before `i`: where the line after
    /// the last one's terminator starts (`i` when none was opened). A body that interpolates
    /// code is left to the tree.
    fn heredoc_bodies(&mut self, mut i: usize) -> Option<usize> {
        let b = self.b;
        for (id, indented, interpolates) in std::mem::take(&mut self.heredocs) {
            loop {
                let end = memchr::memchr(b'\n', b.get(i..)?).map_or(b.len(), |n| i + n);
                let line = &b[i..end];
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let content = if indented {
                    let lead = line.iter().take_while(|c| is_space(**c)).count();
                    &line[lead..]
                } else {
                    line
                };
                if content == id {
                    i = (end + 1).min(b.len());
                    break;
                }
                if interpolates && memchr::memmem::find(line, b"#{").is_some() {
                    return None;
                }
                if end >= b.len() {
                    return None;
                }
                i = end + 1;
            }
        }
        Some(i)
    }

    /// A literal delimited by `open` from `j` (just after it), with nesting for brackets:
    /// the index after its closing delimiter, and whether it holds `#`.
    fn delimited(&self, open: u8, mut j: usize) -> Option<(usize, bool)> {
        let b = self.b;
        let close = match open {
            b'(' => b')',
            b'[' => b']',
            b'{' => b'}',
            b'<' => b'>',
            c => c,
        };
        let mut depth = 0usize;
        let mut hash = false;
        loop {
            let c = *b.get(j)?;
            if c == b'\\' {
                j += 2;
                continue;
            }
            if c == b'#' {
                hash = true;
            }
            if c == close {
                if depth == 0 {
                    return Some((j + 1, hash));
                }
                depth -= 1;
            } else if c == open && open != close {
                depth += 1;
            }
            j += 1;
        }
    }
}

fn lex(b: &[u8]) -> Option<Vec<Tok>> {
    let mut lx = Lexer {
        b,
        toks: Vec::with_capacity(b.len() / 4),
        heredocs: Vec::new(),
        dot_at: None,
        stack: Vec::new(),
    };
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let line_start = i == 0 || b[i - 1] == b'\n';
        match c {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\n' => {
                let ends = lx.last().is_some_and(|t| match t.k {
                    K::Ident | K::Str { .. } | K::Num | K::Sym | K::Opaque | K::Close(_) => true,
                    // `|x|` ends a block's parameters
                    K::Pipe => true,
                    _ => false,
                });
                if ends && !lx.continued_by_dot(i + 1) {
                    lx.push(K::Semi, i, i);
                }
                i = lx.heredoc_bodies(i + 1)?;
            }
            // a line continuation
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'\\' if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') => i += 3,
            b'\\' => return None,
            b'#' => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
            }
            b'=' if line_start && b[i..].starts_with(b"=begin") => return None,
            b'_' if line_start && b[i..].starts_with(b"__END__") => return None,
            b'"' => i = lx.dstring(i, i + 1, false)?,
            b'\'' => {
                let mut j = i + 1;
                loop {
                    match *b.get(j)? {
                        b'\\' => j += 2,
                        b'\'' => break,
                        _ => j += 1,
                    }
                }
                lx.push(K::Str { lit: true }, i, j + 1);
                i = j + 1;
                if b.get(j + 1) == Some(&b':') && b.get(j + 2) != Some(&b':') {
                    lx.push(K::QColon, j + 1, j + 2);
                    i += 1;
                }
            }
            b'`' => return None,
            b'@' | b'$' => {
                let mut j = i + 1;
                if c == b'@' && b.get(j) == Some(&b'@') {
                    j += 1;
                }
                if !b.get(j).copied().is_some_and(is_ident_start) {
                    return None;
                }
                while b.get(j).copied().is_some_and(is_ident_byte) {
                    j += 1;
                }
                lx.push(K::Ident, i, j);
                i = j;
            }
            _ if is_ident_start(c) => {
                let mut j = i + 1;
                while b.get(j).copied().is_some_and(is_ident_byte) {
                    j += 1;
                }
                // `valid?`, `save!` (not `x != y`)
                if matches!(b.get(j), Some(b'?' | b'!'))
                    && (b.get(j + 1) != Some(&b'=') || b.get(j + 2) == Some(&b'='))
                {
                    j += 1;
                }
                let after_dot = lx.last().is_some_and(|t| matches!(t.k, K::Dot));
                if b.get(j) == Some(&b':') && b.get(j + 1) != Some(&b':') && !after_dot {
                    lx.push(K::Label, i, j);
                    i = j + 1;
                    continue;
                }
                let word = &b[i..j];
                lx.push(K::Ident, i, j);
                i = j;
                if word == b"def" && !after_dot {
                    i = def_name(&mut lx, i)?;
                }
            }
            _ if c.is_ascii_digit() => {
                let mut j = i + 1;
                while let Some(&x) = b.get(j) {
                    let sign = (x == b'+' || x == b'-')
                        && matches!(b.get(j - 1), Some(b'e' | b'E'))
                        && !b[i..j].starts_with(b"0x");
                    let point = x == b'.' && b.get(j + 1).is_some_and(u8::is_ascii_digit);
                    if !(is_ident_byte(x) || point || sign) {
                        break;
                    }
                    j += 1;
                }
                lx.push(K::Num, i, j);
                i = j;
            }
            b'(' | b'[' | b'{' => {
                if lx.stack.len() >= MAX_DEPTH {
                    return None;
                }
                // `foo (x)`, `foo [x]`: an argument or a subscript (`t.index [x]`, a method
                // with a receiver, takes an argument)
                let n = lx.toks.len();
                if c != b'{'
                    && lx.last().is_some_and(|t| {
                        let w = std::str::from_utf8(lx.text(t)).unwrap_or("");
                        t.k == K::Ident
                            && t.end < i
                            && (!keyword(w) || value_keyword(w))
                            && !(c == b'[' && lx.after_dot(n - 1))
                    })
                {
                    return None;
                }
                lx.stack.push(c);
                lx.push(K::Open(c), i, i + 1);
                i += 1;
            }
            b')' | b']' | b'}' => {
                let open = match c {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                match lx.stack.pop() {
                    Some(b'#') if c == b'}' => {
                        lx.push(K::Close(b'#'), i, i + 1);
                        if lx.stack.pop() != Some(b'"') {
                            return None;
                        }
                        i = lx.dstring(i, i + 1, true)?;
                    }
                    Some(o) if o == open => {
                        lx.push(K::Close(open), i, i + 1);
                        i += 1;
                    }
                    _ => return None,
                }
            }
            b':' => {
                let next = b.get(i + 1).copied();
                if next == Some(b':') {
                    if lx.command_ambiguity(i, 2) {
                        return None;
                    }
                    lx.push(K::Scope, i, i + 2);
                    i += 2;
                } else if next.is_some_and(|n| is_ident_start(n) || n == b'@' || n == b'$') {
                    let mut j = i + 1;
                    while matches!(b.get(j), Some(b'@' | b'$')) {
                        j += 1;
                    }
                    while b.get(j).copied().is_some_and(is_ident_byte) {
                        j += 1;
                    }
                    match b.get(j) {
                        Some(b'?' | b'!') if b.get(j + 1) != Some(&b'=') => j += 1,
                        Some(b'=') if !matches!(b.get(j + 1), Some(b'>' | b'=' | b'~')) => j += 1,
                        _ => {}
                    }
                    lx.push(K::Sym, i, j);
                    i = j;
                } else if next.is_none_or(|n| is_space(n) || n == b'\n') {
                    lx.push(K::Colon, i, i + 1);
                    i += 1;
                } else {
                    // `:"quoted"`, `:+`, `:[]`
                    return None;
                }
            }
            b'/' => {
                if lx.after_value() {
                    if lx.command_ambiguity(i, 1) {
                        return None;
                    }
                    let assign = b.get(i + 1) == Some(&b'=');
                    lx.push(
                        if assign { K::OpAssign } else { K::Op },
                        i,
                        i + 1 + assign as usize,
                    );
                    i += 1 + assign as usize;
                } else {
                    // a regular expression
                    let mut j = i + 1;
                    loop {
                        match *b.get(j)? {
                            b'\\' => j += 2,
                            b'/' => break,
                            b'\n' => return None,
                            b'#' if b.get(j + 1) == Some(&b'{') => return None,
                            _ => j += 1,
                        }
                    }
                    j += 1;
                    while b.get(j).is_some_and(u8::is_ascii_alphabetic) {
                        j += 1;
                    }
                    lx.push(K::Opaque, i, j);
                    i = j;
                }
            }
            b'%' => {
                if lx.after_value() {
                    if lx.command_ambiguity(i, 1) {
                        return None;
                    }
                    let assign = b.get(i + 1) == Some(&b'=');
                    lx.push(
                        if assign { K::OpAssign } else { K::Op },
                        i,
                        i + 1 + assign as usize,
                    );
                    i += 1 + assign as usize;
                } else {
                    let kind = *b.get(i + 1)?;
                    let open = *b.get(i + 2)?;
                    if !matches!(kind, b'w' | b'i' | b'W' | b'I' | b'r')
                        || open.is_ascii_alphanumeric()
                        || is_space(open)
                        || open == b'\n'
                    {
                        return None;
                    }
                    let (mut j, hash) = lx.delimited(open, i + 3)?;
                    if hash && kind != b'w' && kind != b'i' {
                        return None;
                    }
                    if kind == b'r' {
                        while b.get(j).is_some_and(u8::is_ascii_alphabetic) {
                            j += 1;
                        }
                    }
                    lx.push(K::Opaque, i, j);
                    i = j;
                }
            }
            b'?' => {
                let spaced_after = b.get(i + 1).is_none_or(|n| is_space(*n) || *n == b'\n');
                if lx.after_value() && spaced_after {
                    lx.push(K::Question, i, i + 1);
                    i += 1;
                } else {
                    // `?a`, a character
                    return None;
                }
            }
            _ => {
                let rest = &b[i..];
                let three = rest.get(..3).unwrap_or(b"");
                let two = rest.get(..2).unwrap_or(b"");
                let (k, n) = if matches!(three, b"**=" | b"&&=" | b"||=" | b"<<=" | b">>=") {
                    (K::OpAssign, 3)
                } else if matches!(three, b"<=>" | b"===" | b"...") {
                    (K::Op, 3)
                } else if two == b"<<"
                    && (!lx.after_value() || lx.command_ambiguity(i, 2))
                    && let Some(end) = lx.heredoc(i)
                {
                    (K::Opaque, end - i)
                } else if two == b"<<" {
                    // a heredoc, or an operator given no space (`a<<b`); `class << self`
                    let class = lx.last().is_some_and(|t| lx.text(t) == b"class");
                    if !(lx.after_value() || class) || !b.get(i + 2).is_some_and(|n| is_space(*n)) {
                        return None;
                    }
                    (K::Op, 2)
                } else if matches!(two, b"==" | b"!=") {
                    (K::Compare, 2)
                } else if two == b"=>" {
                    (K::Rocket, 2)
                } else if two == b"->" {
                    (K::Lambda, 2)
                } else if two == b"&." {
                    (K::Dot, 2)
                } else if two == b"||" {
                    (K::OrOr, 2)
                } else if matches!(two, b"+=" | b"-=" | b"*=" | b"|=" | b"&=" | b"^=") {
                    (K::OpAssign, 2)
                } else if matches!(
                    two,
                    b"=~" | b"!~" | b"**" | b">=" | b"<=" | b"&&" | b">>" | b".."
                ) {
                    if two == b"**" && lx.command_ambiguity(i, 2) {
                        return None;
                    }
                    (K::Op, 2)
                } else {
                    match c {
                        b'=' => (K::Assign, 1),
                        b',' => (K::Comma, 1),
                        b';' => (K::Semi, 1),
                        b'.' => (K::Dot, 1),
                        b'|' => (K::Pipe, 1),
                        b'-' | b'+' | b'*' | b'&' => {
                            if lx.command_ambiguity(i, 1) {
                                return None;
                            }
                            (K::Op, 1)
                        }
                        b'<' | b'>' | b'!' | b'~' | b'^' => (K::Op, 1),
                        // control and non-ASCII characters outside strings and comments
                        _ => return None,
                    }
                };
                lx.push(k, i, i + n);
                i += n;
            }
        }
    }
    if !lx.stack.is_empty() || !lx.heredocs.is_empty() {
        return None;
    }
    if lx.last().is_some_and(|t| t.k != K::Semi) {
        lx.push(K::Semi, b.len(), b.len());
    }
    Some(lx.toks)
}

/// The name after `def` (`name`, `name=`, `valid?`, `self.name`, `==`, `[]`): one name
/// token; the index after it.
fn def_name(lx: &mut Lexer<'_>, mut i: usize) -> Option<usize> {
    let b = lx.b;
    while b.get(i).is_some_and(|c| is_space(*c)) {
        i += 1;
    }
    if b[i..].starts_with(b"self.") {
        lx.push(K::Ident, i, i + 4);
        lx.push(K::Dot, i + 4, i + 5);
        i += 5;
    }
    let start = i;
    if b.get(i).copied().is_some_and(is_ident_start) {
        while b.get(i).copied().is_some_and(is_ident_byte) {
            i += 1;
        }
        if matches!(b.get(i), Some(b'?' | b'!' | b'=')) && b.get(i + 1) != Some(&b'=') {
            i += 1;
        }
    } else {
        // an operator method
        while b.get(i).is_some_and(|c| {
            matches!(
                c,
                b'=' | b'<'
                    | b'>'
                    | b'+'
                    | b'-'
                    | b'*'
                    | b'/'
                    | b'%'
                    | b'!'
                    | b'~'
                    | b'['
                    | b']'
                    | b'@'
                    | b'^'
                    | b'&'
                    | b'|'
            )
        }) {
            i += 1;
        }
    }
    if i == start {
        return None;
    }
    lx.push(K::Ident, start, i);
    Some(i)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fr {
    /// The file, a `def`/`class`/`do`/`if` … `end`, a brace block, an interpolation: statements.
    Stmts,
    /// A call's parenthesised arguments.
    Args,
    /// Parameters: a `def`'s, a lambda's, a block's (`|…|`).
    Params,
    Hash,
    /// A grouping parenthesis, an array, a subscript, a string holding an interpolation.
    Other,
}

struct Frame {
    fr: Fr,
    /// Closed by `end` (not by a bracket).
    kw: bool,
    /// A `while`/`until`/`for` header: a `do` on its line belongs to it.
    header: bool,
    /// Token index of the call these are the arguments of (the start of its receiver), for
    /// `Args`; of the command call (`render json: …`) whose arguments run to the end of the
    /// statement, for `Stmts`.
    call: Option<usize>,
    /// The keyword arguments of `call` bound to strings, waiting for the call's end.
    kwargs: Vec<StrBinding>,
    /// A `def` without parentheses: its parameters run to the end of the line.
    def_line: bool,
    operators: usize,
}

impl Frame {
    fn new(fr: Fr) -> Frame {
        Frame {
            fr,
            kw: false,
            header: false,
            call: None,
            kwargs: Vec::new(),
            def_line: false,
            operators: 0,
        }
    }
}

struct Walk<'a> {
    text: &'a str,
    toks: &'a [Tok],
    f: CodeFacts,
    /// (start, end of the node that binds, binding): sorted into the tree walk's order.
    bindings: Vec<(usize, usize, StrBinding)>,
    /// A read that fails without its variable (`ENV.fetch("X")`).
    required: bool,
    has_if: bool,
}

/// A Ruby string literal's value as the tree walk gives it (the text between its quotes).
fn string_value(raw: &str) -> String {
    raw.get(1..raw.len().saturating_sub(1))
        .unwrap_or("")
        .to_string()
}

impl<'a> Walk<'a> {
    fn t(&self, i: usize) -> &'a str {
        self.toks
            .get(i)
            .and_then(|t| self.text.get(t.start..t.end))
            .unwrap_or("")
    }

    fn k(&self, i: usize) -> Option<K> {
        self.toks.get(i).map(|t| t.k)
    }

    fn word(&self, i: usize, w: &str) -> bool {
        self.k(i) == Some(K::Ident) && self.t(i) == w && !self.after_dot(i)
    }

    fn after_dot(&self, i: usize) -> bool {
        i >= 1 && matches!(self.toks[i - 1].k, K::Dot | K::Scope)
    }

    /// A keyword (not a method name after a dot).
    fn is_keyword(&self, i: usize) -> bool {
        self.k(i) == Some(K::Ident) && keyword(self.t(i)) && !self.after_dot(i)
    }

    fn span(&self, s: usize, e: usize) -> Range<usize> {
        self.toks[s].start..self.toks[e].end
    }

    /// Whether the token at `i` ends the expression before it as a statement or an argument
    /// does (what makes a string before it the whole value of an assignment or a pair).
    fn ends_expression(&self, i: usize) -> Option<bool> {
        Some(match self.k(i) {
            None | Some(K::Semi | K::Comma | K::Close(_)) => true,
            Some(K::Ident) if !self.after_dot(i) => match self.t(i) {
                "if" | "unless" | "while" | "until" | "then" | "do" | "and" | "or" | "end" => true,
                // `x = "a" rescue nil`: the rescue takes the string
                "rescue" => return None,
                _ => false,
            },
            _ => false,
        })
    }

    /// The string literal at `i` that is a whole value (followed by what ends one).
    fn lone_string(&self, i: usize) -> Option<Option<String>> {
        match self.k(i) {
            Some(K::Str { lit: true }) => Some(
                self.ends_expression(i + 1)?
                    .then(|| string_value(self.t(i))),
            ),
            _ => Some(None),
        }
    }

    /// The first token of the receiver chain that ends with the element starting at `i`
    /// (`a.b[1].c` → `a`), or `None` where the chain holds what this walk does not follow.
    /// A loop, not a recursion: a chain may be thousands of links long.
    fn chain_start(&self, mut i: usize) -> Option<usize> {
        loop {
            if i == 0 {
                return Some(0);
            }
            match self.k(i - 1)? {
                K::Dot | K::Scope => {
                    if i < 2 {
                        return Some(i - 1);
                    }
                    let p = i - 2;
                    match self.k(p)? {
                        K::Ident | K::Str { .. } | K::Num | K::Sym | K::Opaque => {
                            if self.k(i - 1) == Some(K::Scope)
                                && self.toks[p].end < self.toks[i - 1].start
                            {
                                // `foo ::Bar`: no chain
                                return Some(i - 1);
                            }
                            if self.is_keyword(p) && !value_keyword(self.t(p)) {
                                // `if ::X`
                                return Some(i - 1);
                            }
                            if self.t(p) == "end" {
                                return None;
                            }
                            i = p;
                        }
                        K::Close(_) => i = self.group_element(p)?,
                        // `(::X)`, `= ::X`
                        _ if self.k(i - 1) == Some(K::Scope) => return Some(i - 1),
                        _ => return None,
                    }
                }
                _ => return Some(i),
            }
        }
    }

    /// The start of the chain whose last element is the bracketed group closed at `close`
    /// (`a.b(…)[…]` → `a`).
    fn group_start(&self, close: usize) -> Option<usize> {
        self.chain_start(self.group_element(close)?)
    }

    /// The first token of the element a bracketed group closed at `close` belongs to: the
    /// name it follows without a space (`foo(…)`, `x[…]`), through groups that follow each
    /// other (`f(…)[…]`), else the group itself.
    fn group_element(&self, mut close: usize) -> Option<usize> {
        loop {
            let open = self.open_of(close)?;
            let tight = open >= 1 && self.toks[open - 1].end == self.toks[open].start;
            match open.checked_sub(1).and_then(|p| self.k(p)) {
                Some(K::Close(_)) if tight => close = open - 1,
                Some(K::Ident) if tight => return Some(open - 1),
                _ => return Some(open),
            }
        }
    }

    /// The opening bracket of the one closed at `close`.
    fn open_of(&self, close: usize) -> Option<usize> {
        let mut depth = 0usize;
        let mut i = close;
        loop {
            match self.k(i)? {
                K::Close(_) => depth += 1,
                K::Open(_) => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
            i = i.checked_sub(1)?;
        }
    }

    /// The closing bracket of the one opened at `open`.
    fn close_of(&self, open: usize) -> Option<usize> {
        let mut depth = 0usize;
        for i in open..self.toks.len() {
            match self.toks[i].k {
                K::Open(_) => depth += 1,
                K::Close(_) => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        None
    }

    fn bind(&mut self, node: Range<usize>, key: String, value: String, at: usize) {
        let t = self.toks[at];
        self.bindings.push((
            node.start,
            node.end,
            StrBinding {
                key: key.into(),
                value: value.into(),
                value_span: (t.start..t.end).into(),
            },
        ));
    }

    /// The end of a statement or a frame: the keyword arguments of its command call.
    fn end_command(&mut self, fr: &mut Frame, end: usize) {
        if let Some(c) = fr.call.take() {
            let start = self.toks[c].start;
            for b in fr.kwargs.drain(..) {
                self.bindings.push((start, end, b));
            }
        }
        fr.kwargs.clear();
    }

    fn walk(&mut self) -> Option<()> {
        let mut frames = vec![Frame::new(Fr::Stmts)];
        let mut i = 0;
        while i < self.toks.len() {
            let t = self.toks[i];
            let prev = i.checked_sub(1).map(|p| self.toks[p]);
            match t.k {
                K::Str { lit } => {
                    if lit {
                        self.f
                            .string_literal(string_value(self.t(i)), t.start..t.end);
                    }
                }
                K::Semi => {
                    let fr = frames.last_mut()?;
                    if fr.fr == Fr::Stmts {
                        let end = prev.map_or(t.start, |p| p.end);
                        self.end_command(fr, end);
                        fr.operators = 0;
                        fr.header = false;
                        fr.def_line = false;
                    }
                }
                K::Ident => {
                    let w = self.t(i);
                    if tree_word(w)
                        || (tree_call(w) && self.called(i))
                        || (w == "in" && !self.after_dot(i) && !frames.last()?.header)
                    {
                        return None;
                    }
                    if !self.after_dot(i) {
                        i = self.keyword_or_name(i, &mut frames)?;
                        continue;
                    }
                    self.name(i, &mut frames)?;
                }
                K::Label => {
                    if matches!(self.t(i), "host" | "Host") {
                        return None;
                    }
                    let key = self.t(i).to_string();
                    self.pair(i, key, i + 1, &mut frames)?;
                }
                K::QColon => {
                    let p = i.checked_sub(1)?;
                    if self.k(p) != Some(K::Str { lit: true }) {
                        return None;
                    }
                    let key = string_value(self.t(p));
                    if key.eq_ignore_ascii_case("host") {
                        return None;
                    }
                    self.pair(p, key, i + 1, &mut frames)?;
                }
                K::Rocket => {
                    let p = i.checked_sub(1)?;
                    // the key's first token: `Foo::Bar => …` is one key
                    let mut ks = p;
                    while ks >= 2
                        && self.k(ks) == Some(K::Ident)
                        && self.k(ks - 1) == Some(K::Scope)
                        && self.k(ks - 2) == Some(K::Ident)
                    {
                        ks -= 2;
                    }
                    let key = match self.k(p)? {
                        K::Str { lit: true } => Some(string_value(self.t(p))),
                        K::Sym => Some(self.t(p).trim_start_matches(':').to_string()),
                        K::Num => Some(self.t(p).to_string()),
                        K::Ident if !self.t(p).starts_with(['@', '$']) && !self.is_keyword(p) => {
                            self.text.get(self.span(ks, p)).map(str::to_string)
                        }
                        _ => None,
                    };
                    let single = ks == 0
                        || matches!(self.k(ks - 1)?, K::Open(_) | K::Comma | K::Semi | K::Label)
                        || (self.k(ks - 1) == Some(K::Ident) && self.command_head(ks - 1));
                    if key
                        .as_deref()
                        .is_some_and(|k| k.eq_ignore_ascii_case("host"))
                    {
                        return None;
                    }
                    let value = self.lone_string(i + 1)?;
                    match (key, single) {
                        (Some(key), true) => self.pair(ks, key, i + 1, &mut frames)?,
                        _ if value.is_some() => return None,
                        _ => {}
                    }
                }
                K::Assign => self.assign(i, &mut frames)?,
                K::Open(open) => {
                    if frames.len() >= MAX_DEPTH {
                        return None;
                    }
                    let fr = self.open(i, open)?;
                    let block = fr.fr == Fr::Stmts && open == b'{';
                    frames.push(fr);
                    if block && self.k(i + 1) == Some(K::Pipe) {
                        i = self.params(i + 1)?;
                        continue;
                    }
                }
                K::Close(_) => {
                    let mut fr = frames.pop()?;
                    if fr.kw {
                        return None;
                    }
                    let end = t.end;
                    match fr.fr {
                        Fr::Args => {
                            let start = fr.call.map_or(0, |c| self.toks[c].start);
                            for b in fr.kwargs.drain(..) {
                                self.bindings.push((start, end, b));
                            }
                        }
                        Fr::Stmts => {
                            let last = prev.map_or(t.start, |p| p.end);
                            self.end_command(&mut fr, last);
                        }
                        _ => {}
                    }
                    if frames.is_empty() {
                        return None;
                    }
                    // `def f(…) = value`: an endless method
                    if fr.fr == Fr::Params && self.k(i + 1) == Some(K::Assign) {
                        return None;
                    }
                }
                K::Compare
                | K::Op
                | K::OpAssign
                | K::Dot
                | K::OrOr
                | K::Question
                | K::Colon
                | K::Lambda
                | K::Pipe => {
                    self.count(&mut frames)?;
                }
                K::Scope | K::Comma | K::Sym | K::Num | K::Opaque => {}
            }
            i += 1;
        }
        (frames.len() == 1 && !frames[0].kw).then_some(())
    }

    fn count(&self, frames: &mut [Frame]) -> Option<()> {
        let fr = frames.last_mut()?;
        fr.operators += 1;
        (fr.operators <= MAX_OPERATORS).then_some(())
    }

    /// The `|` closing the block parameters opened by the `|` at `open`.
    fn params_close(&self, open: usize) -> Option<usize> {
        let mut depth = 0usize;
        for j in open + 1..self.toks.len() {
            match self.toks[j].k {
                K::Open(_) => depth += 1,
                K::Close(_) => depth = depth.checked_sub(1)?,
                K::Pipe if depth == 0 => return Some(j),
                K::Semi if depth == 0 => return None,
                // a read in a default: the tree reads it
                K::Ident if self.t(j) == "ENV" => return None,
                _ => {}
            }
        }
        None
    }

    /// Block parameters from the `|` at `open` (`|a, b = "x"|`): their string literals (a
    /// default binds no name); the index after the closing `|`.
    fn params(&mut self, open: usize) -> Option<usize> {
        let close = self.params_close(open)?;
        for j in open + 1..close {
            let t = self.toks[j];
            if t.k == (K::Str { lit: true }) {
                self.f
                    .string_literal(string_value(self.t(j)), t.start..t.end);
            }
        }
        Some(close + 1)
    }

    /// Whether the name at `i` is called with arguments (`context "x" do`, `context("x")`).
    fn called(&self, i: usize) -> bool {
        self.command_head(i)
            || (self.k(i + 1) == Some(K::Open(b'(')) && self.toks[i + 1].start == self.toks[i].end)
            || self.word(i + 1, "do")
            || self.k(i + 1) == Some(K::Open(b'{'))
    }

    /// Whether the name at `i` is given arguments without parentheses (`render json: …`,
    /// `validates :name, presence: true`): a space, then what starts an argument.
    fn command_head(&self, i: usize) -> bool {
        let Some(next) = self.toks.get(i + 1) else {
            return false;
        };
        if next.start == self.toks[i].end || (keyword(self.t(i)) && !self.after_dot(i)) {
            return false;
        }
        match next.k {
            K::Open(b'[') => self.after_dot(i),
            K::Str { .. } | K::Sym | K::Num | K::Label | K::Opaque | K::Lambda => true,
            K::Open(b'"') => true,
            K::Ident => {
                let w = self.t(i + 1);
                !keyword(w) || matches!(w, "nil" | "true" | "false" | "self" | "not" | "defined?")
            }
            K::Op => self.t(i + 1) == "!",
            _ => false,
        }
    }

    /// A name not after a dot: a keyword that opens or closes a block, or a name.
    fn keyword_or_name(&mut self, i: usize, frames: &mut Vec<Frame>) -> Option<usize> {
        let w = self.t(i);
        let prev = i.checked_sub(1).and_then(|p| self.k(p));
        // a keyword that begins an expression, rather than modifying the statement before it
        let leading = match prev {
            None => true,
            Some(K::Ident) => {
                let p = self.t(i - 1);
                !self.after_dot(i - 1)
                    && matches!(
                        p,
                        "then"
                            | "else"
                            | "do"
                            | "begin"
                            | "ensure"
                            | "and"
                            | "or"
                            | "not"
                            | "return"
                            | "when"
                            | "elsif"
                            | "if"
                            | "unless"
                            | "while"
                            | "until"
                            | "in"
                    )
                    && !(matches!(w, "if" | "unless" | "while" | "until") && p == "return")
            }
            Some(
                K::Semi
                | K::Open(_)
                | K::Comma
                | K::Assign
                | K::OpAssign
                | K::Rocket
                | K::Label
                | K::Op
                | K::OrOr
                | K::Compare
                | K::Question
                | K::Colon
                | K::Pipe,
            ) => true,
            _ => false,
        };
        match w {
            "if" | "unless" | "while" | "until" => {
                if matches!(w, "if") {
                    self.has_if = true;
                }
                if leading {
                    let mut fr = Frame::new(Fr::Stmts);
                    fr.kw = true;
                    fr.header = matches!(w, "while" | "until");
                    frames.push(fr);
                } else {
                    // a modifier ends the command call before it
                    let end = self.toks[i.checked_sub(1)?].end;
                    let fr = frames.last_mut()?;
                    if fr.fr == Fr::Stmts {
                        self.end_command(fr, end);
                    }
                }
                Some(i + 1)
            }
            "elsif" => {
                self.has_if = true;
                Some(i + 1)
            }
            "for" => {
                let mut fr = Frame::new(Fr::Stmts);
                fr.kw = true;
                fr.header = true;
                frames.push(fr);
                Some(i + 1)
            }
            "class" | "module" | "case" | "begin" => {
                let mut fr = Frame::new(Fr::Stmts);
                fr.kw = true;
                frames.push(fr);
                Some(i + 1)
            }
            "def" => {
                let mut fr = Frame::new(Fr::Stmts);
                fr.kw = true;
                frames.push(fr);
                // the name (`self.name`), then its parameters
                let mut j = i + 1;
                if self.t(j) == "self" && self.k(j + 1) == Some(K::Dot) {
                    j += 2;
                }
                if self.k(j) != Some(K::Ident) {
                    return None;
                }
                j += 1;
                match self.k(j) {
                    Some(K::Open(b'(')) if self.toks[j].start == self.toks[j - 1].end => {
                        // the parenthesis is read by `open` as parameters
                    }
                    Some(K::Semi) => {}
                    // `def name = value`: an endless method
                    Some(K::Assign) => return None,
                    _ => frames.last_mut()?.def_line = true,
                }
                Some(j)
            }
            "do" => {
                let top = frames.last_mut()?;
                if top.header {
                    top.header = false;
                    return Some(i + 1);
                }
                let end = self.toks[i.checked_sub(1)?].end;
                if top.fr == Fr::Stmts {
                    self.end_command(top, end);
                }
                let mut fr = Frame::new(Fr::Stmts);
                fr.kw = true;
                frames.push(fr);
                if self.k(i + 1) == Some(K::Pipe) {
                    return self.params(i + 1);
                }
                Some(i + 1)
            }
            "end" => {
                let mut fr = frames.pop()?;
                if !fr.kw {
                    return None;
                }
                let end = self.toks[i - 1].end;
                self.end_command(&mut fr, end);
                if frames.is_empty() {
                    return None;
                }
                Some(i + 1)
            }
            "ENV" => self.env_read(i),
            _ => {
                self.name(i, frames)?;
                Some(i + 1)
            }
        }
    }

    /// A name (after a dot or not): the head of a command call (`render json: …`).
    fn name(&mut self, i: usize, frames: &mut [Frame]) -> Option<()> {
        if self.t(i) == "ENV" {
            // `Foo::ENV`, `x.ENV`: no read, but only the tree says so exactly
            return None;
        }
        let fr = frames.last_mut()?;
        if fr.fr == Fr::Stmts && !fr.def_line && self.command_head(i) {
            let start = self.chain_start(i)?;
            // `foo bar a: 1`: the innermost call takes the arguments
            let end = self.toks[i].end;
            self.end_command(fr, end);
            fr.call = Some(start);
        }
        Some(())
    }

    /// `key: value` or `key => value`: the key's tokens `[ks, ke]`, the value at `v`.
    fn pair(&mut self, ks: usize, key: String, v: usize, frames: &mut [Frame]) -> Option<()> {
        let value = self.lone_string(v)?;
        let fr = frames.last_mut()?;
        let Some(value) = value else {
            // `key: nil`, `key: "a" + b`: no binding, wherever it is
            return Some(());
        };
        if fr.def_line {
            return Some(());
        }
        match fr.fr {
            Fr::Params => {}
            Fr::Hash => {
                let start = self.toks[ks].start;
                let end = self.toks[v].end;
                self.bind(start..end, key, value, v);
            }
            // a call whose start this walk does not find (`end.join(a: "x")`)
            Fr::Args if fr.call.is_none() => return None,
            Fr::Args => {
                let t = self.toks[v];
                fr.kwargs.push(StrBinding {
                    key: key.into(),
                    value: value.into(),
                    value_span: (t.start..t.end).into(),
                });
            }
            Fr::Stmts if fr.call.is_some() => {
                let t = self.toks[v];
                fr.kwargs.push(StrBinding {
                    key: key.into(),
                    value: value.into(),
                    value_span: (t.start..t.end).into(),
                });
            }
            // `return a: "x"`, `[a: "x"]`: only the tree says what holds the pair
            _ => return None,
        }
        Some(())
    }

    /// `left = value`.
    fn assign(&mut self, i: usize, frames: &mut [Frame]) -> Option<()> {
        self.count(frames)?;
        let fr = frames.last()?;
        if fr.fr == Fr::Params || fr.def_line {
            return Some(());
        }
        let value = self.lone_string(i + 1)?;
        let Some(value) = value else {
            if i >= 1 && self.k(i - 1) == Some(K::Close(b'[')) {
                // `ENV["X"] = …` is a read to the tree
                let open = self.open_of(i - 1)?;
                if open >= 1 && self.t(open - 1) == "ENV" {
                    return None;
                }
            }
            return Some(());
        };
        let l = i.checked_sub(1)?;
        let (start, key) = match self.k(l)? {
            K::Close(b'[') => {
                let start = self.group_start(l)?;
                if self.t(start) == "ENV" || self.t(start) == "::" {
                    return None;
                }
                let key = self.text.get(self.span(start, l))?;
                (start, key.trim_matches([':', '@']).to_string())
            }
            K::Ident => {
                let start = self.chain_start(l)?;
                let key = match self.k(l.checked_sub(1).unwrap_or(usize::MAX)) {
                    Some(K::Dot) => self.t(l).to_string(),
                    Some(K::Scope) => self
                        .text
                        .get(self.span(start, l))?
                        .trim_matches([':', '@'])
                        .to_string(),
                    _ => self.t(l).trim_matches([':', '@']).to_string(),
                };
                (start, key)
            }
            _ => return None,
        };
        // `a, b = "x"`, `*a = "x"`: a list on the left
        if start >= 1
            && (matches!(self.k(start - 1), Some(K::Comma))
                || (self.k(start - 1) == Some(K::Op)
                    && matches!(self.t(start - 1), "*" | "**" | "&")))
        {
            return None;
        }
        // `x = "a", "b"`: a list on the right
        if self.k(i + 2) == Some(K::Comma) && fr.fr == Fr::Stmts {
            return None;
        }
        let end = self.toks[i + 1].end;
        self.bind(self.toks[start].start..end, key, value, i + 1);
        Some(())
    }

    /// The frame an opening bracket at `i` starts.
    fn open(&self, i: usize, open: u8) -> Option<Frame> {
        let prev = i.checked_sub(1);
        let tight = prev.is_some_and(|p| self.toks[p].end == self.toks[i].start);
        Some(match open {
            b'(' => {
                let p = prev.map(|p| (p, self.toks[p].k));
                match p {
                    Some((p, K::Ident)) if tight => {
                        if self.after_dot(p) || !keyword(self.t(p)) || self.t(p) == "defined?" {
                            // the parameters of `def name(`
                            let def = (p >= 1 && self.word(p - 1, "def"))
                                || (p >= 3 && self.word(p - 3, "def") && self.t(p - 2) == "self");
                            if def {
                                Frame::new(Fr::Params)
                            } else {
                                let mut fr = Frame::new(Fr::Args);
                                fr.call = self.chain_start(p);
                                fr
                            }
                        } else {
                            Frame::new(Fr::Other)
                        }
                    }
                    Some((_, K::Lambda)) => Frame::new(Fr::Params),
                    Some((_, K::Close(_) | K::Dot)) if tight => return None,
                    _ => Frame::new(Fr::Other),
                }
            }
            b'[' => Frame::new(Fr::Other),
            b'{' => {
                let block = match prev.map(|p| (p, self.toks[p].k)) {
                    Some((p, K::Ident)) => {
                        let w = self.t(p);
                        self.after_dot(p) || !keyword(w)
                    }
                    Some((p, K::Close(b'('))) => {
                        // `foo(x) { … }`, `->(x) { … }`: a block; `(a) {`: no Ruby
                        let o = self.open_of(p)?;
                        let before = o.checked_sub(1).map(|q| self.toks[q]);
                        match before {
                            Some(q) if q.k == K::Lambda => true,
                            Some(q) if q.k == K::Ident && q.end == self.toks[o].start => true,
                            _ => return None,
                        }
                    }
                    Some((_, K::Lambda)) => true,
                    Some((_, K::Close(_) | K::Str { .. } | K::Num | K::Sym | K::Opaque)) => {
                        return None;
                    }
                    _ => false,
                };
                Frame::new(if block { Fr::Stmts } else { Fr::Hash })
            }
            // an interpolation holds statements
            b'#' => Frame::new(Fr::Stmts),
            _ => Frame::new(Fr::Other),
        })
    }

    /// An environment read at `i` (`ENV`, or `::` before it at `s`): `ENV["X"]` or
    /// `ENV.fetch("X", default)`; the index to go on from.
    fn env_read(&mut self, i: usize) -> Option<usize> {
        let s = i;
        let next = self.toks.get(i + 1).copied();
        let adjacent = next.is_some_and(|n| n.start == self.toks[i].end);
        // `"production" == ENV["X"]`: a comparison with an environment's name, which the
        // tree reads as a branch
        if s >= 2 && self.k(s - 1) == Some(K::Compare) && self.env_name(s - 2) {
            return None;
        }
        match next.map(|n| n.k) {
            Some(K::Open(b'[')) if adjacent => {
                let close = self.close_of(i + 1)?;
                let name = match self.k(i + 2)? {
                    K::Str { lit: true } if close == i + 3 => string_value(self.t(i + 2)),
                    // `ENV[key]`, `ENV["A_#{x}"]`: a name the tree does not read as a
                    // literal, no read
                    _ => return Some(i + 1),
                };
                if self.k(close + 1) == Some(K::Assign) || self.compared(close) {
                    return None;
                }
                let node = s..close;
                let default = self.or_default(s, close)?;
                self.read(node, name, default, false);
                Some(i + 1)
            }
            Some(K::Dot) if adjacent && self.t(i + 1) == "." => {
                if self.t(i + 2) != "fetch" {
                    return Some(i + 1);
                }
                let open = i + 3;
                if self.k(open) != Some(K::Open(b'('))
                    || self.toks[open].start != self.toks[i + 2].end
                {
                    return None;
                }
                let close = self.close_of(open)?;
                // the arguments, split at their top-level commas
                let mut args: Vec<(usize, usize)> = Vec::new();
                let mut depth = 0usize;
                let mut from = open + 1;
                for j in open + 1..close {
                    match self.toks[j].k {
                        K::Open(_) => depth += 1,
                        K::Close(_) => depth = depth.checked_sub(1)?,
                        K::Comma if depth == 0 => {
                            args.push((from, j.checked_sub(1)?));
                            from = j + 1;
                        }
                        K::Label | K::Rocket if depth == 0 => return None,
                        _ => {}
                    }
                }
                if from < close {
                    args.push((from, close - 1));
                }
                let &(n0, n1) = args.first()?;
                let name = match self.k(n0)? {
                    K::Str { lit: true } if n0 == n1 => string_value(self.t(n0)),
                    // a name that is no literal: no read
                    _ => return Some(i + 1),
                };
                if self.compared(close) {
                    return None;
                }
                let (default, end) = if let Some(&(d0, d1)) = args.get(1) {
                    (Some((d0, d1)), close)
                } else if self.k(close + 1) == Some(K::Open(b'{')) {
                    // `ENV.fetch("X") { default }`: the block's first statement
                    let bclose = self.close_of(close + 1)?;
                    let mut b0 = close + 2;
                    if self.k(b0) == Some(K::Pipe) {
                        b0 = self.params_close(b0)? + 1;
                    }
                    while self.k(b0) == Some(K::Semi) {
                        b0 += 1;
                    }
                    if self.k(bclose + 1) == Some(K::OrOr) {
                        return None;
                    }
                    if b0 >= bclose {
                        // `{}`: no default, the read is required
                        (None, bclose)
                    } else {
                        // the first statement: up to a `;` or a line's end at its own depth
                        let mut b1 = b0;
                        let mut depth = 0usize;
                        for j in b0..bclose {
                            match self.toks[j].k {
                                K::Open(_) => depth += 1,
                                K::Close(_) => depth = depth.checked_sub(1)?,
                                K::Semi if depth == 0 => break,
                                _ => {}
                            }
                            b1 = j;
                        }
                        (Some((b0, b1)), bclose)
                    }
                } else if self.word(close + 1, "do") {
                    return None;
                } else {
                    (self.or_default(s, close)?, close)
                };
                self.read(s..end, name, default, true);
                Some(i + 1)
            }
            Some(K::Dot) if adjacent => Some(i + 1),
            _ => Some(i + 1),
        }
    }

    /// A string literal at `i` naming an environment (`"production"`).
    fn env_name(&self, i: usize) -> bool {
        self.k(i) == Some(K::Str { lit: true })
            && super::ENV_NAMES.contains(&string_value(self.t(i)).to_ascii_lowercase().as_str())
    }

    /// Whether the read ending at `close` is compared with an environment's name.
    fn compared(&self, close: usize) -> bool {
        self.k(close + 1) == Some(K::Compare) && self.env_name(close + 2)
    }

    /// `read || default`, the read's tokens ending at `close`: the default's tokens when
    /// `||` takes the read as its left side.
    fn or_default(&self, s: usize, close: usize) -> Option<Option<(usize, usize)>> {
        if self.k(close + 1) != Some(K::OrOr) {
            return Some(None);
        }
        // the read is the left side only when nothing before it binds tighter than `||`
        let low = match s.checked_sub(1).and_then(|p| self.k(p)) {
            None => true,
            Some(
                K::Semi
                | K::Open(_)
                | K::Comma
                | K::Assign
                | K::OpAssign
                | K::Rocket
                | K::Label
                | K::Question
                | K::Colon
                | K::Pipe,
            ) => true,
            Some(K::Ident) => {
                let p = s - 1;
                let w = self.t(p);
                if self.after_dot(p) {
                    return None;
                }
                !keyword(w)
                    || matches!(
                        w,
                        "and"
                            | "or"
                            | "not"
                            | "if"
                            | "unless"
                            | "while"
                            | "until"
                            | "return"
                            | "then"
                            | "else"
                            | "when"
                            | "do"
                    )
            }
            _ => false,
        };
        if !low {
            return Some(None);
        }
        let d = close + 2;
        let simple = matches!(
            self.k(d)?,
            K::Str { .. } | K::Num | K::Sym | K::Ident | K::Opaque
        );
        // the right side: one token, or another read (`ENV["A"] || ENV["B"]`)
        let e = if self.k(d) == Some(K::Ident) && self.t(d) == "ENV" {
            if self.k(d + 1) != Some(K::Open(b'['))
                || self.toks[d + 1].start != self.toks[d].end
                || self.k(d + 2) != Some(K::Str { lit: true })
                || self.k(d + 3) != Some(K::Close(b'['))
            {
                return None;
            }
            d + 3
        } else if simple {
            d
        } else {
            return None;
        };
        match self.k(e + 1) {
            None | Some(K::Semi | K::Comma | K::Close(_) | K::OrOr) => Some(Some((d, e))),
            Some(K::Ident)
                if !self.after_dot(e + 1)
                    && matches!(
                        self.t(e + 1),
                        "if" | "unless" | "while" | "until" | "and" | "or" | "then" | "do" | "end"
                    ) =>
            {
                Some(Some((d, e)))
            }
            _ => None,
        }
    }

    /// Record a read over `node` (token indexes), with its default's tokens.
    fn read(
        &mut self,
        node: Range<usize>,
        name: String,
        default: Option<(usize, usize)>,
        fetch: bool,
    ) {
        let span = self.span(node.start, node.end);
        let (value, default_span) = match default {
            None => (None, None),
            Some((d0, d1)) => {
                let sp = self.span(d0, d1);
                let value = if d0 == d1 && self.k(d0) == Some(K::Str { lit: true }) {
                    let v = string_value(self.t(d0));
                    self.bindings.push((
                        span.start,
                        span.end,
                        StrBinding {
                            key: name.clone().into(),
                            value: v.clone().into(),
                            value_span: sp.clone().into(),
                        },
                    ));
                    ArgValue::Str(v.into())
                } else {
                    ArgValue::Expr {
                        text: self.text.get(sp.clone()).unwrap_or("").to_string(),
                        from_env: false,
                    }
                };
                (Some(value), Some(sp))
            }
        };
        let required = fetch && value.is_none();
        self.required |= required;
        self.f.env_reads.push(EnvRead {
            name: name.into(),
            has_default: value.is_some(),
            default: value,
            span: span.into(),
            default_span: default_span.map(Into::into),
            required,
            required_if: None,
        });
    }
}
