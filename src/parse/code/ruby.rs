//! Ruby source facts: `ENV[...]`/`ENV.fetch`, `Redis.new(host: …)`, `Logger.new(path)`,
//! Puma `bind`/`port`, URL and secret literals, `Rack::Session::Pool`.

use super::generic::*;
use super::*;
use tree_sitter::Node;

kinds_of!(tree_sitter_ruby::LANGUAGE);

/// The facts of a Ruby file: from its tokens where they say everything ([`super::rubylex`]),
/// from its tree otherwise.
pub fn parse(text: &str) -> CodeFacts {
    super::rubylex::facts(text).unwrap_or_else(|| parse_with_tree(text))
}

/// The facts of a Ruby file read from its tree alone (what the lexical front end must agree
/// with).
pub fn parse_with_tree(text: &str) -> CodeFacts {
    let Some(tree) = parse_tree("ruby", || tree_sitter_ruby::LANGUAGE.into(), text) else {
        return CodeFacts::default();
    };
    let mut f = facts(&Ruby, &VOCAB, tree.root_node(), text);
    // a second walk, for one assignment that names the setting
    if text.contains("active_storage") {
        active_storage_local(tree.root_node(), text, &mut f, 0);
    }
    f
}

/// `config.active_storage.service = :local`: uploads on the server's disk (Rails' `Disk`
/// service).
fn active_storage_local(n: Node<'_>, text: &str, f: &mut CodeFacts, depth: usize) {
    if depth > 200 {
        return;
    }
    if kind(n) == "assignment"
        && let (Some(l), Some(r)) = (field(n, "left"), field(n, "right"))
        && node_text(l, text).ends_with("active_storage.service")
        && node_text(r, text) == ":local"
    {
        f.rare.local_state.push((
            "Active Storage keeps uploads on the server's disk (`service = :local`)".into(),
            node_span(n),
        ));
    }
    for c in named_children(n) {
        active_storage_local(c, text, f, depth + 1);
    }
}

const VOCAB: Vocabulary = Vocabulary {
    listens: &[("bind", 0), ("port", 0)],
    file_logs: &[
        ("Logger.new", "a `Logger` writes to a file"),
        ("Logger::Syslog.new", "a syslog logger"),
    ],
    streams: &[
        "STDOUT",
        "STDERR",
        "$stdout",
        "$stderr",
        "/dev/stdout",
        "/dev/stderr",
        "IO",
    ],
    sessions: &[(
        "Rack::Session::Pool",
        "`Rack::Session::Pool` keeps sessions in process memory",
    )],
    migrations: &[
        (
            "DatabaseTasks.migrate",
            "",
            "`ActiveRecord::Tasks::DatabaseTasks.migrate`",
        ),
        (
            "MigrationContext.new",
            "migrate",
            "an Active Record migration context",
        ),
        ("Sequel::Migrator.run", "", "`Sequel::Migrator.run`"),
    ],
    credentials: &[],
    programs: &[("system", 0), ("spawn", 0)],
    retries: &[],
    hosts: &[("Dalli::Client.new", "Dalli::Client")],
    local_state: &[],
};

struct Ruby;

impl Grammar for Ruby {
    fn node_kind<'t>(&self, n: Node<'t>) -> &'t str {
        kind(n)
    }
    fn string(&self, n: Node<'_>, text: &str) -> Option<String> {
        match kind(n) {
            "string" => {
                let kids = named_children(n);
                match kids.as_slice() {
                    [] => Some(String::new()),
                    [c] if kind(c) == "string_content" => Some(node_text(*c, text).to_string()),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn call<'t>(&self, n: Node<'t>, text: &str) -> Option<CallShape<'t>> {
        if kind(n) != "call" {
            return None;
        }
        let method = node_text(field(n, "method")?, text);
        let callee = match field(n, "receiver") {
            Some(r) => format!(
                "{}.{method}",
                node_text(r, text).split_whitespace().collect::<String>()
            ),
            None => method.to_string(),
        };
        let mut args = Vec::new();
        if let Some(al) = field(n, "arguments") {
            for a in named_children(al) {
                if kind(a) == "pair" {
                    let (Some(k), Some(v)) = (field(a, "key"), field(a, "value")) else {
                        continue;
                    };
                    let key = self.string(k, text).unwrap_or_else(|| {
                        node_text(k, text)
                            .trim_start_matches(':')
                            .trim_end_matches(':')
                            .to_string()
                    });
                    args.push((Some(key), v));
                } else {
                    args.push((None, a));
                }
            }
        }
        // a receiver-less `bind`/`port` is Puma's (or Sinatra's) configuration DSL only with
        // a literal or an ENV read as its argument
        if field(n, "receiver").is_none() && matches!(method, "bind" | "port") {
            let ok = args.first().is_some_and(|(_, a)| {
                matches!(kind(a), "integer" | "string") || node_text(*a, text).contains("ENV")
            });
            if !ok || args.len() != 1 {
                return None;
            }
        }
        // Rack middleware: `use Rack::Session::Pool` names the class it instantiates
        let callee = match (method, field(n, "receiver"), args.first()) {
            ("use", None, Some((None, a)))
                if matches!(kind(a), "constant" | "scope_resolution") =>
            {
                format!("use {}", node_text(*a, text))
            }
            _ => callee,
        };
        Some(CallShape {
            callee,
            args,
            block: field(n, "block"),
        })
    }

    fn env_read<'t>(&self, n: Node<'t>, text: &str) -> Option<EnvShape<'t>> {
        match kind(n) {
            "element_reference" => {
                let obj = field(n, "object")?;
                if !matches!(node_text(obj, text), "ENV" | "::ENV") {
                    return None;
                }
                let key = named_children(n).into_iter().nth(1)?;
                Some(EnvShape {
                    name: self.string(key, text)?,
                    default: None,
                    required: false,
                    inline_default: None,
                })
            }
            "call" => {
                let recv = field(n, "receiver")?;
                let method = node_text(field(n, "method")?, text);
                if !matches!(node_text(recv, text), "ENV" | "::ENV") || method != "fetch" {
                    return None;
                }
                let args = named_children(field(n, "arguments")?);
                let name = self.string(*args.first()?, text)?;
                let default = args.get(1).copied().or_else(|| {
                    let b = field(n, "block")?;
                    let body = field(b, "body")?;
                    named_children(body).first().copied()
                });
                Some(EnvShape {
                    name,
                    default,
                    required: true,
                    inline_default: None,
                })
            }
            _ => None,
        }
    }

    fn binding<'t>(&self, n: Node<'t>, text: &str) -> Option<(String, Node<'t>)> {
        let (k, v) = match kind(n) {
            "assignment" => (field(n, "left")?, field(n, "right")?),
            "pair" if n.parent().is_some_and(|p| kind(p) == "hash") => {
                (field(n, "key")?, field(n, "value")?)
            }
            _ => return None,
        };
        let key = match kind(k) {
            "call" => node_text(field(k, "method")?, text).to_string(),
            _ => self
                .string(k, text)
                .unwrap_or_else(|| node_text(k, text).trim_matches([':', '@']).to_string()),
        };
        Some((key, v))
    }

    fn equality<'t>(&self, n: Node<'t>, text: &str) -> Option<(Node<'t>, Node<'t>)> {
        if kind(n) != "binary" {
            return None;
        }
        let op = node_text(field(n, "operator")?, text);
        matches!(op, "==" | "!=").then_some(())?;
        Some((field(n, "left")?, field(n, "right")?))
    }

    fn or_default<'t>(&self, n: Node<'t>, text: &str) -> Option<Node<'t>> {
        let p = n.parent()?;
        (kind(p) == "binary"
            && field(p, "operator").map(|o| node_text(o, text)) == Some("||")
            && field(p, "left") == Some(n))
        .then(|| field(p, "right"))?
    }

    fn retry(&self, n: Node<'_>, _text: &str) -> Option<&'static str> {
        (kind(n) == "retry").then_some("`retry` in a `rescue`")
    }

    fn is_test(&self, n: Node<'_>, text: &str) -> bool {
        // RSpec `describe`/`it` blocks
        kind(n) == "call"
            && field(n, "block").is_some()
            && field(n, "method")
                .is_some_and(|m| matches!(node_text(m, text), "describe" | "context" | "it"))
            && field(n, "receiver").is_none_or(|r| node_text(r, text) == "RSpec")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_facts() {
        let text = r#"require "sidekiq/web"
user = ENV.fetch("SIDEKIQ_WEB_PASSWORD", "maybe")
port ENV.fetch("PORT") { 3000 }
url = ENV["REDIS_URL"]
must = ENV.fetch("SECRET_KEY_BASE")
redis = Redis.new(host: "redis-master", port: 6379, password: "hunter22")
logger = Logger.new("log/app.log")
ok = ActiveSupport::Logger.new(STDOUT)
bind "tcp://127.0.0.1:3000"
if ENV["APP_ENV"] == "production"
  x = 1
end
"#;
        let f = parse(text);
        let names: Vec<(&str, bool, bool)> = f
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.has_default, r.required))
            .collect();
        assert_eq!(
            names,
            [
                ("SIDEKIQ_WEB_PASSWORD", true, false),
                ("PORT", true, false),
                ("REDIS_URL", false, false),
                ("SECRET_KEY_BASE", false, true),
                ("APP_ENV", false, false),
            ]
        );
        let b: Vec<(&str, &str)> = f
            .bindings
            .iter()
            .map(|b| (b.key.as_str(), b.value.as_str()))
            .collect();
        assert!(b.contains(&("SIDEKIQ_WEB_PASSWORD", "maybe")), "{b:?}");
        assert!(b.contains(&("password", "hunter22")), "{b:?}");
        assert!(b.contains(&("host", "redis-master")), "{b:?}");
        assert_eq!(f.rare.file_logs.len(), 1, "{:?}", f.rare.file_logs);
        assert_eq!(f.rare.listens.len(), 2);
        assert!(f.rare.listens.iter().any(|l| l.port_from_env));
        assert!(
            f.rare
                .listens
                .iter()
                .any(|l| l.host.as_ref().is_some_and(|h| h.0 == "127.0.0.1"))
        );
        assert_eq!(f.rare.env_branches.len(), 1);
        assert_eq!(
            parse("use Rack::Session::Pool\n").rare.local_sessions.len(),
            1
        );
        assert!(
            parse("use Rack::Session::Cookie\n")
                .rare
                .local_sessions
                .is_empty()
        );
    }
}
