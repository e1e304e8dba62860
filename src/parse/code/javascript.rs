//! JavaScript and TypeScript source facts through tree-sitter: imports and `require`s,
//! `process.env` reads, `listen` calls, file log sinks (winston, pino, log4js, morgan),
//! URL and secret literals, child processes, branches on `NODE_ENV`.

use crate::parse::code::*;
use crate::source::Span;
use tree_sitter::Node;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    JavaScript,
    TypeScript,
    Tsx,
}

pub fn dialect_of(file_name: &str) -> Dialect {
    if file_name.ends_with(".tsx") {
        Dialect::Tsx
    } else if file_name.ends_with(".ts")
        || file_name.ends_with(".mts")
        || file_name.ends_with(".cts")
    {
        Dialect::TypeScript
    } else {
        Dialect::JavaScript
    }
}

/// The kinds and fields of the three grammars, each known by its count of node kinds (one
/// whose count another shares is left out: its nodes are asked tree-sitter's own way).
static KINDS: std::sync::LazyLock<Vec<(usize, Kinds)>> = std::sync::LazyLock::new(|| {
    let grammars: [tree_sitter::Language; 3] = [
        tree_sitter_javascript::LANGUAGE.into(),
        tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        tree_sitter_typescript::LANGUAGE_TSX.into(),
    ];
    let counts: Vec<usize> = grammars.iter().map(|g| g.node_kind_count()).collect();
    grammars
        .iter()
        .filter(|g| counts.iter().filter(|c| **c == g.node_kind_count()).count() == 1)
        .map(|g| (g.node_kind_count(), Kinds::new(g)))
        .collect()
});

fn kinds_of(n: Node<'_>) -> Option<&'static Kinds> {
    let count = n.language().node_kind_count();
    KINDS.iter().find(|(c, _)| *c == count).map(|(_, k)| k)
}

/// The kind of a node, as `Node::kind` names it (see `Kinds`).
fn kind<'n>(n: impl std::borrow::Borrow<Node<'n>>) -> &'n str {
    let n = *n.borrow();
    match kinds_of(n) {
        Some(k) => k.of(n),
        None => n.kind(),
    }
}

/// The child of a node in a field (`Node::child_by_field_name`, see `Kinds`).
fn field<'t>(n: Node<'t>, name: &str) -> Option<Node<'t>> {
    match kinds_of(n) {
        Some(k) => k.field(n, name),
        None => n.child_by_field_name(name),
    }
}

/// The facts of a JavaScript or TypeScript file: from its tokens where they say everything
/// (plain JavaScript, [`super::jslex`]), from its tree otherwise.
pub fn parse(text: &str, dialect: Dialect) -> CodeFacts {
    let lexical = match dialect {
        Dialect::JavaScript => super::jslex::facts(text),
        _ => None,
    };
    let Some(mut f) = lexical.or_else(|| tree_facts(text, dialect)) else {
        return CodeFacts::default();
    };
    f.mark_env_defaults();
    f.mark_presence_tested();
    f
}

/// The facts of a file read from its tree alone (what the lexical front end must agree with).
pub fn parse_with_tree(text: &str, dialect: Dialect) -> CodeFacts {
    let Some(mut f) = tree_facts(text, dialect) else {
        return CodeFacts::default();
    };
    f.mark_env_defaults();
    f.mark_presence_tested();
    f
}

fn tree_facts(text: &str, dialect: Dialect) -> Option<CodeFacts> {
    let tree = match dialect {
        Dialect::JavaScript => parse_tree(
            "javascript",
            || tree_sitter_javascript::LANGUAGE.into(),
            text,
        ),
        Dialect::TypeScript => parse_tree(
            "typescript",
            || tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            text,
        ),
        Dialect::Tsx => parse_tree("tsx", || tree_sitter_typescript::LANGUAGE_TSX.into(), text),
    };
    let tree = tree?;
    let mut f = CodeFacts {
        has_error: tree.root_node().has_error(),
        ..CodeFacts::default()
    };
    visit(&mut tree.walk(), text, &mut f, 0);
    Some(f)
}

/// Whether the env read `n` tests the variable's presence: it is the argument of an emptiness
/// helper (`_.isEmpty`, `_.isNil`, `Boolean`), or (through `!` and parentheses) the
/// condition of an `if`, loop or `?:`, or an operand of `&&`.
fn presence_test(n: Node<'_>, text: &str) -> bool {
    let mut cur = n;
    for _ in 0..8 {
        let Some(p) = cur.parent() else { return false };
        let is_condition = || field(p, "condition").is_some_and(|c| c.id() == cur.id());
        match kind(p) {
            "parenthesized_expression" | "unary_expression" => cur = p,
            "arguments" => {
                let Some(call) = p.parent().filter(|c| kind(c) == "call_expression") else {
                    return false;
                };
                let callee = call
                    .child_by_field_name("function")
                    .map(|c| t(c, text))
                    .unwrap_or("");
                let method = callee.rsplit('.').next().unwrap_or(callee);
                // an emptiness helper's answer is about presence, wherever it goes
                return matches!(
                    method,
                    "isEmpty" | "isNil" | "isUndefined" | "isNull" | "Boolean"
                );
            }
            "binary_expression" => {
                return p
                    .child_by_field_name("operator")
                    .is_some_and(|o| t(o, text) == "&&");
            }
            "if_statement" | "while_statement" | "ternary_expression" => return is_condition(),
            _ => return false,
        }
    }
    false
}

fn t<'a>(n: Node<'_>, text: &'a str) -> &'a str {
    text.get(n.start_byte()..n.end_byte()).unwrap_or("")
}

fn span(n: Node<'_>) -> Span {
    n.start_byte()..n.end_byte()
}

/// The value of a plain string or substitution-free template literal.
fn string_value(n: Node<'_>, text: &str) -> Option<String> {
    match kind(n) {
        "string" | "template_string" => {
            let mut out = String::new();
            let mut c = n.walk();
            for ch in n.named_children(&mut c) {
                match kind(ch) {
                    "string_fragment" | "escape_sequence" => out.push_str(t(ch, text)),
                    "template_substitution" => return None,
                    _ => {}
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// `process.env.X` / `process.env["X"]`: the variable's name.
/// Variables bundlers and frameworks replace at build time: not read from the environment
/// of the running process.
pub fn build_time_variable(name: &str) -> bool {
    name == "PUBLIC_URL"
        || name.starts_with("REACT_APP_")
        || name.starts_with("VITE_")
        || name.starts_with("NEXT_PUBLIC_")
        || name.starts_with("NUXT_PUBLIC_")
        || name.starts_with("GATSBY_")
        || name.starts_with("EXPO_PUBLIC_")
        || name.starts_with("VUE_APP_")
}

fn env_name(n: Node<'_>, text: &str) -> Option<String> {
    env_name_any(n, text).filter(|name| !build_time_variable(name))
}

fn env_name_any(n: Node<'_>, text: &str) -> Option<String> {
    match kind(n) {
        "member_expression" => {
            let obj = field(n, "object")?;
            if t(obj, text) != "process.env" {
                return None;
            }
            Some(t(field(n, "property")?, text).to_string())
        }
        "subscript_expression" => {
            let obj = field(n, "object")?;
            if t(obj, text) != "process.env" {
                return None;
            }
            string_value(field(n, "index")?, text)
        }
        _ => None,
    }
}

fn reads_env(n: Node<'_>, text: &str) -> bool {
    t(n, text).contains("process.env")
}

/// The top-level package of a module specifier; `None` for relative paths.
pub fn package(spec: &str) -> Option<String> {
    if spec.starts_with('.') || spec.starts_with('/') {
        return None;
    }
    let spec = spec.strip_prefix("node:").unwrap_or(spec);
    let mut parts = spec.split('/');
    let first = parts.next()?;
    Some(if first.starts_with('@') {
        format!("{first}/{}", parts.next().unwrap_or(""))
    } else {
        first.to_string()
    })
}

fn literal_port(n: Node<'_>, text: &str) -> Option<(u16, Span)> {
    (kind(n) == "number")
        .then(|| t(n, text).parse().ok().map(|p| (p, span(n))))
        .flatten()
}

/// Client options that reconnect by themselves (ioredis, node-redis, MongoDB, amqp clients).
const RECONNECT_OPTIONS: &[&str] = &[
    "retryStrategy",
    "retry_strategy",
    "reconnectStrategy",
    "autoReconnect",
    "reconnectTries",
    "reconnect",
];

/// The facts of the node `cursor` is on, then of its named children, depth first; `cursor`
/// ends where it started (one cursor serves the whole walk).
fn visit(cursor: &mut tree_sitter::TreeCursor<'_>, text: &str, f: &mut CodeFacts, depth: usize) {
    if depth > 400 {
        f.has_error = true;
        return;
    }
    let n = cursor.node();
    if matches!(
        kind(n),
        "while_statement" | "for_statement" | "do_statement"
    ) && is_retry_loop(t(n, text))
    {
        f.rare
            .connect_retries
            .push(("a loop that connects and waits".into(), span(n)));
    }
    if kind(n) == "pair"
        && let Some(k) = field(n, "key")
        && RECONNECT_OPTIONS.contains(&t(k, text).trim_matches(['"', '\'']))
    {
        f.rare
            .connect_retries
            .push((format!("the client option `{}`", t(k, text)), span(n)));
    }
    match kind(n) {
        "import_statement" => {
            if let Some(src) = field(n, "source")
                && let Some(s) = string_value(src, text)
                && s.starts_with('.')
            {
                f.modules.push(s.into());
            }
            if let Some(src) = field(n, "source")
                && let Some(p) = string_value(src, text).and_then(|s| package(&s))
            {
                f.imports.push((p.into(), span(src).into()));
            }
        }
        "member_expression" | "subscript_expression" => {
            if let Some(name) = env_name(n, text) {
                if presence_test(n, text) {
                    f.rare.presence_tested.push(name.clone());
                }
                let parent = n.parent();
                let defaulted = parent.is_some_and(|p| {
                    kind(p) == "binary_expression"
                        && field(p, "left").is_some_and(|l| l.id() == n.id())
                        && field(p, "operator").is_some_and(|o| matches!(t(o, text), "||" | "??"))
                });
                let default = parent
                    .filter(|_| defaulted)
                    .and_then(|p| field(p, "right"))
                    .map(|r| match (string_value(r, text), kind(r)) {
                        (Some(s), _) => (ArgValue::Str(s.into()), span(r)),
                        (None, "number") => (
                            t(r, text)
                                .parse()
                                .map(ArgValue::Int)
                                .unwrap_or(ArgValue::Expr {
                                    text: t(r, text).into(),
                                    from_env: false,
                                }),
                            span(r),
                        ),
                        _ => (
                            ArgValue::Expr {
                                text: t(r, text).chars().take(200).collect(),
                                from_env: false,
                            },
                            span(r),
                        ),
                    });
                // used bare: the value of a declaration, assignment, argument or property
                let bare = !defaulted
                    && parent.is_some_and(|p| {
                        matches!(
                            kind(p),
                            "variable_declarator" | "assignment_expression" | "arguments"
                        )
                    });
                f.env_reads.push(EnvRead {
                    name: name.into(),
                    has_default: defaulted,
                    default_span: default.as_ref().map(|d| d.1.clone().into()),
                    default: default.map(|d| d.0),
                    span: span(n).into(),
                    required: bare,
                    required_if: None,
                });
                if let Some(r) = f.env_reads.last_mut() {
                    super::generic::guard_required(r, n, text);
                }
            }
        }
        "call_expression" => call(n, text, f),
        "new_expression" => {
            call(n, text, f);
            if let Some(c) = field(n, "constructor") {
                let callee = t(c, text);
                if callee.ends_with("transports.File")
                    || callee.ends_with("transports.DailyRotateFile")
                    || callee == "DailyRotateFile"
                {
                    f.rare.file_logs.push(FileLog {
                        what: format!("`new {callee}` writes logs to a file"),
                        span: span(n),
                    });
                }
            }
        }
        "string" | "template_string" => {
            if let Some(v) = string_value(n, text) {
                f.string_literal(v, span(n));
            }
        }
        "variable_declarator" | "assignment_expression" | "pair" => {
            let (k, v) = match kind(n) {
                "variable_declarator" => (field(n, "name"), field(n, "value")),
                "assignment_expression" => (field(n, "left"), field(n, "right")),
                _ => (field(n, "key"), field(n, "value")),
            };
            if let (Some(k), Some(v)) = (k, v) {
                let name = t(k, text).trim_matches(['"', '\'']);
                let name = name.rsplit('.').next().unwrap_or(name);
                if generated_secret(name, t(v, text)) {
                    f.rare.generated_secrets.push((name.to_string(), span(v)));
                }
            }
            let (k, v) = match kind(n) {
                "variable_declarator" => (field(n, "name"), field(n, "value")),
                "assignment_expression" => (field(n, "left"), field(n, "right")),
                _ => (field(n, "key"), field(n, "value")),
            };
            if let (Some(k), Some(v)) = (k, v)
                && let Some(value) = string_value(v, text)
            {
                let key = string_value(k, text)
                    .unwrap_or_else(|| t(k, text).rsplit('.').next().unwrap_or("").to_string());
                if let Some(log) = log4js_appender(&key, &value, span(v)) {
                    f.rare.file_logs.push(log);
                }
                f.bindings.push(StrBinding {
                    key: key.into(),
                    value: value.into(),
                    value_span: span(v).into(),
                });
            }
            if kind(n) == "variable_declarator"
                && let Some(v) = field(n, "value")
                && kind(v) == "call_expression"
                && field(v, "function").is_some_and(|c| t(c, text) == "require")
            {
                // `const x = require("pkg")` is handled as a call
            }
        }
        "binary_expression" => {
            let op = n
                .child_by_field_name("operator")
                .map(|o| t(o, text))
                .unwrap_or("");
            if matches!(op, "===" | "==" | "!==" | "!=")
                && let (Some(l), Some(r)) = (field(n, "left"), field(n, "right"))
            {
                for (a, b) in [(l, r), (r, l)] {
                    if let (Some(var), Some(value)) = (env_name(a, text), string_value(b, text))
                        && ENV_NAMES.contains(&value.to_ascii_lowercase().as_str())
                    {
                        f.rare.env_branches.push((var, value, span(n)));
                        break;
                    }
                }
            }
        }
        _ => {}
    }
    if cursor.goto_first_child() {
        loop {
            if cursor.node().is_named() {
                visit(cursor, text, f, depth + 1);
            }
            if !cursor.goto_next_sibling() {
                break;
            }
        }
        cursor.goto_parent();
    }
}

/// A log4js appender of type file (`type: "file"`, `"dateFile"`, `"fileSync"`), from a string
/// bound to a key.
pub fn log4js_appender(key: &str, value: &str, span: Span) -> Option<FileLog> {
    (key == "type" && matches!(value, "file" | "dateFile" | "fileSync")).then(|| FileLog {
        what: format!("a log4js `{value}` appender writes logs to a file"),
        span,
    })
}

/// What an argument is: a string, a number, or an expression (reading the environment or not).
fn arg_value(a: Node<'_>, text: &str) -> ArgValue {
    match (string_value(a, text), kind(a)) {
        (Some(s), _) => ArgValue::Str(s.into()),
        (None, "number") => t(a, text)
            .parse()
            .map(ArgValue::Int)
            .unwrap_or(ArgValue::Expr {
                text: t(a, text).into(),
                from_env: false,
            }),
        _ => ArgValue::Expr {
            text: t(a, text).chars().take(200).collect(),
            from_env: reads_env(a, text),
        },
    }
}

/// A call, `f(…)` or `new F(…)`.
fn call(n: Node<'_>, text: &str, f: &mut CodeFacts) {
    let Some(func) = n
        .child_by_field_name("function")
        .or_else(|| field(n, "constructor"))
    else {
        return;
    };
    let callee: String = t(func, text).split_whitespace().collect();
    let method = callee.rsplit('.').next().unwrap_or("").to_string();
    let args: Vec<Node<'_>> = n
        .child_by_field_name("arguments")
        .map(|a| {
            let mut c = a.walk();
            a.named_children(&mut c)
                .filter(|x| kind(x) != "comment")
                .collect()
        })
        .unwrap_or_default();
    // dotenv: `require("dotenv").config({ path: "…" })`, `dotenv.config()`
    if callee.ends_with(".config")
        && (callee.contains("dotenv") || t(n, text).contains("dotenv") || callee == "dotenv.config")
    {
        let path = args.first().and_then(|o| {
            let mut c = o.walk();
            o.named_children(&mut c).find_map(|pair| {
                (kind(pair) == "pair"
                    && pair
                        .child_by_field_name("key")
                        .map(|k| t(k, text).trim_matches(['"', '\'']))
                        == Some("path"))
                .then(|| field(pair, "value").and_then(|v| string_value(v, text)))
                .flatten()
            })
        });
        f.rare
            .dotenv_files
            .push(path.unwrap_or_else(|| ".env".into()));
    }
    // files uploaded earlier served from the process's own disk (a multer `dest` alone may
    // be a temporary file handled within the request, which factor VI allows)
    if callee == "express.static"
        && args
            .first()
            .is_some_and(|a| t(*a, text).to_ascii_lowercase().contains("upload"))
    {
        f.rare.local_state.push((
            "uploaded files are served from a local directory (`express.static`)".into(),
            span(n),
        ));
    }
    if eager_connect_call(Lang::JavaScript, &callee) {
        f.rare.eager_connects.push((format!("`{callee}`"), span(n)));
    }
    if callee == "setTimeout"
        && args
            .first()
            .is_some_and(|a| t(*a, text).to_ascii_lowercase().contains("connect"))
    {
        f.rare.connect_retries.push((
            "`setTimeout` schedules another connection attempt".into(),
            span(n),
        ));
    }
    if let Some(what) = migration_call(
        &callee,
        args.first().and_then(|a| string_value(*a, text)).as_deref(),
        text,
    ) {
        f.rare.migrations.push((what.to_string(), span(n)));
    }
    if (callee == "require" || callee == "import")
        && let Some(s) = args.first().and_then(|a| string_value(*a, text))
        && s.starts_with('.')
    {
        f.modules.push(s.into());
    }
    if (callee == "require" || callee == "import")
        && let Some(p) = args
            .first()
            .and_then(|a| string_value(*a, text))
            .and_then(|s| package(&s))
    {
        f.imports.push((p.into(), span(args[0]).into()));
    }
    if method == "listen" && callee.contains('.') {
        let mut l = Listen {
            host: None,
            port: None,
            port_from_env: false,
            default_loopback: false,
            span: span(n),
            what: callee.clone(),
        };
        match args.first() {
            Some(a) if kind(a) == "object" => {
                // fastify.listen({ port, host })
                let mut c = a.walk();
                for pair in a.named_children(&mut c).filter(|p| kind(p) == "pair") {
                    let (Some(k), Some(v)) = (field(pair, "key"), field(pair, "value")) else {
                        continue;
                    };
                    match t(k, text) {
                        "port" => {
                            l.port = literal_port(v, text);
                            l.port_from_env = reads_env(v, text);
                        }
                        "host" => l.host = string_value(v, text).map(|h| (h, span(v))),
                        _ => {}
                    }
                }
            }
            Some(a) => {
                l.port = literal_port(*a, text);
                l.port_from_env = reads_env(*a, text) || kind(a) == "identifier";
                l.host = args
                    .get(1)
                    .and_then(|h| string_value(*h, text).map(|s| (s, span(*h))));
            }
            None => {}
        }
        if l.port.is_some() || l.port_from_env || l.host.is_some() {
            f.rare.listens.push(l);
        }
    }
    if (callee.ends_with("pino.destination") || callee == "destination")
        && let Some(a) = args.first()
        && let Some(s) = string_value(*a, text)
        && !crate::parse::python::is_stream_target(&s)
    {
        f.rare.file_logs.push(FileLog {
            what: format!("`{callee}` writes logs to `{s}`"),
            span: span(n),
        });
    }
    // express-session without a `store` keeps sessions in the process's memory
    if matches!(callee.as_str(), "session" | "expressSession")
        && let Some(obj) = args.first().filter(|a| kind(*a) == "object")
    {
        let mut c = obj.walk();
        let has_store = obj.named_children(&mut c).any(|p| {
            kind(p) == "shorthand_property_identifier" && t(p, text) == "store"
                || field(p, "key").is_some_and(|k| t(k, text) == "store")
        });
        if !has_store && text.contains("express-session") {
            f.rare.local_sessions.push((
                "express-session with its default MemoryStore".into(),
                span(n),
            ));
        }
    }
    if callee == "morgan"
        && args
            .iter()
            .any(|a| t(*a, text).contains("createWriteStream"))
    {
        f.rare.file_logs.push(FileLog {
            what: "morgan writes the access log to a file stream".into(),
            span: span(n),
        });
    }
    const RUNNERS: &[&str] = &[
        "exec",
        "execSync",
        "spawn",
        "spawnSync",
        "execFile",
        "execFileSync",
        "execa",
    ];
    if RUNNERS.contains(&method.as_str())
        && let Some(a) = args.first()
        && let Some(cmd) = string_value(*a, text)
        && let Some(prog) = cmd.split_whitespace().next()
    {
        f.rare.programs.push((prog.to_string(), span(*a)));
    }
    let mut call_args: Vec<Arg> = args
        .iter()
        .map(|a| Arg {
            keyword: None,
            value: arg_value(*a, text),
            span: span(*a),
            value_span: span(*a),
        })
        .collect();
    // an options object (`new Redis({ host: "…", port: 6379 })`): its literal properties are
    // the call's keyword arguments
    if let Some(obj) = args.iter().find(|a| kind(*a) == "object") {
        let mut c = obj.walk();
        for pair in obj.named_children(&mut c).filter(|p| kind(p) == "pair") {
            let (Some(k), Some(v)) = (field(pair, "key"), field(pair, "value")) else {
                continue;
            };
            let key = string_value(k, text).unwrap_or_else(|| t(k, text).to_string());
            call_args.push(Arg {
                keyword: Some(key),
                value: arg_value(v, text),
                span: span(pair),
                value_span: span(v),
            });
        }
    }
    f.rare.calls.push(Call {
        callee,
        args: call_args,
        span: span(n),
        main_guard: false,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nodes of each of the three grammars get the kind and fields tree-sitter gives them,
    /// from the grammar's own table.
    #[test]
    fn kinds_and_fields_of_each_dialect_are_tree_sitter_s() {
        assert_eq!(KINDS.len(), 3, "each grammar has a table");
        let text = "import x from 'y';\nconst a = process.env.A ?? `t${b}`;\nfunction f<T>(p: T): T { return <div>{p}</div> as any; }\n// é\n";
        for (key, language) in [
            ("javascript", tree_sitter_javascript::LANGUAGE.into()),
            (
                "typescript",
                tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            ),
            ("tsx", tree_sitter_typescript::LANGUAGE_TSX.into()),
        ] {
            let language: tree_sitter::Language = language;
            let tree = parse_tree(key, || language.clone(), text).unwrap();
            let mut cursor = tree.walk();
            loop {
                let n = cursor.node();
                assert_eq!(kind(n), n.kind(), "{key}");
                for id in 1..=language.field_count() as u16 {
                    let name = language.field_name_for_id(id).unwrap();
                    assert_eq!(field(n, name), n.child_by_field_name(name), "{key} {name}");
                }
                if cursor.goto_first_child() || cursor.goto_next_sibling() {
                    continue;
                }
                while cursor.goto_parent() && !cursor.goto_next_sibling() {}
                if cursor.node() == tree.root_node() {
                    break;
                }
            }
        }
    }

    #[test]
    fn express_facts() {
        let text = r#"
import express from "express";
const winston = require("winston");
const { Pool } = require("@scope/pg/lib");
const local = require("./local");
const app = express();
const port = process.env.PORT || 3000;
const secret = process.env.SESSION_SECRET;
if (process.env.NODE_ENV === "production") { app.set("trust proxy", 1); }
const logger = winston.createLogger({ transports: [new winston.transports.File({ filename: "app.log" })] });
const DB = "postgres://app@db/app";
app.listen(port, "127.0.0.1");
server.listen(8080);
// app.listen(9999)
"#;
        let f = parse(text, Dialect::JavaScript);
        let imports: Vec<_> = f.imports.iter().map(|i| i.0.as_str()).collect();
        assert_eq!(imports, ["express", "winston", "@scope/pg"]);
        let reads: Vec<_> = f
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.has_default, r.required))
            .collect();
        assert_eq!(
            reads,
            [
                ("PORT", true, false),
                ("SESSION_SECRET", false, true),
                ("NODE_ENV", false, false)
            ]
        );
        assert_eq!(f.rare.env_branches.len(), 1);
        assert_eq!(f.rare.file_logs.len(), 1);
        assert_eq!(f.urls.len(), 1);
        assert_eq!(f.rare.listens.len(), 2);
        assert_eq!(f.rare.listens[0].host.as_ref().unwrap().0, "127.0.0.1");
        assert!(f.rare.listens[0].port_from_env);
        assert_eq!(f.rare.listens[1].port.as_ref().unwrap().0, 8080);
        let ts = parse(
            "const port: number = Number(process.env.PORT ?? 8080);\napp.listen(port);\n",
            Dialect::TypeScript,
        );
        assert_eq!(ts.env_reads[0].default, Some(ArgValue::Int(8080)));
    }

    #[test]
    fn build_time_variables_are_not_environment_reads() {
        let f = parse(
            "const a = process.env.VITE_API_URL; const b = process.env.PUBLIC_URL; const c = process.env.REACT_APP_KEY; const d = process.env.NEXT_PUBLIC_X; const e = process.env.DATABASE_URL;",
            Dialect::JavaScript,
        );
        let names: Vec<&str> = f.env_reads.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["DATABASE_URL"]);
    }

    #[test]
    fn a_variable_whose_presence_is_tested_is_optional() {
        let text = r#"
if (process.env.CONFIG_FILE) { conf = path.resolve(root, process.env.CONFIG_FILE) }
let db = (!_.isEmpty(process.env.DATABASE_URL)) ? process.env.DATABASE_URL : { host: "db" };
const qs = { ...process.env.REF && { container: process.env.REF } };
function capable () { return !_.isNil(process.env.COMPANION) }
const need = process.env.COMPANION_URL;
const secret = process.env.SESSION_SECRET;
const shown = process.env.SESSION_SECRET === undefined;
"#;
        let f = parse(text, Dialect::JavaScript);
        let required: Vec<_> = f
            .env_reads
            .iter()
            .filter(|r| r.required)
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(required, ["COMPANION_URL", "SESSION_SECRET"]);
    }
}
