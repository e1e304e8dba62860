//! A lexical front end for Go: the facts of a file that needs no syntax tree, from its tokens
//! alone (see `pylex` for Python, and why).
//!
//! A Go file's facts are mostly its imports, its string literals, the strings it assigns
//! (`x := "…"`, `cfg.Addr = "…"`, `const X = "…"`, `Config{Addr: "…"}`) and its
//! `os.Getenv("X")` reads: all in the order of the tokens. A server, a log file, a subprocess,
//! a migration, a ping at start-up, a client's `Options{Addr: …}`, a lumberjack logger, a
//! comparison of `os.Getenv(…)` with an environment name or a retry loop needs the tree:
//! [`facts`] declines a file holding any of them, and anything it does not read exactly
//! (unbalanced brackets, an unterminated string or comment, a template, characters that are
//! no Go, nesting deeper than a tree walk goes). Its result is the tree-sitter walk's, fact
//! for fact and span for span, on every Go file of the fixtures and the shared corpora
//! (`tests/lexer.rs`).

use super::{CodeFacts, EnvRead, StrBinding, is_ident_byte, is_ident_start, may_hold_retry_loop};

/// Calls, by their last name, that hold a fact only the tree gives.
fn tree_method(m: &str) -> bool {
    matches!(
        m,
        "Run"
            | "Start"
            | "RunTLS"
            | "StartTLS"
            | "Ping"
            | "PingContext"
            | "AutoMigrate"
            | "Up"
            | "up"
            | "run"
            | "latest"
            | "migrateToLatest"
            | "runMigrations"
            | "run_pending_migrations"
    )
}

/// Calls, as written, that hold a fact only the tree gives.
fn tree_callee(c: &str) -> bool {
    matches!(
        c,
        "os.Create"
            | "os.OpenFile"
            | "http.ListenAndServe"
            | "http.ListenAndServeTLS"
            | "net.Listen"
            | "tls.Listen"
            | "godotenv.Load"
            | "godotenv.Overload"
            | "exec.Command"
            | "exec.CommandContext"
            | "log.SetOutput"
    )
}

fn keyword(w: &str) -> bool {
    matches!(
        w,
        "break"
            | "case"
            | "chan"
            | "const"
            | "continue"
            | "default"
            | "defer"
            | "else"
            | "fallthrough"
            | "for"
            | "func"
            | "go"
            | "goto"
            | "if"
            | "import"
            | "interface"
            | "map"
            | "package"
            | "range"
            | "return"
            | "select"
            | "struct"
            | "switch"
            | "type"
            | "var"
    )
}

const MAX_OPERATORS: usize = 150;
const MAX_DEPTH: usize = 48;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum K {
    Ident,
    Str,
    Rune,
    Num,
    Open(u8),
    Close(u8),
    Comma,
    Colon,
    /// `;`, written or inserted at the end of a line
    Semi,
    /// `:=`
    Define,
    /// `=`, `+=`, `<<=` …
    Assign,
    /// `==`, `!=`
    Compare,
    Dot,
    Op,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    k: K,
    start: usize,
    end: usize,
}

/// The facts of a Go file that needs no tree, or `None` when tree-sitter must read it.
pub fn facts(text: &str) -> Option<CodeFacts> {
    let b = text.as_bytes();
    if may_hold_retry_loop(b) || memchr::memmem::find(b, b"lumberjack").is_some() {
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

/// Whether a line ending with this token ends a statement (Go's semicolon insertion).
fn ends_statement(t: &Tok, b: &[u8]) -> bool {
    match t.k {
        K::Ident | K::Str | K::Rune | K::Num | K::Close(_) => true,
        K::Op => matches!(b.get(t.start..t.end), Some(b"++" | b"--")),
        _ => false,
    }
}

fn lex(b: &[u8]) -> Option<Vec<Tok>> {
    let mut toks: Vec<Tok> = Vec::with_capacity(b.len() / 4);
    let mut stack: Vec<u8> = Vec::new();
    let mut i = 0;
    let newline = |toks: &mut Vec<Tok>, at: usize| {
        if toks.last().is_some_and(|t| ends_statement(t, b)) {
            toks.push(Tok {
                k: K::Semi,
                start: at,
                end: at,
            });
        }
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\n' => {
                newline(&mut toks, i);
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = memchr::memmem::find(&b[i + 2..], b"*/")? + i + 2;
                if memchr::memchr(b'\n', &b[i..end]).is_some() {
                    newline(&mut toks, i);
                }
                i = end + 2;
            }
            b'"' => {
                let mut j = i + 1;
                loop {
                    match *b.get(j)? {
                        b'\\' => j += 2,
                        b'"' => break,
                        b'\n' => return None,
                        _ => j += 1,
                    }
                }
                toks.push(Tok {
                    k: K::Str,
                    start: i,
                    end: j + 1,
                });
                i = j + 1;
            }
            b'`' => {
                let j = memchr::memchr(b'`', &b[i + 1..])? + i + 1;
                toks.push(Tok {
                    k: K::Str,
                    start: i,
                    end: j + 1,
                });
                i = j + 1;
            }
            b'\'' => {
                let mut j = i + 1;
                loop {
                    match *b.get(j)? {
                        b'\\' => j += 2,
                        b'\'' => break,
                        b'\n' => return None,
                        _ => j += 1,
                    }
                }
                toks.push(Tok {
                    k: K::Rune,
                    start: i,
                    end: j + 1,
                });
                i = j + 1;
            }
            _ if is_ident_start(c) => {
                let mut j = i + 1;
                while b.get(j).copied().is_some_and(is_ident_byte) {
                    j += 1;
                }
                toks.push(Tok {
                    k: K::Ident,
                    start: i,
                    end: j,
                });
                i = j;
            }
            _ if c.is_ascii_digit()
                || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                let hex = c == b'0' && matches!(b.get(i + 1), Some(b'x' | b'X'));
                let mut j = i + 1;
                while let Some(&x) = b.get(j) {
                    let exponent = if hex { b"pP" } else { b"eE" };
                    let sign = (x == b'+' || x == b'-')
                        && b.get(j - 1).is_some_and(|p| exponent.contains(p));
                    if !(is_ident_byte(x) || x == b'.' || sign) {
                        break;
                    }
                    j += 1;
                }
                toks.push(Tok {
                    k: K::Num,
                    start: i,
                    end: j,
                });
                i = j;
            }
            b'(' | b'[' | b'{' => {
                // `{{ … }}`: a template, not Go
                if stack.len() >= MAX_DEPTH || (c == b'{' && b.get(i + 1) == Some(&b'{')) {
                    return None;
                }
                stack.push(c);
                toks.push(Tok {
                    k: K::Open(c),
                    start: i,
                    end: i + 1,
                });
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
                toks.push(Tok {
                    k: K::Close(open),
                    start: i,
                    end: i + 1,
                });
                i += 1;
            }
            _ => {
                let rest = &b[i..];
                let three = rest.get(..3).unwrap_or(b"");
                let two = rest.get(..2).unwrap_or(b"");
                let (k, n) = if matches!(three, b"<<=" | b">>=" | b"&^=") {
                    (K::Assign, 3)
                } else if three == b"..." {
                    (K::Op, 3)
                } else if two == b":=" {
                    (K::Define, 2)
                } else if matches!(two, b"==" | b"!=") {
                    (K::Compare, 2)
                } else if matches!(
                    two,
                    b"+=" | b"-=" | b"*=" | b"/=" | b"%=" | b"&=" | b"|=" | b"^="
                ) {
                    (K::Assign, 2)
                } else if matches!(
                    two,
                    b"<=" | b">=" | b"&&" | b"||" | b"<-" | b"++" | b"--" | b"<<" | b">>" | b"&^"
                ) {
                    (K::Op, 2)
                } else {
                    match c {
                        b'=' => (K::Assign, 1),
                        b',' => (K::Comma, 1),
                        b':' => (K::Colon, 1),
                        b';' => (K::Semi, 1),
                        b'.' => (K::Dot, 1),
                        b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^' | b'<' | b'>'
                        | b'!' | b'~' => (K::Op, 1),
                        // `#`, `$`, `?`, `@`, backslashes, control and non-ASCII characters
                        // outside strings and comments: not Go
                        _ => return None,
                    }
                };
                toks.push(Tok {
                    k,
                    start: i,
                    end: i + n,
                });
                i += n;
            }
        }
    }
    if !stack.is_empty() {
        return None;
    }
    newline(&mut toks, b.len());
    Some(toks)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Brace {
    /// A block of statements (also the file itself).
    Block,
    /// A composite literal's elements.
    Literal,
    /// A struct's fields or an interface's methods.
    Type,
    /// Parentheses or brackets.
    Other,
}

struct Frame {
    brace: Brace,
    /// Token index of the bracket (`None` for the file).
    at: Option<usize>,
    /// A `(` that opens a call's arguments.
    call: bool,
    /// `var (` / `const (`: a group of specs.
    specs: bool,
    /// Where the current statement, spec or element starts.
    start: usize,
    /// The first colon of the current element (composite literals).
    colon: Option<usize>,
    /// A `func` keyword seen: parentheses up to its `{` are its signature, the `{` its body.
    func: bool,
    /// An `if`, `for`, `switch` or `select` seen: the next `{` is its block.
    header: bool,
    /// Where this call's environment reads go (before those found inside it).
    reads_at: usize,
}

impl Frame {
    fn new(brace: Brace, at: Option<usize>, start: usize, reads_at: usize) -> Frame {
        Frame {
            brace,
            at,
            call: false,
            specs: false,
            start,
            colon: None,
            func: false,
            header: false,
            reads_at,
        }
    }
}

struct Walk<'a> {
    text: &'a str,
    toks: &'a [Tok],
    f: CodeFacts,
}

/// A Go string literal's value as the tree walk gives it (quotes trimmed, escapes kept).
fn string_value(raw: &str) -> String {
    if raw.starts_with('`') {
        raw.trim_matches('`').to_string()
    } else {
        raw.trim_matches('"').to_string()
    }
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

    fn span(&self, s: usize, e: usize) -> std::ops::Range<usize> {
        self.toks[s].start..self.toks[e].end
    }

    /// The one string literal at `i` that makes a whole expression (followed by what ends
    /// one: `,`, `;`, `)`, `}`).
    fn lone_string(&self, i: usize) -> Option<String> {
        if !self.is(i, K::Str) {
            return None;
        }
        match self.toks.get(i + 1).map(|t| t.k) {
            None | Some(K::Comma | K::Semi | K::Close(_)) => Some(string_value(self.t(i))),
            _ => None,
        }
    }

    fn walk(&mut self) -> Option<()> {
        let mut frames = vec![Frame::new(Brace::Block, None, 0, 0)];
        let mut operators = 0usize;
        let mut i = 0;
        while i < self.toks.len() {
            let t = self.toks[i];
            match t.k {
                K::Str => {
                    let v = string_value(self.t(i));
                    self.f.string_literal(v, t.start..t.end);
                }
                K::Semi => {
                    // (a `for` header's semicolons do not end the header)
                    operators = 0;
                    let fr = frames.last_mut()?;
                    fr.start = i + 1;
                    fr.func = false;
                }
                K::Colon => {
                    let fr = frames.last_mut()?;
                    match fr.brace {
                        Brace::Literal if fr.colon.is_none() => fr.colon = Some(i),
                        // `case x:`, `default:`, a label: a statement follows
                        Brace::Block => fr.start = i + 1,
                        _ => {}
                    }
                }
                K::Ident => match self.t(i) {
                    "if" | "for" | "switch" | "select" => {
                        let fr = frames.last_mut()?;
                        fr.header = true;
                        fr.start = i + 1;
                    }
                    "else" | "case" | "go" | "defer" | "return" => frames.last_mut()?.start = i + 1,
                    "func" => frames.last_mut()?.func = true,
                    "import" if frames.len() == 1 => {
                        if !self.is(i + 1, K::Open(b'(')) {
                            i = self.import(i + 1)?;
                            continue;
                        }
                        // `import ( … )`: specs separated by semicolons
                        i += 2;
                        loop {
                            while self.is(i, K::Semi) {
                                i += 1;
                            }
                            if self.is(i, K::Close(b'(')) {
                                break;
                            }
                            i = self.import(i)?;
                            if !self.is(i, K::Semi) && !self.is(i, K::Close(b'(')) {
                                return None;
                            }
                        }
                    }
                    _ => {}
                },
                K::Open(open) => {
                    let prev = i.checked_sub(1).map(|p| self.toks[p]);
                    let top = frames.last_mut()?;
                    let brace = if open != b'{' {
                        Brace::Other
                    } else if top.brace == Brace::Literal
                        && prev.is_some_and(|p| matches!(p.k, K::Open(b'{') | K::Comma | K::Colon))
                    {
                        Brace::Literal
                    } else if top.func {
                        Brace::Block
                    } else if top.header {
                        // a header's `{` is its block, but after a slice, array or map type
                        // (`range []string{"a"} {`) or a struct type it opens a literal
                        if self.typed_literal(i) {
                            Brace::Literal
                        } else {
                            Brace::Block
                        }
                    } else if i >= 1
                        && (self.word(i - 1, "struct") || self.word(i - 1, "interface"))
                    {
                        Brace::Type
                    } else if prev.is_none_or(|p| {
                        matches!(p.k, K::Semi | K::Open(b'{') | K::Colon)
                            || (p.k == K::Ident && self.t(i - 1) == "else")
                    }) {
                        Brace::Block
                    } else {
                        Brace::Literal
                    };
                    if brace == Brace::Literal
                        && prev.is_some_and(|p| p.k == K::Ident)
                        && self.t(i - 1).ends_with("Options")
                        && self.names_address(i)
                    {
                        return None; // a client's options: the tree reads the address
                    }
                    let call = open == b'('
                        && !top.func
                        && top.brace != Brace::Type
                        && prev.is_some_and(|p| {
                            matches!(p.k, K::Close(_))
                                || (p.k == K::Ident && !keyword(self.t(i - 1)))
                        });
                    let specs = open == b'('
                        && i >= 1
                        && (self.word(i - 1, "var") || self.word(i - 1, "const"));
                    if open == b'{' && brace == Brace::Block {
                        top.func = false;
                        top.header = false;
                    }
                    let mut fr = Frame::new(brace, Some(i), i + 1, self.f.env_reads.len());
                    fr.call = call;
                    fr.specs = specs;
                    frames.push(fr);
                }
                K::Comma => {
                    let fr = frames.last_mut()?;
                    if fr.brace == Brace::Literal {
                        let (s, colon) = (fr.start, fr.colon.take());
                        fr.start = i + 1;
                        self.element(s, colon, i);
                    }
                }
                K::Close(_) => {
                    let fr = frames.pop()?;
                    if fr.brace == Brace::Literal {
                        self.element(fr.start, fr.colon, i);
                    }
                    if fr.call {
                        self.call(&fr, i)?;
                    }
                    if frames.is_empty() {
                        return None;
                    }
                }
                K::Define | K::Assign => {
                    let fr = frames.last()?;
                    if fr.specs
                        || (fr.brace == Brace::Block && t.k == K::Assign && self.spec_at(fr.start))
                    {
                        // `const X = "…"`, `var x string = "…"`: the first name
                        let name = if fr.specs { fr.start } else { fr.start + 1 };
                        if self.is(name, K::Ident)
                            && let Some(v) = self.lone_string(i + 1)
                        {
                            self.bind(self.t(name).to_string(), v, i + 1);
                        }
                    } else if fr.brace == Brace::Block && fr.start < i {
                        // `x := "…"`, `cfg.Addr = "…"`: the whole left side names it
                        if let Some(v) = self.lone_string(i + 1) {
                            let left = self.text.get(self.span(fr.start, i - 1))?;
                            let key = left.trim_matches('"').rsplit('.').next().unwrap_or("");
                            self.bind(key.to_string(), v, i + 1);
                        }
                    }
                    operators += 1;
                }
                K::Op | K::Compare | K::Dot => operators += 1,
                _ => {}
            }
            if operators > MAX_OPERATORS {
                return None;
            }
            i += 1;
        }
        (frames.len() == 1).then_some(())
    }

    /// Whether the `{` at `i` follows a composite type that is no bare name: `[]T`,
    /// `[N]T`, `map[K]V`, `pkg.T` after one of those, `struct{…}`, `T[P]`.
    fn typed_literal(&self, i: usize) -> bool {
        let Some(p) = i.checked_sub(1) else {
            return false;
        };
        match self.toks[p].k {
            K::Close(b'{' | b'[') => true,
            K::Ident => {
                let mut c = p;
                while c >= 2 && self.is(c - 1, K::Dot) && self.is(c - 2, K::Ident) {
                    c -= 2;
                }
                c >= 1 && self.is(c - 1, K::Close(b'['))
            }
            _ => false,
        }
    }

    /// Whether the composite literal opened at `open` names an address (`Addr: …`,
    /// `Host: …`): a client's options, whose address the tree reads.
    fn names_address(&self, open: usize) -> bool {
        let mut depth = 0usize;
        for j in open..self.toks.len() {
            match self.toks[j].k {
                K::Open(_) => depth += 1,
                K::Close(_) => {
                    depth -= 1;
                    if depth == 0 {
                        return false;
                    }
                }
                K::Ident if matches!(self.t(j), "Addr" | "Host") && self.is(j + 1, K::Colon) => {
                    return true;
                }
                _ => {}
            }
        }
        true
    }

    /// A statement at `s` that declares (`var …`, `const …`).
    fn spec_at(&self, s: usize) -> bool {
        self.word(s, "var") || self.word(s, "const")
    }

    fn bind(&mut self, key: String, value: String, at: usize) {
        let t = self.toks[at];
        self.f.bindings.push(StrBinding {
            key: key.into(),
            value: value.into(),
            value_span: (t.start..t.end).into(),
        });
    }

    /// An element of a composite literal, tokens `[s, e)`: `Key: "value"`.
    fn element(&mut self, s: usize, colon: Option<usize>, e: usize) {
        let Some(colon) = colon else {
            return;
        };
        if colon <= s || colon + 2 != e {
            return;
        }
        if let Some(v) = self.lone_string(colon + 1)
            && let Some(key) = self.text.get(self.span(s, colon - 1))
        {
            let key = key.trim_matches('"').rsplit('.').next().unwrap_or("");
            self.bind(key.to_string(), v, colon + 1);
        }
    }

    /// `import "path"` or `import alias "path"` at `i`; the index after it.
    fn import(&mut self, mut i: usize) -> Option<usize> {
        let start = i;
        if !self.is(i, K::Str) {
            if !(self.is(i, K::Ident) || self.is(i, K::Dot)) {
                return None;
            }
            i += 1;
        }
        if !self.is(i, K::Str) {
            return None;
        }
        let path = string_value(self.t(i));
        self.f
            .imports
            .push((path.clone().into(), self.span(start, i).into()));
        self.f
            .string_literal(path, self.toks[i].start..self.toks[i].end);
        Some(i + 1)
    }

    /// A call closed at `close`: the environment read it is, or `None` when only the tree
    /// reads it.
    fn call(&mut self, fr: &Frame, close: usize) -> Option<()> {
        let at = fr.at?;
        let mut c = at;
        if c >= 1 && self.is(c - 1, K::Ident) {
            c -= 1;
            while c >= 2 && self.is(c - 1, K::Dot) && self.is(c - 2, K::Ident) {
                c -= 2;
            }
        }
        let simple = c < at && !(c >= 1 && matches!(self.toks[c - 1].k, K::Dot | K::Close(_)));
        let method = if c < at { self.t(at - 1) } else { "" };
        if tree_method(method) {
            return None;
        }
        if !simple {
            return Some(());
        }
        let callee: String = (c..at).map(|i| self.t(i)).collect();
        if tree_callee(&callee) {
            return None;
        }
        if matches!(callee.as_str(), "os.Getenv" | "os.LookupEnv") {
            // compared with a value (`os.Getenv("ENV") == "production"`): the tree reads it
            if self.is(close + 1, K::Compare) || (c >= 1 && self.is(c - 1, K::Compare)) {
                return None;
            }
            if let Some(name) = self.lone_string(at + 1) {
                let read = EnvRead {
                    name: name.into(),
                    default: None,
                    has_default: callee == "os.LookupEnv",
                    span: self.span(c, close).into(),
                    default_span: None,
                    required: false,
                    required_if: None,
                };
                self.f
                    .env_reads
                    .insert(fr.reads_at.min(self.f.env_reads.len()), read);
            }
        }
        Some(())
    }
}
