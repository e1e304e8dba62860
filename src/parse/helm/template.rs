//! The Go `text/template` language as Helm charts write it: actions and pipelines, control
//! structures, variables, whitespace trimming and comments, parsed into a tree whose nodes
//! keep the byte span of the template text they came from.

use foldhash::HashMap;
use std::rc::Rc;

/// How deep control structures and parenthesised pipelines may nest.
const MAX_NESTING: usize = 200;

#[derive(Debug, Clone)]
pub enum Node {
    /// Literal text, already trimmed; `at` is the offset of its first byte in the template.
    Text {
        at: usize,
        text: Rc<str>,
    },
    /// `{{ pipeline }}`: its value is printed (unless it declares a variable).
    Action {
        span: (usize, usize),
        pipe: Pipe,
    },
    If {
        span: (usize, usize),
        pipe: Pipe,
        then: Vec<Node>,
        els: Vec<Node>,
    },
    With {
        span: (usize, usize),
        pipe: Pipe,
        then: Vec<Node>,
        els: Vec<Node>,
    },
    Range {
        span: (usize, usize),
        pipe: Pipe,
        body: Vec<Node>,
        els: Vec<Node>,
    },
    /// `{{ template "name" pipeline }}` (and the call half of `block`).
    Template {
        span: (usize, usize),
        name: String,
        pipe: Option<Pipe>,
    },
    Break,
    Continue,
}

#[derive(Debug, Clone, Default)]
pub struct Pipe {
    /// Variables this pipeline declares (`$x :=`) or assigns (`$x =`).
    pub vars: Vec<String>,
    pub assign: bool,
    pub cmds: Vec<Cmd>,
}

#[derive(Debug, Clone)]
pub struct Cmd {
    pub args: Vec<Arg>,
}

#[derive(Debug, Clone)]
pub enum Arg {
    /// `.a.b` (empty: the dot itself).
    Field(Vec<String>),
    /// `$x.a.b` (`$` alone is the root).
    Var(String, Vec<String>),
    /// A function name.
    Ident(String),
    Str(Rc<str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    Nil,
    /// `(pipeline).a.b`
    Sub(Box<Pipe>, Vec<String>),
}

/// A parsed template file: its top-level nodes and the templates it defines.
#[derive(Debug, Default)]
pub struct Parsed {
    pub nodes: Vec<Node>,
    pub defines: HashMap<String, Rc<Vec<Node>>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

fn err<T>(offset: usize, message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError {
        offset,
        message: message.into(),
    })
}

/// One lexical piece of the template: text between actions, or an action's inside.
enum Piece {
    Text(usize, String),
    Action(usize, usize, String),
}

/// Split the template into text and actions, applying `{{-`/`-}}` trimming and dropping
/// comments.
fn pieces(src: &str) -> Result<Vec<Piece>, ParseError> {
    let b = src.as_bytes();
    let mut out: Vec<Piece> = Vec::new();
    let mut i = 0;
    let mut text_start = 0;
    let mut trim_next = false;
    let is_space = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let push_text =
        |out: &mut Vec<Piece>, mut s: usize, mut e: usize, trim_left: bool, trim_right: bool| {
            if trim_left {
                while s < e && is_space(b[s]) {
                    s += 1;
                }
            }
            if trim_right {
                while e > s && is_space(b[e - 1]) {
                    e -= 1;
                }
            }
            if e > s {
                // s and e sit next to ASCII bytes or the ends, so they are char boundaries
                out.push(Piece::Text(
                    s,
                    src.get(s..e).unwrap_or_default().to_string(),
                ));
            }
        };
    while let Some(rel) = src.get(i..).and_then(|t| t.find("{{")) {
        let open = i + rel;
        let mut j = open + 2;
        let trim_left = b.get(j) == Some(&b'-') && b.get(j + 1).is_some_and(|&c| is_space(c));
        if trim_left {
            j += 2;
        }
        push_text(&mut out, text_start, open, trim_next, trim_left);
        // the action's end: `}}` outside string literals
        let inner_start = j;
        let mut k = j;
        let comment = {
            let mut p = j;
            while p < b.len() && is_space(b[p]) {
                p += 1;
            }
            b.get(p..p + 2) == Some(b"/*")
        };
        let close = loop {
            let Some(&c) = b.get(k) else {
                return err(open, "unclosed action: `{{` without `}}`");
            };
            if comment {
                if b.get(k..k + 2) == Some(b"*/") {
                    // the comment ends; `}}` (possibly ` -}}`) must follow
                    let mut p = k + 2;
                    while p < b.len() && is_space(b[p]) {
                        p += 1;
                    }
                    if b.get(p) == Some(&b'-') {
                        p += 1;
                    }
                    if b.get(p..p + 2) == Some(b"}}") {
                        break p;
                    }
                    return err(open, "a comment must end with `*/}}`");
                }
                k += 1;
                continue;
            }
            match c {
                b'"' | b'\'' => {
                    k += 1;
                    while let Some(&d) = b.get(k) {
                        if d == b'\\' {
                            k += 2;
                            continue;
                        }
                        if d == c || d == b'\n' {
                            break;
                        }
                        k += 1;
                    }
                    k += 1;
                }
                b'`' => {
                    k += 1;
                    while b.get(k).is_some_and(|&d| d != b'`') {
                        k += 1;
                    }
                    k += 1;
                }
                b'}' if b.get(k + 1) == Some(&b'}') => break k,
                _ => k += 1,
            }
        };
        // ` -}}`: trim what follows
        let mut inner_end = close;
        trim_next = false;
        if close >= 2 && b[close - 1] == b'-' && is_space(b[close - 2]) && close > inner_start {
            trim_next = true;
            inner_end = close - 1;
        } else if comment && close >= 1 && b[close - 1] == b'-' {
            trim_next = true;
        }
        if !comment {
            let inner = src.get(inner_start..inner_end).unwrap_or_default();
            out.push(Piece::Action(open, close + 2, inner.to_string()));
        }
        i = close + 2;
        text_start = i;
    }
    push_text(&mut out, text_start, b.len(), trim_next, false);
    Ok(out)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Field(Vec<String>),
    Var(String, Vec<String>),
    Ident(String),
    Str(String),
    Int(i64),
    Float(f64),
    Pipe,
    Open,
    /// `)` and the field chain right after it.
    Close(Vec<String>),
    Declare,
    Assign,
    Comma,
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `.a.b.c` starting at `i` (which holds a `.`); returns the names and the next index.
fn chain(chars: &[char], mut i: usize) -> (Vec<String>, usize) {
    let mut names = Vec::new();
    while chars.get(i) == Some(&'.') {
        let mut j = i + 1;
        while chars.get(j).is_some_and(|&c| ident_char(c)) {
            j += 1;
        }
        if j == i + 1 {
            // a lone `.`: the dot
            return (names, j);
        }
        names.push(chars[i + 1..j].iter().collect());
        i = j;
    }
    (names, i)
}

fn unescape(body: &[char], at: usize) -> Result<String, ParseError> {
    let mut s = String::new();
    let mut i = 0;
    while let Some(&c) = body.get(i) {
        if c != '\\' {
            s.push(c);
            i += 1;
            continue;
        }
        let Some(&e) = body.get(i + 1) else {
            return err(at, "bad escape in string");
        };
        i += 2;
        match e {
            'n' => s.push('\n'),
            't' => s.push('\t'),
            'r' => s.push('\r'),
            '\\' => s.push('\\'),
            '"' => s.push('"'),
            '\'' => s.push('\''),
            '0' => s.push('\0'),
            'a' => s.push('\u{7}'),
            'b' => s.push('\u{8}'),
            'f' => s.push('\u{c}'),
            'v' => s.push('\u{b}'),
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = body.get(i..i + n).unwrap_or_default().iter().collect();
                let v = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32);
                match v {
                    Some(ch) => s.push(ch),
                    None => return err(at, "bad escape in string"),
                }
                i += n;
            }
            _ => return err(at, format!("unknown escape `\\{e}`")),
        }
    }
    Ok(s)
}

fn tokens(src: &str, at: usize) -> Result<Vec<Tok>, ParseError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            c if c.is_whitespace() => i += 1,
            '|' => {
                out.push(Tok::Pipe);
                i += 1
            }
            '(' => {
                out.push(Tok::Open);
                i += 1
            }
            ')' => {
                let (names, j) = chain(&chars, i + 1);
                out.push(Tok::Close(names));
                i = j;
            }
            ',' => {
                out.push(Tok::Comma);
                i += 1
            }
            ':' if chars.get(i + 1) == Some(&'=') => {
                out.push(Tok::Declare);
                i += 2
            }
            '=' => {
                out.push(Tok::Assign);
                i += 1
            }
            '.' if !chars.get(i + 1).is_some_and(|c| c.is_ascii_digit()) => {
                let (names, j) = chain(&chars, i);
                out.push(Tok::Field(names));
                i = j;
            }
            '$' => {
                let mut j = i + 1;
                while chars.get(j).is_some_and(|&c| ident_char(c)) {
                    j += 1;
                }
                let name: String = chars[i + 1..j].iter().collect();
                let (names, k) = chain(&chars, j);
                out.push(Tok::Var(name, names));
                i = k;
            }
            '"' => {
                let mut j = i + 1;
                while let Some(&d) = chars.get(j) {
                    if d == '\\' {
                        j += 2;
                        continue;
                    }
                    if d == '"' {
                        break;
                    }
                    j += 1;
                }
                if j >= chars.len() {
                    return err(at, "unterminated string");
                }
                out.push(Tok::Str(unescape(&chars[i + 1..j], at)?));
                i = j + 1;
            }
            '`' => {
                let mut j = i + 1;
                while chars.get(j).is_some_and(|&d| d != '`') {
                    j += 1;
                }
                if j >= chars.len() {
                    return err(at, "unterminated raw string");
                }
                out.push(Tok::Str(chars[i + 1..j].iter().collect()));
                i = j + 1;
            }
            '\'' => {
                // a character constant is a number in Go
                let mut j = i + 1;
                while let Some(&d) = chars.get(j) {
                    if d == '\\' {
                        j += 2;
                        continue;
                    }
                    if d == '\'' {
                        break;
                    }
                    j += 1;
                }
                let body = unescape(chars.get(i + 1..j).unwrap_or_default(), at)?;
                let Some(ch) = body.chars().next() else {
                    return err(at, "empty character constant");
                };
                out.push(Tok::Int(ch as i64));
                i = j + 1;
            }
            c if c.is_ascii_digit()
                || ((c == '-' || c == '+' || c == '.')
                    && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())) =>
            {
                let mut j = i + 1;
                while chars.get(j).is_some_and(|&d| {
                    d.is_ascii_alphanumeric()
                        || d == '.'
                        || d == '_'
                        || ((d == '-' || d == '+') && matches!(chars.get(j - 1), Some('e' | 'E')))
                }) {
                    j += 1;
                }
                let text: String = chars[i..j].iter().filter(|&&c| c != '_').collect();
                out.push(number(&text).ok_or_else(|| ParseError {
                    offset: at,
                    message: format!("bad number syntax: `{text}`"),
                })?);
                i = j;
            }
            c if ident_char(c) => {
                let mut j = i + 1;
                while chars.get(j).is_some_and(|&c| ident_char(c)) {
                    j += 1;
                }
                let name: String = chars[i..j].iter().collect();
                // a method-like chain after an identifier is not Go; keep the name
                out.push(Tok::Ident(name));
                i = j;
            }
            _ => return err(at, format!("unexpected `{c}` in action")),
        }
    }
    Ok(out)
}

fn number(text: &str) -> Option<Tok> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let sign = if neg { -1 } else { 1 };
    let lower = digits.to_ascii_lowercase();
    if let Some(h) = lower.strip_prefix("0x") {
        return i64::from_str_radix(h, 16).ok().map(|v| Tok::Int(sign * v));
    }
    if let Some(o) = lower.strip_prefix("0o") {
        return i64::from_str_radix(o, 8).ok().map(|v| Tok::Int(sign * v));
    }
    if let Some(b) = lower.strip_prefix("0b") {
        return i64::from_str_radix(b, 2).ok().map(|v| Tok::Int(sign * v));
    }
    if lower.len() > 1 && lower.starts_with('0') && lower.bytes().all(|c| c.is_ascii_digit()) {
        return i64::from_str_radix(lower.get(1..).unwrap_or_default(), 8)
            .ok()
            .map(|v| Tok::Int(sign * v));
    }
    if let Ok(v) = lower.parse::<i64>() {
        return Some(Tok::Int(sign * v));
    }
    lower
        .parse::<f64>()
        .ok()
        .map(|v| Tok::Float(sign as f64 * v))
}

/// Parse a pipeline from tokens `t[*i..]`, stopping at an unmatched `)` or the end.
fn pipeline(t: &[Tok], i: &mut usize, at: usize, depth: usize) -> Result<Pipe, ParseError> {
    if depth > MAX_NESTING {
        return err(at, "pipeline nested too deeply");
    }
    let mut pipe = Pipe::default();
    // `$x :=` / `$x, $y :=` / `$x =`
    let mut look = *i;
    let mut vars = Vec::new();
    while let Some(Tok::Var(name, chain)) = t.get(look) {
        if !chain.is_empty() {
            break;
        }
        vars.push(name.clone());
        look += 1;
        if t.get(look) == Some(&Tok::Comma) {
            look += 1;
            continue;
        }
        break;
    }
    if !vars.is_empty() && matches!(t.get(look), Some(Tok::Declare | Tok::Assign)) {
        pipe.assign = t.get(look) == Some(&Tok::Assign);
        pipe.vars = vars;
        *i = look + 1;
    }
    let mut cmd = Cmd { args: Vec::new() };
    while let Some(tok) = t.get(*i) {
        match tok {
            Tok::Close(_) => break,
            Tok::Pipe => {
                if cmd.args.is_empty() {
                    return err(at, "missing command before `|`");
                }
                pipe.cmds
                    .push(std::mem::replace(&mut cmd, Cmd { args: Vec::new() }));
                *i += 1;
            }
            Tok::Open => {
                *i += 1;
                let sub = pipeline(t, i, at, depth + 1)?;
                let Some(Tok::Close(names)) = t.get(*i) else {
                    return err(at, "unclosed `(`");
                };
                cmd.args.push(Arg::Sub(Box::new(sub), names.clone()));
                *i += 1;
            }
            Tok::Field(n) => {
                cmd.args.push(Arg::Field(n.clone()));
                *i += 1
            }
            Tok::Var(v, n) => {
                cmd.args.push(Arg::Var(v.clone(), n.clone()));
                *i += 1
            }
            Tok::Ident(name) => {
                cmd.args.push(match name.as_str() {
                    "true" => Arg::Bool(true),
                    "false" => Arg::Bool(false),
                    "nil" => Arg::Nil,
                    _ => Arg::Ident(name.clone()),
                });
                *i += 1
            }
            Tok::Str(s) => {
                cmd.args.push(Arg::Str(s.as_str().into()));
                *i += 1
            }
            Tok::Int(v) => {
                cmd.args.push(Arg::Int(*v));
                *i += 1
            }
            Tok::Float(v) => {
                cmd.args.push(Arg::Float(*v));
                *i += 1
            }
            Tok::Declare | Tok::Assign | Tok::Comma => {
                return err(at, "unexpected `:=`, `=` or `,` in pipeline");
            }
        }
    }
    if !cmd.args.is_empty() {
        pipe.cmds.push(cmd);
    }
    if pipe.cmds.is_empty() {
        return err(at, "missing value in pipeline");
    }
    Ok(pipe)
}

fn whole_pipeline(src: &str, at: usize) -> Result<Pipe, ParseError> {
    let t = tokens(src, at)?;
    let mut i = 0;
    let p = pipeline(&t, &mut i, at, 0)?;
    if i != t.len() {
        return err(at, "unexpected `)`");
    }
    Ok(p)
}

/// The keyword an action starts with, and the rest.
fn keyword(inner: &str) -> (&str, &str) {
    let s = inner.trim_start();
    let end = s
        .char_indices()
        .find(|(_, c)| !ident_char(*c))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let word = s.get(..end).unwrap_or_default();
    match word {
        "if" | "else" | "end" | "range" | "with" | "define" | "template" | "block" | "break"
        | "continue" => (word, s.get(end..).unwrap_or_default()),
        _ => ("", s),
    }
}

/// `"name" [pipeline]` after `template`/`define`/`block`.
fn name_and_rest(rest: &str, at: usize) -> Result<(String, &str), ParseError> {
    let s = rest.trim_start();
    let quote = s.chars().next();
    if !matches!(quote, Some('"') | Some('`')) {
        return err(at, "expected a quoted template name");
    }
    let q = quote.unwrap_or('"');
    let mut esc = false;
    for (i, c) in s.char_indices().skip(1) {
        if esc {
            esc = false;
            continue;
        }
        if c == '\\' && q == '"' {
            esc = true;
            continue;
        }
        if c == q {
            let body: Vec<char> = s.get(1..i).unwrap_or_default().chars().collect();
            let name = if q == '"' {
                unescape(&body, at)?
            } else {
                body.into_iter().collect()
            };
            return Ok((name, s.get(i + 1..).unwrap_or_default()));
        }
    }
    err(at, "unterminated template name")
}

struct Builder {
    pieces: std::vec::IntoIter<Piece>,
    defines: HashMap<String, Rc<Vec<Node>>>,
}

/// How a list of nodes ended.
enum Ending {
    Eof,
    End,
    Else(usize, String),
}

impl Builder {
    fn list(&mut self, depth: usize) -> Result<(Vec<Node>, Ending), ParseError> {
        let mut nodes = Vec::new();
        while let Some(p) = self.pieces.next() {
            let (open, close, inner) = match p {
                Piece::Text(at, text) => {
                    nodes.push(Node::Text {
                        at,
                        text: text.into(),
                    });
                    continue;
                }
                Piece::Action(o, c, s) => (o, c, s),
            };
            let span = (open, close);
            let (kw, rest) = keyword(&inner);
            match kw {
                "" => nodes.push(Node::Action {
                    span,
                    pipe: whole_pipeline(rest, open)?,
                }),
                "end" => return Ok((nodes, Ending::End)),
                "else" => return Ok((nodes, Ending::Else(open, rest.trim().to_string()))),
                "break" => nodes.push(Node::Break),
                "continue" => nodes.push(Node::Continue),
                "if" | "with" | "range" => {
                    let node = self.control(kw, rest, span, depth)?;
                    nodes.push(node);
                }
                "template" => {
                    let (name, rest) = name_and_rest(rest, open)?;
                    let pipe = if rest.trim().is_empty() {
                        None
                    } else {
                        Some(whole_pipeline(rest, open)?)
                    };
                    nodes.push(Node::Template { span, name, pipe });
                }
                "define" | "block" => {
                    if depth > MAX_NESTING {
                        return err(open, "templates nested too deeply");
                    }
                    let (name, rest) = name_and_rest(rest, open)?;
                    let (body, end) = self.list(depth + 1)?;
                    if !matches!(end, Ending::End) {
                        return err(open, format!("`{kw}` without `end`"));
                    }
                    if kw == "block" {
                        let pipe = Some(whole_pipeline(rest, open)?);
                        nodes.push(Node::Template {
                            span,
                            name: name.clone(),
                            pipe,
                        });
                        self.defines.entry(name).or_insert_with(|| Rc::new(body));
                    } else {
                        self.defines.insert(name, Rc::new(body));
                    }
                }
                _ => unreachable!("keyword() returns only these"),
            }
        }
        Ok((nodes, Ending::Eof))
    }

    /// `if`/`with`/`range` with its branches; `else if`/`else with` chains nest.
    fn control(
        &mut self,
        kw: &str,
        rest: &str,
        span: (usize, usize),
        depth: usize,
    ) -> Result<Node, ParseError> {
        if depth > MAX_NESTING {
            return err(span.0, "control structures nested too deeply");
        }
        let pipe = whole_pipeline(rest, span.0)?;
        let (body, end) = self.list(depth + 1)?;
        let els = match end {
            Ending::End => Vec::new(),
            Ending::Eof => return err(span.0, format!("`{kw}` without `end`")),
            Ending::Else(at, tail) => {
                let (kw2, rest2) = keyword(&tail);
                if kw2 == "if" || kw2 == "with" {
                    // `else if x` is `else` holding an `if` that shares the outer `end`
                    vec![self.control(kw2, rest2, (at, span.1), depth + 1)?]
                } else if tail.is_empty() {
                    let (els, end) = self.list(depth + 1)?;
                    if !matches!(end, Ending::End) {
                        return err(at, "`else` without `end`");
                    }
                    els
                } else {
                    return err(at, "unexpected words after `else`");
                }
            }
        };
        Ok(match kw {
            "if" => Node::If {
                span,
                pipe,
                then: body,
                els,
            },
            "with" => Node::With {
                span,
                pipe,
                then: body,
                els,
            },
            _ => Node::Range {
                span,
                pipe,
                body,
                els,
            },
        })
    }
}

/// Parse one template file.
pub fn parse(src: &str) -> Result<Parsed, ParseError> {
    let mut b = Builder {
        pieces: pieces(src)?.into_iter(),
        defines: HashMap::default(),
    };
    let (nodes, end) = b.list(0)?;
    match end {
        Ending::Eof => Ok(Parsed {
            nodes,
            defines: b.defines,
        }),
        Ending::End => err(src.len(), "unexpected `end`"),
        Ending::Else(at, _) => err(at, "unexpected `else`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(nodes: &[Node]) -> Vec<String> {
        nodes
            .iter()
            .filter_map(|n| match n {
                Node::Text { text, .. } => Some(text.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn trimming_and_comments() {
        let p = parse("a  {{- /* c */ -}}  b {{- 1 }} c\n{{ 2 -}}\n d").unwrap();
        assert_eq!(texts(&p.nodes), vec!["a", "b", " c\n", "d"]);
        // `{{-3}}` is the number -3, not a trim
        let p = parse("x {{-3}}").unwrap();
        assert_eq!(texts(&p.nodes), vec!["x "]);
    }

    #[test]
    fn text_keeps_its_offset() {
        let src = "ab{{ 1 }}  \n{{- 2 }}é z";
        let p = parse(src).unwrap();
        let at: Vec<usize> = p
            .nodes
            .iter()
            .filter_map(|n| match n {
                Node::Text { at, .. } => Some(*at),
                _ => None,
            })
            .collect();
        assert_eq!(at, vec![0, src.find('é').unwrap()]);
    }

    #[test]
    fn control_and_defines() {
        let p = parse(
            r#"{{ define "x" }}X{{ end }}{{ if .a }}1{{ else if .b }}2{{ else }}3{{ end }}{{ range $i, $v := .l }}{{ $v }}{{ end }}"#,
        )
        .unwrap();
        assert!(p.defines.contains_key("x"));
        assert!(matches!(p.nodes[0], Node::If { .. }));
        let Node::If { els, .. } = &p.nodes[0] else {
            unreachable!()
        };
        assert!(matches!(els[0], Node::If { .. }));
        let Node::Range { pipe, .. } = &p.nodes[1] else {
            panic!("{:?}", p.nodes[1])
        };
        assert_eq!(pipe.vars, vec!["i", "v"]);
    }

    #[test]
    fn strings_may_hold_braces() {
        let p = parse(r#"{{ printf "}}%s" "x" }}y"#).unwrap();
        assert_eq!(texts(&p.nodes), vec!["y"]);
    }

    #[test]
    fn errors_are_located() {
        assert_eq!(parse("ab {{ if .x }}").unwrap_err().offset, 3);
        assert!(parse("{{ end }}").is_err());
        assert!(parse("{{ .x ").is_err());
        assert!(parse("{{ (1 }}").is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let src = "{{ if 1 }}".repeat(10_000);
        assert!(parse(&src).is_err());
        let src = format!("{{{{ {}1{} }}}}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&src).is_err());
    }
}
