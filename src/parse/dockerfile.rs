//! Dockerfiles, through parse-dockerfile, lowered into owned types with byte spans.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::source::{Sp, Span};
use compact_str::CompactString;
use parse_dockerfile as pd;
use thin_vec::ThinVec;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Inline up to 24 bytes: a Dockerfile's words are mostly short, and a monorepo's
    /// Dockerfiles hold hundreds of thousands of them for the whole run.
    pub text: CompactString,
    pub span: Sp,
}

#[derive(Debug, Clone)]
pub struct KeyVal {
    pub key: CompactString,
    pub key_span: Sp,
    /// `None` for `ARG NAME` without a default.
    pub value: Option<CompactString>,
    pub value_span: Sp,
}

#[derive(Debug, Clone)]
pub enum Form {
    /// JSON array form.
    Exec(Vec<Word>),
    /// Shell form: text with line continuations and inner comment lines removed, and for each
    /// byte of it the byte offset in the file it came from.
    Shell { text: String, map: OffsetMap },
}

/// For each byte of a text cut out of a file (a command with its line continuations
/// removed), the byte offset in the file it came from. Kept as the runs of bytes that follow
/// one another in the file (one per continued line), not an offset per byte: a Dockerfile's
/// commands live as long as the run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// (offset in the text, offset in the file) where each run starts, by offset in the text.
    runs: ThinVec<(u32, u32)>,
    len: u32,
}

impl OffsetMap {
    /// Map the next byte of the text to `file` offset.
    fn push(&mut self, file: usize) {
        let (at, file) = (self.len, narrow(file));
        let continues = self
            .runs
            .last()
            .is_some_and(|(t, f)| f.checked_add(at - t) == Some(file));
        if !continues {
            self.runs.push((at, file));
        }
        self.len = self.len.saturating_add(1);
    }

    /// The file offset of byte `i` of the text.
    pub fn get(&self, i: usize) -> Option<usize> {
        if i >= self.len as usize {
            return None;
        }
        let i = narrow(i);
        let n = self.runs.partition_point(|(t, _)| *t <= i);
        let (t, f) = self.runs.get(n.checked_sub(1)?)?;
        Some((f + (i - t)) as usize)
    }

    /// How many bytes of text are mapped.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Keep the first `n` bytes.
    pub fn truncate(&mut self, n: usize) {
        if n < self.len() {
            let n = narrow(n);
            self.runs.retain(|(t, _)| *t < n);
            self.len = n;
        }
    }

    /// Every byte's file offset, in order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }
}

/// An offset as a map keeps it (files are read up to a few megabytes).
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[derive(Debug, Clone)]
pub struct CommandSpec {
    pub form: Form,
    pub span: Span,
    /// Here-document bodies (`RUN <<EOF`), each a script.
    pub heredocs: ThinVec<Word>,
}

impl CommandSpec {
    /// Map a byte range of the shell text back to the file.
    pub fn file_span(&self, r: &Span) -> Span {
        match &self.form {
            Form::Shell { map, .. } if !map.is_empty() => {
                let s = map.get(r.start).unwrap_or(self.span.end);
                let e = if r.end == 0 {
                    s
                } else {
                    map.get(r.end - 1).map(|x| x + 1).unwrap_or(self.span.end)
                };
                s..e.max(s)
            }
            _ => self.span.clone(),
        }
    }
    /// The command as one line of text (exec form joined by spaces).
    pub fn display(&self) -> String {
        match &self.form {
            Form::Exec(words) => words
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            Form::Shell { text, .. } => text.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub enum Kind {
    From {
        image: Word,
        name: Option<Word>,
    },
    Run(CommandSpec),
    Cmd(CommandSpec),
    Entrypoint(CommandSpec),
    Healthcheck(Option<CommandSpec>),
    Env(Vec<KeyVal>),
    Arg(Vec<KeyVal>),
    Expose(Vec<Word>),
    Copy {
        srcs: ThinVec<Word>,
        dest: Word,
        from: Option<String>,
    },
    Add {
        srcs: ThinVec<Word>,
        dest: Word,
    },
    Volume(Vec<Word>),
    Stopsignal(Word),
    User(Word),
    Workdir(Word),
    Other(&'static str),
}

#[derive(Debug, Clone)]
pub struct Instruction {
    pub kind: Kind,
    /// From the keyword to the end of the instruction.
    pub span: Sp,
    pub keyword_span: Sp,
}

impl Instruction {
    pub fn name(&self) -> &'static str {
        match &self.kind {
            Kind::From { .. } => "from",
            Kind::Run(_) => "run",
            Kind::Cmd(_) => "cmd",
            Kind::Entrypoint(_) => "entrypoint",
            Kind::Healthcheck(_) => "healthcheck",
            Kind::Env(_) => "env",
            Kind::Arg(_) => "arg",
            Kind::Expose(_) => "expose",
            Kind::Copy { .. } => "copy",
            Kind::Add { .. } => "add",
            Kind::Volume(_) => "volume",
            Kind::Stopsignal(_) => "stopsignal",
            Kind::User(_) => "user",
            Kind::Workdir(_) => "workdir",
            Kind::Other(n) => n,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Dockerfile {
    /// Every instruction, in order (global ARGs before the first FROM included).
    pub instructions: Vec<Instruction>,
}

#[derive(Debug, Clone)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

/// Parse a Dockerfile. One error fails the file (reported as TF0001 by the caller).
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    // parse-dockerfile skips a byte-order mark and counts its spans without it: three
    // blanks in its place keep every offset the file's own (found by fuzzing)
    let unmarked;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            unmarked = format!("   {rest}");
            unmarked.as_str()
        }
        None => text,
    };
    let parsed = pd::parse(text).map_err(|e| {
        let line = e.line().max(1);
        let col = e.column().saturating_sub(1);
        let index = crate::source::LineIndex::new(text);
        ParseError {
            offset: index.offset(line, col),
            message: e.to_string(),
        }
    })?;
    let escape = parsed
        .parser_directives
        .escape
        .as_ref()
        .map(|d| d.value.value)
        .unwrap_or('\\');
    let instructions = parsed
        .instructions
        .iter()
        .map(|i| {
            let mut ins = lower(text, escape, i);
            on_char_boundaries(text, &mut ins);
            ins
        })
        .collect();
    Ok(Dockerfile { instructions })
}

/// Move every span of an instruction onto char boundaries of the text: parse-dockerfile can
/// end one inside a character (a comment line ending in a multi-byte character after a line
/// continuation, at the end of the file; found by fuzzing).
fn on_char_boundaries(text: &str, ins: &mut Instruction) {
    let fix = |s: &mut Sp| *s = crate::text::widen(text, &s.range()).into();
    let words = |ws: &mut [Word]| ws.iter_mut().for_each(|w| fix(&mut w.span));
    fix(&mut ins.span);
    fix(&mut ins.keyword_span);
    let spec = |c: &mut CommandSpec| {
        c.span = crate::text::widen(text, &c.span);
        if let Form::Exec(ws) = &mut c.form {
            words(ws);
        }
        words(&mut c.heredocs);
    };
    match &mut ins.kind {
        Kind::From { image, name } => {
            fix(&mut image.span);
            if let Some(n) = name {
                fix(&mut n.span);
            }
        }
        Kind::Run(c) | Kind::Cmd(c) | Kind::Entrypoint(c) | Kind::Healthcheck(Some(c)) => spec(c),
        Kind::Env(kvs) | Kind::Arg(kvs) => {
            for kv in kvs {
                fix(&mut kv.key_span);
                fix(&mut kv.value_span);
            }
        }
        Kind::Expose(ws) | Kind::Volume(ws) => words(ws),
        Kind::Copy { srcs, dest, .. } | Kind::Add { srcs, dest } => {
            words(srcs);
            fix(&mut dest.span);
        }
        Kind::Stopsignal(w) | Kind::User(w) | Kind::Workdir(w) => fix(&mut w.span),
        Kind::Healthcheck(None) | Kind::Other(_) => {}
    }
}

fn w(s: &pd::UnescapedString<'_>) -> Word {
    Word {
        text: CompactString::from(&*s.value),
        span: s.span.clone().into(),
    }
}

fn command(text: &str, escape: char, c: &pd::Command<'_>, heredocs: Vec<Word>) -> CommandSpec {
    match c {
        pd::Command::Exec(arr) => CommandSpec {
            form: Form::Exec(arr.value.iter().map(w).collect()),
            span: arr.span.clone(),
            heredocs: heredocs.into(),
        },
        pd::Command::Shell(s) => {
            let span = crate::text::widen(text, &s.span);
            let raw = text.get(span.clone()).unwrap_or_default();
            let (t, map) = strip_continuations(raw, span.start, escape);
            CommandSpec {
                form: Form::Shell { text: t, map },
                span: s.span.clone(),
                heredocs: heredocs.into(),
            }
        }
        _ => CommandSpec {
            form: Form::Exec(Vec::new()),
            span: 0..0,
            heredocs: heredocs.into(),
        },
    }
}

/// Remove escape+newline pairs and comment lines inside a continued instruction, keeping for
/// every byte kept its offset in the file.
pub fn strip_continuations(raw: &str, base: usize, escape: char) -> (String, OffsetMap) {
    let mut out = String::with_capacity(raw.len());
    let mut map = OffsetMap::default();
    let bytes = raw.as_bytes();
    let at = |j: usize| bytes.get(j).copied();
    let skip_while = |mut j: usize, f: &dyn Fn(u8) -> bool| {
        while at(j).is_some_and(f) {
            j += 1;
        }
        j
    };
    let esc = u8::try_from(u32::from(escape)).ok();
    let mut i = 0;
    let mut at_line_start = false;
    while let Some(b) = at(i) {
        if at_line_start {
            // skip blank-prefixed comment lines and empty lines inside a continuation
            // blanks as the parser counts them: space, tab, vertical tab, form feed (and CR)
            let j = skip_while(i, &|c| {
                matches!(c, b' ' | b'\t' | b'\x0b' | b'\x0c' | b'\r')
            });
            if at(j) == Some(b'#') {
                i = (skip_while(j, &|c| c != b'\n') + 1).min(bytes.len());
                continue;
            }
            // an empty line inside a continuation is dropped, as BuildKit does (found by
            // fuzzing: it was kept, splitting the command)
            if at(j) == Some(b'\n') {
                i = j + 1;
                continue;
            }
            at_line_start = false;
        }
        if Some(b) == esc {
            // escape, optional trailing spaces and tabs, newline
            let j = skip_while(i + 1, &|c| matches!(c, b' ' | b'\t' | b'\r'));
            // an escape that ends the text is a character like any other, as the parser
            // keeps it
            if at(j) == Some(b'\n') {
                i = j + 1;
                at_line_start = true;
                continue;
            }
        }
        // copy one whole character
        let end = crate::text::ceil_boundary(raw, i + 1);
        out.push_str(raw.get(i..end).unwrap_or_default());
        for k in i..end {
            map.push(base + k);
        }
        i = end;
    }
    (out, map)
}

fn end_of(ends: impl Iterator<Item = usize>, fallback: usize) -> usize {
    ends.max().unwrap_or(fallback)
}

fn lower(text: &str, escape: char, i: &pd::Instruction<'_>) -> Instruction {
    use pd::Instruction as I;
    let (kind, kw, end): (Kind, Span, usize) = match i {
        I::From(f) => {
            let name = f.as_.as_ref().map(|(_, n)| w(n));
            let end = name
                .as_ref()
                .map(|n| n.span.end())
                .unwrap_or(f.image.span.end);
            (
                Kind::From {
                    image: w(&f.image),
                    name,
                },
                f.from.span.clone(),
                end,
            )
        }
        I::Run(r) => {
            let docs: Vec<Word> = r
                .here_docs
                .iter()
                .map(|h| Word {
                    text: CompactString::from(&*h.value),
                    span: h.span.clone().into(),
                })
                .collect();
            let end = end_of(
                docs.iter().map(|d| d.span.end()),
                cmd_span(&r.arguments).end,
            )
            .max(cmd_span(&r.arguments).end);
            (
                Kind::Run(command(text, escape, &r.arguments, docs)),
                r.run.span.clone(),
                end,
            )
        }
        I::Cmd(c) => (
            Kind::Cmd(command(text, escape, &c.arguments, Vec::new())),
            c.cmd.span.clone(),
            cmd_span(&c.arguments).end,
        ),
        I::Entrypoint(c) => (
            Kind::Entrypoint(command(text, escape, &c.arguments, Vec::new())),
            c.entrypoint.span.clone(),
            cmd_span(&c.arguments).end,
        ),
        I::Healthcheck(h) => match &h.arguments {
            pd::HealthcheckArguments::Cmd { arguments, .. } => (
                Kind::Healthcheck(Some(command(text, escape, arguments, Vec::new()))),
                h.healthcheck.span.clone(),
                cmd_span(arguments).end,
            ),
            pd::HealthcheckArguments::None { none, .. } => (
                Kind::Healthcheck(None),
                h.healthcheck.span.clone(),
                none.span.end,
            ),
            _ => (
                Kind::Other("healthcheck"),
                h.healthcheck.span.clone(),
                h.healthcheck.span.end,
            ),
        },
        I::Env(e) => (
            Kind::Env(key_values(text, escape, &e.arguments, false)),
            e.env.span.clone(),
            e.arguments.span.end,
        ),
        I::Arg(a) => (
            Kind::Arg(key_values(text, escape, &a.arguments, true)),
            a.arg.span.clone(),
            a.arguments.span.end,
        ),
        I::Expose(e) => (
            Kind::Expose(e.arguments.iter().map(w).collect()),
            e.expose.span.clone(),
            end_of(e.arguments.iter().map(|a| a.span.end), e.expose.span.end),
        ),
        I::Copy(c) => {
            let from = c
                .options
                .iter()
                .find(|f| f.name.value == "from")
                .and_then(|f| f.value.as_ref().map(|v| v.value.to_string()));
            (
                Kind::Copy {
                    srcs: sources(&c.src),
                    dest: w(&c.dest),
                    from,
                },
                c.copy.span.clone(),
                c.dest.span.end,
            )
        }
        I::Add(c) => (
            Kind::Add {
                srcs: sources(&c.src),
                dest: w(&c.dest),
            },
            c.add.span.clone(),
            c.dest.span.end,
        ),
        I::Volume(v) => {
            let words: Vec<Word> = match &v.arguments {
                pd::JsonOrStringArray::Json(a) => a.value.iter().map(w).collect(),
                pd::JsonOrStringArray::String(a) => a.iter().map(w).collect(),
            };
            let end = end_of(words.iter().map(|x| x.span.end()), v.volume.span.end);
            (Kind::Volume(words), v.volume.span.clone(), end)
        }
        I::Stopsignal(s) => (
            Kind::Stopsignal(w(&s.arguments)),
            s.stopsignal.span.clone(),
            s.arguments.span.end,
        ),
        I::User(s) => (
            Kind::User(w(&s.arguments)),
            s.user.span.clone(),
            s.arguments.span.end,
        ),
        I::Workdir(s) => (
            Kind::Workdir(w(&s.arguments)),
            s.workdir.span.clone(),
            s.arguments.span.end,
        ),
        I::Label(l) => (
            Kind::Other("label"),
            l.label.span.clone(),
            l.arguments.span.end,
        ),
        I::Maintainer(m) => (
            Kind::Other("maintainer"),
            m.maintainer.span.clone(),
            m.name.span.end,
        ),
        I::Shell(s) => (
            Kind::Other("shell"),
            s.shell.span.clone(),
            end_of(s.arguments.iter().map(|a| a.span.end), s.shell.span.end),
        ),
        I::Onbuild(o) => {
            let inner = lower(text, escape, &o.instruction);
            (
                Kind::Other("onbuild"),
                o.onbuild.span.clone(),
                inner.span.end(),
            )
        }
        _ => (Kind::Other("unknown"), 0..0, 0),
    };
    let end = end.max(kw.end).min(text.len());
    Instruction {
        kind,
        span: (kw.start..end).into(),
        keyword_span: kw.into(),
    }
}

fn cmd_span(c: &pd::Command<'_>) -> Span {
    match c {
        pd::Command::Exec(a) => a.span.clone(),
        pd::Command::Shell(s) => s.span.clone(),
        _ => 0..0,
    }
}

fn sources(src: &[pd::Source<'_>]) -> ThinVec<Word> {
    src.iter()
        .map(|s| match s {
            pd::Source::Path(p) => w(p),
            pd::Source::HereDoc(h) => Word {
                text: CompactString::from(&*h.value),
                span: h.span.clone().into(),
            },
            _ => Word {
                text: CompactString::default(),
                span: Sp::default(),
            },
        })
        .collect()
}

/// Split `ENV`/`ARG` arguments: `K=V K2="v 2"`, or the legacy `ENV K some value`.
///
/// Spans are the file's: the words are split in the instruction's own text with line
/// continuations removed, each byte mapped back to where it stands in the file. Where that
/// text is not the parser's value, every span is the whole argument list.
fn key_values(
    text: &str,
    escape: char,
    args: &pd::UnescapedString<'_>,
    is_arg: bool,
) -> Vec<KeyVal> {
    let whole = crate::text::widen(text, &args.span);
    let raw_file = text.get(whole.clone()).unwrap_or_default();
    let (mut stripped, mut map) = strip_continuations(raw_file, whole.start, escape);
    let kept = stripped.trim_end().len();
    stripped.truncate(kept);
    map.truncate(kept);
    let mapped = stripped == args.value;
    let raw: &str = if mapped { &stripped } else { &args.value };
    // the file span of a byte range of `raw`
    let file_span = |r: Span| -> Sp {
        if !mapped {
            return whole.clone().into();
        }
        let start = map.get(r.start).unwrap_or(whole.end);
        let end = match r.end.checked_sub(1) {
            Some(last) if r.end > r.start => map.get(last).map_or(whole.end, |x| x + 1),
            _ => start,
        };
        (start..end.max(start)).into()
    };
    let words = split_words(raw);
    let Some(first) = words.first() else {
        return Vec::new();
    };
    if !is_arg && !first.0.contains('=') {
        // legacy form: ENV KEY value with spaces
        let (k, ks) = first;
        let rest_start = words.get(1).map(|w| w.1.start).unwrap_or(ks.end);
        let value = raw.get(rest_start..).unwrap_or_default().trim().to_string();
        return vec![KeyVal {
            key: k.as_str().into(),
            key_span: file_span(ks.clone()),
            value: Some(unquote(&value).into()),
            value_span: file_span(rest_start..raw.len()),
        }];
    }
    words
        .into_iter()
        .map(|(word, span)| match word.split_once('=') {
            Some((key, value)) => {
                let eq = span.start + key.len();
                KeyVal {
                    key: key.into(),
                    key_span: file_span(span.start..eq),
                    value: Some(unquote(value).into()),
                    value_span: file_span(eq + 1..span.end),
                }
            }
            None => KeyVal {
                key: word.into(),
                key_span: file_span(span.clone()),
                value: None,
                value_span: file_span(span.end..span.end),
            },
        })
        .collect()
}

/// Words split on unquoted whitespace, with their raw ranges (quotes kept in the text).
fn split_words(raw: &str) -> Vec<(String, Span)> {
    crate::parse::shell::word_spans(raw)
        .into_iter()
        .map(|r| (raw.get(r.clone()).unwrap_or_default().to_string(), r))
        .collect()
}

/// Remove one level of shell-style quoting.
pub fn unquote(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut quote: Option<char> = None;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (q, '\\') if q != Some('\'') => {
                if let Some(n) = chars.next() {
                    out.push(n);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Longest value [`substitute`] builds: `ARG A=$A$A` repeated doubles a value each line, and
/// a value past this is unknown rather than gigabytes.
pub const MAX_SUBSTITUTED: usize = 64 * 1024;

/// Substitute `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR-default}` from `vars`. Returns
/// `None` when a variable is unknown and has no default, or the result would be longer than
/// [`MAX_SUBSTITUTED`].
pub fn substitute<S: std::hash::BuildHasher>(
    text: &str,
    vars: &std::collections::HashMap<String, String, S>,
) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some((before, after)) = rest.split_once('$') {
        out.push_str(before);
        if let Some(inner) = after.strip_prefix('{') {
            let (expr, next) = inner.split_once('}')?;
            let (name, default) = match expr.find([':', '-']) {
                Some(i) => {
                    let (name, op) = expr.split_at_checked(i)?;
                    let d = op.trim_start_matches(':');
                    (name, d.strip_prefix('-').or_else(|| d.strip_prefix('+')))
                }
                None => (expr, None),
            };
            match vars.get(name).filter(|v| !v.is_empty()) {
                Some(v) => out.push_str(v),
                None => out.push_str(default?),
            }
            rest = next;
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            let (name, next) = after.split_at_checked(len)?;
            if name.is_empty() {
                out.push('$');
            } else {
                out.push_str(vars.get(name)?);
            }
            rest = next;
        }
        if out.len() > MAX_SUBSTITUTED {
            return None;
        }
    }
    out.push_str(rest);
    (out.len() <= MAX_SUBSTITUTED).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowers_instructions_with_spans() {
        let text = "ARG PY=3.12\nFROM python:${PY} AS base\nENV A=1 B=\"two words\"\nRUN pip install \\\n    flask\nCMD [\"gunicorn\", \"app:app\"]\n";
        let d = parse(text).unwrap();
        let names: Vec<_> = d.instructions.iter().map(|i| i.name()).collect();
        assert_eq!(names, ["arg", "from", "env", "run", "cmd"]);
        let Kind::Env(kv) = &d.instructions[2].kind else {
            panic!()
        };
        assert_eq!(kv[1].key, "B");
        assert_eq!(kv[1].value.as_deref(), Some("two words"));
        assert_eq!(&text[kv[1].key_span.range()], "B");
        let Kind::Run(run) = &d.instructions[3].kind else {
            panic!()
        };
        let Form::Shell { text: t, .. } = &run.form else {
            panic!()
        };
        assert_eq!(t, "pip install     flask");
        let pos = t.find("flask").unwrap();
        assert_eq!(&text[run.file_span(&(pos..pos + 5))], "flask");
    }

    #[test]
    fn legacy_env_and_substitution() {
        let d = parse("FROM x\nENV GREETING hello world\n").unwrap();
        let Kind::Env(kv) = &d.instructions[1].kind else {
            panic!()
        };
        assert_eq!(kv[0].value.as_deref(), Some("hello world"));
        let mut vars = foldhash::HashMap::default();
        vars.insert("PY".to_string(), "3.12".to_string());
        assert_eq!(
            substitute("python:${PY}", &vars).as_deref(),
            Some("python:3.12")
        );
        assert_eq!(substitute("x:${T:-1.0}", &vars).as_deref(), Some("x:1.0"));
        assert_eq!(substitute("x:$NOPE", &vars), None);
        assert_eq!(
            substitute("é$PY’${PY}", &vars).as_deref(),
            Some("é3.12’3.12")
        );
        assert_eq!(substitute("$é", &vars).as_deref(), Some("$é"));
    }

    #[test]
    fn doubling_values_stay_bounded() {
        // `ARG A=$A$A` on 40 lines would double a value 40 times
        let mut text = String::from("FROM x\nARG A=ab\n");
        for _ in 0..40 {
            text.push_str("ARG A=$A$A\n");
        }
        let d = parse(&text).unwrap();
        let mut vars = foldhash::HashMap::default();
        for ins in &d.instructions {
            if let Kind::Arg(kvs) = &ins.kind {
                for kv in kvs {
                    let v = kv.value.as_deref().unwrap_or_default().to_string();
                    let v = substitute(&v, &vars).unwrap_or(v);
                    assert!(v.len() <= MAX_SUBSTITUTED);
                    vars.insert(kv.key.to_string(), v);
                }
            }
        }
    }

    #[test]
    fn env_spans_through_continuations() {
        let text = "FROM x\nENV A=1 \\\n    B=\"zwei wörter\" \\\n    C=ç\n";
        let d = parse(text).unwrap();
        let Kind::Env(kv) = &d.instructions[1].kind else {
            panic!()
        };
        let got: Vec<(&str, &str, &str)> = kv
            .iter()
            .map(|k| {
                (
                    k.key.as_str(),
                    &text[k.key_span.range()],
                    &text[k.value_span.range()],
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("A", "A", "1"),
                ("B", "B", "\"zwei wörter\""),
                ("C", "C", "ç")
            ]
        );
    }

    #[test]
    fn empty_lines_inside_a_continuation_are_dropped() {
        let text = "FROM x\nRUN apt-get install \\\n\n   \n    -y curl\nENV A=1 \\\n\n    B=2\n";
        let d = parse(text).unwrap();
        let Kind::Run(run) = &d.instructions[1].kind else {
            panic!()
        };
        let Form::Shell { text: t, .. } = &run.form else {
            panic!()
        };
        assert_eq!(t, "apt-get install     -y curl");
        let Kind::Env(kv) = &d.instructions[2].kind else {
            panic!()
        };
        assert_eq!(&text[kv[1].key_span.range()], "B");
    }

    #[test]
    fn vertical_tab_and_form_feed_are_blanks_at_the_start_of_a_continued_line() {
        // a line of form feeds inside a continuation is empty, and a comment may follow a
        // vertical tab, as the parser counts blanks (found by fuzzing)
        for text in [
            "FROM x\nENV A=1 \\\n\x0c\x0c\n    B=2\n",
            "FROM x\nENV A=1 \\\n\x0b# c\n    B=2\n",
        ] {
            let d = parse(text).unwrap();
            let Kind::Env(kv) = &d.instructions[1].kind else {
                panic!("{:?}", d.instructions[1].kind)
            };
            assert_eq!(kv.len(), 2, "{text:?}: {kv:?}");
            assert_eq!(&text[kv[1].key_span.range()], "B", "{text:?}");
        }
        // after an escape, only spaces and tabs may come before the newline: a vertical tab
        // there ends the instruction, for the parser and for twelve
        assert!(parse("FROM x\nENV A=1 \\\x0b\n    B=2\n").is_err());
    }

    #[test]
    fn spans_stay_on_char_boundaries_after_a_trailing_comment() {
        // parse-dockerfile ends this ENV's span inside the final character
        let text = "FROM x\nENV a=b \\\n# c \u{fffd}";
        let d = parse(text).unwrap();
        for i in &d.instructions {
            assert!(text.get(i.span.range()).is_some(), "{:?}", i.span);
            if let Kind::Env(kvs) = &i.kind {
                for kv in kvs {
                    assert!(text.get(kv.key_span.range()).is_some());
                    assert!(text.get(kv.value_span.range()).is_some());
                }
            }
        }
    }

    #[test]
    fn a_byte_order_mark_keeps_spans_in_place() {
        let text = "\u{feff}FROM envoy:v1\nEXPOSE 8000\n";
        let d = parse(text).unwrap();
        let Kind::From { image, .. } = &d.instructions[0].kind else {
            panic!()
        };
        assert_eq!(&text[image.span.range()], "envoy:v1");
        assert_eq!(&text[d.instructions[1].span.range()], "EXPOSE 8000");
    }

    #[test]
    fn errors_are_located() {
        let err = parse("FROM x\nRUN [\"a\"\nBOGUS y\n").unwrap_err();
        assert!(err.offset > 0);
    }
}
