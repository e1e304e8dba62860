//! The shared tree-sitter walk for the languages whose facts come from a few shapes: a call
//! (or `new`), an assignment, a comparison and a string literal. A language module says how
//! its grammar writes those shapes ([`Grammar`]) and which names mean what ([`Vocabulary`]);
//! the walk turns them into [`CodeFacts`] the same way for every language.

use super::*;
use tree_sitter::Node;

/// The text of a node (empty when the span is not on char boundaries, which tree-sitter
/// never gives for valid UTF-8 input).
pub fn node_text<'a>(n: Node<'_>, text: &'a str) -> &'a str {
    text.get(n.start_byte()..n.end_byte()).unwrap_or("")
}

pub fn node_span(n: Node<'_>) -> Span {
    n.start_byte()..n.end_byte()
}

/// The named children of a node, comments left out.
pub fn named_children(n: Node<'_>) -> Vec<Node<'_>> {
    let mut c = n.walk();
    n.named_children(&mut c)
        .filter(|x| !x.kind().contains("comment"))
        .collect()
}

static ENV_IN_CONDITION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(concat!(
        r#"process\.env\.([A-Za-z_][A-Za-z0-9_]*)"#,
        r#"|(?:process\.env|ENV|\$_ENV|\$_SERVER|environ)\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']"#,
        r#"|(?:getenv|environ\.get|ENV\.fetch|Getenv|LookupEnv|env::var|env::var_os|GetEnvironmentVariable)\s*\(\s*["']([A-Za-z_][A-Za-z0-9_]*)["']"#,
    ))
    .expect("valid pattern")
});

/// Whether a condition's text reads a variable from the environment (what
/// [`guarding_var`] looks for).
pub fn condition_reads_env(condition: &str) -> bool {
    ENV_IN_CONDITION.is_match(condition)
}

/// The environment variable whose value decides whether the branch holding `n` runs
/// (`if (process.env.FEATURE_S3 === "1") { … n … }`), when it is another than `own`: the
/// nearest enclosing `if` (any grammar: a node with a `condition` field) whose condition
/// reads one.
pub fn guarding_var(n: Node<'_>, text: &str, own: &str) -> Option<String> {
    let mut cur = n;
    let mut depth = 0;
    while let Some(parent) = cur.parent() {
        depth += 1;
        if depth > 200 {
            return None;
        }
        if let Some(cond) = parent.child_by_field_name("condition")
            && !(cond.start_byte() <= n.start_byte() && n.end_byte() <= cond.end_byte())
            && parent.kind().contains("if")
            && cond.end_byte() - cond.start_byte() <= 4096
        {
            let names: Vec<String> = ENV_IN_CONDITION
                .captures_iter(node_text(cond, text))
                .filter_map(|c| {
                    c.get(1)
                        .or_else(|| c.get(2))
                        .or_else(|| c.get(3))
                        .map(|m| m.as_str().to_string())
                })
                .filter(|g| g != own)
                .collect();
            if let Some(g) = names.into_iter().next() {
                return Some(g);
            }
        }
        if matches!(
            parent.kind(),
            "function_definition"
                | "function_declaration"
                | "method_declaration"
                | "method_definition"
                | "function_item"
                | "method"
                | "arrow_function"
        ) {
            return None;
        }
        cur = parent;
    }
    None
}

/// Make a required read that only a branch on another variable performs required where
/// that variable is provided (see [`EnvRead::required_if`]).
pub fn guard_required(r: &mut EnvRead, n: Node<'_>, text: &str) {
    if r.required
        && let Some(g) = guarding_var(n, text, &r.name)
    {
        r.required = false;
        r.required_if = Some(Name::new(&g));
    }
}

/// A call, a method call or an object creation: the callee as written without whitespace
/// (`System.getenv`, `new FileHandler`, `ENV.fetch`) and its arguments.
pub struct CallShape<'t> {
    pub callee: String,
    /// (keyword, value) per argument, in order.
    pub args: Vec<(Option<String>, Node<'t>)>,
    /// A block given to the call (Ruby `ENV.fetch("X") { default }`).
    pub block: Option<Node<'t>>,
}

impl CallShape<'_> {
    /// The last segment of the callee (`ENV.fetch` → `fetch`, `new FileHandler` → `FileHandler`).
    pub fn method(&self) -> &str {
        self.callee
            .rsplit(['.', ' ', ':', '>'])
            .next()
            .unwrap_or(&self.callee)
    }
    fn positional(&self, i: usize) -> Option<Node<'_>> {
        self.args
            .iter()
            .filter(|(k, _)| k.is_none())
            .nth(i)
            .map(|(_, n)| *n)
    }
}

/// An environment read recognised by a language.
pub struct EnvShape<'t> {
    pub name: String,
    /// A default given in the same expression (a second argument, a block, `??`).
    pub default: Option<Node<'t>>,
    /// Missing fails the program (Ruby `ENV.fetch("X")`, Spring `@Value("${X}")`).
    pub required: bool,
    /// The default written inside the name (`${X:default}`): (value, span).
    pub inline_default: Option<(String, Span)>,
}

/// How one grammar writes the shapes the walk reads.
pub trait Grammar {
    /// The content of a string literal without interpolation.
    fn string(&self, n: Node<'_>, text: &str) -> Option<String>;
    fn call<'t>(&self, n: Node<'t>, text: &str) -> Option<CallShape<'t>>;
    /// An environment read at this node (a call or a subscript).
    fn env_read<'t>(&self, n: Node<'t>, text: &str) -> Option<EnvShape<'t>>;
    /// `key = value`, `key: value`, `'key' => value`: the key's last name and the value.
    fn binding<'t>(&self, n: Node<'t>, text: &str) -> Option<(String, Node<'t>)>;
    /// `a == b`, `a === b`, `a.equals(b)`: both sides.
    fn equality<'t>(&self, n: Node<'t>, text: &str) -> Option<(Node<'t>, Node<'t>)>;
    /// A default given by an operator around an expression (`x ?? "d"`, `x || "d"`): the
    /// default when `n` is the left side of one.
    fn or_default<'t>(&self, n: Node<'t>, text: &str) -> Option<Node<'t>>;
    /// A retry construct of the language at this node (Ruby `retry`, Java `@Retryable`).
    fn retry(&self, _n: Node<'_>, _text: &str) -> Option<&'static str> {
        None
    }
    /// Test code (a `@Test` method, a test class): left out of every fact.
    fn is_test(&self, _n: Node<'_>, _text: &str) -> bool {
        false
    }
    /// The kind of a node (a grammar's `Kinds` table is faster than `Node::kind`).
    fn node_kind<'t>(&self, n: Node<'t>) -> &'t str {
        n.kind()
    }
}

/// Which names mean what, for one language. Callee entries match the end of the callee
/// as written (`WriteTo.File` matches `new LoggerConfiguration().WriteTo.File`).
pub struct Vocabulary {
    /// (callee suffix, index of the address or port argument): servers binding an address.
    pub listens: &'static [(&'static str, usize)],
    /// (callee suffix, what): calls that send logs to a file when given a path.
    pub file_logs: &'static [(&'static str, &'static str)],
    /// Arguments of a file-log call that mean a stream, not a file.
    pub streams: &'static [&'static str],
    /// (callee suffix, what): in-process session or token stores.
    pub sessions: &'static [(&'static str, &'static str)],
    /// (callee suffix, text the file must also hold, what): migrations run by the code.
    pub migrations: &'static [(&'static str, &'static str, &'static str)],
    /// (callee suffix, index of the user argument, index of the password argument).
    pub credentials: &'static [(&'static str, usize, usize)],
    /// (callee suffix, index of the program argument): external programs run.
    pub programs: &'static [(&'static str, usize)],
    /// (callee suffix, what): retry policies around connecting.
    pub retries: &'static [(&'static str, &'static str)],
    /// (callee suffix, client name): clients given their server's host as the first string
    /// argument (`new Jedis("redis-master", 6379)`, `$redis->connect('cache')`).
    pub hosts: &'static [(&'static str, &'static str)],
    /// (callee suffix, what): state kept on the local disk (uploads saved to a directory).
    pub local_state: &'static [(&'static str, &'static str)],
}

fn ends_with_segment(callee: &str, suffix: &str) -> bool {
    // a suffix that starts with its own separator (`->connect`) needs no boundary check
    let separated = suffix.starts_with(|c: char| !c.is_alphanumeric() && c != '_');
    callee == suffix
        || separated && callee.ends_with(suffix)
        || callee
            .strip_suffix(suffix)
            .is_some_and(|head| head.ends_with(['.', ' ', ':', '>', ')', '\\']))
}

/// Walk a tree and collect its facts.
pub fn facts(g: &dyn Grammar, vocab: &Vocabulary, root: Node<'_>, text: &str) -> CodeFacts {
    let mut f = CodeFacts {
        has_error: root.has_error(),
        ..CodeFacts::default()
    };
    let mut w = Walk {
        g,
        vocab,
        text,
        f: &mut f,
    };
    w.visit(&mut root.walk(), 0);
    f.mark_env_defaults();
    f
}

struct Walk<'a> {
    g: &'a dyn Grammar,
    vocab: &'a Vocabulary,
    text: &'a str,
    f: &'a mut CodeFacts,
}

impl Walk<'_> {
    /// The facts of the node `cursor` is on, then of its children (comments left out), depth
    /// first; `cursor` ends where it started (one cursor serves the whole walk).
    fn visit(&mut self, cursor: &mut tree_sitter::TreeCursor<'_>, depth: usize) {
        if depth > 400 {
            self.f.has_error = true;
            return;
        }
        let n = cursor.node();
        if self.g.is_test(n, self.text) {
            self.f.test_spans.push(node_span(n).into());
            return;
        }
        if let Some(s) = self.g.string(n, self.text) {
            self.f.string_literal(s, node_span(n));
        }
        if let Some(what) = self.g.retry(n, self.text) {
            self.f
                .rare
                .connect_retries
                .push((what.to_string(), node_span(n)));
        }
        if let Some(e) = self.g.env_read(n, self.text) {
            self.env_read(n, e);
        }
        if let Some((key, value)) = self.g.binding(n, self.text)
            && let Some(v) = self.g.string(value, self.text)
        {
            self.f.bindings.push(StrBinding {
                key: key.into(),
                value: v.into(),
                value_span: node_span(value).into(),
            });
        }
        if let Some((a, b)) = self.g.equality(n, self.text) {
            self.branch(n, a, b);
        }
        if let Some(c) = self.g.call(n, self.text) {
            self.call(n, &c);
        }
        if cursor.goto_first_child() {
            loop {
                let ch = cursor.node();
                if ch.is_named() && !self.g.node_kind(ch).contains("comment") {
                    self.visit(cursor, depth + 1);
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
            cursor.goto_parent();
        }
    }

    fn env_read(&mut self, n: Node<'_>, e: EnvShape<'_>) {
        let default = e.default.or_else(|| self.g.or_default(n, self.text));
        let literal = default.and_then(|d| self.g.string(d, self.text));
        let default_span = default.map(node_span);
        if let (Some(v), Some(d)) = (&literal, default) {
            self.f.bindings.push(StrBinding {
                key: e.name.clone().into(),
                value: v.clone().into(),
                value_span: node_span(d).into(),
            });
        }
        let (default_value, default_span) = match (&e.inline_default, literal) {
            (Some((v, sp)), _) => {
                self.f.bindings.push(StrBinding {
                    key: e.name.clone().into(),
                    value: v.clone().into(),
                    value_span: sp.clone().into(),
                });
                (Some(ArgValue::Str(v.clone().into())), Some(sp.clone()))
            }
            (None, Some(v)) => (Some(ArgValue::Str(v.into())), default_span),
            (None, None) => (
                default.map(|d| ArgValue::Expr {
                    text: node_text(d, self.text).to_string(),
                    from_env: false,
                }),
                default_span,
            ),
        };
        self.f.env_reads.push(EnvRead {
            name: e.name.into(),
            has_default: default_value.is_some(),
            default: default_value,
            span: node_span(n).into(),
            default_span: default_span.map(Into::into),
            required: e.required && default.is_none() && e.inline_default.is_none(),
            required_if: None,
        });
        if let Some(r) = self.f.env_reads.last_mut() {
            super::generic::guard_required(r, n, self.text);
        }
    }

    fn branch(&mut self, n: Node<'_>, a: Node<'_>, b: Node<'_>) {
        for (x, y) in [(a, b), (b, a)] {
            if let Some(e) = self.g.env_read(x, self.text)
                && let Some(value) = self.g.string(y, self.text)
                && ENV_NAMES.contains(&value.to_ascii_lowercase().as_str())
            {
                self.f.rare.env_branches.push((e.name, value, node_span(n)));
                return;
            }
        }
    }

    fn call(&mut self, n: Node<'_>, c: &CallShape<'_>) {
        let v = self.vocab;
        let text = self.text;
        let str_arg = |i: usize| c.positional(i).and_then(|a| self.g.string(a, text));
        // named string arguments are bindings (`password: "x"`, `Password = "x"`)
        for (k, a) in &c.args {
            if let Some(k) = k
                && let Some(s) = self.g.string(*a, text)
            {
                self.f.bindings.push(StrBinding {
                    key: k.clone().into(),
                    value: s.into(),
                    value_span: node_span(*a).into(),
                });
            }
        }
        // calls with named arguments are kept for the rules that read them (a client given
        // `host: "redis-master"`); `Redis.new`/`new Redis` are the class's constructor
        if c.args.iter().any(|(k, _)| k.is_some()) {
            let callee = c
                .callee
                .strip_suffix(".new")
                .or_else(|| c.callee.strip_prefix("new "))
                .unwrap_or(&c.callee);
            let args = c
                .args
                .iter()
                .map(|(k, a)| {
                    let value = match self.g.string(*a, text) {
                        Some(s) => ArgValue::Str(s.into()),
                        None => ArgValue::Expr {
                            text: node_text(*a, text).to_string(),
                            from_env: reads_env_inside(self.g, *a, text),
                        },
                    };
                    Arg {
                        keyword: k.clone(),
                        value,
                        span: node_span(*a),
                        value_span: node_span(*a),
                    }
                })
                .collect();
            self.f.rare.calls.push(Call {
                callee: callee.rsplit("::").next().unwrap_or(callee).to_string(),
                args,
                span: node_span(n),
                main_guard: false,
            });
        }
        // Ruby's `Dotenv.load(".env.defaults")`, PHP's `Dotenv::createImmutable(__DIR__)->load()`
        if ends_with_segment(&c.callee, "Dotenv.load") || c.callee.contains("Dotenv::create") {
            let files: Vec<String> = c
                .args
                .iter()
                .filter_map(|(_, a)| self.g.string(*a, text))
                .filter(|s| s.contains(".env"))
                .collect();
            if files.is_empty() {
                self.f.rare.dotenv_files.push(".env".into());
            }
            self.f.rare.dotenv_files.extend(files);
        }
        for (callee, user, password) in v.credentials {
            if ends_with_segment(&c.callee, callee)
                && let Some(pw) = c.positional(*password)
                && let Some(s) = self.g.string(pw, text)
            {
                self.f.bindings.push(StrBinding {
                    key: format!("{} password", c.method()).into(),
                    value: s.into(),
                    value_span: node_span(pw).into(),
                });
                if let Some(u) = c.positional(*user)
                    && let Some(s) = self.g.string(u, text)
                {
                    self.f.bindings.push(StrBinding {
                        key: "username".into(),
                        value: s.into(),
                        value_span: node_span(u).into(),
                    });
                }
            }
        }
        for (callee, i) in v.listens {
            if !ends_with_segment(&c.callee, callee) {
                continue;
            }
            let Some(a) = c.positional(*i) else { continue };
            let from_env = self.g.env_read(a, text).is_some() || reads_env_inside(self.g, a, text);
            let lit = self.g.string(a, text);
            let addr = lit.as_deref().and_then(url_address);
            let port_only = node_text(a, text).parse::<u16>().ok().filter(|p| *p != 0);
            let listen = match (addr, port_only) {
                (Some(addr), _) => listen_at(
                    Some((&addr, node_span(a))),
                    from_env,
                    node_span(n),
                    &c.callee,
                ),
                (None, Some(port)) => Some(Listen {
                    host: callee_host(callee).map(|h| (h.to_string(), node_span(n))),
                    port: Some((port, node_span(a))),
                    port_from_env: false,
                    default_loopback: false,
                    span: node_span(n),
                    what: c.callee.clone(),
                }),
                (None, None) => listen_at(None, from_env, node_span(n), &c.callee),
            };
            self.f.rare.listens.extend(listen);
        }
        for (callee, what) in v.file_logs {
            if !ends_with_segment(&c.callee, callee) {
                continue;
            }
            let target = c.positional(0).map(|a| node_text(a, text)).unwrap_or("");
            let stream = v.streams.iter().any(|s| target.contains(s));
            let path_like = c
                .positional(0)
                .is_some_and(|a| self.g.string(a, text).is_some())
                || target.contains(".log")
                || target.contains("log/")
                || target.contains("logs/")
                || target.contains("\"log\"")
                || target.contains("'log'");
            if !stream && (path_like || c.args.is_empty()) {
                self.f.rare.file_logs.push(FileLog {
                    what: (*what).to_string(),
                    span: node_span(n),
                });
            }
        }
        for (callee, what) in v.sessions {
            if ends_with_segment(&c.callee, callee) {
                self.f
                    .rare
                    .local_sessions
                    .push(((*what).to_string(), node_span(n)));
            }
        }
        for (callee, needs, what) in v.migrations {
            if ends_with_segment(&c.callee, callee) && (needs.is_empty() || text.contains(needs)) {
                self.f
                    .rare
                    .migrations
                    .push(((*what).to_string(), node_span(n)));
            }
        }
        for (callee, client) in v.hosts {
            if !ends_with_segment(&c.callee, callee) {
                continue;
            }
            // the first argument only: a later string is a user, a password or a key
            let Some((host_node, addr)) = c
                .positional(0)
                .and_then(|a| self.g.string(a, text).map(|s| (a, s)))
            else {
                continue;
            };
            // `host`, `host:port`; URLs are connection strings (TF0302), paths are sockets
            let host = addr.rsplit_once(':').map_or(addr.as_str(), |(h, _)| h);
            if addr.contains("://") || host.is_empty() || host.contains(['/', ' ', '$', '{']) {
                continue;
            }
            self.f.rare.calls.push(Call {
                callee: (*client).to_string(),
                args: vec![Arg {
                    keyword: Some("host".into()),
                    value: ArgValue::Str(host.to_string().into()),
                    span: node_span(host_node),
                    value_span: node_span(host_node),
                }],
                span: node_span(n),
                main_guard: false,
            });
        }
        for (callee, what) in v.local_state {
            if ends_with_segment(&c.callee, callee) {
                self.f
                    .rare
                    .local_state
                    .push(((*what).to_string(), node_span(n)));
            }
        }
        for (callee, what) in v.retries {
            if ends_with_segment(&c.callee, callee) {
                self.f
                    .rare
                    .connect_retries
                    .push(((*what).to_string(), node_span(n)));
            }
        }
        for (callee, i) in v.programs {
            if ends_with_segment(&c.callee, callee)
                && let Some(p) = str_arg(*i)
                && let Some(prog) = p.split_whitespace().next()
            {
                self.f.rare.programs.push((prog.to_string(), node_span(n)));
            }
        }
    }
}

/// The host a port-only listen call implies (`ListenLocalhost(5000)`).
fn callee_host(callee: &str) -> Option<&'static str> {
    if callee.contains("Localhost") {
        Some("localhost")
    } else if callee.contains("AnyIP") {
        Some("0.0.0.0")
    } else {
        None
    }
}

fn reads_env_inside(g: &dyn Grammar, n: Node<'_>, text: &str) -> bool {
    fn go(g: &dyn Grammar, n: Node<'_>, text: &str, depth: usize) -> bool {
        depth < 50
            && (g.env_read(n, text).is_some()
                || named_children(n)
                    .into_iter()
                    .any(|c| go(g, c, text, depth + 1)))
    }
    go(g, n, text, 0)
}

/// A listen address written as a URL or `host:port` (`http://localhost:5000`,
/// `tcp://0.0.0.0:3000`, `http://+:80`, `127.0.0.1:8080`): `host:port` with wildcard hosts
/// (`+`, `*`) written as every interface.
pub fn url_address(s: &str) -> Option<String> {
    let rest = s.split_once("://").map_or(s, |(_, r)| r);
    let rest = rest.split(['/', ';']).next().unwrap_or(rest);
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() => (h, p),
        _ => return None,
    };
    let host = match host {
        "+" | "*" | "" => "0.0.0.0",
        h => h,
    };
    Some(format!("{host}:{port}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_urls() {
        assert_eq!(
            url_address("http://localhost:5000").as_deref(),
            Some("localhost:5000")
        );
        assert_eq!(url_address("http://+:80").as_deref(), Some("0.0.0.0:80"));
        assert_eq!(
            url_address("tcp://127.0.0.1:3000").as_deref(),
            Some("127.0.0.1:3000")
        );
        assert_eq!(url_address("http://example.com"), None);
        assert!(ends_with_segment(
            "new LoggerConfiguration().WriteTo.File",
            "WriteTo.File"
        ));
        assert!(!ends_with_segment("MyFile", "File"));
    }
}
