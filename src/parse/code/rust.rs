//! Rust source facts through tree-sitter: crates used, `std::env::var` reads (required when
//! unwrapped or `?`'d), servers bound (`TcpListener::bind`, actix `bind`, warp `run`, axum),
//! file log sinks (tracing-appender, log4rs, simplelog, flexi_logger), literals, `Command::new`.

use crate::parse::code::*;
use crate::source::Span;
use tree_sitter::Node;

kinds_of!(tree_sitter_rust::LANGUAGE);

/// The facts of a Rust file: from its tokens where they say everything
/// ([`super::rustlex`]), from its tree otherwise.
pub fn parse(text: &str) -> CodeFacts {
    let Some(mut f) = super::rustlex::facts(text).or_else(|| tree_facts(text)) else {
        return CodeFacts::default();
    };
    f.mark_env_defaults();
    f
}

/// The facts of a Rust file read from its tree alone (what the lexical front end must agree
/// with).
pub fn parse_with_tree(text: &str) -> CodeFacts {
    let Some(mut f) = tree_facts(text) else {
        return CodeFacts::default();
    };
    f.mark_env_defaults();
    f
}

fn tree_facts(text: &str) -> Option<CodeFacts> {
    let tree = parse_tree("rust", || tree_sitter_rust::LANGUAGE.into(), text)?;
    let mut f = CodeFacts {
        has_error: tree.root_node().has_error(),
        ..CodeFacts::default()
    };
    visit(tree.root_node(), text, &mut f, 0);
    Some(f)
}

fn t<'a>(n: Node<'_>, text: &'a str) -> &'a str {
    text.get(n.start_byte()..n.end_byte()).unwrap_or("")
}

fn span(n: Node<'_>) -> Span {
    n.start_byte()..n.end_byte()
}

/// A string literal, also as `"…".to_string()`, `"…".into()`, `String::from("…")`.
fn literal_of(n: Node<'_>, text: &str) -> Option<String> {
    if let Some(s) = string_value(n, text) {
        return Some(s);
    }
    if kind(n) != "call_expression" {
        return None;
    }
    let func = field(n, "function")?;
    match kind(func) {
        "field_expression"
            if matches!(
                field(func, "field").map(|f| t(f, text)),
                Some("to_string" | "into" | "to_owned")
            ) =>
        {
            string_value(field(func, "value")?, text)
        }
        _ if t(func, text) == "String::from" => string_value(*args(n).first()?, text),
        _ => None,
    }
}

fn string_value(n: Node<'_>, text: &str) -> Option<String> {
    match kind(n) {
        "string_literal" => {
            let mut c = n.walk();
            let mut out = String::new();
            for ch in n.named_children(&mut c) {
                if matches!(kind(ch), "string_content" | "escape_sequence") {
                    out.push_str(t(ch, text));
                }
            }
            Some(out)
        }
        "raw_string_literal" => {
            let raw = t(n, text);
            let inner = raw.trim_start_matches('r').trim_matches('#');
            Some(inner.trim_matches('"').to_string())
        }
        _ => None,
    }
}

fn args(n: Node<'_>) -> Vec<Node<'_>> {
    field(n, "arguments")
        .map(|a| {
            let mut c = a.walk();
            a.named_children(&mut c)
                .filter(|x| !kind(x).contains("comment"))
                .collect()
        })
        .unwrap_or_default()
}

/// An address argument: `"0.0.0.0:8080"`, `("127.0.0.1", 8080)`, `([127, 0, 0, 1], 3030)`.
fn address(n: Node<'_>, text: &str) -> Option<(String, Option<u16>)> {
    let n = if kind(n) == "reference_expression" {
        n.named_child(0)?
    } else {
        n
    };
    if let Some(s) = string_value(n, text) {
        return split_address(&s);
    }
    if kind(n) == "tuple_expression" {
        let h = n.named_child(0)?;
        let p = n
            .named_child(1)
            .and_then(|p| t(p, text).parse::<u16>().ok());
        let host = match string_value(h, text) {
            Some(s) => s,
            None if kind(h) == "array_expression" => {
                let mut c = h.walk();
                h.named_children(&mut c)
                    .map(|x| t(x, text))
                    .collect::<Vec<_>>()
                    .join(".")
            }
            None => return None,
        };
        return Some((host, p));
    }
    None
}

fn visit(n: Node<'_>, text: &str, f: &mut CodeFacts, depth: usize) {
    if depth > 400 {
        f.has_error = true;
        return;
    }
    if matches!(
        kind(n),
        "loop_expression" | "while_expression" | "for_expression"
    ) && is_retry_loop(t(n, text))
    {
        f.rare
            .connect_retries
            .push(("a loop that connects and sleeps".into(), span(n)));
    }
    match kind(n) {
        "use_declaration" => {
            if let Some(arg) = field(n, "argument") {
                let path = t(arg, text);
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
                    f.imports.push((first.to_string().into(), span(arg).into()));
                }
            }
        }
        "call_expression" => {
            let callee: String = n
                .child_by_field_name("function")
                .map(|c| t(c, text))
                .unwrap_or("")
                .split_whitespace()
                .collect();
            let a = args(n);
            let tail = |k: usize| callee.rsplit("::").take(k).collect::<Vec<_>>();
            if eager_connect_call(Lang::Rust, &callee) {
                f.rare.eager_connects.push((format!("`{callee}`"), span(n)));
            }
            if let Some(what) = migration_call(&callee, None, text) {
                f.rare.migrations.push((what.to_string(), span(n)));
            }
            let last2 = tail(2);
            let is = |name: &str| callee == name || callee.ends_with(&format!("::{name}"));
            if (is("env::var")
                || is("env::var_os")
                || is("dotenvy::var")
                || (last2.len() == 2 && last2[0] == "var" && last2[1] == "env"))
                && let Some(name) = a.first().and_then(|x| string_value(*x, text))
            {
                // how the Result is used decides required / defaulted
                let parent = n.parent();
                let method = parent
                    .filter(|p| kind(p) == "field_expression")
                    .and_then(|p| field(p, "field"))
                    .map(|fl| t(fl, text).to_string());
                let tried = parent.is_some_and(|p| kind(p) == "try_expression");
                let required = tried || matches!(method.as_deref(), Some("unwrap" | "expect"));
                let has_default = matches!(
                    method.as_deref(),
                    Some("unwrap_or" | "unwrap_or_else" | "unwrap_or_default" | "ok" | "is_ok")
                );
                let default = parent
                    .and_then(|p| p.parent())
                    .filter(|_| method.as_deref() == Some("unwrap_or"))
                    .and_then(|call| args(call).first().copied())
                    .map(|d| {
                        (
                            literal_of(d, text)
                                .map(|s| ArgValue::Str(s.into()))
                                .unwrap_or(ArgValue::Expr {
                                    text: t(d, text).chars().take(200).collect(),
                                    from_env: false,
                                }),
                            span(d),
                        )
                    });
                f.env_reads.push(EnvRead {
                    name: name.into(),
                    has_default,
                    default_span: default.as_ref().map(|d| d.1.clone().into()),
                    default: default.map(|d| d.0),
                    span: span(n).into(),
                    required,
                    required_if: None,
                });
                if let Some(r) = f.env_reads.last_mut() {
                    super::generic::guard_required(r, n, text);
                }
            }
            let method = callee.rsplit(['.', ':']).next().unwrap_or("");
            if matches!(method, "bind" | "run" | "bind_rustls" | "bind_openssl")
                && let Some(first) = a.first()
            {
                if let Some((h, p)) = address(*first, text) {
                    // port 0 asks the OS for any free port: a test or a client, never the
                    // app's serving port
                    if p != Some(0) {
                        f.rare.listens.push(Listen {
                            host: Some((h, span(*first))),
                            port: p.map(|p| (p, span(*first))),
                            port_from_env: false,
                            default_loopback: false,
                            span: span(n),
                            what: callee.clone(),
                        });
                    }
                } else if t(*first, text).contains("env::var")
                    || t(*first, text).to_ascii_lowercase().contains("port")
                {
                    f.rare
                        .listens
                        .extend(listen_at(None, true, span(n), &callee));
                }
            }
            if is("Command::new")
                && let Some(p) = a.first().and_then(|x| string_value(*x, text))
            {
                f.rare.programs.push((p, span(a[0])));
            }
            let lower = callee.to_ascii_lowercase();
            if lower.contains("rolling::")
                && matches!(method, "daily" | "hourly" | "minutely" | "never")
                || lower.contains("rollingfileappender")
                || lower.ends_with("fileappender::builder")
                || (lower.contains("writelogger")
                    && a.iter().any(|x| t(*x, text).contains("File::create")))
                || method == "log_to_file"
            {
                f.rare.file_logs.push(FileLog {
                    what: format!("`{callee}` writes logs to files"),
                    span: span(n),
                });
            }
        }
        "string_literal" | "raw_string_literal" => {
            if let Some(v) = string_value(n, text) {
                f.string_literal(v, span(n));
            }
        }
        "let_declaration" | "const_item" | "static_item" | "field_initializer" => {
            let (k, v) = match kind(n) {
                "let_declaration" => (field(n, "pattern"), field(n, "value")),
                "field_initializer" => (field(n, "field"), field(n, "value")),
                _ => (field(n, "name"), field(n, "value")),
            };
            if let (Some(k), Some(v)) = (k, v)
                && let Some(value) = string_value(v, text)
            {
                f.bindings.push(StrBinding {
                    key: t(k, text).to_string().into(),
                    value: value.into(),
                    value_span: span(v).into(),
                });
            }
        }
        _ => {}
    }
    // Test code is not what the app does: an item under `#[cfg(test)]`, `#[test]` or
    // `#[tokio::test]` (the attributes are the item's preceding siblings) is left out.
    let mut c = n.walk();
    let mut test_attr = false;
    for ch in n.named_children(&mut c) {
        match kind(ch) {
            "attribute_item" => {
                test_attr |= is_test_attribute(t(ch, text));
                continue;
            }
            k if k.contains("comment") => continue,
            _ => {}
        }
        if std::mem::take(&mut test_attr) {
            f.test_spans.push(span(ch).into());
        } else {
            visit(ch, text, f, depth + 1);
        }
    }
}

/// `#[cfg(test)]`, `#[test]`, `#[tokio::test(...)]`, `#[bench]`: the item is test code.
/// `#[cfg(not(test))]` is not.
pub fn is_test_attribute(attr: &str) -> bool {
    let inner: String = attr
        .trim_start_matches('#')
        .trim_start_matches('[')
        .trim_end_matches(']')
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let path = inner.split('(').next().unwrap_or("");
    matches!(path, "test" | "bench")
        || path.ends_with("::test")
        || (path == "cfg" && (inner == "cfg(test)" || inner.starts_with("cfg(all(test")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_facts() {
        let text = r#"
use axum::Router;
use crate::config;
use std::env;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let db = env::var("DATABASE_URL")?;
    let port = std::env::var("PORT").unwrap_or("8080".to_string());
    let token = env::var("API_TOKEN").expect("API_TOKEN");
    let appender = tracing_appender::rolling::daily("/var/log", "app.log");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    HttpServer::new(|| App::new()).bind(("0.0.0.0", 8080))?.run().await?;
    let out = std::process::Command::new("ffmpeg").output();
    Ok(())
}
"#;
        let f = parse(text);
        assert_eq!(
            f.imports.iter().map(|i| i.0.as_str()).collect::<Vec<_>>(),
            ["axum"]
        );
        let reads: Vec<_> = f
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.required, r.has_default))
            .collect();
        assert_eq!(
            reads,
            [
                ("DATABASE_URL", true, false),
                ("PORT", false, true),
                ("API_TOKEN", true, false)
            ]
        );
        assert_eq!(f.env_reads[1].default, Some(ArgValue::Str("8080".into())));
        assert_eq!(f.rare.file_logs.len(), 1);
        assert_eq!(f.rare.listens.len(), 2, "{:?}", f.rare.listens);
        assert_eq!(f.rare.listens[0].host.as_ref().unwrap().0, "127.0.0.1");
        assert_eq!(f.rare.listens[1].port.as_ref().unwrap().0, 8080);
        assert_eq!(f.rare.programs[0].0, "ffmpeg");
    }

    #[test]
    fn test_code_is_not_app_code() {
        let text = r#"
fn main() {
    let l = std::net::TcpListener::bind("0.0.0.0:8080").unwrap();
    let ephemeral = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
}

#[cfg(not(test))]
fn real() { let v = std::env::var("REAL").unwrap(); }

#[cfg(test)]
mod tests {
    #[test]
    fn t() { let l = TcpListener::bind("127.0.0.1:3000"); let v = env::var("IN_TEST").unwrap(); }
}

#[tokio::test(flavor = "multi_thread")]
// a comment between the attribute and the item
async fn integration() { let db = env::var("TEST_DB").unwrap(); }

#[derive(Debug)]
struct Cfg { url: String }
"#;
        let f = parse(text);
        let reads: Vec<_> = f.env_reads.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(reads, ["REAL"]);
        let ports: Vec<_> = f
            .rare
            .listens
            .iter()
            .map(|l| l.port.as_ref().map(|p| p.0))
            .collect();
        assert_eq!(ports, [Some(8080)], "{:?}", f.rare.listens);
        assert!(is_test_attribute("#[ cfg( test ) ]"));
        assert!(is_test_attribute("#[cfg(all(test, feature = \"x\"))]"));
        assert!(!is_test_attribute("#[cfg(not(test))]"));
        assert!(!is_test_attribute("#[cfg(feature = \"test\")]"));
        assert!(!is_test_attribute("#[derive(Debug)]"));
    }
}
