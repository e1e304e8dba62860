//! C# source facts: `Environment.GetEnvironmentVariable`, connection strings and
//! credentials in literals and object initializers, Kestrel URLs (`UseUrls`, `app.Run(url)`,
//! `ListenLocalhost`), Serilog and NLog file sinks, `Database.Migrate()` at start.

use super::generic::*;
use super::*;
use tree_sitter::Node;

kinds_of!(tree_sitter_c_sharp::LANGUAGE);

pub fn parse(text: &str) -> CodeFacts {
    let Some(tree) = parse_tree("csharp", || tree_sitter_c_sharp::LANGUAGE.into(), text) else {
        return CodeFacts::default();
    };
    facts(&CSharp, &VOCAB, tree.root_node(), text)
}

const VOCAB: Vocabulary = Vocabulary {
    listens: &[
        ("UseUrls", 0),
        ("Urls.Add", 0),
        ("app.Run", 0),
        ("app.RunAsync", 0),
        ("ListenLocalhost", 0),
        ("ListenAnyIP", 0),
    ],
    file_logs: &[
        ("WriteTo.File", "a Serilog file sink writes logs to a file"),
        (
            "WriteTo.RollingFile",
            "a Serilog rolling file sink writes logs to files",
        ),
        ("AddFile", "a file logging provider writes logs to a file"),
        (
            "new FileTarget",
            "an NLog `FileTarget` writes logs to a file",
        ),
    ],
    streams: &["Console", "/dev/stdout", "/dev/stderr"],
    sessions: &[],
    migrations: &[
        (
            "Database.Migrate",
            "",
            "`Database.Migrate()` applies EF Core migrations",
        ),
        (
            "Database.MigrateAsync",
            "",
            "`Database.MigrateAsync()` applies EF Core migrations",
        ),
        (
            "Database.EnsureCreated",
            "",
            "`Database.EnsureCreated()` creates the schema",
        ),
    ],
    credentials: &[("new NetworkCredential", 0, 1)],
    programs: &[("Process.Start", 0)],
    retries: &[
        ("EnableRetryOnFailure", "EF Core `EnableRetryOnFailure`"),
        ("WaitAndRetry", "a Polly retry policy"),
        ("WaitAndRetryAsync", "a Polly retry policy"),
        ("WaitAndRetryForever", "a Polly retry policy"),
        ("WaitAndRetryForeverAsync", "a Polly retry policy"),
        ("RetryForever", "a Polly retry policy"),
    ],
    hosts: &[
        ("ConnectionMultiplexer.Connect", "ConnectionMultiplexer"),
        (
            "ConnectionMultiplexer.ConnectAsync",
            "ConnectionMultiplexer",
        ),
    ],
    local_state: &[],
};

struct CSharp;

impl Grammar for CSharp {
    fn node_kind<'t>(&self, n: Node<'t>) -> &'t str {
        kind(n)
    }
    fn string(&self, n: Node<'_>, text: &str) -> Option<String> {
        match kind(n) {
            "string_literal" => {
                let kids = named_children(n);
                match kids.as_slice() {
                    [] => Some(String::new()),
                    [c] if kind(c) == "string_literal_content" => {
                        Some(node_text(*c, text).to_string())
                    }
                    _ => None,
                }
            }
            "verbatim_string_literal" => {
                let t = node_text(n, text);
                t.strip_prefix("@\"")
                    .and_then(|r| r.strip_suffix('"'))
                    .map(|s| s.replace("\"\"", "\""))
            }
            "raw_string_literal" => {
                let t = node_text(n, text).trim_matches('"');
                Some(t.to_string())
            }
            _ => None,
        }
    }

    fn call<'t>(&self, n: Node<'t>, text: &str) -> Option<CallShape<'t>> {
        let (callee, args) = match kind(n) {
            "invocation_expression" => (
                node_text(field(n, "function")?, text)
                    .split_whitespace()
                    .collect::<String>(),
                field(n, "arguments"),
            ),
            "object_creation_expression" => (
                format!("new {}", node_text(field(n, "type")?, text)),
                field(n, "arguments"),
            ),
            _ => return None,
        };
        let mut out = Vec::new();
        for a in args.map(named_children).unwrap_or_default() {
            if kind(a) != "argument" {
                continue;
            }
            let kids = named_children(a);
            let (name, value) = match kids.as_slice() {
                [nc, v] if kind(nc) == "name_colon" => (
                    Some(
                        node_text(*nc, text)
                            .trim_end_matches(':')
                            .trim()
                            .to_string(),
                    ),
                    *v,
                ),
                [.., v] => (None, *v),
                [] => continue,
            };
            out.push((name, value));
        }
        Some(CallShape {
            callee,
            args: out,
            block: None,
        })
    }

    fn env_read<'t>(&self, n: Node<'t>, text: &str) -> Option<EnvShape<'t>> {
        if kind(n) != "invocation_expression" {
            return None;
        }
        let f = node_text(field(n, "function")?, text);
        if !f.ends_with("Environment.GetEnvironmentVariable") {
            return None;
        }
        let args = named_children(field(n, "arguments")?);
        let first = named_children(*args.first()?).into_iter().last()?;
        Some(EnvShape {
            name: self.string(first, text)?,
            default: None,
            required: false,
            inline_default: None,
        })
    }

    fn binding<'t>(&self, n: Node<'t>, text: &str) -> Option<(String, Node<'t>)> {
        match kind(n) {
            "variable_declarator" => {
                let kids = named_children(n);
                let name = kids.first()?;
                let value = kids.get(1)?;
                let value = if kind(value) == "equals_value_clause" {
                    named_children(*value).into_iter().next()?
                } else {
                    *value
                };
                Some((node_text(*name, text).to_string(), value))
            }
            "assignment_expression" => {
                let left = node_text(field(n, "left")?, text);
                Some((
                    left.rsplit('.').next().unwrap_or(left).trim().to_string(),
                    field(n, "right")?,
                ))
            }
            _ => None,
        }
    }

    fn equality<'t>(&self, n: Node<'t>, text: &str) -> Option<(Node<'t>, Node<'t>)> {
        if kind(n) != "binary_expression" {
            return None;
        }
        let op = node_text(field(n, "operator")?, text);
        matches!(op, "==" | "!=").then_some(())?;
        Some((field(n, "left")?, field(n, "right")?))
    }

    fn or_default<'t>(&self, n: Node<'t>, text: &str) -> Option<Node<'t>> {
        let p = n.parent()?;
        (kind(p) == "binary_expression"
            && field(p, "operator").map(|o| node_text(o, text)) == Some("??")
            && field(p, "left") == Some(n))
        .then(|| field(p, "right"))?
    }

    fn is_test(&self, n: Node<'_>, text: &str) -> bool {
        matches!(kind(n), "method_declaration" | "class_declaration")
            && named_children(n).into_iter().any(|c| {
                kind(c) == "attribute_list"
                    && named_children(c).into_iter().any(|a| {
                        field(a, "name").is_some_and(|nm| {
                            matches!(
                                node_text(nm, text),
                                "Fact"
                                    | "Theory"
                                    | "Test"
                                    | "TestMethod"
                                    | "TestClass"
                                    | "TestFixture"
                            )
                        })
                    })
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csharp_facts() {
        let text = r#"using System;
var builder = WebApplication.CreateBuilder(args);
var cs = Environment.GetEnvironmentVariable("DATABASE_URL") ?? "postgres://app:pw@db:5432/app";
builder.WebHost.UseUrls("http://localhost:5000");
Log.Logger = new LoggerConfiguration().WriteTo.File("logs/app.txt").CreateLogger();
Log.Logger = new LoggerConfiguration().WriteTo.Console().CreateLogger();
var o = new Options { Password = "hunter22" };
string password = "abc";
using (var scope = app.Services.CreateScope()) { scope.ServiceProvider.GetRequiredService<AppDb>().Database.Migrate(); }
app.Run("http://+:8080");
class T { [Fact] public void X() { var password = "in-test"; } }
"#;
        let f = parse(text);
        assert_eq!(f.env_reads.len(), 1);
        assert!(f.env_reads[0].has_default);
        let b: Vec<(&str, &str)> = f
            .bindings
            .iter()
            .map(|b| (b.key.as_str(), b.value.as_str()))
            .collect();
        assert!(b.contains(&("Password", "hunter22")), "{b:?}");
        assert!(b.contains(&("password", "abc")), "{b:?}");
        assert!(!b.iter().any(|(_, v)| *v == "in-test"), "{b:?}");
        assert_eq!(f.rare.file_logs.len(), 1, "{:?}", f.rare.file_logs);
        assert_eq!(f.rare.migrations.len(), 1);
        let hosts: Vec<&str> = f
            .rare
            .listens
            .iter()
            .filter_map(|l| l.host.as_ref().map(|h| h.0.as_str()))
            .collect();
        assert_eq!(hosts, ["localhost", "0.0.0.0"]);
        assert!(f.urls.iter().any(|u| u.env_default));
    }
}
