//! Go source facts through tree-sitter: imports, `os.Getenv`/`os.LookupEnv`, servers
//! (`http.ListenAndServe`, `net.Listen`, gin's `Run`, echo's `Start`), file log sinks
//! (`log.SetOutput` to a file, lumberjack), URL and secret literals, `exec.Command`.

use crate::parse::code::*;
use crate::source::Span;
use tree_sitter::Node;

kinds_of!(tree_sitter_go::LANGUAGE);

/// The facts of a Go file: from its tokens where they say everything ([`super::golex`]),
/// from its tree otherwise.
pub fn parse(text: &str) -> CodeFacts {
    let Some(mut f) = super::golex::facts(text).or_else(|| tree_facts(text)) else {
        return CodeFacts::default();
    };
    f.mark_env_defaults();
    f
}

/// The facts of a Go file read from its tree alone (what the lexical front end must agree
/// with).
pub fn parse_with_tree(text: &str) -> CodeFacts {
    let Some(mut f) = tree_facts(text) else {
        return CodeFacts::default();
    };
    f.mark_env_defaults();
    f
}

fn tree_facts(text: &str) -> Option<CodeFacts> {
    let tree = parse_tree("go", || tree_sitter_go::LANGUAGE.into(), text)?;
    let mut f = CodeFacts {
        has_error: tree.root_node().has_error(),
        ..CodeFacts::default()
    };
    let opens_files = text.contains("os.OpenFile") || text.contains("os.Create(");
    visit(&mut tree.walk(), text, &mut f, opens_files, 0);
    Some(f)
}

fn t<'a>(n: Node<'_>, text: &'a str) -> &'a str {
    text.get(n.start_byte()..n.end_byte()).unwrap_or("")
}

fn span(n: Node<'_>) -> Span {
    n.start_byte()..n.end_byte()
}

fn string_value(n: Node<'_>, text: &str) -> Option<String> {
    match kind(n) {
        "interpreted_string_literal" => {
            let raw = t(n, text);
            Some(raw.trim_matches('"').to_string())
        }
        "raw_string_literal" => Some(t(n, text).trim_matches('`').to_string()),
        _ => None,
    }
}

fn args(n: Node<'_>) -> Vec<Node<'_>> {
    field(n, "arguments")
        .map(|a| {
            let mut c = a.walk();
            a.named_children(&mut c)
                .filter(|x| kind(x) != "comment")
                .collect()
        })
        .unwrap_or_default()
}

/// The facts of the node `cursor` is on, then of its named children, depth first; `cursor`
/// ends where it started (one cursor serves the whole walk).
fn visit(
    cursor: &mut tree_sitter::TreeCursor<'_>,
    text: &str,
    f: &mut CodeFacts,
    opens_files: bool,
    depth: usize,
) {
    if depth > 400 {
        f.has_error = true;
        return;
    }
    let n = cursor.node();
    if kind(n) == "for_statement" && is_retry_loop(t(n, text)) {
        f.rare
            .connect_retries
            .push(("a loop that connects and sleeps".into(), span(n)));
    }
    match kind(n) {
        "import_spec" => {
            if let Some(p) = n
                .child_by_field_name("path")
                .and_then(|p| string_value(p, text))
            {
                f.imports.push((p.into(), span(n).into()));
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
            let first_str = a.first().and_then(|x| string_value(*x, text));
            if matches!(callee.as_str(), "os.Create" | "os.OpenFile")
                && a.first()
                    .is_some_and(|x| t(*x, text).to_ascii_lowercase().contains("upload"))
            {
                f.rare
                    .local_state
                    .push(("uploads are written to a local directory".into(), span(n)));
            }
            if eager_connect_call(Lang::Go, &callee) {
                f.rare.eager_connects.push((format!("`{callee}`"), span(n)));
            }
            if let Some(what) = migration_call(&callee, first_str.as_deref(), text) {
                f.rare.migrations.push((what.to_string(), span(n)));
            }
            match callee.as_str() {
                "os.Getenv" | "os.LookupEnv" => {
                    if let Some(name) = first_str.clone() {
                        f.env_reads.push(EnvRead {
                            name: name.into(),
                            default: None,
                            has_default: callee == "os.LookupEnv",
                            span: span(n).into(),
                            default_span: None,
                            required: false,
                            required_if: None,
                        });
                        if let Some(r) = f.env_reads.last_mut() {
                            super::generic::guard_required(r, n, text);
                        }
                    }
                }
                "http.ListenAndServe" | "http.ListenAndServeTLS" | "net.Listen" | "tls.Listen" => {
                    let addr = if callee.ends_with("Listen") {
                        a.get(1)
                    } else {
                        a.first()
                    };
                    if let Some(addr) = addr {
                        let lit = string_value(*addr, text);
                        let env = t(*addr, text).contains("Getenv") || kind(addr) == "identifier";
                        f.rare.listens.extend(listen_at(
                            lit.as_deref().map(|s| (s, span(*addr))),
                            env,
                            span(n),
                            &callee,
                        ));
                    }
                }
                "godotenv.Load" | "godotenv.Overload" => {
                    let files: Vec<String> =
                        a.iter().filter_map(|x| string_value(*x, text)).collect();
                    if files.is_empty() {
                        f.rare.dotenv_files.push(".env".into());
                    }
                    f.rare.dotenv_files.extend(files);
                }
                "exec.Command" | "exec.CommandContext" => {
                    let prog = if callee.ends_with("Context") {
                        a.get(1)
                    } else {
                        a.first()
                    };
                    if let Some(p) = prog.and_then(|p| string_value(*p, text)) {
                        f.rare.programs.push((p, span(*prog.unwrap_or(&n))));
                    }
                }
                "log.SetOutput" => {
                    if let Some(w) = a.first() {
                        let target = t(*w, text);
                        let stream = target.contains("os.Stdout") || target.contains("os.Stderr");
                        // a lumberjack literal is reported by itself
                        if !stream && opens_files && !target.contains("lumberjack") {
                            f.rare.file_logs.push(FileLog {
                                what: "`log.SetOutput` sends logs to a file".into(),
                                span: span(n),
                            });
                        }
                    }
                }
                _ => {
                    let method = callee.rsplit('.').next().unwrap_or("");
                    // gin's r.Run(":8080"), echo's e.Start(":8080")
                    if matches!(method, "Run" | "Start" | "RunTLS" | "StartTLS")
                        && callee.contains('.')
                        && let Some(addr) = a.first()
                    {
                        let lit = string_value(*addr, text);
                        let env = t(*addr, text).contains("Getenv");
                        if lit.is_some() || env {
                            f.rare.listens.extend(listen_at(
                                lit.as_deref().map(|s| (s, span(*addr))),
                                env,
                                span(n),
                                &callee,
                            ));
                        }
                    }
                }
            }
        }
        "composite_literal"
            if field(n, "type").is_some_and(|ty| t(ty, text).ends_with("lumberjack.Logger")) =>
        {
            f.rare.file_logs.push(FileLog {
                what: "a lumberjack logger writes rotating log files".into(),
                span: span(n),
            });
        }
        // a client's options with a literal address: `redis.Options{Addr: "redis-master:6379"}`
        "composite_literal"
            if field(n, "type").is_some_and(|ty| t(ty, text).ends_with("Options")) =>
        {
            let addr = field(n, "body").and_then(|body| {
                let mut c = body.walk();
                body.named_children(&mut c).find_map(|kv| {
                    let mut c2 = kv.walk();
                    let kids: Vec<Node<'_>> = kv.named_children(&mut c2).collect();
                    (kind(kv) == "keyed_element"
                        && kids.len() == 2
                        && matches!(t(kids[0], text), "Addr" | "Host"))
                    .then(|| {
                        let v = if kids[1].kind() == "literal_element" {
                            kids[1].named_child(0)
                        } else {
                            Some(kids[1])
                        }?;
                        Some((string_value(v, text)?, span(v)))
                    })
                    .flatten()
                })
            });
            if let Some((addr, sp)) = addr {
                let host = addr.rsplit_once(':').map_or(addr.as_str(), |(h, _)| h);
                if !host.is_empty() {
                    f.rare.calls.push(Call {
                        callee: t(field(n, "type").unwrap_or(n), text).to_string(),
                        args: vec![Arg {
                            keyword: Some("host".into()),
                            value: ArgValue::Str(host.to_string().into()),
                            span: sp.clone(),
                            value_span: sp,
                        }],
                        span: span(n),
                        main_guard: false,
                    });
                }
            }
        }
        "interpreted_string_literal" | "raw_string_literal" => {
            if let Some(v) = string_value(n, text) {
                f.string_literal(v, span(n));
            }
        }
        "short_var_declaration"
        | "assignment_statement"
        | "const_spec"
        | "var_spec"
        | "keyed_element" => {
            let (k, v) = match kind(n) {
                "const_spec" | "var_spec" => (field(n, "name"), field(n, "value")),
                "keyed_element" => {
                    let mut c = n.walk();
                    let kids: Vec<Node<'_>> = n.named_children(&mut c).collect();
                    (kids.first().copied(), kids.get(1).copied())
                }
                _ => (field(n, "left"), field(n, "right")),
            };
            if let (Some(k), Some(v)) = (k, v) {
                let value_node = if kind(v) == "expression_list" || kind(v) == "literal_element" {
                    v.named_child(0)
                } else {
                    Some(v)
                };
                if let Some(vn) = value_node
                    && let Some(value) = string_value(vn, text)
                {
                    let key = t(k, text)
                        .trim_matches('"')
                        .rsplit('.')
                        .next()
                        .unwrap_or("")
                        .to_string();
                    f.bindings.push(StrBinding {
                        key: key.into(),
                        value: value.into(),
                        value_span: span(vn).into(),
                    });
                }
            }
        }
        "binary_expression" => {
            let op = n
                .child_by_field_name("operator")
                .map(|o| t(o, text))
                .unwrap_or("");
            if matches!(op, "==" | "!=")
                && let (Some(l), Some(r)) = (field(n, "left"), field(n, "right"))
            {
                for (x, y) in [(l, r), (r, l)] {
                    if t(x, text).starts_with("os.Getenv(")
                        && let (Some(value), Some(var)) = (
                            string_value(y, text),
                            field(x, "arguments")
                                .and_then(|a| a.named_child(0))
                                .and_then(|s| string_value(s, text)),
                        )
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
                visit(cursor, text, f, opens_files, depth + 1);
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
    fn go_facts() {
        let text = r#"package main

import (
	"log"
	"net/http"
	"os"
	"github.com/gin-gonic/gin"
	"gopkg.in/natefinch/lumberjack.v2"
)

func main() {
	dsn := os.Getenv("DATABASE_URL")
	if os.Getenv("APP_ENV") == "production" {
		log.SetOutput(&lumberjack.Logger{Filename: "/var/log/app.log"})
	}
	out, _ := exec.Command("git", "rev-parse", "HEAD").Output()
	r := gin.Default()
	go http.ListenAndServe("127.0.0.1:6060", nil)
	r.Run(":8080")
	_ = dsn
	_ = out
}
"#;
        let f = parse(text);
        assert_eq!(f.imports.len(), 5);
        assert_eq!(
            f.env_reads
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>(),
            ["DATABASE_URL", "APP_ENV"]
        );
        assert_eq!(f.rare.env_branches.len(), 1);
        assert_eq!(f.rare.programs[0].0, "git");
        assert!(!f.rare.file_logs.is_empty());
        assert_eq!(f.rare.listens.len(), 2);
        assert_eq!(f.rare.listens[0].host.as_ref().unwrap().0, "127.0.0.1");
        assert_eq!(f.rare.listens[1].port.as_ref().unwrap().0, 8080);
    }
}
