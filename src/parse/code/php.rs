//! PHP source facts: `getenv`, `$_ENV`, `$_SERVER`, Laravel's `env()`, PDO DSNs and
//! credentials, Monolog stream handlers to files, array and assignment secrets.

use super::generic::*;
use super::*;
use tree_sitter::Node;

kinds_of!(tree_sitter_php::LANGUAGE_PHP);

pub fn parse(text: &str) -> CodeFacts {
    let Some(tree) = parse_tree("php", || tree_sitter_php::LANGUAGE_PHP.into(), text) else {
        return CodeFacts::default();
    };
    facts(&Php, &VOCAB, tree.root_node(), text)
}

const VOCAB: Vocabulary = Vocabulary {
    listens: &[],
    file_logs: &[
        (
            "new StreamHandler",
            "a Monolog `StreamHandler` writes to a file",
        ),
        (
            "new RotatingFileHandler",
            "a Monolog `RotatingFileHandler` writes to files",
        ),
    ],
    streams: &[
        "php://stdout",
        "php://stderr",
        "php://output",
        "STDOUT",
        "STDERR",
        "/dev/stdout",
        "/dev/stderr",
    ],
    sessions: &[],
    migrations: &[(
        "Artisan::call",
        "'migrate",
        "`Artisan::call('migrate')` in the application code",
    )],
    credentials: &[
        ("new PDO", 1, 2),
        ("new mysqli", 1, 2),
        ("mysqli_connect", 1, 2),
    ],
    programs: &[
        ("exec", 0),
        ("shell_exec", 0),
        ("system", 0),
        ("passthru", 0),
        ("proc_open", 0),
    ],
    retries: &[],
    hosts: &[
        ("->connect", "connect"),
        ("->pconnect", "connect"),
        ("->addServer", "Memcached"),
    ],
    local_state: &[(
        "move_uploaded_file",
        "uploads are moved to a local directory (`move_uploaded_file`)",
    )],
};

/// `$_SERVER` keys the web server sets per request, not the deployment's environment.
fn cgi_key(k: &str) -> bool {
    k.starts_with("HTTP_")
        || k.starts_with("REQUEST_")
        || k.starts_with("SERVER_")
        || k.starts_with("REMOTE_")
        || k.starts_with("SCRIPT_")
        || k.starts_with("PHP_")
        || k.starts_with("CONTENT_")
        || k.starts_with("PATH_")
        || k.starts_with("DOCUMENT_")
        || k.starts_with("GATEWAY_")
        || k.starts_with("QUERY_")
        || k.starts_with("REDIRECT_")
        || matches!(k, "HTTPS" | "argv" | "argc" | "PHP_SELF" | "ORIG_PATH_INFO")
}

struct Php;

impl Php {
    fn args<'t>(&self, n: Node<'t>, text: &str) -> Vec<(Option<String>, Node<'t>)> {
        let Some(al) = field(n, "arguments").or_else(|| {
            named_children(n)
                .into_iter()
                .find(|c| kind(c) == "arguments")
        }) else {
            return Vec::new();
        };
        named_children(al)
            .into_iter()
            .filter(|a| kind(a) == "argument")
            .filter_map(|a| {
                let kids = named_children(a);
                let value = *kids.last()?;
                let name = (kids.len() == 2).then(|| node_text(kids[0], text).to_string());
                Some((name, value))
            })
            .collect()
    }
}

impl Grammar for Php {
    fn node_kind<'t>(&self, n: Node<'t>) -> &'t str {
        kind(n)
    }
    fn string(&self, n: Node<'_>, text: &str) -> Option<String> {
        if !matches!(kind(n), "string" | "encapsed_string") {
            return None;
        }
        let kids = named_children(n);
        match kids.as_slice() {
            [] => Some(String::new()),
            [c] if kind(c) == "string_content" => Some(node_text(*c, text).to_string()),
            _ => None,
        }
    }

    fn call<'t>(&self, n: Node<'t>, text: &str) -> Option<CallShape<'t>> {
        let callee = match kind(n) {
            "function_call_expression" => node_text(field(n, "function")?, text).to_string(),
            "member_call_expression" => format!(
                "{}->{}",
                node_text(field(n, "object")?, text),
                node_text(field(n, "name")?, text)
            ),
            "scoped_call_expression" => format!(
                "{}::{}",
                node_text(field(n, "scope")?, text),
                node_text(field(n, "name")?, text)
            ),
            "object_creation_expression" => {
                let ty = named_children(n)
                    .into_iter()
                    .find(|c| matches!(kind(c), "name" | "qualified_name"))?;
                let t = node_text(ty, text);
                format!("new {}", t.rsplit('\\').next().unwrap_or(t))
            }
            _ => return None,
        };
        Some(CallShape {
            callee: if callee.starts_with("new ") {
                callee
            } else {
                callee.split_whitespace().collect()
            },
            args: self.args(n, text),
            block: None,
        })
    }

    fn env_read<'t>(&self, n: Node<'t>, text: &str) -> Option<EnvShape<'t>> {
        match kind(n) {
            "function_call_expression" => {
                let f = node_text(field(n, "function")?, text);
                if !matches!(f, "getenv" | "env" | "\\getenv") {
                    return None;
                }
                let args = self.args(n, text);
                let name = self.string(args.first()?.1, text)?;
                // Laravel's `env('X')` only means the environment with an upper-case name
                if f == "env"
                    && !name
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                {
                    return None;
                }
                Some(EnvShape {
                    name,
                    default: args.get(1).map(|a| a.1),
                    required: false,
                    inline_default: None,
                })
            }
            "subscript_expression" => {
                let kids = named_children(n);
                let var = node_text(*kids.first()?, text);
                let is_server = var == "$_SERVER";
                if var != "$_ENV" && !is_server {
                    return None;
                }
                let name = self.string(*kids.get(1)?, text)?;
                if is_server && cgi_key(&name) {
                    return None;
                }
                Some(EnvShape {
                    name,
                    default: None,
                    required: false,
                    inline_default: None,
                })
            }
            _ => None,
        }
    }

    fn binding<'t>(&self, n: Node<'t>, text: &str) -> Option<(String, Node<'t>)> {
        match kind(n) {
            "assignment_expression" => {
                let left = field(n, "left")?;
                let key = match kind(left) {
                    "member_access_expression" => node_text(field(left, "name")?, text).to_string(),
                    _ => node_text(left, text).trim_start_matches('$').to_string(),
                };
                Some((key, field(n, "right")?))
            }
            "array_element_initializer" => {
                let kids = named_children(n);
                let [k, v] = kids.as_slice() else {
                    return None;
                };
                Some((self.string(*k, text)?, *v))
            }
            "const_element" => {
                let kids = named_children(n);
                Some((node_text(*kids.first()?, text).to_string(), *kids.get(1)?))
            }
            _ => None,
        }
    }

    fn equality<'t>(&self, n: Node<'t>, text: &str) -> Option<(Node<'t>, Node<'t>)> {
        if kind(n) != "binary_expression" {
            return None;
        }
        let op = node_text(field(n, "operator")?, text);
        matches!(op, "==" | "===" | "!=" | "!==").then_some(())?;
        Some((field(n, "left")?, field(n, "right")?))
    }

    fn or_default<'t>(&self, n: Node<'t>, text: &str) -> Option<Node<'t>> {
        let p = n.parent()?;
        (kind(p) == "binary_expression"
            && matches!(
                field(p, "operator").map(|o| node_text(o, text)),
                Some("??" | "?:")
            )
            && field(p, "left") == Some(n))
        .then(|| field(p, "right"))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn php_facts() {
        let text = r#"<?php
use Monolog\Handler\StreamHandler;
$db = new PDO('mysql:host=db;dbname=app', 'root', 'secret123');
$x = getenv('DATABASE_URL');
$y = $_ENV['APP_KEY'] ?? 'base64:abcdefghijklmnop';
$z = $_SERVER['REDIS_HOST'];
$m = $_SERVER['REQUEST_METHOD'];
$log->pushHandler(new StreamHandler('/var/log/app.log', Logger::WARNING));
$log->pushHandler(new StreamHandler('php://stderr'));
$cfg = ['password' => 'hunter22', 'url' => "redis://cache:6379"];
if (getenv('APP_ENV') === 'production') {}
"#;
        let f = parse(text);
        let names: Vec<&str> = f.env_reads.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["DATABASE_URL", "APP_KEY", "REDIS_HOST", "APP_ENV"]);
        assert!(f.env_reads[1].has_default);
        let b: Vec<(&str, &str)> = f
            .bindings
            .iter()
            .map(|b| (b.key.as_str(), b.value.as_str()))
            .collect();
        assert!(b.contains(&("PDO password", "secret123")), "{b:?}");
        assert!(b.contains(&("password", "hunter22")), "{b:?}");
        assert!(b.contains(&("APP_KEY", "base64:abcdefghijklmnop")), "{b:?}");
        assert_eq!(f.rare.file_logs.len(), 1);
        assert_eq!(f.rare.env_branches.len(), 1);
        assert!(f.urls.iter().any(|u| u.value == "redis://cache:6379"));
    }
}
