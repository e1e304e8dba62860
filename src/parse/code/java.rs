//! Java source facts: `System.getenv`, Spring `@Value("${…}")`, JDBC URLs and credentials
//! (`DriverManager.getConnection`, data source setters), file log handlers and appenders
//! built in code, in-memory token and session stores, Flyway and Liquibase run at start.

use super::generic::*;
use super::*;
use tree_sitter::Node;

kinds_of!(tree_sitter_java::LANGUAGE);

pub fn parse(text: &str) -> CodeFacts {
    let Some(tree) = parse_tree("java", || tree_sitter_java::LANGUAGE.into(), text) else {
        return CodeFacts::default();
    };
    facts(&Java, &VOCAB, tree.root_node(), text)
}

const VOCAB: Vocabulary = Vocabulary {
    listens: &[("new InetSocketAddress", 0), ("new ServerSocket", 0)],
    file_logs: &[
        (
            "new FileHandler",
            "a `java.util.logging.FileHandler` writes to a file",
        ),
        ("new FileAppender", "a `FileAppender` writes to a file"),
        (
            "new RollingFileAppender",
            "a `RollingFileAppender` writes to files",
        ),
        (
            "FileAppender.newBuilder",
            "a log4j `FileAppender` writes to a file",
        ),
        (
            "RollingFileAppender.newBuilder",
            "a log4j `RollingFileAppender` writes to files",
        ),
    ],
    streams: &["System.out", "System.err", "/dev/stdout", "/dev/stderr"],
    sessions: &[
        (
            "new InMemoryTokenStore",
            "`InMemoryTokenStore` keeps issued tokens in process memory",
        ),
        (
            "new MapSessionRepository",
            "`MapSessionRepository` keeps sessions in process memory",
        ),
        (
            "new InMemoryOAuth2AuthorizationService",
            "`InMemoryOAuth2AuthorizationService` keeps authorizations in process memory",
        ),
    ],
    migrations: &[
        (
            "migrate",
            "Flyway",
            "Flyway `migrate()` in the application code",
        ),
        (
            "liquibase.update",
            "",
            "Liquibase `update()` in the application code",
        ),
    ],
    credentials: &[("DriverManager.getConnection", 1, 2)],
    programs: &[("exec", 0), ("new ProcessBuilder", 0)],
    retries: &[("RetryTemplate.execute", "a Spring `RetryTemplate`")],
    hosts: &[
        ("new Jedis", "Jedis"),
        ("new JedisPool", "JedisPool"),
        ("new MongoClient", "MongoClient"),
        ("new ServerAddress", "MongoClient"),
    ],
    local_state: &[(
        "transferTo",
        "an uploaded file is saved to local disk (`transferTo`)",
    )],
};

struct Java;

impl Grammar for Java {
    fn node_kind<'t>(&self, n: Node<'t>) -> &'t str {
        kind(n)
    }
    fn string(&self, n: Node<'_>, text: &str) -> Option<String> {
        if kind(n) != "string_literal" {
            return None;
        }
        let kids = named_children(n);
        match kids.as_slice() {
            [] => Some(String::new()),
            [c] if matches!(kind(c), "string_fragment" | "multiline_string_fragment") => {
                Some(node_text(*c, text).to_string())
            }
            _ => None,
        }
    }

    fn call<'t>(&self, n: Node<'t>, text: &str) -> Option<CallShape<'t>> {
        let callee = match kind(n) {
            "method_invocation" => {
                let name = node_text(field(n, "name")?, text);
                match field(n, "object") {
                    Some(o) => format!(
                        "{}.{name}",
                        node_text(o, text).split_whitespace().collect::<String>()
                    ),
                    None => name.to_string(),
                }
            }
            "object_creation_expression" => {
                format!("new {}", node_text(field(n, "type")?, text))
            }
            _ => return None,
        };
        let args = n
            .child_by_field_name("arguments")
            .map(|a| named_children(a).into_iter().map(|x| (None, x)).collect())
            .unwrap_or_default();
        Some(CallShape {
            callee,
            args,
            block: None,
        })
    }

    fn env_read<'t>(&self, n: Node<'t>, text: &str) -> Option<EnvShape<'t>> {
        match kind(n) {
            "method_invocation" => {
                let name = node_text(field(n, "name")?, text);
                let obj = node_text(field(n, "object")?, text);
                if name != "getenv" || !matches!(obj, "System" | "java.lang.System") {
                    return None;
                }
                let a = named_children(field(n, "arguments")?);
                Some(EnvShape {
                    name: self.string(*a.first()?, text)?,
                    default: None,
                    required: false,
                    inline_default: None,
                })
            }
            // Spring: `@Value("${DB_PASSWORD:default}")`; an unresolvable placeholder fails
            // the application context at start
            "annotation" => {
                if node_text(field(n, "name")?, text) != "Value" {
                    return None;
                }
                let args = field(n, "arguments")?;
                let lit = named_children(args).into_iter().next()?;
                let v = self.string(lit, text)?;
                let inner = v.strip_prefix("${")?.strip_suffix('}')?;
                let (name, default) = match inner.split_once(':') {
                    Some((n, d)) => (n, Some(d)),
                    None => (inner, None),
                };
                // only names written as environment variables (Spring also maps `a.b` keys,
                // which are properties first)
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                {
                    return None;
                }
                let content = named_children(lit).into_iter().next().unwrap_or(lit);
                let inline_default = default.map(|d| {
                    let start = content.start_byte() + 2 + name.len() + 1;
                    (d.to_string(), start..start + d.len())
                });
                Some(EnvShape {
                    name: name.to_string(),
                    default: None,
                    required: default.is_none(),
                    inline_default,
                })
            }
            _ => None,
        }
    }

    fn binding<'t>(&self, n: Node<'t>, text: &str) -> Option<(String, Node<'t>)> {
        match kind(n) {
            "variable_declarator" => Some((
                node_text(field(n, "name")?, text).to_string(),
                field(n, "value")?,
            )),
            "assignment_expression" => {
                let left = node_text(field(n, "left")?, text);
                Some((
                    left.rsplit('.').next().unwrap_or(left).to_string(),
                    field(n, "right")?,
                ))
            }
            // setters and builders: `ds.setPassword("x")`, `.password("x")`
            "method_invocation" => {
                let name = node_text(field(n, "name")?, text);
                let args = named_children(field(n, "arguments")?);
                let [value] = args.as_slice() else {
                    return None;
                };
                let key = name.strip_prefix("set").unwrap_or(name);
                let lower = key.to_ascii_lowercase();
                (lower.contains("password")
                    || lower.contains("secret")
                    || lower.ends_with("url")
                    || lower.contains("host"))
                .then(|| (key.to_string(), *value))
            }
            "element_value_pair" => Some((
                node_text(field(n, "key")?, text).to_string(),
                field(n, "value")?,
            )),
            _ => None,
        }
    }

    fn equality<'t>(&self, n: Node<'t>, text: &str) -> Option<(Node<'t>, Node<'t>)> {
        match kind(n) {
            "binary_expression" => {
                let op = node_text(field(n, "operator")?, text);
                matches!(op, "==" | "!=").then_some(())?;
                Some((field(n, "left")?, field(n, "right")?))
            }
            "method_invocation" => {
                let name = node_text(field(n, "name")?, text);
                matches!(name, "equals" | "equalsIgnoreCase").then_some(())?;
                let a = named_children(field(n, "arguments")?);
                Some((field(n, "object")?, *a.first()?))
            }
            _ => None,
        }
    }

    fn or_default<'t>(&self, _n: Node<'t>, _text: &str) -> Option<Node<'t>> {
        None
    }

    fn retry(&self, n: Node<'_>, text: &str) -> Option<&'static str> {
        (matches!(kind(n), "marker_annotation" | "annotation")
            && field(n, "name").is_some_and(|nm| node_text(nm, text) == "Retryable"))
        .then_some("Spring `@Retryable`")
    }

    fn is_test(&self, n: Node<'_>, text: &str) -> bool {
        // a method or class annotated as a test
        matches!(kind(n), "method_declaration" | "class_declaration")
            && n.child(0).is_some_and(|m| {
                kind(m) == "modifiers"
                    && named_children(m).into_iter().any(|a| {
                        matches!(kind(a), "marker_annotation" | "annotation")
                            && field(a, "name").is_some_and(|nm| {
                                matches!(
                                    node_text(nm, text),
                                    "Test"
                                        | "ParameterizedTest"
                                        | "SpringBootTest"
                                        | "WebMvcTest"
                                        | "DataJpaTest"
                                        | "TestConfiguration"
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
    fn java_facts() {
        let text = r#"import org.x.Y;
class A {
  private TokenStore tokenStore = new InMemoryTokenStore();
  @Value("${DB_PASSWORD:secret}") private String pw;
  @Value("${API_KEY}") private String key;
  @Value("${spring.datasource.url}") private String url;
  void f() throws Exception {
    String u = System.getenv("DATABASE_URL");
    Connection c = DriverManager.getConnection("jdbc:postgresql://db:5432/app", "app", "s3cret");
    if ("production".equals(System.getenv("APP_ENV"))) {}
    FileHandler h = new FileHandler("/var/log/app.log");
    ds.setPassword("pw123");
    Flyway.configure().dataSource(ds).load().migrate();
  }
  @Test void t() { String password = "in-test"; }
}
"#;
        let f = parse(text);
        let reads: Vec<(&str, bool, bool)> = f
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.has_default, r.required))
            .collect();
        assert_eq!(
            reads,
            [
                ("DB_PASSWORD", true, false),
                ("API_KEY", false, true),
                ("DATABASE_URL", false, false),
                ("APP_ENV", false, false),
            ]
        );
        let b: Vec<(&str, &str)> = f
            .bindings
            .iter()
            .map(|b| (b.key.as_str(), b.value.as_str()))
            .collect();
        assert!(b.contains(&("DB_PASSWORD", "secret")), "{b:?}");
        assert!(b.contains(&("getConnection password", "s3cret")), "{b:?}");
        assert!(b.contains(&("Password", "pw123")), "{b:?}");
        assert!(!b.iter().any(|(_, v)| *v == "in-test"), "{b:?}");
        let pw = f
            .bindings
            .iter()
            .find(|b| b.key == "DB_PASSWORD")
            .map(|b| &text[b.value_span.range()]);
        assert_eq!(pw, Some("secret"));
        assert_eq!(f.rare.local_sessions.len(), 1);
        assert_eq!(f.rare.file_logs.len(), 1);
        assert_eq!(f.rare.env_branches.len(), 1);
        assert_eq!(f.rare.migrations.len(), 1);
        assert!(
            f.urls
                .iter()
                .any(|u| u.value.starts_with("postgresql://db"))
        );
    }
}
