//! Facts of application source, the same shape for every language: what rules read.
//! One module per language fills them from its tree-sitter tree.

pub use crate::name::Name;
use crate::parse::manifest::Ecosystem;
use crate::source::{Sp, Span};
pub use compact_str::CompactString;
use std::cell::RefCell;
use thin_vec::ThinVec;
use tree_sitter::{Language, Parser, Tree};

thread_local! {
    static PARSERS: RefCell<Vec<(&'static str, Parser)>> = const { RefCell::new(Vec::new()) };
}

/// Parse `text` with this thread's parser for `key` (created once from `language`).
/// `None` when the grammar cannot be loaded or the parse is cancelled.
pub fn parse_tree(
    key: &'static str,
    language: impl FnOnce() -> Language,
    text: &str,
) -> Option<Tree> {
    PARSERS.with(|cell| {
        let mut parsers = cell.borrow_mut();
        let idx = match parsers.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                let mut p = Parser::new();
                p.set_language(&language()).ok()?;
                parsers.push((key, p));
                parsers.len() - 1
            }
        };
        parsers[idx].1.parse(text, None)
    })
}

/// A grammar's node kinds by id. `Node::kind` finds the length of a C string and checks it is
/// UTF-8 on every call, and a tree walk asks it of every node several times; an id indexes
/// this table instead.
/// Its field names too: `Node::child_by_field_name` compares the name with every field
/// name of the grammar, with `strncmp`, on every call.
pub struct Kinds {
    kinds: Vec<Box<str>>,
    /// Field names, sorted, with their ids.
    fields: Vec<(Box<str>, u16)>,
}

impl Kinds {
    pub fn new(language: &Language) -> Kinds {
        let mut fields: Vec<(Box<str>, u16)> = (1..=language.field_count())
            .filter_map(|id| {
                let id = u16::try_from(id).ok()?;
                Some((language.field_name_for_id(id)?.into(), id))
            })
            .collect();
        fields.sort();
        Kinds {
            kinds: (0..language.node_kind_count())
                .map(|id| {
                    u16::try_from(id)
                        .ok()
                        .and_then(|id| language.node_kind_for_id(id))
                        .unwrap_or("")
                        .into()
                })
                .collect(),
            fields,
        }
    }

    /// The kind of a node, as `Node::kind` names it.
    pub fn of(&self, n: tree_sitter::Node<'_>) -> &str {
        match n.kind_id() {
            // tree-sitter's built-in symbols for what did not parse
            u16::MAX => "ERROR",
            0xFFFE => "_ERROR",
            id => self.kinds.get(usize::from(id)).map_or("", |k| k),
        }
    }

    /// The child of a node in a field, as `Node::child_by_field_name` finds it.
    pub fn field<'t>(&self, n: tree_sitter::Node<'t>, name: &str) -> Option<tree_sitter::Node<'t>> {
        let i = self
            .fields
            .binary_search_by(|(f, _)| f.as_ref().cmp(name))
            .ok()?;
        n.child_by_field_id(self.fields.get(i)?.1)
    }
}

/// A module's `kind(node)` for the one grammar it parses with: the node's kind from a
/// [`Kinds`] table built once.
macro_rules! kinds_of {
    ($language:expr) => {
        static KINDS: std::sync::LazyLock<$crate::parse::code::Kinds> =
            std::sync::LazyLock::new(|| $crate::parse::code::Kinds::new(&$language.into()));

        /// The kind of a node of this module's grammar, as `Node::kind` names it.
        fn kind<'n>(n: impl std::borrow::Borrow<tree_sitter::Node<'n>>) -> &'static str {
            KINDS.of(*n.borrow())
        }

        /// The child of a node of this module's grammar in a field (`child_by_field_name`).
        #[allow(dead_code)]
        fn field<'t>(n: tree_sitter::Node<'t>, name: &str) -> Option<tree_sitter::Node<'t>> {
            KINDS.field(n, name)
        }
    };
}

pub use crate::lang::Lang;

/// One language: how its files are parsed and what rules need to know about it. Adding a
/// language is a module in this folder, one row here, and its name and extensions in
/// `crate::lang`.
pub struct LangSpec {
    pub lang: Lang,
    /// The cargo feature that compiles its grammar in (said when a build lacks it).
    pub feature: &'static str,
    /// The line comment marker (for suppression comments).
    pub comment: &'static str,
    /// Every source of an app runs in its processes: the program is built from all of them
    /// (Go, Rust, Java, C#) or a framework loads them all (Rails, PHP): there are no per-file
    /// entry points to follow.
    pub whole_app: bool,
    /// Whose dependency manifests declare its packages.
    pub ecosystem: Ecosystem,
    /// The facts of a file (given its name, for dialects); `None` when this build lacks it.
    pub parse: Option<fn(&str, &str) -> CodeFacts>,
}

macro_rules! parser {
    ($feature:literal, $f:expr) => {{
        #[cfg(feature = $feature)]
        let f: Option<fn(&str, &str) -> CodeFacts> = Some($f);
        #[cfg(not(feature = $feature))]
        let f: Option<fn(&str, &str) -> CodeFacts> = None;
        f
    }};
}

pub const LANGS: &[LangSpec] = &[
    LangSpec {
        lang: Lang::Python,
        feature: "python",
        comment: "#",
        whole_app: false,
        ecosystem: Ecosystem::Python,
        parse: Some(|_, text| python::parse(text)),
    },
    LangSpec {
        lang: Lang::JavaScript,
        feature: "javascript",
        comment: "//",
        whole_app: false,
        ecosystem: Ecosystem::Node,
        parse: parser!("javascript", |name, text| javascript::parse(
            text,
            javascript::dialect_of(name)
        )),
    },
    LangSpec {
        lang: Lang::TypeScript,
        feature: "javascript",
        comment: "//",
        whole_app: false,
        ecosystem: Ecosystem::Node,
        parse: parser!("javascript", |name, text| javascript::parse(
            text,
            javascript::dialect_of(name)
        )),
    },
    LangSpec {
        lang: Lang::Go,
        feature: "go",
        comment: "//",
        whole_app: true,
        ecosystem: Ecosystem::Go,
        parse: parser!("go", |_, text| golang::parse(text)),
    },
    LangSpec {
        lang: Lang::Rust,
        feature: "rust",
        comment: "//",
        whole_app: true,
        ecosystem: Ecosystem::Rust,
        parse: parser!("rust", |_, text| rust::parse(text)),
    },
    LangSpec {
        lang: Lang::Ruby,
        feature: "ruby",
        comment: "#",
        whole_app: true,
        ecosystem: Ecosystem::Ruby,
        parse: parser!("ruby", |_, text| ruby::parse(text)),
    },
    LangSpec {
        lang: Lang::Java,
        feature: "java",
        comment: "//",
        whole_app: true,
        ecosystem: Ecosystem::Java,
        parse: parser!("java", |_, text| java::parse(text)),
    },
    LangSpec {
        lang: Lang::CSharp,
        feature: "csharp",
        comment: "//",
        whole_app: true,
        ecosystem: Ecosystem::Dotnet,
        parse: parser!("csharp", |_, text| csharp::parse(text)),
    },
    LangSpec {
        lang: Lang::Php,
        feature: "php",
        comment: "//",
        whole_app: true,
        ecosystem: Ecosystem::Php,
        parse: parser!("php", |_, text| php::parse(text)),
    },
];

impl Lang {
    pub fn spec(self) -> &'static LangSpec {
        LANGS.iter().find(|s| s.lang == self).unwrap_or(&LANGS[0])
    }
}

/// The facts of a source file, or the feature its language needs when this build lacks it.
pub fn parse_source(lang: Lang, file_name: &str, text: &str) -> Result<CodeFacts, &'static str> {
    let spec = lang.spec();
    spec.parse
        .map(|f| {
            let mut facts = f(file_name, text);
            facts.keep_judged_calls();
            facts.shrink_to_fit();
            facts
        })
        .ok_or(spec.feature)
}

#[cfg(feature = "csharp")]
pub mod csharp;
pub mod generic;
#[cfg(feature = "go")]
pub mod golang;
#[cfg(feature = "go")]
pub mod golex;
#[cfg(feature = "java")]
pub mod java;
#[cfg(feature = "javascript")]
pub mod javascript;
#[cfg(feature = "javascript")]
pub mod jslex;
#[cfg(feature = "php")]
pub mod php;
pub mod pylex;
pub mod python;
#[cfg(feature = "ruby")]
pub mod ruby;
#[cfg(feature = "ruby")]
pub mod rubylex;
#[cfg(feature = "rust")]
pub mod rust;
#[cfg(feature = "rust")]
pub mod rustlex;

/// A server binding an address: `app.run(host=…, port=…)`, `app.listen(3000)`,
/// `http.ListenAndServe(":8080", …)`, `TcpListener::bind("0.0.0.0:8080")`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Listen {
    /// The literal host, when one is written.
    pub host: Option<(String, Span)>,
    /// The literal port, when one is written.
    pub port: Option<(u16, Span)>,
    /// The port comes from the environment (possibly with a literal default).
    pub port_from_env: bool,
    /// No host is given and the server's default is loopback (Flask's `app.run()`).
    pub default_loopback: bool,
    pub span: Span,
    /// What binds, for messages (`app.run`, `app.listen`, `http.ListenAndServe`).
    pub what: String,
}

/// Logs routed to a file: a file handler, appender, sink or stream.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FileLog {
    pub what: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum ArgValue {
    /// Inline up to 24 bytes (most defaults: `"info"`, `"http://upstream:9000"`).
    Str(CompactString),
    Int(i64),
    /// Any other expression; `from_env` when it reads the environment somewhere inside.
    Expr {
        text: String,
        from_env: bool,
    },
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Arg {
    pub keyword: Option<String>,
    pub value: ArgValue,
    /// The whole argument (`port=5000`).
    pub span: Span,
    /// The value alone (`5000`).
    pub value_span: Span,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Call {
    /// The callee as written, e.g. `logging.FileHandler`, `app.run`.
    pub callee: String,
    pub args: Vec<Arg>,
    pub span: Span,
    /// Inside `if __name__ == "__main__":`.
    pub main_guard: bool,
}

impl Call {
    pub fn kwarg(&self, name: &str) -> Option<&Arg> {
        self.args
            .iter()
            .find(|a| a.keyword.as_deref() == Some(name))
    }
    pub fn positional(&self, i: usize) -> Option<&Arg> {
        self.args.iter().filter(|a| a.keyword.is_none()).nth(i)
    }
    /// The last segment of the callee (`logging.handlers.RotatingFileHandler` → `RotatingFileHandler`).
    pub fn method(&self) -> &str {
        self.callee.rsplit('.').next().unwrap_or(&self.callee)
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct EnvRead {
    pub name: Name,
    pub default: Option<ArgValue>,
    pub has_default: bool,
    pub span: Sp,
    /// Where the default value is written.
    pub default_span: Option<Sp>,
    /// `os.environ["X"]`: fails when the variable is missing (a `getenv` without a default
    /// returns `None`, which code usually handles).
    pub required: bool,
    /// Read as required, but only in a branch taken when another variable is set
    /// (`if (process.env.FEATURE_S3 === "1") { process.env.S3_BUCKET.trim() }`): required
    /// where that variable is provided.
    pub required_if: Option<Name>,
}

/// `NAME = "literal"` or `{"name": "literal"}` or `name="literal"` in a call.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct StrBinding {
    pub key: Name,
    pub value: CompactString,
    pub value_span: Sp,
}

/// A string literal holding a URL (`scheme://…`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct UrlLiteral {
    pub value: CompactString,
    pub span: Sp,
    /// The default of an environment lookup (`os.getenv("DATABASE_URL", "postgres://…")`).
    pub env_default: bool,
}

/// Most files hold few kinds of facts: each list is a `ThinVec`, one pointer while empty,
/// and the kinds few files hold are behind one more (`rare`): the struct is 64 bytes.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct CodeFacts {
    /// Top-level module or package names imported (`import a.b` → `a`; `require("x/y")` → `x`).
    pub imports: ThinVec<(Name, Sp)>,
    /// Every module imported, as written, for finding the app's own files a file runs:
    /// Python dotted paths with their leading dots (`a.b`, `a.b.c` for `from a.b import c`,
    /// `.db` for `from .db import x`), JavaScript relative specifiers (`./db`).
    pub modules: ThinVec<Name>,
    pub env_reads: ThinVec<EnvRead>,
    pub bindings: ThinVec<StrBinding>,
    pub urls: ThinVec<UrlLiteral>,
    /// Test code inside an app file (a `#[cfg(test)]` module, a `#[test]` function): left out
    /// of every other fact; a secret written there is a test input.
    pub test_spans: ThinVec<Sp>,
    pub has_error: bool,
    /// The kinds of facts few files hold (servers, log files, programs run, …).
    pub rare: RareBox,
}

/// What few files hold, kept apart from `CodeFacts` so that a file without any costs one
/// pointer (see `RareBox`).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct RareFacts {
    /// Calls: every one while a language's parse runs, then only those the model and rules
    /// read (see `keep_judged_calls`).
    pub calls: ThinVec<Call>,
    /// String literals that are machine-specific absolute paths (`/home/ann/…`, `C:\\…`).
    pub abs_paths: ThinVec<(String, Span)>,
    /// Comparisons of an environment variable with an environment name
    /// (`os.getenv("ENV") == "production"`): (variable, compared value, span).
    pub env_branches: ThinVec<(String, String, Span)>,
    /// External programs run by literal name (`subprocess.run(["git", …])`, `exec.Command("git")`).
    pub programs: ThinVec<(String, Span)>,
    pub listens: ThinVec<Listen>,
    pub file_logs: ThinVec<FileLog>,
    /// Session state kept in the process (memory or local files): (what, span).
    pub local_sessions: ThinVec<(String, Span)>,
    /// Variables whose presence the code tests (`if (process.env.X)`, `_.isEmpty(process.env.X)`,
    /// `process.env.X ? … : …`, `process.env.X && …`): the code handles their absence.
    pub presence_tested: ThinVec<String>,
    /// Dotenv files the code loads into its own environment (`require("dotenv").config()`,
    /// `load_dotenv(".env.defaults")`, `godotenv.Load()`, `Dotenv.load`), as written; `.env`
    /// when no path is given. Their variables are provided by the app itself.
    pub dotenv_files: ThinVec<String>,
    /// State the code keeps on the local disk or in process memory beyond sessions: uploads
    /// kept in a local directory (served with `express.static`, Django `FileSystemStorage`,
    /// Spring `transferTo`, PHP `move_uploaded_file`, Active Storage's `:local` service),
    /// `memory://` rate-limit storage: (what, span).
    pub local_state: ThinVec<(String, Span)>,
    /// A signing secret the process generates for itself (`SECRET_KEY = secrets.token_hex(32)`,
    /// `secret: crypto.randomBytes(32).toString("hex")`): each replica, and each restart,
    /// signs with another key. (name, span of the generating expression).
    pub generated_secrets: ThinVec<(String, Span)>,
    /// SQLite as the default database: a setting whose default names SQLite
    /// (`DB_ENGINE: str = "sqlite"`, `os.getenv("DATABASE_URL", "sqlite:///app.db")`):
    /// (the variable that overrides it, span of the default).
    pub sqlite_defaults: ThinVec<(String, Span)>,
    /// Connections the program opens as it starts, which fail it while the service is not
    /// ready yet (`mongoose.connect(…)`, `db.Ping()`, `PgPool::connect(…).await?`, a
    /// `psycopg2.connect` under `__main__`): (what, span). Pools and drivers that connect on
    /// first use are not here.
    pub eager_connects: ThinVec<(String, Span)>,
    /// Retries around connecting (`setTimeout(connect, …)` in a handler, a loop that
    /// connects and sleeps, `@Retryable`, Ruby `retry`, Polly, `EnableRetryOnFailure`,
    /// client reconnect options): (what, span).
    pub connect_retries: ThinVec<(String, Span)>,
    /// Database migrations the code runs (`flyway.migrate()`, `db.AutoMigrate(…)`,
    /// `context.Database.Migrate()`): (what, span).
    pub migrations: ThinVec<(String, Span)>,
}

impl RareFacts {
    const EMPTY: RareFacts = RareFacts {
        calls: ThinVec::new(),
        abs_paths: ThinVec::new(),
        env_branches: ThinVec::new(),
        programs: ThinVec::new(),
        listens: ThinVec::new(),
        file_logs: ThinVec::new(),
        local_sessions: ThinVec::new(),
        presence_tested: ThinVec::new(),
        dotenv_files: ThinVec::new(),
        local_state: ThinVec::new(),
        generated_secrets: ThinVec::new(),
        sqlite_defaults: ThinVec::new(),
        eager_connects: ThinVec::new(),
        connect_retries: ThinVec::new(),
        migrations: ThinVec::new(),
    };

    fn is_empty(&self) -> bool {
        self.calls.is_empty()
            && self.abs_paths.is_empty()
            && self.env_branches.is_empty()
            && self.programs.is_empty()
            && self.listens.is_empty()
            && self.file_logs.is_empty()
            && self.local_sessions.is_empty()
            && self.presence_tested.is_empty()
            && self.dotenv_files.is_empty()
            && self.local_state.is_empty()
            && self.generated_secrets.is_empty()
            && self.sqlite_defaults.is_empty()
            && self.eager_connects.is_empty()
            && self.connect_retries.is_empty()
            && self.migrations.is_empty()
    }

    fn shrink_to_fit(&mut self) {
        self.calls.shrink_to_fit();
        self.abs_paths.shrink_to_fit();
        self.env_branches.shrink_to_fit();
        self.programs.shrink_to_fit();
        self.listens.shrink_to_fit();
        self.file_logs.shrink_to_fit();
        self.local_sessions.shrink_to_fit();
        self.presence_tested.shrink_to_fit();
        self.dotenv_files.shrink_to_fit();
        self.local_state.shrink_to_fit();
        self.generated_secrets.shrink_to_fit();
        self.sqlite_defaults.shrink_to_fit();
        self.eager_connects.shrink_to_fit();
        self.connect_retries.shrink_to_fit();
        self.migrations.shrink_to_fit();
    }
}

/// The rare facts of a file, allocated when the first is written: read through `Deref` (no
/// facts read as empty lists), written through `DerefMut`.
#[derive(Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct RareBox(Option<Box<RareFacts>>);

/// The facts, allocated or not: empty lists read the same either way.
impl std::fmt::Debug for RareBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

static NO_RARE_FACTS: RareFacts = RareFacts::EMPTY;

impl std::ops::Deref for RareBox {
    type Target = RareFacts;
    fn deref(&self) -> &RareFacts {
        self.0.as_deref().unwrap_or(&NO_RARE_FACTS)
    }
}

impl std::ops::DerefMut for RareBox {
    fn deref_mut(&mut self) -> &mut RareFacts {
        self.0.get_or_insert_with(Box::default)
    }
}

/// Names of deployment environments, as code compares them.
pub const ENV_NAMES: &[&str] = &[
    "production",
    "prod",
    "development",
    "dev",
    "staging",
    "stage",
    "test",
    "testing",
    "qa",
    "uat",
    "local",
];

/// `/home/<user>/…`, `/Users/<user>/…`, `C:\…`: paths that exist on one machine only.
pub fn is_machine_path(s: &str) -> bool {
    let user_home = |rest: &str| {
        rest.split('/')
            .next()
            .is_some_and(|u| !u.is_empty() && !u.contains(['{', '$', '%']))
    };
    s.strip_prefix("/home/")
        .is_some_and(|r| user_home(r) && r.contains('/'))
        || s.strip_prefix("/Users/")
            .is_some_and(|r| user_home(r) && r.contains('/'))
        || (s.len() > 3
            && s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic)
            && s.as_bytes().get(1..3) == Some(b":\\"))
}

impl CodeFacts {
    /// Of every call the parse saw (which the language's own passes read), keep those the
    /// model and rules read: calls given a literal `host`, and the first call under
    /// `if __name__ == "__main__":` (a script's entry), of which only the place is read, not
    /// the arguments. A module holds thousands of calls; a repository's facts would be mostly
    /// their arguments.
    pub fn keep_judged_calls(&mut self) {
        // (read first: writing through `rare` would allocate a file's rare facts)
        if self.rare.calls.is_empty() {
            return;
        }
        let mut main_guard = false;
        self.rare.calls.retain_mut(|c| {
            let host = c.kwarg("host").or_else(|| c.kwarg("Host")).is_some();
            let entry = c.main_guard && !main_guard;
            main_guard |= c.main_guard;
            if entry && !host {
                c.args = Vec::new();
            }
            host || entry
        });
    }

    /// Give back what growing the lists left spare: a repository's facts live for the whole
    /// run, and a list that doubled as it grew is a third empty on average.
    pub fn shrink_to_fit(&mut self) {
        self.imports.shrink_to_fit();
        self.modules.shrink_to_fit();
        self.env_reads.shrink_to_fit();
        self.bindings.shrink_to_fit();
        self.urls.shrink_to_fit();
        self.test_spans.shrink_to_fit();
        // the rare facts a parse wrote and emptied again (calls not judged) cost nothing
        if let Some(rare) = &mut self.rare.0 {
            if rare.is_empty() {
                self.rare.0 = None;
            } else {
                rare.shrink_to_fit();
            }
        }
    }

    /// Record what a string literal says: a URL, or a machine-specific path.
    pub fn string_literal(&mut self, value: String, span: Span) {
        // JDBC URLs: `jdbc:postgresql://host/db` is the URL after the prefix
        let value = match value.strip_prefix("jdbc:") {
            Some(rest) if rest.contains("://") => rest.to_string(),
            _ => value,
        };
        // a scheme alone (`"postgres://"`, a prefix check or the start of a concatenation)
        // names no service
        if let Some((scheme, rest)) = value.split_once("://")
            && !rest.is_empty()
            && !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
        {
            self.urls.push(UrlLiteral {
                value: value.clone().into(),
                span: span.clone().into(),
                env_default: false,
            });
        }
        if is_machine_path(&value) {
            self.rare.abs_paths.push((value, span));
        }
    }

    /// A variable whose presence the code tests is optional wherever the file reads it: the
    /// code has a path for its absence (every language).
    pub fn mark_presence_tested(&mut self) {
        if self.rare.presence_tested.is_empty() {
            return;
        }
        self.rare.presence_tested.sort();
        self.rare.presence_tested.dedup();
        for r in &mut self.env_reads {
            if self
                .rare
                .presence_tested
                .binary_search_by(|x| x.as_str().cmp(&r.name))
                .is_ok()
            {
                r.required = false;
            }
        }
    }

    /// A listen address written as the default of a bind variable
    /// (`env::var("BIND").unwrap_or("127.0.0.1:8000".into())`): where the server binds
    /// unless the deployment sets the variable (every language).
    fn default_binds(&mut self) {
        for r in &self.env_reads {
            let upper = r.name.to_ascii_uppercase();
            let bind_var = ["BIND", "LISTEN", "ADDR", "ADDRESS", "HOST"]
                .iter()
                .any(|w| upper.split('_').any(|part| part == *w))
                && ![
                    "DB", "DATABASE", "REDIS", "MONGO", "SMTP", "MAIL", "POSTGRES", "MYSQL",
                    "AMQP", "RABBIT", "KAFKA", "ELASTIC", "MEMCACHE", "PROXY", "API", "REMOTE",
                    "UPSTREAM", "BACKEND", "PUBLIC", "EXTERNAL", "SERVICE", "CACHE", "QUEUE",
                    "BROKER", "S3", "MINIO",
                ]
                .iter()
                .any(|w| upper.split('_').any(|part| part == *w));
            let (Some(ArgValue::Str(d)), Some(sp)) = (&r.default, &r.default_span) else {
                continue;
            };
            if !bind_var || d.contains("://") {
                continue;
            }
            if let Some((host, port)) = split_address(d)
                && port.is_some_and(|p| p != 0)
                && !self.rare.listens.iter().any(|l| l.span == *sp)
            {
                self.rare.listens.push(Listen {
                    host: Some((host, (*sp).into())),
                    port: port.map(|p| (p, sp.range())),
                    port_from_env: true,
                    default_loopback: false,
                    span: (*sp).into(),
                    what: format!("the default of `{}`", r.name),
                });
            }
        }
    }

    /// A loopback address written into a bind setting (`Bind: "localhost"` in a config
    /// struct's defaults, `bindAddress = "127.0.0.1"`): where the server listens unless the
    /// configuration says otherwise (every language).
    fn bind_settings(&mut self) {
        for b in &self.bindings {
            let key: String = b
                .key
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if !matches!(
                key.as_str(),
                "bind"
                    | "bindaddress"
                    | "bindaddr"
                    | "bindhost"
                    | "listen"
                    | "listenaddress"
                    | "listenaddr"
                    | "listenhost"
            ) {
                continue;
            }
            let (host, port) = match split_address(&b.value) {
                Some((h, p)) => (h, p),
                None => (b.value.to_string(), None),
            };
            if !matches!(host.as_str(), "localhost" | "127.0.0.1" | "::1")
                || self.rare.listens.iter().any(|l| l.span == b.value_span)
            {
                continue;
            }
            self.rare.listens.push(Listen {
                host: Some((host, b.value_span.into())),
                port: port.map(|p| (p, b.value_span.range())),
                port_from_env: true,
                default_loopback: false,
                span: b.value_span.into(),
                what: format!("the default of `{}`", b.key),
            });
        }
    }

    fn sqlite_defaults(&mut self) {
        const ENGINE_KEYS: &[&str] = &[
            "DB_ENGINE",
            "DATABASE_ENGINE",
            "DB_TYPE",
            "DATABASE_TYPE",
            "DB_DRIVER",
            "DB_DIALECT",
            "DB_BACKEND",
            "DB_CONNECTION",
        ];
        for b in &self.bindings {
            let v = b.value.to_ascii_lowercase();
            if ENGINE_KEYS.contains(&b.key.to_ascii_uppercase().as_str())
                && (v == "sqlite" || v == "sqlite3")
            {
                self.rare
                    .sqlite_defaults
                    .push((b.key.to_ascii_uppercase().to_string(), b.value_span.into()));
            }
        }
        for r in &self.env_reads {
            if let (Some(ArgValue::Str(d)), Some(sp)) = (&r.default, &r.default_span)
                && d.to_ascii_lowercase().starts_with("sqlite:")
                && !self.rare.sqlite_defaults.iter().any(|(_, s)| s == sp)
            {
                self.rare
                    .sqlite_defaults
                    .push((r.name.to_string(), (*sp).into()));
            }
        }
    }

    /// Mark URL literals that are the default of an environment lookup (every language).
    pub fn mark_env_defaults(&mut self) {
        self.default_binds();
        self.bind_settings();
        self.sqlite_defaults();
        let defaults: Vec<Sp> = self
            .env_reads
            .iter()
            .filter_map(|r| r.default_span)
            .collect();
        for u in &mut self.urls {
            u.env_default = defaults
                .iter()
                .any(|d| d.start() <= u.span.start() && u.span.end() <= d.end());
        }
    }
}

/// Whether a call (callee as written without whitespace, its first string argument, the whole
/// file) runs database migrations: what it is. One table for Python, JavaScript, Go and Rust;
/// the languages on the shared walk list theirs in their vocabulary.
pub fn migration_call(callee: &str, first: Option<&str>, file: &str) -> Option<&'static str> {
    let method = callee.rsplit(['.', ':']).next().unwrap_or(callee);
    Some(match method {
        // Django, Flask-Migrate, Alembic
        "call_command" if first == Some("migrate") => "Django `call_command(\"migrate\")`",
        "upgrade" if file.contains("flask_migrate") && !callee.contains("command.") => {
            "Flask-Migrate `upgrade()`"
        }
        "upgrade" if callee.ends_with("command.upgrade") && file.contains("alembic") => {
            "Alembic `command.upgrade`"
        }
        // knex, Kysely, umzug, TypeORM
        "latest" if callee.ends_with("migrate.latest") => "knex `migrate.latest()`",
        "migrateToLatest" => "`migrateToLatest()`",
        "runMigrations" if file.contains("typeorm") => "TypeORM `runMigrations()`",
        "up" if callee.ends_with("umzug.up") => "umzug `up()`",
        // GORM, goose, golang-migrate
        "AutoMigrate" => "GORM `AutoMigrate`",
        "Up" if callee == "goose.Up" => "goose `Up`",
        "Up" if file.contains("golang-migrate/migrate") && !callee.contains('(') => {
            "golang-migrate `Up()`"
        }
        // sqlx, diesel, refinery, SeaORM
        "run" if callee.contains("migrate!") => "sqlx `migrate!().run`",
        "run_pending_migrations" => "diesel `run_pending_migrations`",
        "up" if callee.ends_with("Migrator::up") => "SeaORM `Migrator::up`",
        _ => return None,
    })
}

/// Whether a call (callee as written without whitespace) opens a connection eagerly, for
/// Python (under `__main__` only: elsewhere a connect call usually serves one request),
/// JavaScript, Go and Rust.
pub fn eager_connect_call(lang: Lang, callee: &str) -> bool {
    let method = callee.rsplit(['.', ':']).next().unwrap_or(callee);
    match lang {
        Lang::Python => matches!(
            callee,
            "psycopg2.connect"
                | "psycopg.connect"
                | "pymysql.connect"
                | "MySQLdb.connect"
                | "mysql.connector.connect"
                | "asyncpg.connect"
                | "asyncpg.create_pool"
                | "pika.BlockingConnection"
        ),
        Lang::JavaScript | Lang::TypeScript => {
            (method == "connect"
                && callee.contains('.')
                && !matches!(
                    callee.split('.').next().unwrap_or(""),
                    "io" | "socket" | "net" | "tls" | "ws" | "app" | "router" | "http"
                ))
                || callee.ends_with("sequelize.authenticate")
        }
        Lang::Go => matches!(method, "Ping" | "PingContext") && callee.contains('.'),
        Lang::Rust => {
            (method == "connect" || method == "connect_with")
                && (callee.contains("Pool")
                    || callee.contains("Client")
                    || callee.contains("Connection"))
                || matches!(
                    method,
                    "get_async_connection" | "get_multiplexed_async_connection" | "get_connection"
                )
        }
        _ => false,
    }
}

/// Whether `name = value` generates a signing secret at run time: the name says a secret
/// that signs (not a per-user token, a password or a nonce) and the value calls a random
/// generator (Python `secrets`/`os.urandom`/`uuid4`, Node `crypto.randomBytes`/`randomUUID`).
pub fn generated_secret(name: &str, value_text: &str) -> bool {
    let v = value_text.trim_start();
    let random = [
        "secrets.token_hex",
        "secrets.token_urlsafe",
        "secrets.token_bytes",
        "token_hex(",
        "token_urlsafe(",
        "os.urandom",
        "uuid.uuid4",
        "uuid4(",
        "crypto.randomBytes",
        "crypto.randomUUID",
        "randomBytes(",
        "randomUUID(",
        "Fernet.generate_key",
    ]
    .iter()
    .any(|g| v.starts_with(g));
    // the value first: most assignments call no random generator
    random && {
        let n = name.to_ascii_lowercase();
        (n.contains("secret") || n.contains("signing_key") || n.contains("signingkey"))
            && ![
                "reset", "invite", "api", "client", "user", "otp", "csrf", "nonce", "state",
                "verif", "test",
            ]
            .iter()
            .any(|w| n.contains(w))
    }
}

/// Whether a loop's text connects and sleeps between attempts: a retry loop in any language.
pub fn is_retry_loop(loop_text: &str) -> bool {
    // a retry loop is a few lines; a loop the size of a program is not read again per level
    // of nesting
    if loop_text.len() > 16 * 1024 {
        return false;
    }
    let lower = loop_text.to_ascii_lowercase();
    (lower.contains("connect") || lower.contains("ping(") || lower.contains(".open("))
        && (lower.contains("sleep") || lower.contains("settimeout") || lower.contains("backoff"))
}

/// Whether any loop of a file could be a retry loop ([`is_retry_loop`]'s words are somewhere
/// in it, in any case): a lexical front end leaves such a file to the tree. The words are
/// looked for in a lowercase copy, with memchr's vectorised substring search (a search for
/// each word's first letter in either case stops at nearly every `c`, `s` and `.`).
pub fn may_hold_retry_loop(b: &[u8]) -> bool {
    type Finders = [memchr::memmem::Finder<'static>; 6];
    static WORDS: std::sync::LazyLock<Finders> = std::sync::LazyLock::new(|| {
        // what a retry loop does (the first three), and how it waits (the rest)
        [
            "connect",
            "ping(",
            ".open(",
            "sleep",
            "settimeout",
            "backoff",
        ]
        .map(memchr::memmem::Finder::new)
    });
    let lower = b.to_ascii_lowercase();
    let (act, wait) = WORDS.split_at(3);
    let has = |f: &memchr::memmem::Finder<'_>| f.find(&lower).is_some();
    act.iter().any(has) && wait.iter().any(has)
}

/// The first byte of an ASCII identifier (the lexical front ends decline any other).
pub fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

pub fn is_ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Split a listen address written as one string: `":8080"`, `"0.0.0.0:8080"`, `"localhost:3000"`,
/// `"[::1]:80"`. An empty host means every interface.
pub fn split_address(addr: &str) -> Option<(String, Option<u16>)> {
    let a = addr.trim();
    let (host, port) = match a.rsplit_once(':') {
        Some((h, p)) if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => {
            (h, p.parse().ok())
        }
        Some((h, "")) => (h, None),
        _ => return None,
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    Some((
        if host.is_empty() {
            "0.0.0.0".to_string()
        } else {
            host.to_string()
        },
        port,
    ))
}

/// Build a listen fact from an address literal (or a value read from the environment).
pub fn listen_at(
    addr: Option<(&str, Span)>,
    from_env: bool,
    span: Span,
    what: &str,
) -> Option<Listen> {
    match addr.and_then(|(a, sp)| split_address(a).map(|(h, p)| (h, p, sp))) {
        // port 0 asks the OS for any free port: a test or a client, never the serving port
        Some((_, Some(0), _)) => None,
        Some((h, p, sp)) => Some(Listen {
            host: Some((h, sp.clone())),
            port: p.map(|p| (p, sp)),
            port_from_env: from_env,
            default_loopback: false,
            span,
            what: what.to_string(),
        }),
        None if from_env => Some(Listen {
            host: None,
            port: None,
            port_from_env: true,
            default_loopback: false,
            span,
            what: what.to_string(),
        }),
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `Kinds` table names every node of every grammar as `Node::kind` does, aliases and
    /// anonymous tokens included: checked on every source file of the fixtures.
    #[test]
    fn kinds_by_id_are_the_kinds_tree_sitter_names() {
        let mut grammars: Vec<(&str, Language)> = vec![("py", tree_sitter_python::LANGUAGE.into())];
        #[cfg(feature = "ruby")]
        grammars.push(("rb", tree_sitter_ruby::LANGUAGE.into()));
        #[cfg(feature = "java")]
        grammars.push(("java", tree_sitter_java::LANGUAGE.into()));
        #[cfg(feature = "csharp")]
        grammars.push(("cs", tree_sitter_c_sharp::LANGUAGE.into()));
        #[cfg(feature = "php")]
        grammars.push(("php", tree_sitter_php::LANGUAGE_PHP.into()));
        #[cfg(feature = "go")]
        grammars.push(("go", tree_sitter_go::LANGUAGE.into()));
        #[cfg(feature = "rust")]
        grammars.push(("rs", tree_sitter_rust::LANGUAGE.into()));
        let mut files: Vec<std::path::PathBuf> = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else {
                    files.push(p);
                }
            }
        }
        for (ext, language) in &grammars {
            let kinds = Kinds::new(language);
            let mut parser = Parser::new();
            parser.set_language(language).unwrap();
            let mut nodes = 0;
            let broken = std::path::PathBuf::from("(text that does not parse)");
            let paths = files
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e == *ext))
                .chain([&broken]);
            for path in paths {
                let text = if path == &broken {
                    "}} ((( x = = ; \"é".to_string()
                } else {
                    std::fs::read_to_string(path).unwrap_or_default()
                };
                let tree = parser.parse(&text, None).unwrap();
                let mut cursor = tree.walk();
                loop {
                    let n = cursor.node();
                    assert_eq!(kinds.of(n), n.kind(), "{}", path.display());
                    for id in 1..=language.field_count() as u16 {
                        let name = language.field_name_for_id(id).unwrap();
                        assert_eq!(kinds.field(n, name), n.child_by_field_name(name), "{name}");
                    }
                    assert_eq!(kinds.field(n, "no such field"), None);
                    nodes += 1;
                    if cursor.goto_first_child() || cursor.goto_next_sibling() {
                        continue;
                    }
                    while cursor.goto_parent() && !cursor.goto_next_sibling() {}
                    if cursor.node() == tree.root_node() {
                        break;
                    }
                }
            }
            assert!(nodes > 100, "{ext}: {nodes} nodes in the fixtures");
        }
    }

    /// Every source file's facts live until the run ends: a list of facts added as a `Vec`
    /// (24 bytes even while empty) instead of a `ThinVec` (8) costs every file, and so does a
    /// list most files never hold kept beside those they do instead of in `rare`.
    #[test]
    fn facts_cost_one_pointer_per_empty_list() {
        assert!(
            std::mem::size_of::<CodeFacts>() <= 8 * 8,
            "{} bytes",
            std::mem::size_of::<CodeFacts>()
        );
    }

    /// A file without rare facts allocates none, even where a parse read or emptied them
    /// (every Python call is a rare fact until `keep_judged_calls`); one with any keeps them.
    #[test]
    fn rare_facts_are_allocated_only_when_held() {
        let facts = |text: &str| parse_source(Lang::Python, "app.py", text).unwrap();
        let plain = facts("import os\nprint(os.environ.get(\"A\"))\nx = len([1])\n");
        assert_eq!(plain.env_reads.len(), 1);
        assert!(plain.rare.0.is_none());
        assert!(plain.rare.listens.is_empty() && plain.rare.calls.is_empty());
        let server = facts("from flask import Flask\napp = Flask(__name__)\napp.run(port=5000)\n");
        assert!(server.rare.0.is_some());
        assert_eq!(server.rare.listens.len(), 1);
        // the cache keeps both as they were
        for f in [plain, server] {
            let bytes = postcard::to_stdvec(&f).unwrap();
            let back: CodeFacts = postcard::from_bytes(&bytes).unwrap();
            assert_eq!(back.rare.0.is_some(), f.rare.0.is_some());
            assert_eq!(back.rare.listens.len(), f.rare.listens.len());
        }
    }

    #[test]
    fn addresses() {
        assert_eq!(split_address(":8080"), Some(("0.0.0.0".into(), Some(8080))));
        assert_eq!(
            split_address("127.0.0.1:3000"),
            Some(("127.0.0.1".into(), Some(3000)))
        );
        assert_eq!(split_address("[::1]:80"), Some(("::1".into(), Some(80))));
        assert_eq!(
            split_address("localhost:"),
            Some(("localhost".into(), None))
        );
        assert_eq!(split_address("example.com"), None);
    }

    #[test]
    fn machine_paths_of_any_text() {
        assert!(is_machine_path("C:\\Users\\ann"));
        assert!(is_machine_path("/home/ann/x"));
        // a multi-byte character right after an ASCII letter (was a panic)
        for s in [
            "O’Hara",
            "it’s",
            "Tiếng Việt",
            "glāžšķūņu",
            "a😀",
            "é:\\x",
            "postgres://",
            "redis://",
        ] {
            assert!(!is_machine_path(s), "{s}");
            let mut facts = CodeFacts::default();
            facts.string_literal(s.to_string(), 0..s.len());
            assert!(facts.urls.is_empty() && facts.rare.abs_paths.is_empty());
        }
    }

    /// The retry-loop gate, by its definition: a word of each kind, searched for one at a time.
    fn retry_words_by_definition(b: &[u8]) -> bool {
        let has = |w: &str| {
            b.windows(w.len())
                .any(|x| x.eq_ignore_ascii_case(w.as_bytes()))
        };
        (has("connect") || has("ping(") || has(".open("))
            && (has("sleep") || has("settimeout") || has("backoff"))
    }

    #[test]
    fn retry_loop_gate_shapes() {
        assert!(may_hold_retry_loop(
            b"while True:\n    db.CONNECT()\n    time.Sleep(1)"
        ));
        assert!(may_hold_retry_loop(b"f = x.open(p); await backoff()"));
        assert!(!may_hold_retry_loop(b"connect(); reconnect()"));
        assert!(!may_hold_retry_loop(b"time.sleep(1); ping ()"));
    }

    proptest::proptest! {
        /// Words of both kinds in any case, overlapping and cut short, among multi-byte text.
        #[test]
        fn retry_loop_gate_is_its_definition(
            parts in proptest::collection::vec(
                "(connec|connect|CoNnEcT|ping\\(|PING|\\.open\\(|\\.OPEN|sleep|SLEE|setTimeout|settimeou|backoff|Backof|é|😀| |x|\\(|\\.)",
                0..12,
            )
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(
                may_hold_retry_loop(text.as_bytes()),
                retry_words_by_definition(text.as_bytes()),
                "{}", text
            );
        }
    }
}
