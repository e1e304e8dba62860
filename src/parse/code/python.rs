//! Python source facts through tree-sitter: imports, environment reads, calls with their
//! arguments, and string assignments. Queries see code, never comments or strings.

use crate::source::Span;
use tree_sitter::Node;

pub use crate::parse::code::*;

/// The facts of a Python file: from its tokens where they say everything
/// ([`super::pylex`]), from its tree otherwise.
pub fn parse(text: &str) -> CodeFacts {
    let Some(mut facts) = super::pylex::facts(text).or_else(|| tree_facts(text)) else {
        return CodeFacts::default();
    };
    facts.mark_env_defaults();
    derive_listens_and_logs(&mut facts, text);
    facts
}

/// The facts of a Python file read from its tree alone (what the lexical front end must
/// agree with).
pub fn parse_with_tree(text: &str) -> CodeFacts {
    let Some(mut facts) = tree_facts(text) else {
        return CodeFacts::default();
    };
    facts.mark_env_defaults();
    derive_listens_and_logs(&mut facts, text);
    facts
}

/// What the tree walk finds, before the derivations every front end shares.
fn tree_facts(text: &str) -> Option<CodeFacts> {
    let tree = parse_tree("python", || tree_sitter_python::LANGUAGE.into(), text)?;
    let mut facts = CodeFacts {
        has_error: tree.root_node().has_error(),
        ..CodeFacts::default()
    };
    visit(&mut tree.walk(), text, &mut facts, false, 0);
    Some(facts)
}

/// Callees that run a program named by their first argument.
pub const RUNNERS: &[&str] = &[
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.Popen",
    "os.system",
    "os.popen",
    "run",
    "check_call",
    "check_output",
    "Popen",
];

/// Constructors that take a user name and a password by position.
const CREDENTIAL_CALLS: &[&str] = &[
    "PlainCredentials",
    "HTTPBasicAuth",
    "HTTPDigestAuth",
    "HTTPProxyAuth",
    "BasicAuth",
    "DigestAuth",
    "SASLPlain",
];

const FILE_HANDLERS: &[&str] = &[
    "FileHandler",
    "RotatingFileHandler",
    "TimedRotatingFileHandler",
    "WatchedFileHandler",
];

/// Targets that are streams, not files.
pub fn is_stream_target(t: &str) -> bool {
    matches!(
        t.trim(),
        "-" | "/dev/stdout"
            | "/dev/stderr"
            | "/proc/self/fd/1"
            | "/proc/self/fd/2"
            | "php://stdout"
            | "php://stderr"
            | "sys.stdout"
            | "sys.stderr"
            | "ext://sys.stdout"
            | "ext://sys.stderr"
    )
}

/// Servers started (`app.run`, `uvicorn.run`, `web.run_app`, `serve`, `socket.bind((h, p))`,
/// `HTTPServer((h, p), …)`) and logs sent to files, from the calls and bindings.
fn derive_listens_and_logs(f: &mut CodeFacts, text: &str) {
    let flask = f.imports.iter().any(|(m, _)| m == "flask");
    // the calls are read while the other rare facts are written
    let calls = std::mem::take(&mut f.rare.calls);
    for call in &calls {
        let first = match call.positional(0).map(|a| &a.value) {
            Some(ArgValue::Str(s)) => Some(s.as_str()),
            _ => None,
        };
        if call.method() == "load_dotenv" {
            let path = match call
                .positional(0)
                .or_else(|| call.kwarg("dotenv_path"))
                .map(|a| &a.value)
            {
                Some(ArgValue::Str(s)) => s.clone(),
                _ => ".env".into(),
            };
            f.rare.dotenv_files.push(path.to_string());
        }
        if call.method() == "FileSystemStorage" {
            f.rare.local_state.push((
                "Django's `FileSystemStorage` keeps files on the local disk".into(),
                call.span.clone(),
            ));
        }
        if call.main_guard && eager_connect_call(Lang::Python, &call.callee) {
            f.rare
                .eager_connects
                .push((format!("`{}`", call.callee), call.span.clone()));
        }
        if let Some(what) = migration_call(&call.callee, first, text) {
            f.rare
                .migrations
                .push((what.to_string(), call.span.clone()));
        }
        let method = call.method();
        if matches!(method, "run" | "run_app" | "serve" | "run_simple") {
            let host = call.kwarg("host").and_then(|a| match &a.value {
                ArgValue::Str(h) => Some((h.to_string(), a.span.clone())),
                _ => None,
            });
            let (port, from_env) = match call.kwarg("port").map(|a| (&a.value, a)) {
                Some((ArgValue::Int(n), a)) => {
                    (u16::try_from(*n).ok().map(|n| (n, a.span.clone())), false)
                }
                Some((ArgValue::Expr { from_env, .. }, _)) => (None, *from_env),
                _ => (None, false),
            };
            let no_args = call.args.is_empty()
                || call.kwarg("host").is_none() && call.positional(0).is_none();
            f.rare.listens.push(Listen {
                host,
                port,
                port_from_env: from_env,
                default_loopback: flask && call.callee.ends_with(".run") && no_args,
                span: call.span.clone(),
                what: call.callee.clone(),
            });
        } else if method == "bind"
            || matches!(
                method,
                "HTTPServer" | "ThreadingHTTPServer" | "TCPServer" | "ThreadingTCPServer"
            )
        {
            let Some(Arg {
                value: ArgValue::Expr { text, .. },
                span,
                ..
            }) = call.positional(0)
            else {
                continue;
            };
            let inner = text.trim().trim_start_matches('(').trim_end_matches(')');
            let mut parts = inner.splitn(2, ',');
            let (Some(h), Some(p)) = (parts.next(), parts.next()) else {
                continue;
            };
            let host = h.trim().trim_matches(['"', '\'']).to_string();
            if let Ok(n) = p.trim().parse::<u16>() {
                f.rare.listens.push(Listen {
                    host: Some((
                        if host.is_empty() {
                            "0.0.0.0".into()
                        } else {
                            host
                        },
                        span.clone(),
                    )),
                    port: Some((n, span.clone())),
                    port_from_env: false,
                    default_loopback: false,
                    span: call.span.clone(),
                    what: call.callee.clone(),
                });
            }
        }
        let target = if FILE_HANDLERS.contains(&method) {
            call.positional(0).or_else(|| call.kwarg("filename"))
        } else if method == "basicConfig" {
            call.kwarg("filename")
        } else {
            None
        };
        if let Some(arg) = target
            && !matches!(&arg.value, ArgValue::Str(s) if is_stream_target(s))
        {
            f.rare.file_logs.push(FileLog {
                what: format!("`{}` writes logs to a file", call.callee),
                span: call.span.clone(),
            });
        }
    }
    f.rare.calls = calls;
    for b in &f.bindings {
        let local_session = match b.key.as_str() {
            "SESSION_ENGINE" => {
                b.value.ends_with("backends.file") || b.value.ends_with("backends.locmem")
            }
            "SESSION_TYPE" => b.value == "filesystem",
            _ => false,
        };
        if local_session {
            f.rare.local_sessions.push((
                format!("`{} = \"{}\"`", b.key, b.value),
                b.value_span.into(),
            ));
        }
        if b.value == "memory://"
            && (b.key.to_ascii_lowercase().contains("storage")
                || b.key.to_ascii_lowercase().contains("ratelimit"))
        {
            f.rare.local_state.push((
                format!(
                    "`{} = \"memory://\"` counts in each process's memory",
                    b.key
                ),
                b.value_span.into(),
            ));
        }
        if matches!(b.key.as_str(), "DEFAULT_FILE_STORAGE" | "BACKEND")
            && b.value.ends_with("storage.FileSystemStorage")
        {
            f.rare.local_state.push((
                format!("`{}` keeps files on the local disk", b.value),
                b.value_span.into(),
            ));
        }
        if b.key == "class" && FILE_HANDLERS.iter().any(|h| b.value.ends_with(h)) {
            f.rare.file_logs.push(FileLog {
                what: format!("logging config uses `{}`, which writes to a file", b.value),
                span: b.value_span.into(),
            });
        }
    }
}

kinds_of!(tree_sitter_python::LANGUAGE);

fn t<'a>(node: Node<'_>, text: &'a str) -> &'a str {
    text.get(node.start_byte()..node.end_byte()).unwrap_or("")
}

fn span(node: Node<'_>) -> Span {
    node.start_byte()..node.end_byte()
}

/// The value of a plain string literal (no f-string interpolation, implicit concatenation joined).
pub fn string_value(node: Node<'_>, text: &str) -> Option<String> {
    match kind(node) {
        "string" => {
            let mut out = String::new();
            let mut cursor = node.walk();
            for c in node.named_children(&mut cursor) {
                match kind(c) {
                    "string_content" => out.push_str(t(c, text)),
                    "interpolation" => return None,
                    "escape_sequence" => out.push_str(t(c, text)),
                    _ => {}
                }
            }
            Some(out)
        }
        "concatenated_string" => {
            let mut out = String::new();
            let mut cursor = node.walk();
            for c in node.named_children(&mut cursor) {
                out.push_str(&string_value(c, text)?);
            }
            Some(out)
        }
        _ => None,
    }
}

/// The first string literal inside a node.
fn first_string(node: Node<'_>, text: &str) -> Option<String> {
    if let Some(s) = string_value(node, text) {
        return Some(s);
    }
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
    children.into_iter().find_map(|c| first_string(c, text))
}

fn arg_value(node: Node<'_>, text: &str) -> ArgValue {
    if let Some(s) = string_value(node, text) {
        return ArgValue::Str(s.into());
    }
    if kind(node) == "integer"
        && let Ok(i) = t(node, text).replace('_', "").parse()
    {
        return ArgValue::Int(i);
    }
    expr_value(t(node, text))
}

/// An argument that is neither a string nor an integer: its text (the first 200 characters)
/// and whether it reads the environment.
pub fn expr_value(body: &str) -> ArgValue {
    ArgValue::Expr {
        text: body.chars().take(200).collect(),
        from_env: body.contains("environ") || body.contains("getenv") || body.contains("env("),
    }
}

/// A call that looks one variable up (`os.getenv`, `os.environ.get`, `os.environ.setdefault`),
/// by its callee as written without whitespace.
pub fn env_lookup(callee: &str) -> bool {
    matches!(
        callee,
        "os.getenv" | "getenv" | "os.environ.get" | "environ.get" | "os.environ.setdefault"
    ) || callee.ends_with("environ.get")
}

/// Whether a node sits in the body of a `try` whose handlers catch a missing key
/// (`KeyError`, `LookupError`, `Exception`, or everything).
fn guarded_by_key_error(node: Node<'_>, text: &str) -> bool {
    let mut cur = node;
    while let Some(parent) = cur.parent() {
        if kind(parent) == "try_statement" && field(parent, "body") == Some(cur) {
            let mut c = parent.walk();
            let catches = parent.named_children(&mut c).any(|h| {
                kind(h) == "except_clause" && {
                    let head = t(h, text).split(':').next().unwrap_or("");
                    let caught = head.trim_start_matches("except").trim();
                    caught.is_empty()
                        || ["KeyError", "LookupError", "Exception", "BaseException"]
                            .iter()
                            .any(|e| caught.contains(e))
                }
            });
            if catches {
                return true;
            }
        }
        if matches!(kind(parent), "function_definition" | "class_definition") {
            return false;
        }
        cur = parent;
    }
    false
}

fn is_main_guard(node: Node<'_>, text: &str) -> bool {
    kind(node) == "if_statement"
        && node
            .child_by_field_name("condition")
            .map(|c| {
                let s = t(c, text);
                s.contains("__name__") && s.contains("__main__")
            })
            .unwrap_or(false)
}

/// The facts of the node `cursor` is on, then of its named children, depth first; `cursor`
/// ends where it started (one cursor serves the whole walk).
fn visit(
    cursor: &mut tree_sitter::TreeCursor<'_>,
    text: &str,
    f: &mut CodeFacts,
    main_guard: bool,
    depth: usize,
) {
    if depth > 400 {
        f.has_error = true;
        return;
    }
    let node = cursor.node();
    let main_guard = main_guard || is_main_guard(node, text);
    let node_kind = kind(node);
    if matches!(node_kind, "while_statement" | "for_statement") && is_retry_loop(t(node, text)) {
        f.rare
            .connect_retries
            .push(("a loop that connects and sleeps".into(), span(node)));
    }
    match node_kind {
        "import_statement" => {
            let mut cursor = node.walk();
            for c in node.children_by_field_name("name", &mut cursor) {
                let dotted = if kind(c) == "aliased_import" {
                    field(c, "name").unwrap_or(c)
                } else {
                    c
                };
                let top = t(dotted, text).split('.').next().unwrap_or("").trim();
                if !top.is_empty() {
                    f.imports
                        .push((top.to_string().into(), span(dotted).into()));
                    f.modules.push(t(dotted, text).split_whitespace().collect());
                }
            }
        }
        "import_from_statement" => {
            if let Some(m) = field(node, "module_name") {
                let module: String = t(m, text).split_whitespace().collect();
                if kind(m) == "dotted_name" {
                    let top = module.split('.').next().unwrap_or("").trim();
                    if !top.is_empty() {
                        f.imports.push((top.to_string().into(), span(m).into()));
                    }
                }
                // `from a.b import c`: `c` may be a module of package `a.b`
                let mut cursor = node.walk();
                for c in node.children_by_field_name("name", &mut cursor) {
                    let name = if kind(c) == "aliased_import" {
                        field(c, "name").unwrap_or(c)
                    } else {
                        c
                    };
                    let name = t(name, text).trim();
                    if !name.is_empty() {
                        let sep = if module.ends_with('.') { "" } else { "." };
                        f.modules.push(format!("{module}{sep}{name}").into());
                    }
                }
                if !module.is_empty() {
                    f.modules.push(module.into());
                }
            }
        }
        "call" => {
            if let Some(func) = field(node, "function") {
                let callee: String = t(func, text).split_whitespace().collect();
                let mut args = Vec::new();
                if let Some(al) = field(node, "arguments") {
                    let mut cursor = al.walk();
                    for a in al.named_children(&mut cursor) {
                        if kind(a) == "keyword_argument" {
                            let (Some(n), Some(v)) = (field(a, "name"), field(a, "value")) else {
                                continue;
                            };
                            let value = arg_value(v, text);
                            if let ArgValue::Str(s) = &value {
                                f.bindings.push(StrBinding {
                                    key: t(n, text).to_string().into(),
                                    value: s.clone(),
                                    value_span: span(v).into(),
                                });
                            }
                            args.push(Arg {
                                keyword: Some(t(n, text).to_string()),
                                value,
                                span: span(a),
                                value_span: span(v),
                            });
                        } else if kind(a) != "comment" {
                            args.push(Arg {
                                keyword: None,
                                value: arg_value(a, text),
                                span: span(a),
                                value_span: span(a),
                            });
                        }
                    }
                }
                let method = callee.rsplit('.').next().unwrap_or("");
                // credentials passed by position: `PlainCredentials('guest', 'guest')`,
                // `HTTPBasicAuth(user, 'pw')`; the password is the second argument
                if CREDENTIAL_CALLS.contains(&method)
                    && let Some(Arg {
                        value: ArgValue::Str(s),
                        value_span,
                        ..
                    }) = args.iter().filter(|a| a.keyword.is_none()).nth(1)
                {
                    f.bindings.push(StrBinding {
                        key: format!("{method} password").into(),
                        value: s.clone(),
                        value_span: value_span.clone().into(),
                    });
                    if let Some(Arg {
                        value: ArgValue::Str(user),
                        value_span,
                        ..
                    }) = args.first().filter(|a| a.keyword.is_none())
                    {
                        f.bindings.push(StrBinding {
                            key: "username".into(),
                            value: user.clone(),
                            value_span: value_span.clone().into(),
                        });
                    }
                }
                let env_get = env_lookup(&callee);
                if env_get
                    && let Some(Arg {
                        value: ArgValue::Str(name),
                        ..
                    }) = args.first()
                {
                    let default_arg = args.get(1).filter(|a| a.keyword.is_none()).or_else(|| {
                        args.iter()
                            .find(|a| a.keyword.as_deref() == Some("default"))
                    });
                    let default = default_arg.map(|a| a.value.clone());
                    let default_span = default_arg.map(|a| match &a.keyword {
                        None => a.span.clone(),
                        Some(_) => a.value_span.clone(),
                    });
                    if let Some(ArgValue::Str(d)) = &default {
                        f.bindings.push(StrBinding {
                            key: name.clone().into(),
                            value: d.clone(),
                            value_span: args
                                .get(1)
                                .map(|a| a.span.clone())
                                .unwrap_or(span(node))
                                .into(),
                        });
                    }
                    f.env_reads.push(EnvRead {
                        name: name.clone().into(),
                        has_default: default.is_some(),
                        default,
                        span: span(node).into(),
                        default_span: default_span.map(Into::into),
                        required: false,
                        required_if: None,
                    });
                    if let Some(r) = f.env_reads.last_mut() {
                        super::generic::guard_required(r, node, text);
                    }
                }
                if RUNNERS.contains(&callee.as_str())
                    && let Some(first) = args.iter().find(|a| a.keyword.is_none())
                {
                    let program = match &first.value {
                        ArgValue::Str(s) => s.split_whitespace().next().map(String::from),
                        ArgValue::Expr { text: e, .. }
                            if e.starts_with('[') || e.starts_with('(') =>
                        {
                            e.trim_start_matches(['[', '('])
                                .trim_start()
                                .strip_prefix(['"', '\''])
                                .and_then(|r| r.split(['"', '\'']).next())
                                .map(String::from)
                        }
                        _ => None,
                    };
                    if let Some(prog) =
                        program.filter(|p| !p.is_empty() && !p.starts_with('$') && !p.contains('{'))
                    {
                        f.rare.programs.push((prog, first.value_span.clone()));
                    }
                }
                f.rare.calls.push(Call {
                    callee,
                    args,
                    span: span(node),
                    main_guard,
                });
            }
        }
        "subscript" => {
            if let (Some(v), Some(s)) = (field(node, "value"), field(node, "subscript")) {
                let base = t(v, text);
                if (base == "os.environ" || base == "environ")
                    && let Some(name) = string_value(s, text)
                {
                    f.env_reads.push(EnvRead {
                        name: name.into(),
                        default: None,
                        has_default: false,
                        span: span(node).into(),
                        default_span: None,
                        // `try: os.environ["X"] except KeyError:` handles its absence
                        required: !guarded_by_key_error(node, text),
                        required_if: None,
                    });
                    if let Some(r) = f.env_reads.last_mut() {
                        super::generic::guard_required(r, node, text);
                    }
                }
            }
        }
        "assignment" => {
            if let (Some(l), Some(r)) = (field(node, "left"), field(node, "right"))
                && matches!(kind(l), "identifier" | "attribute")
                && generated_secret(t(l, text).rsplit('.').next().unwrap_or(""), t(r, text))
            {
                f.rare
                    .generated_secrets
                    .push((t(l, text).to_string(), span(r)));
            }
            if let (Some(l), Some(r)) = (field(node, "left"), field(node, "right"))
                && matches!(kind(l), "identifier" | "attribute")
                && let Some(s) = string_value(r, text)
            {
                let key = t(l, text).rsplit('.').next().unwrap_or("").to_string();
                f.bindings.push(StrBinding {
                    key: key.into(),
                    value: s.into(),
                    value_span: span(r).into(),
                });
            }
        }
        "string" | "concatenated_string" => {
            if let Some(v) = string_value(node, text) {
                f.string_literal(v, span(node));
            }
            if node_kind == "concatenated_string" {
                return; // its parts are not separate literals
            }
        }
        "comparison_operator" => {
            let mut cursor = node.walk();
            let operands: Vec<Node<'_>> = node.named_children(&mut cursor).collect();
            let is_eq = {
                let mut c = node.walk();
                node.children(&mut c)
                    .any(|ch| matches!(kind(ch), "==" | "!="))
            };
            if is_eq && operands.len() == 2 {
                for (a, b) in [(operands[0], operands[1]), (operands[1], operands[0])] {
                    let reads_env = {
                        let s = t(a, text);
                        s.contains("environ") || s.contains("getenv")
                    };
                    if reads_env
                        && let Some(value) = string_value(b, text)
                        && ENV_NAMES.contains(&value.to_ascii_lowercase().as_str())
                        && let Some(var) = first_string(a, text)
                    {
                        f.rare.env_branches.push((var, value, span(node)));
                        break;
                    }
                }
            }
        }
        "pair" => {
            if let (Some(k), Some(v)) = (field(node, "key"), field(node, "value"))
                && let (Some(ks), Some(vs)) = (string_value(k, text), string_value(v, text))
            {
                f.bindings.push(StrBinding {
                    key: ks.into(),
                    value: vs.into(),
                    value_span: span(v).into(),
                });
            }
        }
        _ => {}
    }
    if cursor.goto_first_child() {
        loop {
            if cursor.node().is_named() {
                visit(cursor, text, f, main_guard, depth + 1);
            }
            if !cursor.goto_next_sibling() {
                break;
            }
        }
        cursor.goto_parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_inside_try_except_key_error_is_optional() {
        let f = parse(
            "import os\ntry:\n    A = os.environ[\"A\"]\nexcept KeyError:\n    A = None\ntry:\n    B = os.environ[\"B\"]\nexcept ValueError:\n    pass\nC = os.environ[\"C\"]\n",
        );
        let req: Vec<(&str, bool)> = f
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.required))
            .collect();
        assert_eq!(req, [("A", false), ("B", true), ("C", true)]);
    }

    #[test]
    fn modules_as_written_for_finding_local_files() {
        let f = parse(
            "import a.b\nfrom .db import connect\nfrom . import tasks\nfrom pkg.sub import mod as m\n",
        );
        for m in [
            "a.b",
            ".db",
            ".db.connect",
            ".tasks",
            "pkg.sub",
            "pkg.sub.mod",
        ] {
            assert!(f.modules.iter().any(|x| x == m), "{m} in {:?}", f.modules);
        }
    }

    #[test]
    fn facts() {
        let text = r#"
import os, yaml
from flask import Flask
from . import local
import logging.handlers
# os.getenv("COMMENTED")
DB = os.environ["DATABASE_URL"]
port = int(os.getenv("PORT", "8000"))
SECRET_KEY = "s3cr3t-value"
h = logging.handlers.RotatingFileHandler("/var/log/app.log")
cfg = {"password": "hunter22"}
if __name__ == "__main__":
    app.run(host="127.0.0.1", port=5000)
"#;
        let f = parse(text);
        let imports: Vec<_> = f.imports.iter().map(|i| i.0.as_str()).collect();
        assert_eq!(imports, ["os", "yaml", "flask", "logging"]);
        let reads: Vec<_> = f
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.has_default))
            .collect();
        assert_eq!(reads, [("DATABASE_URL", false), ("PORT", true)]);
        let run = f.rare.calls.iter().find(|c| c.callee == "app.run").unwrap();
        assert!(run.main_guard);
        assert_eq!(run.kwarg("port").unwrap().value, ArgValue::Int(5000));
        assert!(
            f.bindings
                .iter()
                .any(|b| b.key == "SECRET_KEY" && b.value == "s3cr3t-value")
        );
        assert!(f.bindings.iter().any(|b| b.key == "password"));
        assert!(
            f.rare
                .calls
                .iter()
                .any(|c| c.method() == "RotatingFileHandler")
        );
        let creds = parse(
            "import pika\nc = pika.PlainCredentials('guest', 'guest')\nauth = HTTPBasicAuth(user, 'pw')\n",
        );
        let pws: Vec<&str> = creds
            .bindings
            .iter()
            .filter(|b| b.key.ends_with(" password"))
            .map(|b| b.value.as_str())
            .collect();
        assert_eq!(pws, ["guest", "pw"]);
        assert!(
            creds
                .bindings
                .iter()
                .any(|b| b.key == "username" && b.value == "guest")
        );
        let t2 = "import os\nDB = os.getenv('DATABASE_URL', 'postgres://u@db/app')\nR = 'redis://cache:6379/0'\nX = f'http://{host}/x'\n";
        let f2 = parse(t2);
        let urls: Vec<_> = f2
            .urls
            .iter()
            .map(|u| (u.value.as_str(), u.env_default))
            .collect();
        assert_eq!(
            urls,
            [
                ("postgres://u@db/app", true),
                ("redis://cache:6379/0", false)
            ]
        );
        let t3 = "import os\nif os.getenv('APP_ENV') == 'production':\n    pass\nDATA = '/home/ann/data/x.csv'\nOK = '/home/'\nif os.environ['MODE'] != 'fast':\n    pass\n";
        let f3 = parse(t3);
        assert_eq!(f3.rare.env_branches.len(), 1);
        assert_eq!(f3.rare.env_branches[0].0, "APP_ENV");
        assert_eq!(f3.rare.abs_paths.len(), 1);
    }
}
