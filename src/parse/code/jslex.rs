//! A lexical front end for JavaScript (not TypeScript, not JSX): the facts of a file that
//! needs no syntax tree, from its tokens alone (see `pylex` for Python, and why).
//!
//! Most modules import and require, hold string literals, and bind strings (`const X = "…"`,
//! `obj.key = "…"`, `{ key: "…" }`): all in the order of the tokens. Environment reads
//! (`process.env`, whose uses decide whether a read is required), servers, connections,
//! migrations, child processes, log files, dotenv, sessions, client options (`host`,
//! reconnect options), generated secrets and retry loops need the tree: [`facts`] declines a
//! file holding any of them, and anything it does not read exactly (JSX, a template literal
//! whose substitution holds a string, a regular expression it cannot tell from a division,
//! unbalanced brackets, an unterminated string or comment, characters that are no JavaScript,
//! nesting deeper than a tree walk goes). Its result is the tree-sitter walk's, fact for fact
//! and span for span, on every JavaScript file of the fixtures and the shared corpora
//! (`tests/lexer.rs`).

use super::{CodeFacts, StrBinding};

/// Calls, by their last name, that hold a fact only the tree gives.
fn tree_method(m: &str) -> bool {
    matches!(
        m,
        "listen"
            | "connect"
            | "authenticate"
            | "latest"
            | "migrateToLatest"
            | "runMigrations"
            | "up"
            | "Up"
            | "AutoMigrate"
            | "call_command"
            | "upgrade"
            | "static"
            | "destination"
            | "morgan"
    )
}

/// Words anywhere in the file that announce what only the tree reads: dotenv, log transports, reconnect options, generated secrets.
const TREE_WORDS: &[&[u8]] = &[
    b"dotenv",
    b"transports",
    b"DailyRotateFile",
    b"etryStrategy",
    b"retry_strategy",
    b"econnect",
    b"randomBytes",
    b"randomUUID",
    b"uuid4",
    b"token_hex",
    b"token_urlsafe",
    b"token_bytes",
    b"urandom",
    b"generate_key",
    b"express-session",
    b"createWriteStream",
    b"@flow",
    // an HTML comment, which scripts may hold
    b"<!--",
];

fn keyword(w: &str) -> bool {
    matches!(
        w,
        "await"
            | "break"
            | "case"
            | "catch"
            | "class"
            | "const"
            | "continue"
            | "debugger"
            | "default"
            | "delete"
            | "do"
            | "else"
            | "export"
            | "extends"
            | "finally"
            | "for"
            | "function"
            | "if"
            | "import"
            | "in"
            | "instanceof"
            | "let"
            | "new"
            | "of"
            | "return"
            | "switch"
            | "throw"
            | "try"
            | "typeof"
            | "var"
            | "void"
            | "while"
            | "with"
            | "yield"
    )
}

/// Keywords after which an operand follows (a `/` starts a regular expression, a `{` an
/// object, a `<` JSX).
fn operand_keyword(w: &str) -> bool {
    matches!(
        w,
        "return"
            | "typeof"
            | "case"
            | "do"
            | "else"
            | "in"
            | "of"
            | "new"
            | "delete"
            | "void"
            | "throw"
            | "instanceof"
            | "yield"
            | "await"
            | "default"
            | "extends"
    )
}

const MAX_OPERATORS: usize = 150;
const MAX_DEPTH: usize = 48;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum K {
    Ident,
    Str,
    /// a template literal without substitutions
    Template,
    /// a template literal with substitutions
    Subst,
    Regex,
    Num,
    Open(u8),
    Close(u8),
    Comma,
    Colon,
    Semi,
    /// `=` alone
    Assign,
    Arrow,
    Dot,
    Question,
    Op,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    k: K,
    start: usize,
    end: usize,
    /// A line break lies between this token and the one before.
    newline: bool,
}

/// The facts of a JavaScript file that needs no tree, or `None` when tree-sitter must read
/// it.
pub fn facts(text: &str) -> Option<CodeFacts> {
    let b = text.as_bytes();
    static WORDS: std::sync::LazyLock<Option<aho_corasick::AhoCorasick>> =
        std::sync::LazyLock::new(|| aho_corasick::AhoCorasick::new(TREE_WORDS).ok());
    let words = WORDS.as_ref()?;
    if super::may_hold_retry_loop(b) || words.is_match(b) {
        return None;
    }
    // a hashbang line is no code
    let skip = if b.starts_with(b"#!") {
        memchr::memchr(b'\n', b).unwrap_or(b.len())
    } else {
        0
    };
    let toks = lex(b, skip)?;
    let mut w = Walk {
        text,
        toks: &toks,
        f: CodeFacts::default(),
    };
    w.walk()?;
    Some(w.f)
}

fn is_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b'$'
}

fn is_part(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$'
}

/// Whether the token before an operand position: after it, `/` starts a regular expression.
fn expects_operand(prev: Option<&Tok>, b: &[u8]) -> bool {
    let Some(p) = prev else { return true };
    match p.k {
        K::Ident => {
            let w = std::str::from_utf8(&b[p.start..p.end]).unwrap_or("");
            keyword(w) && operand_keyword(w)
        }
        K::Str | K::Template | K::Subst | K::Regex | K::Num | K::Close(b'(' | b'[') => false,
        K::Close(_) => true,
        K::Op => !matches!(&b[p.start..p.end], b"++" | b"--"),
        _ => true,
    }
}

fn lex(b: &[u8], from: usize) -> Option<Vec<Tok>> {
    let mut toks: Vec<Tok> = Vec::with_capacity(b.len() / 4);
    let mut stack: Vec<u8> = Vec::new();
    let mut i = from;
    let mut newline = false;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let k = match c {
            b' ' | b'\t' | b'\r' => {
                i += 1;
                continue;
            }
            b'\n' => {
                newline = true;
                i += 1;
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = memchr::memmem::find(&b[i + 2..], b"*/")? + i + 2;
                newline |= memchr::memchr(b'\n', &b[i..end]).is_some();
                i = end + 2;
                continue;
            }
            b'/' if expects_operand(toks.last(), b) => {
                // a regular expression: up to an unescaped `/` outside a class, then flags
                let mut j = i + 1;
                let mut class = false;
                loop {
                    match *b.get(j)? {
                        b'\\' => j += 1,
                        b'[' => class = true,
                        b']' => class = false,
                        b'/' if !class => break,
                        b'\n' | b'\r' => return None,
                        _ => {}
                    }
                    j += 1;
                }
                j += 1;
                while b.get(j).copied().is_some_and(is_part) {
                    j += 1;
                }
                i = j;
                K::Regex
            }
            b'<' if expects_operand(toks.last(), b) => return None, // JSX
            b'"' | b'\'' => {
                let mut j = i + 1;
                loop {
                    match *b.get(j)? {
                        b'\\' => j += 2,
                        b'\n' | b'\r' => return None,
                        x if x == c => break,
                        _ => j += 1,
                    }
                }
                i = j + 1;
                K::Str
            }
            b'`' => {
                let (end, subst) = template(b, i)?;
                i = end;
                if subst { K::Subst } else { K::Template }
            }
            b'#' if b.get(i + 1).copied().is_some_and(is_start) => {
                // a private name (`#field`)
                let mut j = i + 1;
                while b.get(j).copied().is_some_and(is_part) {
                    j += 1;
                }
                i = j;
                K::Ident
            }
            _ if is_start(c) => {
                let mut j = i + 1;
                while b.get(j).copied().is_some_and(is_part) {
                    j += 1;
                }
                i = j;
                K::Ident
            }
            _ if c.is_ascii_digit()
                || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit)) =>
            {
                let hex = c == b'0'
                    && b.get(i + 1)
                        .is_some_and(|x| matches!(x, b'x' | b'X' | b'o' | b'O' | b'b' | b'B'));
                let mut j = i + 1;
                while let Some(&x) = b.get(j) {
                    let sign = (x == b'+' || x == b'-')
                        && !hex
                        && matches!(b.get(j - 1), Some(b'e' | b'E'));
                    if !(x.is_ascii_alphanumeric() || x == b'_' || x == b'.' || sign) {
                        break;
                    }
                    j += 1;
                }
                i = j;
                K::Num
            }
            b'(' | b'[' | b'{' => {
                if stack.len() >= MAX_DEPTH {
                    return None;
                }
                stack.push(c);
                i += 1;
                K::Open(c)
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
                i += 1;
                K::Close(open)
            }
            _ => {
                let rest = &b[i..];
                let op = operator(rest);
                if let Some(o) = op {
                    i += o.len();
                    match o {
                        b"=>" => K::Arrow,
                        b"?." => K::Dot,
                        _ => K::Op,
                    }
                } else {
                    i += 1;
                    match c {
                        b'=' => K::Assign,
                        b',' => K::Comma,
                        b':' => K::Colon,
                        b';' => K::Semi,
                        b'.' => K::Dot,
                        b'?' => K::Question,
                        b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|' | b'^' | b'<' | b'>'
                        | b'!' | b'~' => K::Op,
                        // `@` (decorators), `#`, backslashes, control and non-ASCII
                        // characters outside strings and comments
                        _ => return None,
                    }
                }
            }
        };
        toks.push(Tok {
            k,
            start,
            end: i,
            newline,
        });
        newline = false;
    }
    stack.is_empty().then_some(toks)
}

/// The operator of two or more characters `rest` starts with (the longest), if any.
fn operator(rest: &[u8]) -> Option<&'static [u8]> {
    const BY_FIRST: &[&[u8]] = &[
        b">>>=", b"===", b"!==", b"**=", b"...", b">>>", b"<<=", b">>=", b"&&=", b"||=", b"??=",
        b"=>", b"==", b"!=", b"<=", b">=", b"&&", b"||", b"??", b"?.", b"++", b"--", b"+=", b"-=",
        b"*=", b"/=", b"%=", b"&=", b"|=", b"^=", b"**", b"<<", b">>",
    ];
    let first = *rest.first()?;
    let second = *rest.get(1)?;
    // most operator characters stand alone: only these pairs start a longer operator
    let pair = matches!(
        (first, second),
        (b'>', b'>' | b'=')
            | (b'<', b'<' | b'=')
            | (b'=', b'=' | b'>')
            | (b'!', b'=')
            | (b'*', b'*' | b'=')
            | (b'.', b'.')
            | (b'&', b'&' | b'=')
            | (b'|', b'|' | b'=')
            | (b'?', b'?' | b'.')
            | (b'+', b'+' | b'=')
            | (b'-', b'-' | b'=')
            | (b'/' | b'%' | b'^', b'=')
    );
    if !pair {
        return None;
    }
    let op = BY_FIRST.iter().copied().find(|o| rest.starts_with(o))?;
    // `?.` before a digit is a `?` and a number (`a?.5:1`)
    if op == b"?." && rest.get(2).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    Some(op)
}

/// A template literal from its backtick at `i`: its end and whether it has substitutions.
/// A substitution holding a string, a template, a comment or a regular expression (a slash),
/// or braces, is left to the tree.
fn template(b: &[u8], i: usize) -> Option<(usize, bool)> {
    let mut j = i + 1;
    let mut subst = false;
    loop {
        match *b.get(j)? {
            b'\\' => j += 2,
            b'`' => return Some((j + 1, subst)),
            b'$' if b.get(j + 1) == Some(&b'{') => {
                subst = true;
                j += 2;
                loop {
                    match *b.get(j)? {
                        b'}' => break,
                        b'"' | b'\'' | b'`' | b'/' | b'{' | b'\\' => return None,
                        _ => j += 1,
                    }
                }
                j += 1;
            }
            _ => j += 1,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Brace {
    Block,
    Object,
    Class,
    /// a destructuring pattern or an import/export list
    Pattern,
    Paren,
    Bracket,
}

struct Frame {
    brace: Brace,
    /// Where the current item (property, element) starts.
    start: usize,
    /// `?` not yet matched by their `:`.
    questions: usize,
    /// The last `:` closed a `?` (a conditional's alternative follows, not a label's statement).
    ternary_colon: bool,
    /// Parentheses holding a call's arguments.
    call: bool,
}

struct Walk<'a> {
    text: &'a str,
    toks: &'a [Tok],
    f: CodeFacts,
}

/// A string or template literal's value as the tree walk gives it: the text between the
/// quotes, escapes as written. `None` for a string holding what the tree reads as an HTML
/// character reference (`&amp;`).
fn string_value(raw: &str) -> Option<String> {
    let inner = raw.get(1..raw.len().checked_sub(1)?)?;
    let reference = inner.match_indices('&').any(|(at, _)| {
        let rest = &inner.as_bytes()[at + 1..];
        let n = rest
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'#')
            .count();
        n > 0 && rest.get(n) == Some(&b';')
    });
    (!reference).then(|| inner.to_string())
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
        self.is(i, K::Str) || self.is(i, K::Template)
    }

    fn walk(&mut self) -> Option<()> {
        let mut frames = vec![Frame {
            brace: Brace::Block,
            start: 0,
            questions: 0,
            ternary_colon: false,
            call: false,
        }];
        // a required read (`const x = process.env.X`) is optional in a branch on another
        // variable: whether any `if` reads the environment is known at the end
        let mut required_read = false;
        let mut operators = 0usize;
        let mut class_pending = false;
        let mut i = 0;
        while i < self.toks.len() {
            let t = self.toks[i];
            // a statement ended by a line break (no semicolon): the operators of the next
            // one are counted from zero, as after `;`
            if t.newline && i >= 1 && self.ends_statement(i - 1) {
                operators = 0;
            }
            match t.k {
                K::Str | K::Template => {
                    let v = string_value(self.text.get(t.start..t.end)?)?;
                    self.f.string_literal(v, t.start..t.end);
                }
                K::Ident => {
                    let text = self.text;
                    let w = text.get(t.start..t.end).unwrap_or("");
                    if self.is(i + 1, K::Open(b'(')) && tree_method(w) {
                        return None;
                    }
                    // a child process run by name: `exec("git …")`
                    if matches!(
                        w,
                        "exec"
                            | "execSync"
                            | "spawn"
                            | "spawnSync"
                            | "execFile"
                            | "execFileSync"
                            | "execa"
                    ) && self.is(i + 1, K::Open(b'('))
                        && self.is_str(i + 2)
                    {
                        return None;
                    }
                    if w == "process"
                        && self.is(i + 1, K::Dot)
                        && self.word(i + 2, "env")
                        && self.text.get(t.start..self.toks[i + 2].end) == Some("process.env")
                    {
                        let call_args = frames.last().is_some_and(|f| f.call);
                        required_read |= self.env_read(i, call_args)?;
                    }
                    match w {
                        "class"
                            if !(i >= 1 && self.is(i - 1, K::Dot))
                                && (self.is(i + 1, K::Ident) || self.is(i + 1, K::Open(b'{'))) =>
                        {
                            class_pending = true
                        }
                        "import" if !self.is(i + 1, K::Open(b'(')) && !self.is(i + 1, K::Dot) => {
                            i = self.import_statement(i + 1)?;
                            continue;
                        }
                        "require" | "import" if self.is(i + 1, K::Open(b'(')) => {
                            let simple = !(i >= 1 && self.is(i - 1, K::Dot));
                            if simple && self.is_str(i + 2) {
                                let s = string_value(self.t(i + 2))?;
                                let sp = self.toks[i + 2].start..self.toks[i + 2].end;
                                if s.starts_with('.') {
                                    self.f.modules.push(s.clone().into());
                                }
                                if let Some(p) = super::javascript::package(&s) {
                                    self.f.imports.push((p.into(), sp.into()));
                                }
                            }
                        }
                        _ => {}
                    }
                }
                K::Open(open) => {
                    let prev = i.checked_sub(1);
                    let top = frames.last_mut()?;
                    let brace = match open {
                        b'(' => Brace::Paren,
                        b'[' => Brace::Bracket,
                        _ if class_pending => {
                            class_pending = false;
                            Brace::Class
                        }
                        _ => {
                            let p = prev.map(|p| (self.toks[p].k, self.t(p)));
                            match p {
                                None => Brace::Block,
                                Some((K::Ident, "const" | "let" | "var" | "import" | "export")) => {
                                    Brace::Pattern
                                }
                                Some((K::Ident, w))
                                    if keyword(w)
                                        && operand_keyword(w)
                                        && w != "do"
                                        && w != "else" =>
                                {
                                    Brace::Object
                                }
                                Some((K::Ident, _)) => Brace::Block,
                                Some((K::Close(b'('), _) | (K::Arrow, _) | (K::Semi, _)) => {
                                    Brace::Block
                                }
                                Some((K::Open(b'{'), _)) | Some((K::Close(b'{'), _)) => {
                                    if top.brace == Brace::Object || top.brace == Brace::Pattern {
                                        return None;
                                    }
                                    Brace::Block
                                }
                                Some((K::Colon, _)) => {
                                    if top.brace == Brace::Pattern {
                                        Brace::Pattern // `const { a: { b } } = …`
                                    } else if top.brace == Brace::Object || top.ternary_colon {
                                        Brace::Object
                                    } else if top.brace == Brace::Block {
                                        Brace::Block // `case x: {`, a label
                                    } else {
                                        return None;
                                    }
                                }
                                Some((K::Close(_), _)) => return None,
                                _ => Brace::Object,
                            }
                        }
                    };
                    let call = open == b'('
                        && prev.is_some_and(|p| match self.toks[p].k {
                            K::Ident => !keyword(self.t(p)) || self.t(p) == "import",
                            K::Close(b'(' | b'[') => true,
                            _ => false,
                        });
                    frames.push(Frame {
                        brace,
                        start: i + 1,
                        questions: 0,
                        ternary_colon: false,
                        call,
                    });
                }
                K::Close(_) => {
                    let fr = frames.pop()?;
                    if fr.brace == Brace::Object {
                        self.property(fr.start, i)?;
                    }
                    if frames.is_empty() {
                        return None;
                    }
                }
                K::Comma => {
                    let fr = frames.last_mut()?;
                    let s = fr.start;
                    fr.start = i + 1;
                    if fr.brace == Brace::Object {
                        self.property(s, i)?;
                    }
                }
                K::Question => frames.last_mut()?.questions += 1,
                K::Colon => {
                    let fr = frames.last_mut()?;
                    fr.ternary_colon = fr.questions > 0;
                    fr.questions = fr.questions.saturating_sub(1);
                }
                K::Assign => {
                    operators += 1;
                    let fr = frames.last()?;
                    if self.is_str(i + 1) && self.ends_at(i + 1) {
                        match fr.brace {
                            // a statement or an expression in a block, or a declaration
                            Brace::Block => self.assignment(i)?,
                            // a class's field, a default in a destructuring pattern: no binding
                            Brace::Class | Brace::Pattern => {}
                            // a default in an object pattern or a parameter list, or an
                            // assignment in arguments: only the tree knows which
                            _ => return None,
                        }
                    }
                }
                K::Semi => operators = 0,
                K::Op | K::Dot => operators += 1,
                _ => {}
            }
            if operators > MAX_OPERATORS {
                return None;
            }
            i += 1;
        }
        if frames.len() != 1 {
            return None;
        }
        if required_read && self.env_condition() {
            return None;
        }
        Some(())
    }

    /// Whether the condition of any `if` reads the environment.
    fn env_condition(&self) -> bool {
        (0..self.toks.len()).any(|i| {
            self.word(i, "if")
                && self.is(i + 1, K::Open(b'('))
                && self.matching(i + 1).is_none_or(|c| {
                    self.text
                        .get(self.toks[i + 1].start..self.toks[c].end)
                        .is_none_or(super::generic::condition_reads_env)
                })
        })
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

    /// Whether the token at `i` ends a statement at the end of its line: it can end an
    /// expression, and what follows on the next line cannot continue it.
    fn ends_statement(&self, i: usize) -> bool {
        matches!(
            self.toks[i].k,
            K::Ident | K::Str | K::Template | K::Regex | K::Num | K::Close(_)
        ) && self.ends_at(i)
    }

    /// Whether the token at `i` ends an expression: what follows is a separator, a closing
    /// bracket, or starts a new line and cannot continue it (semicolon insertion).
    fn ends_at(&self, i: usize) -> bool {
        let Some(next) = self.toks.get(i + 1) else {
            return true;
        };
        match next.k {
            K::Comma | K::Semi | K::Close(_) => true,
            K::Open(b'(' | b'[') | K::Dot | K::Op | K::Assign | K::Question | K::Arrow => false,
            K::Subst | K::Template | K::Colon => false,
            K::Ident => next.newline && !matches!(self.t(i + 1), "in" | "instanceof"),
            _ => next.newline,
        }
    }

    /// `process.env.X` / `process.env["X"]` with `process` at `i`: the read, as the tree walk
    /// makes it (defaulted by `||`/`??`, required when used bare); `Some(true)` for a required
    /// read. `None` where only the tree tells: a presence test (`!`, `&&`, `?:`, a condition,
    /// a helper's argument) or a comparison.
    fn env_read(&mut self, i: usize, call_args: bool) -> Option<bool> {
        let (name, end) = if self.is(i + 3, K::Dot) && self.is(i + 4, K::Ident) {
            (self.t(i + 4).to_string(), i + 4)
        } else if self.is(i + 3, K::Open(b'['))
            && (self.is_str(i + 4))
            && self.is(i + 5, K::Close(b'['))
        {
            (string_value(self.t(i + 4))?, i + 5)
        } else {
            return Some(false);
        };
        if super::javascript::build_time_variable(&name) {
            return Some(false);
        }
        let prev = i.checked_sub(1).map(|p| (self.toks[p].k, self.t(p)));
        let next = self.toks.get(end + 1).map(|t| (t.k, self.t(end + 1)));
        let op = |o: Option<(K, &str)>, ops: &[&str]| {
            o.is_some_and(|(k, t)| k == K::Op && ops.contains(&t))
        };
        const TESTS: &[&str] = &["!", "&&", "==", "===", "!=", "!=="];
        if op(prev, TESTS)
            || op(next, &["&&", "==", "===", "!=", "!=="])
            || next.is_some_and(|(k, _)| k == K::Question)
            || (prev.is_some_and(|(k, _)| k == K::Open(b'('))
                && next.is_some_and(|(k, _)| k == K::Close(b'(')))
        {
            return None;
        }
        let mut read = super::EnvRead {
            name: name.into(),
            default: None,
            has_default: false,
            span: (self.toks[i].start..self.toks[end].end).into(),
            default_span: None,
            required: false,
            required_if: None,
        };
        if op(next, &["||", "??"]) {
            if op(prev, &["||", "??"]) {
                // the right operand of another `||`: neither defaulted nor bare
            } else if prev.is_some_and(|(k, _)| k == K::Op) {
                return None; // an operand of a tighter operator: the tree knows
            } else {
                // the default: the right operand, up to what binds less tightly
                let s = end + 2;
                let mut e = s;
                let mut depth = 0usize;
                while e < self.toks.len() {
                    let k = self.toks[e].k;
                    if depth == 0 {
                        let stop = matches!(
                            k,
                            K::Question
                                | K::Colon
                                | K::Comma
                                | K::Semi
                                | K::Close(_)
                                | K::Assign
                                | K::Arrow
                        ) || (k == K::Op && matches!(self.t(e), "||" | "??"));
                        if stop || (e > s && self.toks[e].newline && self.ends_at(e - 1)) {
                            break;
                        }
                    }
                    match k {
                        K::Open(_) => depth += 1,
                        K::Close(_) => depth = depth.checked_sub(1)?,
                        _ => {}
                    }
                    e += 1;
                }
                if e == s {
                    return None;
                }
                let span = self.toks[s].start..self.toks[e - 1].end;
                let text = self.text.get(span.clone())?;
                let value = if e == s + 1 && self.is_str(s) {
                    super::ArgValue::Str(string_value(text)?.into())
                } else if e == s + 1 && self.is(s, K::Num) {
                    text.parse()
                        .map(super::ArgValue::Int)
                        .unwrap_or(super::ArgValue::Expr {
                            text: text.into(),
                            from_env: false,
                        })
                } else {
                    super::ArgValue::Expr {
                        text: text.chars().take(200).collect(),
                        from_env: false,
                    }
                };
                read.has_default = true;
                read.default = Some(value);
                read.default_span = Some(span.into());
            }
        } else {
            // used bare: the value of a declaration or assignment, an assigned target, an
            // argument
            let ends = self.ends_at(end);
            let after_assign = prev.is_some_and(|(k, _)| k == K::Assign) && ends;
            let assigned = next.is_some_and(|(k, _)| k == K::Assign);
            let argument = call_args
                && prev.is_some_and(|(k, _)| matches!(k, K::Open(b'(') | K::Comma))
                && next.is_some_and(|(k, _)| matches!(k, K::Close(b'(') | K::Comma));
            read.required = after_assign || assigned || argument;
        }
        let required = read.required;
        self.f.env_reads.push(read);
        Some(required)
    }

    /// `import x from "m";`, `import "m";`, `import { a } from "m"` after `import` at `i`:
    /// the module; the index after the source.
    fn import_statement(&mut self, i: usize) -> Option<usize> {
        let mut j = i;
        while !self.is_str(j) || (j > i && !self.word(j - 1, "from")) {
            if j >= self.toks.len() || self.is(j, K::Semi) || j > i + 200 {
                return None;
            }
            if self.is_str(j) && j == i {
                break;
            }
            j += 1;
        }
        // import attributes (`with { type: "json" }`) are an object the tree reads
        if !self.is(j, K::Str) || self.word(j + 1, "with") || self.word(j + 1, "assert") {
            return None;
        }
        let s = string_value(self.t(j))?;
        let sp = self.toks[j].start..self.toks[j].end;
        if s.starts_with('.') {
            self.f.modules.push(s.clone().into());
        }
        if let Some(p) = super::javascript::package(&s) {
            self.f.imports.push((p.into(), sp.clone().into()));
        }
        self.f.string_literal(s, sp);
        Some(j + 1)
    }

    /// `= "…"` at `eq` in a block: `const X = "…"`, `obj.key = "…"`, `a = b = "…"`.
    fn assignment(&mut self, eq: usize) -> Option<()> {
        // the left side: a name or a member chain (`a.b.c`, `this.x`, `a["k"].b`)
        if eq == 0 || matches!(self.toks[eq - 1].k, K::Close(_)) {
            return None; // `a[k] = …`, `(a) = …`
        }
        let mut s = eq;
        loop {
            // a line break ends the chain (what came before is another statement)
            if self.toks[s.min(eq - 1)].newline && s < eq {
                break;
            }
            let Some(p) = s.checked_sub(1) else { break };
            match self.toks[p].k {
                K::Ident | K::Dot => s = p,
                _ => break,
            }
        }
        if s == eq || self.is(s, K::Dot) {
            return None;
        }
        // a keyword on the left (`return x = …`) belongs to the statement
        while s < eq && self.is(s, K::Ident) && keyword(self.t(s)) && !self.is(s + 1, K::Dot) {
            s += 1;
        }
        if s == eq {
            return None;
        }
        let left = self.text.get(self.toks[s].start..self.toks[eq - 1].end)?;
        let key = left.rsplit('.').next().unwrap_or("");
        self.bind(key.to_string(), eq + 1)
    }

    /// A property of an object literal, tokens `[s, e)`: `key: "…"`.
    fn property(&mut self, s: usize, e: usize) -> Option<()> {
        if e <= s {
            return Some(());
        }
        let key_text = self.t(s).trim_matches(['"', '\'']);
        if matches!(key_text, "host" | "Host")
            || matches!(
                key_text,
                "retryStrategy"
                    | "retry_strategy"
                    | "reconnectStrategy"
                    | "autoReconnect"
                    | "reconnectTries"
                    | "reconnect"
            )
        {
            return None;
        }
        // `[computed]: "…"`: the tree names it by its text
        if self.is(s, K::Open(b'[')) && self.is(e - 1, K::Str) {
            return None;
        }
        if e != s + 3 || !self.is(s + 1, K::Colon) || !self.is_str(s + 2) || !self.ends_at(s + 2) {
            return Some(());
        }
        let key = match self.toks[s].k {
            K::Str | K::Template => string_value(self.t(s))?,
            K::Ident | K::Num => self.t(s).rsplit('.').next().unwrap_or("").to_string(),
            _ => return Some(()),
        };
        self.bind(key, s + 2)
    }

    fn bind(&mut self, key: String, at: usize) -> Option<()> {
        let t = self.toks[at];
        let value = string_value(self.text.get(t.start..t.end)?)?;
        if let Some(log) = super::javascript::log4js_appender(&key, &value, t.start..t.end) {
            self.f.rare.file_logs.push(log);
        }
        self.f.bindings.push(StrBinding {
            key: key.into(),
            value: value.into(),
            value_span: (t.start..t.end).into(),
        });
        Some(())
    }
}
