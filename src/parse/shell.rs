//! Shell scripts through tree-sitter-bash: the simple commands in them, with spans.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::source::Span;
use tree_sitter::Node;

/// One simple command: its words with quotes removed, and byte ranges in the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    pub words: Vec<(String, Span)>,
    pub span: Span,
    /// Index of the pipeline this command is part of, and its position in it.
    pub pipeline: Option<(usize, usize)>,
    /// Followed by `&`: runs in the background.
    pub background: bool,
    /// Inside `$(…)`, `<(…)` or backticks.
    pub substituted: bool,
    /// Inside a `while`/`until`/`for` loop (a retry or wait loop, typically).
    pub in_loop: bool,
    /// Inside a function body: it runs when the function is called, not where it stands.
    pub in_function: bool,
    /// Programs run by substitutions in this command's words (`bash <(curl …)` → `curl`):
    /// what the command reads or runs comes from them.
    pub substituted_programs: Vec<String>,
    /// Where its standard output or error goes when redirected to a file (`> app.log`,
    /// `>> /var/log/x 2>&1`, `&> /dev/null`): the target as written and its span.
    pub output_to: Option<(String, Span)>,
}

impl SimpleCommand {
    pub fn name(&self) -> Option<&str> {
        self.words.first().map(|(w, _)| w.as_str())
    }
    /// The program's base name (`/usr/bin/python3` → `python3`).
    pub fn program(&self) -> Option<&str> {
        self.name().map(|n| n.rsplit('/').next().unwrap_or(n))
    }
    pub fn args(&self) -> impl Iterator<Item = &str> {
        self.words.iter().skip(1).map(|(w, _)| w.as_str())
    }
}

#[derive(Debug, Clone, Default)]
pub struct Script {
    pub commands: Vec<SimpleCommand>,
    /// Names of the functions the script defines.
    pub functions: Vec<String>,
    /// The commands that run last at top level (the final statement), by index.
    pub last: Option<usize>,
    pub has_error: bool,
    /// Array variables the script builds (`args=(--a)`, `args+=(--b)`, in any branch): a
    /// command word `"${args[@]}"` stands for these words, at their places.
    pub arrays: Vec<(String, Vec<(String, Span)>)>,
}

/// Most words an array variable collects; a script building more is not a start command.
const MAX_ARRAY_WORDS: usize = 256;

/// Parse a script. Never fails: unparseable parts are skipped and `has_error` set.
pub fn parse(text: &str) -> Script {
    let tree = crate::parse::code::parse_tree("bash", || tree_sitter_bash::LANGUAGE.into(), text);
    let Some(tree) = tree else {
        return Script::default();
    };
    let root = tree.root_node();
    let mut script = Script {
        has_error: root.has_error(),
        ..Script::default()
    };
    let mut pipelines = 0usize;
    collect(root, text, &mut script, &mut pipelines, Ctx::default(), 0);
    // the last top-level statement: the last command not substituted nor in a function
    script.last = script
        .commands
        .iter()
        .rposition(|c| !c.substituted && !c.in_function);
    script
}

/// Where the walk is: inside a pipeline, a substitution, a loop.
#[derive(Clone, Copy, Default)]
struct Ctx {
    pipeline: Option<(usize, usize)>,
    substituted: bool,
    in_loop: bool,
    in_function: bool,
}

fn collect(
    node: Node<'_>,
    text: &str,
    out: &mut Script,
    pipelines: &mut usize,
    ctx: Ctx,
    depth: usize,
) {
    if depth > 200 {
        out.has_error = true;
        return;
    }
    match node.kind() {
        "command" => {
            let mut words = Vec::new();
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                match child.kind() {
                    "variable_assignment"
                    | "file_redirect"
                    | "heredoc_redirect"
                    | "herestring_redirect" => {}
                    "command_name" => words.push(word(child, text)),
                    k if is_word(k) => {
                        let w = word(child, text);
                        match array_expansion(&w.0)
                            .and_then(|n| out.arrays.iter().find(|(a, _)| a == n).map(|(_, v)| v))
                        {
                            Some(items) => words.extend(items.iter().cloned()),
                            None => words.push(w),
                        }
                    }
                    _ => {}
                }
            }
            let background = next_is_ampersand(node);
            let output_to = output_redirect(node, text);
            let me = (!words.is_empty()).then_some(out.commands.len());
            if !words.is_empty() {
                out.commands.push(SimpleCommand {
                    words,
                    span: node.start_byte()..node.end_byte(),
                    pipeline: ctx.pipeline,
                    background,
                    substituted: ctx.substituted,
                    in_loop: ctx.in_loop,
                    in_function: ctx.in_function,
                    substituted_programs: Vec::new(),
                    output_to,
                });
            }
            // nested substitutions inside arguments
            let first_nested = out.commands.len();
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                let inner = Ctx {
                    pipeline: None,
                    substituted: true,
                    ..ctx
                };
                collect(child, text, out, pipelines, inner, depth + 1);
            }
            let nested: Vec<String> = out
                .commands
                .get(first_nested..)
                .unwrap_or_default()
                .iter()
                .filter_map(|c| c.program().map(String::from))
                .collect();
            if let Some(c) = me.and_then(|i| out.commands.get_mut(i)) {
                c.substituted_programs = nested;
            }
        }
        "pipeline" => {
            let id = *pipelines;
            *pipelines += 1;
            let mut cursor = node.walk();
            for (pos, child) in node.named_children(&mut cursor).enumerate() {
                let inner = Ctx {
                    pipeline: Some((id, pos)),
                    ..ctx
                };
                collect(child, text, out, pipelines, inner, depth + 1);
            }
        }
        "command_substitution" | "process_substitution" => {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                let inner = Ctx {
                    pipeline: None,
                    substituted: true,
                    ..ctx
                };
                collect(child, text, out, pipelines, inner, depth + 1);
            }
        }
        "variable_assignment" => {
            if let (Some(name), Some(value)) = (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ) && value.kind() == "array"
            {
                let name = text.get(name.byte_range()).unwrap_or("").to_string();
                let mut cursor = value.walk();
                let items: Vec<(String, Span)> = value
                    .named_children(&mut cursor)
                    .filter(|c| is_word(c.kind()))
                    .map(|c| word(c, text))
                    .collect();
                match out.arrays.iter_mut().find(|(a, _)| *a == name) {
                    Some((_, v)) => v.extend(items),
                    None => out.arrays.push((name, items)),
                }
                for (_, v) in &mut out.arrays {
                    v.truncate(MAX_ARRAY_WORDS);
                }
            }
        }
        "function_definition" => {
            if let Some(name) = node.child_by_field_name("name") {
                out.functions
                    .push(text.get(name.byte_range()).unwrap_or("").to_string());
            }
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                let inner = Ctx {
                    in_function: true,
                    ..ctx
                };
                collect(child, text, out, pipelines, inner, depth + 1);
            }
        }
        "while_statement" | "for_statement" | "c_style_for_statement" => {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                let inner = Ctx {
                    in_loop: true,
                    ..ctx
                };
                collect(child, text, out, pipelines, inner, depth + 1);
            }
        }
        _ => {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                collect(child, text, out, pipelines, ctx, depth + 1);
            }
        }
    }
}

/// The array a word expands whole: `${args[@]}`, `${args[*]}`.
fn array_expansion(w: &str) -> Option<&str> {
    let inner = w.strip_prefix("${")?.strip_suffix('}')?;
    let name = inner
        .strip_suffix("[@]")
        .or_else(|| inner.strip_suffix("[*]"))?;
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'))
        .then_some(name)
}

fn is_word(kind: &str) -> bool {
    matches!(
        kind,
        "word"
            | "string"
            | "raw_string"
            | "concatenation"
            | "simple_expansion"
            | "expansion"
            | "number"
            | "ansi_c_string"
            | "command_substitution"
    )
}

fn word(node: Node<'_>, text: &str) -> (String, Span) {
    let span = node.start_byte()..node.end_byte();
    let raw = text.get(span.clone()).unwrap_or("");
    (crate::parse::dockerfile::unquote(raw), span)
}

/// The file a command's stdout or stderr is redirected to: its own redirects and those of a
/// `redirected_statement` it is the body of. Streams (`/dev/stdout`, `/dev/stderr`,
/// `/proc/1/fd/1`, `&1`, `&2`) are not files.
fn output_redirect(node: Node<'_>, text: &str) -> Option<(String, Span)> {
    let mut redirects: Vec<Node<'_>> = Vec::new();
    let mut c = node.walk();
    redirects.extend(
        node.named_children(&mut c)
            .filter(|r| r.kind() == "file_redirect"),
    );
    if let Some(p) = node.parent()
        && p.kind() == "redirected_statement"
        && p.child_by_field_name("body") == Some(node)
    {
        let mut c = p.walk();
        redirects.extend(
            p.named_children(&mut c)
                .filter(|r| r.kind() == "file_redirect"),
        );
    }
    redirects.into_iter().find_map(|r| {
        let raw = text.get(r.start_byte()..r.end_byte()).unwrap_or("");
        let trimmed = raw.trim_start();
        // `[fd]op target`: only stdout (1, none) and stderr (2) written to
        let fd: String = trimmed.chars().take_while(char::is_ascii_digit).collect();
        let rest = trimmed.get(fd.len()..).unwrap_or("").trim_start();
        let op_len = rest
            .chars()
            .take_while(|c| matches!(c, '>' | '&' | '|'))
            .map(char::len_utf8)
            .sum::<usize>();
        let op = rest.get(..op_len).unwrap_or("");
        if !op.contains('>') || !(fd.is_empty() || fd == "1" || fd == "2") {
            return None;
        }
        let dest = r.child_by_field_name("destination")?;
        let target =
            crate::parse::dockerfile::unquote(text.get(dest.start_byte()..dest.end_byte())?);
        let stream = target.starts_with('&')
            || op.ends_with('&') && target.chars().all(|c| c.is_ascii_digit() || c == '-')
            || matches!(
                target.as_str(),
                "/dev/stdout"
                    | "/dev/stderr"
                    | "/proc/1/fd/1"
                    | "/proc/1/fd/2"
                    | "/proc/self/fd/1"
                    | "/proc/self/fd/2"
            );
        (!stream).then(|| (target, dest.start_byte()..dest.end_byte()))
    })
}

fn next_is_ampersand(node: Node<'_>) -> bool {
    let mut n = node;
    // climb out of wrappers: a redirection, and the `a && b` list or `a | b` pipeline that a
    // trailing `&` sends to the background as a whole
    loop {
        if n.next_sibling().is_some_and(|s| s.kind() == "&") {
            return true;
        }
        match n.parent() {
            Some(p) if matches!(p.kind(), "redirected_statement" | "list" | "pipeline") => n = p,
            _ => return false,
        }
    }
}

/// Variables a script requires: `${NAME:?message}` or `${NAME?message}` (the shell exits when
/// they are unset). Comment lines are skipped.
pub fn required_vars(text: &str) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        if line.trim_start().starts_with('#') {
            continue;
        }
        let mut base = start;
        for (i, piece) in line.split("${").enumerate() {
            if i > 0 {
                let name_len = piece
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(piece.len());
                let (name, op) = piece.split_at_checked(name_len).unwrap_or((piece, ""));
                if !name.is_empty() && (op.starts_with(":?") || op.starts_with('?')) {
                    let s = base - 2;
                    out.push((name.to_string(), s..s + 2 + name_len));
                }
            }
            base += piece.len() + 2;
        }
    }
    out
}

/// Split a compose-style command string into words the way compose does (shell-like quoting,
/// no shell run), with byte ranges.
pub fn split_words(s: &str) -> Vec<(String, Span)> {
    word_spans(s)
        .into_iter()
        .map(|r| {
            let w = crate::parse::dockerfile::unquote(s.get(r.clone()).unwrap_or_default());
            (w, r)
        })
        .collect()
}

/// Byte ranges of the words of `s`, split on unquoted whitespace (quotes and escapes kept in
/// the words; a backslash escapes outside single quotes).
pub fn word_spans(s: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (q, '\\') if q != Some('\'') => {
                escaped = true;
                start.get_or_insert(i);
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => {
                quote = Some(c);
                start.get_or_insert(i);
            }
            (None, c) if c.is_whitespace() => {
                if let Some(st) = start.take() {
                    out.push(st..i);
                }
            }
            (None, _) => {
                start.get_or_insert(i);
            }
        }
    }
    if let Some(st) = start {
        out.push(st..s.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_redirects_to_files() {
        let s = parse(
            "a > out.log\nb 2>&1\nc >> /var/log/c.log 2>&1 &\nd &> /dev/null\ne > /dev/stdout\nf 2>/dev/null\ng 3> x\nh < in.txt\n",
        );
        let got: Vec<(&str, Option<&str>)> = s
            .commands
            .iter()
            .map(|c| {
                (
                    c.name().unwrap_or(""),
                    c.output_to.as_ref().map(|(t, _)| t.as_str()),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("a", Some("out.log")),
                ("b", None),
                ("c", Some("/var/log/c.log")),
                ("d", Some("/dev/null")),
                ("e", None),
                ("f", Some("/dev/null")),
                ("g", None),
                ("h", None),
            ]
        );
    }

    #[test]
    fn commands_pipelines_and_background() {
        let s = parse("set -e\ncurl -fsSL https://x | sh\ncelery worker & gunicorn app:app\n");
        let names: Vec<_> = s.commands.iter().map(|c| c.name().unwrap()).collect();
        assert_eq!(names, ["set", "curl", "sh", "celery", "gunicorn"]);
        assert_eq!(s.commands[1].pipeline.map(|p| p.1), Some(0));
        assert_eq!(s.commands[2].pipeline.map(|p| p.1), Some(1));
        assert!(s.commands[3].background);
        assert!(!s.commands[4].background);
        // a trailing `&` sends a whole `&&` list or pipeline to the background
        let s = parse("npm ci && node worker.js & node scheduler.js");
        let bg: Vec<bool> = s.commands.iter().map(|c| c.background).collect();
        assert_eq!(bg, [true, true, false]);
        let s = parse("tail -f log | grep x & serve; a && b");
        let bg: Vec<bool> = s.commands.iter().map(|c| c.background).collect();
        assert_eq!(bg, [true, true, false, false, false]);
        assert_eq!(s.last, Some(4));
        let w = parse("until nc -z db 5432; do sleep 1; done\nexec gunicorn app\n");
        let flags: Vec<_> = w
            .commands
            .iter()
            .map(|c| (c.name().unwrap(), c.in_loop))
            .collect();
        assert_eq!(flags, [("nc", true), ("sleep", true), ("exec", false)]);
    }

    #[test]
    fn arrays_expand_into_the_words_they_collect() {
        let text = "args=(\"--run-migrations\")\nif [[ -n \"${W:-}\" ]]; then\n  args+=(\"--wait-for\" 15)\nfi\nexec svix-server \"${args[@]}\" ${none[@]}\n";
        let s = parse(text);
        let exec = s
            .commands
            .iter()
            .find(|c| c.name() == Some("exec"))
            .unwrap();
        let words: Vec<&str> = exec.words.iter().map(|(w, _)| w.as_str()).collect();
        assert_eq!(
            words,
            [
                "exec",
                "svix-server",
                "--run-migrations",
                "--wait-for",
                "15",
                "${none[@]}"
            ]
        );
        assert_eq!(
            &text[exec.words[2].1.clone()],
            "\"--run-migrations\"",
            "the word stays where it is written"
        );
    }

    #[test]
    fn quotes_removed_spans_kept() {
        let text = "pip install 'flask==3.0' \"gunicorn\"";
        let s = parse(text);
        let c = &s.commands[0];
        assert_eq!(c.words[2].0, "flask==3.0");
        assert_eq!(&text[c.words[3].1.clone()], "\"gunicorn\"");
    }

    #[test]
    fn required_variables() {
        let r = required_vars(
            "#!/bin/sh\n# ${COMMENTED:?x}\n: \"${DATABASE_URL:?need it}\" ${OPT:-x} ${SECRET?}\n",
        );
        let names: Vec<_> = r.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["DATABASE_URL", "SECRET"]);
    }

    #[test]
    fn compose_split() {
        let w = split_words("sh -c 'python manage.py migrate && gunicorn'");
        assert_eq!(w.len(), 3);
        assert_eq!(w[2].0, "python manage.py migrate && gunicorn");
    }

    #[test]
    fn function_bodies_run_where_they_are_called() {
        let s = parse("start() {\n  migrate\n  exec gunicorn app:app\n}\nprepare\nstart\n");
        assert_eq!(s.functions, ["start"]);
        let body: Vec<_> = s
            .commands
            .iter()
            .filter(|c| c.in_function)
            .filter_map(|c| c.name())
            .collect();
        assert_eq!(body, ["migrate", "exec"]);
        // the last top-level command is the call, not the body's exec
        assert_eq!(s.last.and_then(|i| s.commands[i].name()), Some("start"));
    }
}
