//! What counts as a secret: secret-like names, placeholders, high-confidence patterns. Pure
//! predicates over names and values; the model finds where they hold (`model::secrets`).
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::parse::yaml::{Value, Yaml};
use regex::Regex;
use std::sync::LazyLock;

/// Split a key into lowercase words: `dbPassword` → [db, password], `API-KEY` → [api, key].
fn words(key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a variable or key name says it holds a secret.
pub fn is_secret_key(key: &str) -> bool {
    // every name this accepts holds one of the gate's words: most names are out without
    // being split into words
    if !ASSIGNMENT_GATE.is_match(key) {
        return false;
    }
    let w = words(key);
    let Some(last) = w.last() else { return false };
    // names of files, paths, sizes, switches and references to secrets are not secrets
    if matches!(
        last.as_str(),
        "file"
            | "path"
            | "dir"
            | "name"
            | "env"
            | "var"
            | "url"
            | "uri"
            | "ttl"
            | "length"
            | "len"
            | "expiry"
            | "expires"
            | "expiration"
            | "lifetime"
            | "timeout"
            | "type"
            | "enabled"
            | "enable"
            | "header"
            | "method"
            | "endpoint"
            | "id"
            | "ref"
            | "key_id"
            | "required"
            | "policy"
            | "mode"
            | "backend"
            | "provider"
            | "prefix"
            | "algorithm"
            | "size"
            | "version"
            | "count"
            | "min"
            | "max"
            | "secs"
            | "seconds"
            | "days"
            | "location"
            | "store"
            | "manager"
            | "hint"
            | "rotation"
            | "user"
            | "username"
            | "host"
            | "port"
            | "class"
            | "field"
            | "source"
            | "format"
            | "scope"
            | "scopes"
            // words about a secret, for people: messages, labels, help
            | "err"
            | "error"
            | "errors"
            | "msg"
            | "message"
            | "messages"
            | "label"
            | "text"
            | "title"
            | "placeholder"
            | "prompt"
            | "description"
            | "desc"
            | "help"
            | "tooltip"
            | "caption"
            | "expired"
            | "invalid"
            | "missing"
    ) {
        return false;
    }
    if key.eq_ignore_ascii_case("pwd") || key.eq_ignore_ascii_case("oldpwd") {
        return false; // the shell's working directory
    }
    let has = |s: &str| w.iter().any(|x| x == s);
    let pair = |a: &str, b: &str| {
        w.windows(2)
            .any(|p| matches!(p, [x, y] if x == a && y == b))
    };
    has("password")
        || has("passwd")
        || has("pwd")
        || has("secret")
        || has("token")
        || has("apikey")
        || has("credentials")
        || has("credential")
        || has("privatekey")
        || pair("api", "key")
        || pair("access", "key")
        || pair("private", "key")
        || pair("client", "secret")
        || pair("secret", "key")
        || pair("signing", "key")
        || pair("encryption", "key")
        || last == "auth"
        // `DB_PASS`, `RABBITMQ_DEFAULT_PASS`, `SMTP_PASS`
        || last == "pass"
}

/// What a value written under a secret-like name is. One classifier serves every secret rule
/// and the masking of reports.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum ValueClass {
    /// Points at the secret elsewhere: `${VAR}`, a template, a secret store, a mounted file,
    /// the name of a variable.
    Reference,
    /// Stands in for a value: empty, `<…>`, `changeme`, `xxx`, a number, a switch, the name
    /// of the field itself (`access_token`), a marker (`LDAP`).
    Placeholder,
    /// Words for a person: a label, a message, help text (`Your token has expired`).
    Prose,
    /// A well-known default anyone can guess: `postgres`, `admin`, `guest`, `secret`.
    WeakDefault,
    /// A value that looks like a real credential.
    Secret,
}

impl ValueClass {
    /// A value that grants access: a secret or a guessable default.
    pub fn is_credential(self) -> bool {
        matches!(self, ValueClass::Secret | ValueClass::WeakDefault)
    }
}

/// Values that stand in for a secret in examples and docs.
const PLACEHOLDER_WORDS: &[&str] = &[
    "changeme",
    "changeit",
    "change_me",
    "change-me",
    "changethis",
    "example",
    "placeholder",
    "your",
    "xxx",
    "***",
    "dummy",
    "fake",
    "sample",
    "redacted",
    "todo",
    "replace",
    "insert",
    "notasecret",
    "not-a-secret",
    "not_secret",
    "foobar",
    "secret-here",
    "put-",
];

/// Values that are not secrets whatever key they sit under: switches, types, nothing.
const NOT_VALUES: &[&str] = &[
    "none",
    "null",
    "nil",
    "true",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "required",
    "optional",
    "string",
    "empty",
    "write",
    "read",
    "read-write",
    "readonly",
    "disabled",
    "enabled",
    "auto",
    // `fetch(url, { credentials: 'omit' })`: options that name a concept
    "omit",
    "include",
    "same-origin",
];

/// Passwords anyone would try first: product defaults and dictionary words.
const WEAK: &[&str] = &[
    "password",
    "passw0rd",
    "password1",
    "password123",
    "mypassword",
    "p@ssw0rd",
    "p@ssword",
    "pass",
    "pass123",
    "secret",
    "secret123",
    "postgres",
    "postgresql",
    "root",
    "toor",
    "admin",
    "admin123",
    "administrator",
    "guest",
    "test",
    "testing",
    "test123",
    "dev",
    "development",
    "default",
    "user",
    "mysql",
    "mariadb",
    "redis",
    "rabbitmq",
    "mongo",
    "mongodb",
    "minio",
    "minioadmin",
    "elastic",
    "local",
    "localhost",
    "token",
    "django",
    "app",
    "demo",
    "secret_key",
    "qwerty",
    "letmein",
    "welcome",
    "123456",
    "1234",
    "12345",
    "12345678",
    "123456789",
];

/// Whether a value points at a secret kept elsewhere.
fn is_reference(v: &str) -> bool {
    if v.starts_with('$')
        || v.contains("${")
        || v.contains("$(")
        || v.contains("{{")
        || v.contains("{%")
        || v.contains("<%")
        || v.contains("#{")
        || v.contains("%(")
    {
        return true;
    }
    // a path to a mounted secret file
    if v.starts_with('/') || v.starts_with("./") || v.starts_with("~/") || v.starts_with("file:") {
        return true;
    }
    // a relative path or route of lowercase names (`secrets/db-password`, NGINX Unit's
    // `"pass": "applications/flask"`)
    let segments: Vec<&str> = v.split('/').collect();
    if segments.len() >= 2
        && segments.iter().all(|s| {
            s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                && s.chars().all(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-' | '.')
                })
        })
    {
        return true;
    }
    // secret stores and their URI schemes
    let lower = v.to_ascii_lowercase();
    const STORES: &[&str] = &[
        "vault:",
        "ref+",
        "op://",
        "arn:aws:secretsmanager",
        "arn:aws:ssm",
        "sm://",
        "awssm:",
        "azurekeyvault:",
        "keyvault:",
        "gcpsm:",
        "secretmanager:",
    ];
    if STORES.iter().any(|s| lower.starts_with(s))
        || lower.starts_with("projects/") && lower.contains("/secrets/")
    {
        return true;
    }
    // the name of an environment variable (`DB_PASSWORD`): where the value is read from
    v.contains('_')
        && v.chars().next().is_some_and(|c| c.is_ascii_uppercase())
        && v.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// A value that looks generated rather than chosen: long, mixing letters with digits or
/// symbols, or a long hex or base64 string. A credential even where test passwords are common.
pub fn looks_random(v: &str) -> bool {
    let n = v.chars().count();
    if n < 12 || v.contains(char::is_whitespace) {
        return false;
    }
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let letters = v.chars().filter(char::is_ascii_alphabetic).count();
    let upper = v.chars().filter(char::is_ascii_uppercase).count();
    let lower = v.chars().filter(char::is_ascii_lowercase).count();
    let hex = v.chars().all(|c| c.is_ascii_hexdigit());
    (hex && n >= 24 && digits > 0 && letters > 0)
        || (n >= 16 && digits >= 2 && letters >= 4 && upper + lower > 0)
        || (n >= 20 && digits >= 1 && upper >= 2 && lower >= 2)
}

/// Whether text reads as words for a person: several words with spaces, or a sentence.
fn is_prose(v: &str) -> bool {
    let words: Vec<&str> = v.split_whitespace().collect();
    if words.len() < 2 {
        return false;
    }
    let wordy = words
        .iter()
        .filter(|w| {
            w.trim_matches(|c: char| c.is_ascii_punctuation())
                .chars()
                .all(char::is_alphabetic)
        })
        .count();
    // "Invalid token", "API token", "Your token has expired.", "test value"
    wordy * 2 >= words.len() && !words.iter().any(|w| looks_random(w))
}

/// Classify a value written under a name (`key`; empty when unknown).
pub fn classify(key: &str, value: &str) -> ValueClass {
    let v = value.trim().trim_matches(['"', '\'']);
    if v.is_empty() {
        return ValueClass::Placeholder;
    }
    if is_reference(v) {
        return ValueClass::Reference;
    }
    let lower = v.to_ascii_lowercase();
    if v.starts_with('<') && v.ends_with('>') || v.starts_with('[') && v.ends_with(']') {
        return ValueClass::Placeholder;
    }
    // an interpolation hole of C#, Python f-strings or format strings (`{Environment.Get…`,
    // `{db_password}`): the value comes from code
    if v.starts_with('{')
        && v.chars()
            .nth(1)
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && (v.contains('(') || v.contains('.') || v.ends_with('}'))
    {
        return ValueClass::Placeholder;
    }
    // a format field or an encoder id (`"{password}"`, Spring's `"{noop}"`, `"{bcrypt}"`)
    if let Some(inner) = v.strip_prefix('{').and_then(|r| r.strip_suffix('}'))
        && !inner.is_empty()
        && inner
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    {
        return ValueClass::Placeholder;
    }
    if is_prose(v) {
        return ValueClass::Prose;
    }
    let first = v.chars().next().unwrap_or(' ');
    if v.chars().all(|c| c == first) && v.chars().count() > 1 {
        return ValueClass::Placeholder;
    }
    if PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w)) || NOT_VALUES.contains(&lower.as_str()) {
        return ValueClass::Placeholder;
    }
    let key_words = words(key);
    let value_words = words(v);
    // a label: `Password`, `API Token`, `Secret key` under the key it labels
    let capitalised = first.is_uppercase() && v.chars().skip(1).any(char::is_lowercase);
    if capitalised
        && !key_words.is_empty()
        && value_words.iter().all(|w| key_words.contains(w))
        && !v.chars().any(|c| c.is_ascii_digit())
    {
        return ValueClass::Prose;
    }
    // the name of the field itself, lowercase (`oauthParamAccessToken = "access_token"`):
    // code names parameters this way; a setting (see `classify_setting`) means it as a value
    if names_the_key(&key_words, v) {
        return ValueClass::Placeholder;
    }
    // a default anyone would try: a dictionary password
    if WEAK.contains(&lower.as_str()) || lower.starts_with("fake_") {
        return ValueClass::WeakDefault;
    }
    // a count or a port (`PASS=0` counts passed checks); numeric dictionary passwords
    // (`123456`) are weak defaults above
    if v.parse::<f64>().is_ok() {
        return ValueClass::Placeholder;
    }
    if v.chars().count() < 4 {
        // `SVIX_JWT_SECRET: "x"`: a password of a few characters is guessed at once; under
        // other names (`auth: md5`) a short value is a mode
        let strong = key_words.last().is_some_and(|w| {
            matches!(
                w.as_str(),
                "password" | "passwd" | "pwd" | "pass" | "secret" | "token" | "key" | "apikey"
            )
        });
        return if strong && v.chars().all(|c| c.is_ascii_alphanumeric()) {
            ValueClass::WeakDefault
        } else {
            ValueClass::Placeholder
        };
    }
    // a marker or mode in capitals (`LDAP`, `OIDC`): what kind of user, not a password
    if v.chars().count() <= 8 && v.chars().all(|c| c.is_ascii_uppercase()) {
        return ValueClass::Placeholder;
    }
    ValueClass::Secret
}

/// Whether a lowercase value is made of the key's own words (`access_token` under
/// `oauthParamAccessToken`, `postgres` under `POSTGRES_PASSWORD`).
fn names_the_key(key_words: &[String], v: &str) -> bool {
    let identifier = !v.is_empty()
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || matches!(c, '_' | '-' | '.'));
    let value_words = words(v);
    identifier && !value_words.is_empty() && value_words.iter().all(|w| key_words.contains(w))
}

/// Classify the value of a setting: an environment variable (Dockerfile, compose, Kubernetes,
/// env file) or a key of a config file. Unlike code, a setting never holds the name of a field:
/// a password made of its own key's words (`POSTGRES_PASSWORD=postgres`,
/// `ASTRONOMY_PASSWORD=astronomy_password`) is a guessable default.
pub fn classify_setting(key: &str, value: &str) -> ValueClass {
    let v = value.trim().trim_matches(['"', '\'']);
    match classify(key, value) {
        ValueClass::Placeholder if names_the_key(&words(key), v) => ValueClass::WeakDefault,
        c => c,
    }
}

/// Values that are not a real secret: references, placeholders, prose, weak defaults (which
/// rules that report weak defaults classify with [`classify`]).
pub fn is_placeholder(value: &str) -> bool {
    classify("", value) != ValueClass::Secret
}

/// The provider key shapes, each compiled the first time the gate lets a text through to it:
/// most runs meet none of them.
static PATTERNS: [(&str, LazyLock<Regex>); 5] = {
    fn compile(p: &str) -> Regex {
        Regex::new(p).expect("valid pattern")
    }
    [
        (
            "AWS access key",
            LazyLock::new(|| compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
        ),
        (
            "GitHub token",
            LazyLock::new(|| {
                compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b")
            }),
        ),
        (
            "Slack token",
            LazyLock::new(|| compile(r"\bxox[baprs]-[A-Za-z0-9-]{10,}")),
        ),
        (
            "Stripe live key",
            LazyLock::new(|| compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}")),
        ),
        (
            "private key",
            LazyLock::new(|| {
                compile(
                    r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----",
                )
            }),
        ),
    ]
};

static URL_CREDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b[a-zA-Z][a-zA-Z0-9+.\-]{1,20}://([^\s:/@'"`]+):([^\s@/'"`]+)@\S"#)
        .expect("valid pattern")
});

/// A secret found by its shape in a file's text: a provider's key format, a private key, a
/// guessable password in a URL.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ShapeHit {
    pub span: std::ops::Range<usize>,
    pub what: &'static str,
    pub class: ValueClass,
    /// The text of the span.
    pub value: String,
}

/// Every secret a text holds by its shape (see `crate::secrets::scan`), and every guessable
/// URL password.
pub fn prescan(text: &str) -> Vec<ShapeHit> {
    let value = |r: &std::ops::Range<usize>| text.get(r.clone()).unwrap_or_default().to_string();
    scan(text)
        .into_iter()
        .map(|(r, what)| (r, what, ValueClass::Secret))
        .chain(
            url_passwords(text)
                .into_iter()
                .filter(|(_, c)| *c == ValueClass::WeakDefault)
                .map(|(r, c)| (r, "password in a URL", c)),
        )
        .map(|(span, what, class)| ShapeHit {
            value: value(&span),
            span,
            what,
            class,
        })
        .collect()
}

/// What `prescan_unparsed` calls a value written under a secret-like name.
pub const UNPARSED_VALUE: &str = "value under a secret-like name";

/// `prescan`, for code twelve does not parse (test, example and docs trees): also every value
/// written under a secret-like name (`password = "hunter2"`), as a guessable default. Without a
/// parse there is no binding to stand for such a value, so this is what masks it wherever a
/// report quotes the file; it is never judged (in those trees only a provider's format is).
pub fn prescan_unparsed(text: &str) -> Vec<ShapeHit> {
    let mut hits = prescan(text);
    hits.extend(assignments(text).into_iter().map(|span| ShapeHit {
        value: text.get(span.clone()).unwrap_or_default().to_string(),
        span,
        what: UNPARSED_VALUE,
        class: ValueClass::WeakDefault,
    }));
    hits
}

/// A `ShapeHit` as the facts cache stores it: its name as text.
#[derive(serde::Deserialize)]
struct StoredShape {
    span: std::ops::Range<usize>,
    what: String,
    class: ValueClass,
    value: String,
}

impl<'de> serde::Deserialize<'de> for ShapeHit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<ShapeHit, D::Error> {
        let s = StoredShape::deserialize(d)?;
        let what = PATTERNS
            .iter()
            .map(|(n, _)| *n)
            .chain([
                "password in a connection string",
                "password in a URL",
                UNPARSED_VALUE,
            ])
            .find(|n| *n == s.what)
            .unwrap_or("secret by its shape");
        Ok(ShapeHit {
            span: s.span,
            what,
            class: s.class,
            value: s.value,
        })
    }
}

/// Literals one of which every match of a pattern holds (ASCII case ignored), by pattern:
/// `PATTERNS` in order, then key=value passwords, query passwords and URL credentials. One
/// pass over a text tells which patterns can match at all; most texts hold none.
const NEEDLES: &[(&str, usize)] = &[
    ("akia", 0),
    ("asia", 0),
    ("gh", 1),
    ("github_pat_", 1),
    ("xox", 2),
    ("k_live_", 3),
    ("private key", 4),
    ("password", 5),
    ("pwd", 5),
    ("?pass", 6),
    ("&pass", 6),
    ("?pwd", 6),
    ("&pwd", 6),
    ("://", 7),
];

/// `NEEDLES`' searchers (they are lowercase), built once.
static GATE: LazyLock<Vec<(memchr::memmem::Finder<'static>, usize)>> = LazyLock::new(|| {
    NEEDLES
        .iter()
        .map(|(n, i)| (memchr::memmem::Finder::new(n), *i))
        .collect()
});

/// Which of the scan's patterns may match somewhere in `text` (see `NEEDLES`): each needle
/// looked for in a lowercase copy with memchr's vectorised search, which stops at its first
/// occurrence (an automaton reporting every occurrence of every needle took four times as
/// long: `gh`, `pass` and `://` are everywhere).
fn possible(text: &str) -> [bool; 8] {
    let lower = text.as_bytes().to_ascii_lowercase();
    let mut may = [false; 8];
    for (finder, i) in GATE.iter() {
        if let Some(m) = may.get_mut(*i)
            && !*m
        {
            *m = finder.find(&lower).is_some();
        }
    }
    may
}

/// High-confidence secrets in text: (byte range of the secret value, what it is).
pub fn scan(text: &str) -> Vec<(std::ops::Range<usize>, &'static str)> {
    let mut out = Vec::new();
    let may = possible(text);
    if !may.iter().any(|m| *m) {
        return out;
    }
    for (i, (name, re)) in PATTERNS.iter().enumerate() {
        if !may.get(i).copied().unwrap_or(true) {
            continue;
        }
        for m in re.find_iter(text) {
            if m.as_str().contains("EXAMPLE") {
                continue;
            }
            out.push((m.range(), *name));
        }
    }
    let may_be = |i: usize| may.get(i).copied().unwrap_or(true);
    // a key=value password counts only on a line with a `;`, a query password only on a line
    // with a URL: a text with neither never compiles those patterns
    let key_value = may_be(5) && text.contains(';');
    let query = may_be(6) && (may_be(7) || text.contains("jdbc:"));
    for (r, what) in connection_string_passwords(text, key_value, query) {
        if let Some(pw) = text.get(r.clone())
            && !is_placeholder(pw)
        {
            out.push((r, what));
        }
    }
    for c in may_hold_url_credentials(text)
        .then(|| URL_CREDS.captures_iter(text))
        .into_iter()
        .flatten()
    {
        if let Some(pw) = c.get(2) {
            let user = c.get(1).map(|u| u.as_str()).unwrap_or("");
            if is_placeholder(pw.as_str()) || pw.as_str() == user || user.starts_with('$') {
                continue;
            }
            out.push((pw.range(), "password in a URL"));
        }
    }
    out.sort_by_key(|(r, _)| r.start);
    out
}

/// Whether `URL_CREDS` can match: every match holds `://` and then `@` (the pattern is
/// compiled only when some text of the run passes).
fn may_hold_url_credentials(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"://").is_some_and(|i| {
        memchr::memchr(b'@', text.as_bytes().get(i..).unwrap_or_default()).is_some()
    })
}

static FALLBACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-=])([^}$]*)\}").expect("valid pattern")
});

/// Literal defaults of secret-named variables in shell-style interpolation
/// (`${ADMIN_PASSWORD:-admin}`, `${DB_PASS-secret}`): what is used when the variable is unset,
/// committed with the file. Each with the variable's name and the class of the default; a
/// reference, placeholder or prose default is left out, and so are `#` comment lines.
pub fn fallback_defaults(text: &str) -> Vec<(std::ops::Range<usize>, String, ValueClass)> {
    let mut out = Vec::new();
    for c in FALLBACK.captures_iter(text) {
        let (Some(var), Some(default)) = (c.get(1), c.get(2)) else {
            continue;
        };
        if !is_secret_key(var.as_str()) || default.as_str().trim().is_empty() {
            continue;
        }
        let line_start = text
            .get(..var.start())
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        if text
            .get(line_start..var.start())
            .is_some_and(|l| l.trim_start().starts_with('#'))
        {
            continue;
        }
        // the default as written, inside any quotes
        let raw = default.as_str();
        let inner = raw.trim_matches(['"', '\'']);
        let lead = raw.find(inner).unwrap_or(0);
        let start = default.start() + lead;
        let class = classify_setting(var.as_str(), inner);
        if class.is_credential() {
            out.push((start..start + inner.len(), var.as_str().to_string(), class));
        }
    }
    out
}

static KV_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?:^|[;"'\s])(?:password|pwd)[ \t]*=[ \t]*([^;"'\r\n]+)"#)
        .expect("valid pattern")
});
static KV_CONNECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?:^|[;\s"'])(?:server|host|data source|datasource|address|user id|userid|uid|username|database|initial catalog)[ \t]*="#)
        .expect("valid pattern")
});
static QUERY_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)[?&](?:password|pwd|pass)=([^&\s"'#<>]+)"#).expect("valid pattern")
});

/// Passwords of connection strings that are not URLs: ADO.NET / ODBC style
/// (`Server=db;User Id=sa;Password=…;`) and URL query parameters (`jdbc:…?user=x&password=…`).
/// Byte ranges of the passwords, with what they are.
fn connection_string_passwords(
    text: &str,
    key_value: bool,
    query: bool,
) -> Vec<(std::ops::Range<usize>, &'static str)> {
    let mut out = Vec::new();
    let line_of = |at: usize| -> &str {
        let start = text
            .get(..at)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let end = text
            .get(at..)
            .and_then(|t| t.find('\n'))
            .map_or(text.len(), |i| at + i);
        text.get(start..end).unwrap_or("")
    };
    for c in key_value
        .then(|| KV_PASSWORD.captures_iter(text))
        .into_iter()
        .flatten()
    {
        let Some(pw) = c.get(1) else { continue };
        let line = line_of(pw.start());
        if line.contains(';') && KV_CONNECTION.is_match(line) {
            let v = pw.as_str().trim_end();
            out.push((
                pw.start()..pw.start() + v.len(),
                "password in a connection string",
            ));
        }
    }
    for c in query
        .then(|| QUERY_PASSWORD.captures_iter(text))
        .into_iter()
        .flatten()
    {
        let Some(pw) = c.get(1) else { continue };
        let line = line_of(pw.start());
        if line.contains("://") || line.contains("jdbc:") {
            out.push((pw.range(), "password in a URL"));
        }
    }
    out
}

/// Passwords of URLs with credentials (`postgres://app:pw@db/app`), each with its class: a
/// reference or placeholder is left out; a password equal to the user name, or a guessable
/// word, is a weak default.
pub fn url_passwords(text: &str) -> Vec<(std::ops::Range<usize>, ValueClass)> {
    if !may_hold_url_credentials(text) {
        return Vec::new();
    }
    URL_CREDS
        .captures_iter(text)
        .filter_map(|c| {
            let pw = c.get(2)?;
            let user = c.get(1).map(|u| u.as_str()).unwrap_or("");
            if user.starts_with('$') {
                return None;
            }
            let class = if pw.as_str() == user {
                ValueClass::WeakDefault
            } else {
                classify_setting("password", pw.as_str())
            };
            class.is_credential().then(|| (pw.range(), class))
        })
        .collect()
}

/// The MySQL and MariaDB clients, which take a password glued to `-p` (`-psecret`).
fn takes_glued_password(program: &str) -> bool {
    matches!(
        program,
        "mysql"
            | "mysqldump"
            | "mysqladmin"
            | "mysqlimport"
            | "mysqlcheck"
            | "mysqlshow"
            | "mariadb"
            | "mariadb-dump"
            | "mariadb-admin"
    )
}

/// Whether a command-line value is a written secret rather than a reference or placeholder.
fn is_secret_value(v: &str) -> bool {
    !v.is_empty() && !v.starts_with('$') && !is_placeholder(v)
}

/// In a command's words (program first), the values that are secrets: the value of a flag
/// named like a secret (`--password X`, `--token=X`, `-db-password X`), the password glued
/// to `-p` of the MySQL clients (`-psecret`), and the value of a secret-named assignment
/// (`-e DB_PASSWORD=X`, `env API_TOKEN=X cmd`, `--build-arg TOKEN=X`, `--set
/// auth.password=X`). References (`$PW`) and placeholders are none. Each is (word index,
/// byte range of the value in the word).
pub fn secret_args(words: &[&str]) -> Vec<(usize, std::ops::Range<usize>)> {
    let program = words
        .first()
        .map(|w| w.rsplit('/').next().unwrap_or(w))
        .unwrap_or("");
    let mut out = Vec::new();
    let mut skip_next = false;
    for (i, w) in words.iter().enumerate().skip(1) {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        let flag = w.strip_prefix("--").or_else(|| w.strip_prefix('-'));
        match flag {
            Some(f) => {
                let (name, value) = match f.split_once('=') {
                    Some((n, v)) => (n, Some(v)),
                    None => (f, None),
                };
                if takes_glued_password(program)
                    && !w.starts_with("--")
                    && let Some(pw) = w.strip_prefix("-p")
                    && is_secret_value(pw)
                {
                    out.push((i, 2..w.len()));
                    continue;
                }
                if name.len() < 3 || name.starts_with("no-") || !is_secret_key(name) {
                    continue;
                }
                match value {
                    Some(v) if is_secret_value(v) => out.push((i, w.len() - v.len()..w.len())),
                    Some(_) => {}
                    None => {
                        if let Some(next) = words.get(i + 1)
                            && !next.starts_with('-')
                            && is_secret_value(next)
                        {
                            out.push((i + 1, 0..next.len()));
                            skip_next = true;
                        }
                    }
                }
            }
            None => {
                if let Some((key, value)) = w.split_once('=')
                    && !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
                    && is_secret_key(key)
                    && is_secret_value(value)
                {
                    out.push((i, w.len() - value.len()..w.len()));
                }
            }
        }
    }
    out
}

/// A command's words joined by spaces, each secret value in them masked.
pub fn masked_command(words: &[&str]) -> String {
    let secret = secret_args(words);
    words
        .iter()
        .enumerate()
        .map(|(i, w)| match secret.iter().find(|(wi, _)| *wi == i) {
            Some((_, r)) => format!(
                "{}{}",
                w.get(..r.start).unwrap_or_default(),
                crate::diagnostic::redact(w.get(r.clone()).unwrap_or_default())
            ),
            None => (*w).to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Mask the passwords of URLs with credentials (`git+https://user:pw@host`) in a text meant
/// for a report: `user:pw****@`.
pub fn mask_url_credentials(text: &str) -> std::borrow::Cow<'_, str> {
    if !may_hold_url_credentials(text) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out: Option<String> = None;
    let mut last = 0;
    for c in URL_CREDS.captures_iter(text) {
        let Some(pw) = c.get(2) else { continue };
        // a reference to a variable is no secret; any written password is masked
        if pw.as_str().starts_with('$') {
            continue;
        }
        let o = out.get_or_insert_with(String::new);
        o.push_str(text.get(last..pw.start()).unwrap_or_default());
        o.push_str(&crate::diagnostic::redact(pw.as_str()));
        last = pw.end();
    }
    match out {
        Some(mut o) => {
            o.push_str(text.get(last..).unwrap_or_default());
            std::borrow::Cow::Owned(o)
        }
        None => std::borrow::Cow::Borrowed(text),
    }
}

static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)(?:^|[\s{,;(])["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?[ \t]*[:=][ \t]*["']?([^\s"',;}#]+)"#,
    )
    .expect("valid pattern")
});

static SHELL_ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"^[ \t]*(?:(?:export|readonly|local|declare(?:[ \t]+-[A-Za-z]+)*)[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=("[^"\n]*"|'[^'\n]*'|[^\s;#&|]*)"#,
    )
    .expect("valid pattern")
});

/// Variable assignments of a shell script (`API_TOKEN="…"`, `export DB_PASS=…`), one per
/// line that starts with one, comment lines left out: (name, name's range, value's range inside
/// its quotes).
pub fn shell_assignments(
    text: &str,
) -> Vec<(String, std::ops::Range<usize>, std::ops::Range<usize>)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(c) = SHELL_ASSIGNMENT.captures(line)
            && let (Some(k), Some(v)) = (c.get(1), c.get(2))
        {
            let quoted = v.as_str().len() >= 2
                && (v.as_str().starts_with('"') && v.as_str().ends_with('"')
                    || v.as_str().starts_with('\'') && v.as_str().ends_with('\''));
            let value = if quoted {
                offset + v.start() + 1..offset + v.end() - 1
            } else {
                offset + v.start()..offset + v.end()
            };
            out.push((
                k.as_str().to_string(),
                offset + k.start()..offset + k.end(),
                value,
            ));
        }
        offset += line.len();
    }
    out
}

static QUERY_CREDENTIAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[?&][a-z0-9_.\-]*(?:key|token|secret|password|passwd|auth|signature|sig)[a-z0-9_\-]*=$")
        .expect("valid pattern")
});
static HEADER_CREDENTIAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:authorization|private-token|job-token|x-api-key|api-key|apikey|x-auth-token|x-access-token)[ \t]*:[ \t]*(?:(?:bearer|token|basic)[ \t]+)?$")
        .expect("valid pattern")
});
static BASIC_AUTH_FLAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:^|\s)(?:-u|--user|--http-password=|--password=)[ =]?["']?(?:[^\s:"']*:)?$"#)
        .expect("valid pattern")
});

/// Whether a variable written at `var` (its `$NAME` or `${NAME}`) in a command is sent as a
/// credential, by what comes before and after it: the password or token of a URL
/// (`https://user:$X@host`, `https://$X@host`), a credential query parameter
/// (`?license_key=$X`), an auth header (`Authorization: Bearer $X`), a basic-auth flag
/// (`-u user:$X`). What it is, for a message.
pub fn credential_use(text: &str, var: std::ops::Range<usize>) -> Option<&'static str> {
    let before_all = text.get(..var.start)?;
    // the text before on the same line, at most 200 bytes back, on a char boundary
    let line_start = before_all.rfind('\n').map_or(0, |i| i + 1);
    let mut from = line_start.max(var.start.saturating_sub(200));
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = text.get(from..var.start)?;
    let after = text.get(var.end..).unwrap_or("");
    let word_start = before
        .rfind(|c: char| c.is_whitespace() || matches!(c, '"' | '\''))
        .map_or(0, |i| i + 1);
    let word = before.get(word_start..).unwrap_or("");
    if after.starts_with('@') && word.contains("://") {
        return Some("the credentials of a URL");
    }
    // each pattern runs (and is compiled, once) only where text it needs is there: `=` at
    // the end, a `:` and a header's word (any case; text that is not ASCII may fold into
    // one), a `-`
    if before.ends_with('=') && QUERY_CREDENTIAL.is_match(before) {
        return Some("a credential parameter of a URL");
    }
    let header_word = || {
        !before.is_ascii() || {
            let lower = before.to_ascii_lowercase();
            ["auth", "token", "key"].iter().any(|w| lower.contains(w))
        }
    };
    if before.contains(':') && header_word() && HEADER_CREDENTIAL.is_match(before) {
        return Some("an auth header");
    }
    if before.contains('-') && BASIC_AUTH_FLAG.is_match(before) {
        return Some("a password flag");
    }
    None
}

static VARIABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)").expect("valid pattern")
});

/// Every `$NAME` and `${NAME}` of a text: (name, range of the whole reference).
pub fn variables(text: &str) -> Vec<(&str, std::ops::Range<usize>)> {
    VARIABLE
        .captures_iter(text)
        .filter_map(|c| {
            let name = c.get(1).or_else(|| c.get(2))?;
            Some((name.as_str(), c.get(0)?.range()))
        })
        .collect()
}

static NAME_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["']?\b(name|value)["']?[ \t]*:[ \t]*["']?([^\s"',}#]+)"#).expect("valid pattern")
});

/// Words one of which (ASCII case ignored) every name `is_secret_key` accepts holds, and the
/// MySQL clients that take a password glued to `-p`: a text without any holds nothing
/// `assignments` finds, and most code holds none.
const GATE_WORDS: [&str; 9] = [
    "pass",
    "pwd",
    "secret",
    "token",
    "key",
    "credential",
    "auth",
    "mysql",
    "mariadb",
];

static ASSIGNMENT_GATE: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(GATE_WORDS)
        .expect("valid needles")
});

/// Where the gate's words occur in `text` (ASCII case ignored), in order: every occurrence of
/// each, found with memchr's vectorised search in a lowercase copy (an automaton over the
/// whole text costs several times as much). What the callers ask of them is which lines hold
/// one, and no word spans a line break.
fn gate_hits(text: &str) -> Vec<usize> {
    static FINDERS: LazyLock<[memchr::memmem::Finder<'static>; 9]> =
        LazyLock::new(|| GATE_WORDS.map(memchr::memmem::Finder::new));
    let lower = text.as_bytes().to_ascii_lowercase();
    let mut hits: Vec<usize> = FINDERS.iter().flat_map(|f| f.find_iter(&lower)).collect();
    hits.sort_unstable();
    hits
}

/// Whether a line may hold a command-line flag ([`secret_args`] reads the shell words of a
/// line that start with `-` and a name): a `-` that starts a word (after whitespace, a
/// non-ASCII character or the line's start) and is followed by more than dashes and spaces.
/// Splitting every line with a minus sign into shell words costs far more than this look.
fn may_hold_flag(line: &[u8]) -> bool {
    memchr::memchr_iter(b'-', line).any(|i| {
        let starts_word = i == 0 || line.get(i - 1).is_some_and(|p| !p.is_ascii_graphic());
        let name = line
            .iter()
            .skip(i)
            .find(|c| **c != b'-')
            .is_some_and(|c| !c.is_ascii_whitespace());
        starts_word && name
    })
}

/// Values assigned to secret-like names (`password = "hunter2"`, `"api_key": "x"`). A name
/// `is_secret_key` accepts holds one of the gate's words, and an assignment is on one line:
/// only the lines holding such a word are matched (the pattern is run on each as on the whole
/// text, `^` standing for the newline before it). `assignments` computes the gate once for
/// this and the name/value pattern; tests ask this directly.
#[cfg(test)]
fn assigned_values(text: &str) -> Vec<std::ops::Range<usize>> {
    let gate = gate_hits(text);
    assigned_values_at(text, &gate)
}

/// `assigned_values`, given where the gate's words start in `text`.
fn assigned_values_at(text: &str, gate: &[usize]) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = Vec::new();
    let bytes = text.as_bytes();
    let mut scanned_to = 0;
    for &at in gate {
        if at < scanned_to {
            continue;
        }
        let start = bytes
            .get(..at)
            .and_then(|b| memchr::memrchr(b'\n', b))
            .map_or(0, |i| i + 1);
        let end = bytes
            .get(at..)
            .and_then(|b| memchr::memchr(b'\n', b))
            .map_or(text.len(), |i| at + i + 1);
        scanned_to = end;
        let Some(line) = text.get(start..end) else {
            continue;
        };
        out.extend(ASSIGNMENT.captures_iter(line).filter_map(|c| {
            let (k, v) = (c.get(1)?, c.get(2)?);
            (is_secret_key(k.as_str()) && is_secret_value(v.as_str()))
                .then(|| start + v.start()..start + v.end())
        }));
    }
    out
}

/// Secret values assigned to secret-named keys in any text (`KEY=value`, `key: value`,
/// `"key": "value"`), for files twelve has no model of (one that failed to parse, a shell
/// script's assignments, a Helm template): their reports must still mask what a reader
/// would see as a secret. Byte ranges of the values.
pub fn assignments(text: &str) -> Vec<std::ops::Range<usize>> {
    let gate = gate_hits(text);
    if gate.is_empty() {
        return Vec::new();
    }
    let mut out = assigned_values_at(text, &gate);
    // `name: DB_PASSWORD` then `value: x` (a Kubernetes env entry), and secret flags on any
    // line read as a command (`--password X`)
    let mut offset = 0;
    let mut named_secret_lines = 0u8;
    let mut next_gate = gate.iter().peekable();
    for line in text.split_inclusive('\n') {
        let end = offset + line.len();
        let mut gated = false;
        while let Some(&&at) = next_gate.peek() {
            if at >= end {
                break;
            }
            gated = true;
            next_gate.next();
        }
        // the pattern names `name` or `value`; a `name:` line matters only where it names a
        // secret (a gate word on the line) or ends the lines after one that did
        let c = if (gated || named_secret_lines > 0)
            && (line.contains("name") || line.contains("value"))
        {
            NAME_VALUE.captures(line)
        } else {
            None
        };
        let field = |name: &str| {
            c.as_ref()
                .filter(|c| c.get(1).is_some_and(|f| f.as_str() == name))
                .and_then(|c| c.get(2))
        };
        if let Some(key) = field("name") {
            named_secret_lines = if is_secret_key(key.as_str()) { 3 } else { 0 };
        } else if named_secret_lines > 0 {
            named_secret_lines -= 1;
            if let Some(v) = field("value").filter(|v| is_secret_value(v.as_str())) {
                out.push(offset + v.start()..offset + v.end());
                named_secret_lines = 0;
            }
        }
        // a secret flag's name, `key=` or glued-password client holds a gate word, on its line
        if gated && may_hold_flag(line.as_bytes()) {
            let spans = crate::parse::shell::word_spans(line);
            let words: Vec<&str> = spans
                .iter()
                .map(|r| line.get(r.clone()).unwrap_or_default())
                .collect();
            for (wi, r) in secret_args(&words) {
                if let Some(w) = spans.get(wi) {
                    out.push(offset + w.start + r.start..offset + w.start + r.end);
                }
            }
        }
        offset += line.len();
    }
    out
}

/// Secret-like keys bound to scalars (not numbers or switches) anywhere in a YAML tree, each
/// with the other scalar values of its map (`user: app` beside `password: app`).
pub fn yaml_secrets(y: &Yaml, depth: usize, f: &mut dyn FnMut(&str, &Yaml, &[&str])) {
    if depth > 64 {
        return;
    }
    match &y.value {
        Value::Map(entries) => {
            // a block switched off (`enabled: false`, `mode: none`): its values are inert
            let switches = entries
                .iter()
                .filter_map(|(k, v)| Some((k.as_str()?, v.as_str()?)));
            if crate::parse::settings::switched_off(switches) {
                return;
            }
            let plain: Vec<&str> = entries
                .iter()
                .filter(|(k, _)| k.as_str().is_some_and(|k| !is_secret_key(k)))
                .filter_map(|(_, v)| v.as_str())
                .collect();
            for (k, v) in entries {
                if let (Some(key), Value::Scalar { text, .. }) = (k.as_str(), &v.value) {
                    if is_secret_key(key) && text.parse::<f64>().is_err() && v.as_bool().is_none() {
                        f(key, v, &plain);
                    }
                } else {
                    yaml_secrets(v, depth + 1, f);
                }
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| yaml_secrets(i, depth + 1, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    /// The look before splitting a line into shell words passes every line whose words hold a
    /// secret flag, and spares lines whose minus signs start no word or end one.
    #[test]
    fn lines_that_may_hold_a_flag() {
        for line in [
            "mysql -u root -phunter22",
            "run --password hunter22",
            "\t--db-password=hunter22",
            "x\u{a0}--token s3cr3t-value",
            "-p123",
            "cmd --_secret=x",
        ] {
            assert!(super::may_hold_flag(line.as_bytes()), "{line}");
        }
        for line in [
            "a - b",
            "2026-12-07",
            "x-y",
            "-- comment",
            "a --",
            "x = y-1",
        ] {
            assert!(!super::may_hold_flag(line.as_bytes()), "{line}");
        }
        // what the look passes still reaches the flags
        assert!(!super::assignments("mysql -u root -phunter22\n").is_empty());
    }
    use super::*;

    /// What the assignment pattern finds on the whole text: `assigned_values`, which matches
    /// only the lines holding a gate word, must find the same on any text.
    fn assignments_whole_text(text: &str) -> Vec<std::ops::Range<usize>> {
        ASSIGNMENT
            .captures_iter(text)
            .filter_map(|c| {
                let (k, v) = (c.get(1)?, c.get(2)?);
                (is_secret_key(k.as_str()) && is_secret_value(v.as_str())).then(|| v.range())
            })
            .collect()
    }

    /// What `assignments` finds when the `name:`/`value:` pattern is matched on every line (the
    /// oracle for the gate on it).
    fn assignments_every_line(text: &str) -> Vec<std::ops::Range<usize>> {
        let mut out = assignments_whole_text(text);
        let (mut offset, mut named_secret_lines) = (0, 0u8);
        for line in text.split_inclusive('\n') {
            let c = NAME_VALUE.captures(line);
            let field = |name: &str| {
                c.as_ref()
                    .filter(|c| c.get(1).is_some_and(|f| f.as_str() == name))
                    .and_then(|c| c.get(2))
            };
            if let Some(key) = field("name") {
                named_secret_lines = if is_secret_key(key.as_str()) { 3 } else { 0 };
            } else if named_secret_lines > 0 {
                named_secret_lines -= 1;
                if let Some(v) = field("value").filter(|v| is_secret_value(v.as_str())) {
                    out.push(offset + v.start()..offset + v.end());
                    named_secret_lines = 0;
                }
            }
            // the flags are read where a `-` starts a word (`lines_that_may_hold_a_flag`)
            if may_hold_flag(line.as_bytes()) {
                let spans = crate::parse::shell::word_spans(line);
                let words: Vec<&str> = spans.iter().map(|r| &line[r.clone()]).collect();
                for (wi, r) in secret_args(&words) {
                    out.push(offset + spans[wi].start + r.start..offset + spans[wi].start + r.end);
                }
            }
            offset += line.len();
        }
        out
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 400, ..Default::default() })]
        #[test]
        fn assignments_as_when_every_line_is_matched(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "name", "value", "name: DB_PASSWORD", "name: user", "- name: API_TOKEN",
                "value: s3cr3t-Value_9", "value: x", ": ", "\"", "\n", "\n  ", "password",
                "mysql -u root -phunter22", "--password ", "--token=", "hunter2secret", "é",
                " ", "=", "-", "Auth", "日本", "DB_PASS=", "/usr/bin/", "mariadb-dump", "-p",
            ]), 0..40)
        ) {
            let text: String = parts.concat();
            proptest::prop_assert_eq!(assignments(&text), assignments_every_line(&text));
        }

        #[test]
        fn assignments_line_by_line_as_on_the_whole_text(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "password", "db_pass", "API_KEY", "token", "name", "x", "é", "日本", " ", "\t",
                "\n", "\r\n", "=", ":", "\"", "'", ",", ";", "{", "(", "#", "hunter2secret",
                "s3cr3t-Value_9", "-", ".", "mysql", "Auth", "\n\n",
            ]), 0..40)
        ) {
            let text: String = parts.concat();
            proptest::prop_assert_eq!(assigned_values(&text), assignments_whole_text(&text));
        }
    }

    #[test]
    fn lowercase_relative_paths_are_references_not_secrets() {
        assert_eq!(
            classify("pass", "applications/flask"),
            ValueClass::Reference
        );
        assert_eq!(
            classify("password_file", "secrets/db-password"),
            ValueClass::Reference
        );
        assert_eq!(classify("password", "kT9/q2Lm+8vXz"), ValueClass::Secret);
        assert_eq!(classify("token", "a1b2/c3d4Z"), ValueClass::Secret);
    }

    #[test]
    fn shell_assignments_with_quotes_exports_and_comments() {
        let text = "#!/bin/sh\nexport API_TOKEN=\"ghp_x y\"\n# OLD=1\n  DB_PASS='pä55'\nlocal N=3; echo\nrun X=1\n";
        let got: Vec<(String, &str)> = shell_assignments(text)
            .into_iter()
            .map(|(k, _, v)| (k, text.get(v).unwrap()))
            .collect();
        assert_eq!(
            got,
            [
                ("API_TOKEN".to_string(), "ghp_x y"),
                ("DB_PASS".to_string(), "pä55"),
                ("N".to_string(), "3"),
            ]
        );
    }

    #[test]
    fn variables_sent_as_credentials() {
        let uses = |text: &str| -> Vec<(String, Option<&'static str>)> {
            variables(text)
                .into_iter()
                .map(|(n, r)| (n.to_string(), credential_use(text, r)))
                .collect()
        };
        let text = "curl -fsSL \"https://dl.example.com/geo?edition=City&license_key=${LICENSE}&suffix=tgz\" -o $OUT";
        assert_eq!(
            uses(text),
            [
                (
                    "LICENSE".to_string(),
                    Some("a credential parameter of a URL")
                ),
                ("OUT".to_string(), None)
            ]
        );
        assert_eq!(
            uses("git clone https://oauth2:${GL}@gitlab.com/x.git")[0].1,
            Some("the credentials of a URL")
        );
        assert_eq!(
            uses("git clone https://$GH@github.com/x")[0].1,
            Some("the credentials of a URL")
        );
        assert_eq!(
            uses("curl -H \"Authorization: Bearer ${API}\" https://x")[0].1,
            Some("an auth header")
        );
        assert_eq!(
            uses("curl -u deploy:$NEXUS https://x")[0].1,
            Some("a password flag")
        );
        for header in [
            "curl -H 'PRIVATE-TOKEN: $T' https://x",
            "curl -H \"X-Api-Key:$T\" https://x",
            "wget --header=\"x-access-token: token $T\" https://x",
            // the Kelvin sign folds to `k` in a case-insensitive match
            "curl -H 'api\u{212A}ey: $T' https://x",
        ] {
            assert_eq!(uses(header)[0].1, Some("an auth header"), "{header}");
        }
        assert_eq!(uses("curl -H 'Accept: $T' https://x")[0].1, None);
        // a version or a path is no credential
        assert_eq!(uses("curl https://x/$VERSION/pkg?arch=$ARCH")[0].1, None);
        assert_eq!(uses("curl https://x/pkg?arch=$ARCH")[0].1, None);
        // multi-byte text before the variable
        assert_eq!(
            uses(&format!("{} curl -u u:$P", "é".repeat(150)))[0].1,
            Some("a password flag")
        );
    }

    proptest::proptest! {
        /// The gate finds the kinds an automaton over every occurrence of every needle (ASCII
        /// case ignored) finds.
        #[test]
        fn the_gate_is_every_needle_in_any_case(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "AKIA", "asia", "gH", "GitHub_PAT_", "xOx", "k_LIVE_", "Private Key", "PaSs",
                "pwd", "?", "&", ":/", "/", "é", "日本", " ", "x", "_", "s",
            ]), 0..16)
        ) {
            let text: String = parts.concat();
            let oracle = aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .build(NEEDLES.iter().map(|(n, _)| n))
                .unwrap();
            let mut want = [false; 8];
            for m in oracle.find_overlapping_iter(&text) {
                want[NEEDLES[m.pattern().as_usize()].1] = true;
            }
            proptest::prop_assert_eq!(possible(&text), want, "{}", text);
        }
    }

    #[test]
    fn the_gate_never_hides_a_match() {
        // every text of the fixtures, and shapes written to test the gate's edges
        let mut texts: Vec<String> = vec![
            "key AKIAABCDEFGHIJKLMNOP x".into(),
            "t = ghp_abcdefghijklmnopqrstuvwxyz0123456789AB".into(),
            "slack xoxb-1234567890-abcdef".into(),
            "sk_live_abcdefghijklmnop1234".into(),
            "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----".into(),
            "Server=db;User Id=sa;PWD=Str0ngPa55;".into(),
            "jdbc:mysql://db/app?user=a&Pass=Zq8sLm3vBn7X".into(),
            "redis://user:Zq8sLm3vBn7Xc2Wp@cache:6379/0".into(),
        ];
        fn walk(d: &std::path::Path, out: &mut Vec<String>) {
            for e in std::fs::read_dir(d).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if let Ok(t) = std::fs::read_to_string(&p) {
                    out.push(t);
                }
            }
        }
        walk(std::path::Path::new("fixtures"), &mut texts);
        assert!(texts.len() > 100);
        for t in &texts {
            let may = possible(t);
            for (i, (name, re)) in PATTERNS.iter().enumerate() {
                assert!(!re.is_match(t) || may[i], "{name} in {t:.80}");
            }
            assert!(!KV_PASSWORD.is_match(t) || may[5], "{t:.80}");
            assert!(!QUERY_PASSWORD.is_match(t) || may[6], "{t:.80}");
            assert!(!URL_CREDS.is_match(t) || may[7], "{t:.80}");
            assert!(
                !URL_CREDS.is_match(t) || may_hold_url_credentials(t),
                "{t:.80}"
            );
        }
    }

    #[test]
    fn connection_string_passwords_by_shape() {
        let text = "Default: \"Server=db;Database=app;User Id=sa;Password=Str0ng-Pa55w0rd!;\"\nurl: jdbc:postgresql://db/app?user=app&password=Zq8sLm3vBn7Xc2Wp\nform: password=secret\nnote: Server=x;Password=${DB_PASSWORD};\ncs = \"Host=db.internal;Username=app;Password=Xk9mQ2vLp77w\";\n";
        let got: Vec<(&str, &str)> = scan(text)
            .into_iter()
            .map(|(r, w)| (text.get(r).unwrap(), w))
            .collect();
        assert_eq!(
            got,
            [
                ("Str0ng-Pa55w0rd!", "password in a connection string"),
                ("Zq8sLm3vBn7Xc2Wp", "password in a URL"),
                ("Xk9mQ2vLp77w", "password in a connection string"),
            ]
        );
    }

    #[test]
    fn fallback_defaults_of_secret_variables() {
        let text = "A=${ADMIN_PASSWORD:-admin}\n# B=${OLD_TOKEN:-Zq8sLm3vBn7Xc2Wp}\nC=${DB_PASS-\"Zq8sLm3vBn7Xc2Wp\"}\nD=${PORT:-8080} ${API_KEY:-} ${SECRET_KEY:-changeme} ${TOKEN:-${OTHER}}\n";
        let got: Vec<(&str, String, ValueClass)> = fallback_defaults(text)
            .into_iter()
            .map(|(r, v, c)| (text.get(r).unwrap(), v, c))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "admin",
                    "ADMIN_PASSWORD".to_string(),
                    ValueClass::WeakDefault
                ),
                (
                    "Zq8sLm3vBn7Xc2Wp",
                    "DB_PASS".to_string(),
                    ValueClass::Secret
                ),
            ]
        );
    }

    #[test]
    fn secret_keys() {
        for k in [
            "DB_PASSWORD",
            "apiKey",
            "SECRET_KEY",
            "GITHUB_TOKEN",
            "client_secret",
            "basic_auth",
            "AWS_SECRET_ACCESS_KEY",
            "RABBITMQ_DEFAULT_PASS",
            "DB_PASS",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "PASSWORD_FILE",
            "TOKEN_URL",
            "PWD",
            "AUTH_TYPE",
            "author",
            "tokenizer",
            "AWS_ACCESS_KEY_ID",
            "SECRET_NAME",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn values_are_classified_by_shape_and_key() {
        use ValueClass::*;
        for (key, value, want) in [
            // references: interpolation, templates, secret stores, mounted files, variable names
            ("DB_PASSWORD", "${DB_PASSWORD}", Reference),
            ("password", "{{ .Values.db.password }}", Reference),
            ("password", "{{ vault_db_password }}", Reference),
            ("token", "/run/secrets/token", Reference),
            ("api_key", "vault:secret/data/app#key", Reference),
            ("passwordEnv", "DB_PASSWORD", Reference),
            // placeholders
            ("DB_PASSWORD", "changeme", Placeholder),
            ("DB_PASSWORD", "<your-password>", Placeholder),
            ("TOKEN", "xxxxxxxx", Placeholder),
            ("SECRET", "", Placeholder),
            ("credentials", "omit", Placeholder),
            ("credentials", "include", Placeholder),
            ("credentials", "same-origin", Placeholder),
            // the field's own name (writefreely's `oauthParamAccessToken = "access_token"`)
            ("oauthParamAccessToken", "access_token", Placeholder),
            (
                "oauthParamTokenRemoteUserID",
                "token_remote_user",
                Placeholder,
            ),
            // a marker of how the user signs in (mealie: `"password": "LDAP"`)
            ("password", "LDAP", Placeholder),
            ("password", "OIDC", Placeholder),
            // prose: labels, messages, help
            ("password", "Password", Prose),
            ("apiToken", "API token", Prose),
            ("INVALID_TOKEN", "Invalid token", Prose),
            ("token_expired", "Your token has expired.", Prose),
            ("SVIX_JWT_SECRET", "test value", Prose),
            // weak and well-known defaults
            ("RABBITMQ_DEFAULT_PASS", "guest", WeakDefault),
            ("DB_PASSWORD", "admin", WeakDefault),
            ("MYSQL_PASSWORD", "secret", WeakDefault),
            ("db_password", "123456", WeakDefault),
            ("SVIX_JWT_SECRET", "x", WeakDefault),
            ("auth", "md5", Placeholder),
            // in code, a value made of the key's own words names a field
            ("oauthParamPassword", "password", Placeholder),
            ("PK_TOKEN", "token", Placeholder),
            // likely secrets
            ("SECRET_KEY", "9f3b2c7d1e8a4f6b", Secret),
            ("LDAP_QUERY_PASSWORD", "GoodNewsEveryone", Secret),
            ("APIKey", "37ab8e2c6e1a9f0d4b3c2a1e0f9d8c7b", Secret),
            ("password", "hunter2hunter", Secret),
        ] {
            assert_eq!(classify(key, value), want, "{key} = {value:?}");
        }
    }

    #[test]
    fn a_setting_made_of_its_own_key_is_a_weak_default() {
        use ValueClass::*;
        for (key, value, want) in [
            ("POSTGRES_PASSWORD", "postgres", WeakDefault),
            ("password", "password", WeakDefault),
            (
                "POSTGRES_ASTRONOMY_PASSWORD",
                "astronomy_password",
                WeakDefault,
            ),
            ("ADMIN_PASSWORD", "admin", WeakDefault),
            ("DB_PASSWORD", "${DB_PASSWORD}", Reference),
            ("DB_PASSWORD", "changeme", Placeholder),
            ("DB_PASSWORD", "hunter2hunter", Secret),
        ] {
            assert_eq!(classify_setting(key, value), want, "{key} = {value:?}");
        }
    }

    #[test]
    fn generated_values_look_random() {
        for v in [
            "37ab8e2c6e1a9f0d4b3c2a1e0f9d8c7b",
            "sk-Zx81kQ9rT2mB7wLp",
            "aB3dE5gH7jK9mN1pQ3sT",
        ] {
            assert!(looks_random(v), "{v}");
        }
        for v in [
            "GoodNewsEveryone",
            "mealie",
            "test value",
            "postgres",
            "hunter2",
        ] {
            assert!(!looks_random(v), "{v}");
        }
    }

    #[test]
    fn words_about_secrets_are_not_secret_keys() {
        for k in [
            "INVALID_TOKEN_ERR",
            "JWT_SECRET_ERR",
            "token_expired",
            "passwordLabel",
            "PASSWORD_HELP",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn placeholders() {
        for v in [
            "${DB_PASSWORD}",
            "changeme",
            "<your-key>",
            "",
            "xxxxxx",
            "{{ .Values.pw }}",
            "{noop}",
            "{password}",
            "{Environment.GetEnvironmentVariable(",
            "{settings.db_password}",
            "/run/secrets/db",
            "postgres",
        ] {
            assert!(is_placeholder(v), "{v}");
        }
        assert!(!is_placeholder("s3cr3t-Pa55"));
    }

    #[test]
    fn secret_flags() {
        let words = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        for (cmd, masked) in [
            (
                "app --password s3cr3tPw9 --port 80",
                "app --password s3**** --port 80",
            ),
            ("app --api-token=Zx81kQ9r", "app --api-token=Zx****"),
            (
                "docker run -e DB_PASSWORD=hunter22 img",
                "docker run -e DB_PASSWORD=hu**** img",
            ),
            ("mysql -u root -pTopS3cret db", "mysql -u root -pTo**** db"),
            (
                "helm upgrade x --set auth.password=Qw3rty99",
                "helm upgrade x --set auth.password=Qw****",
            ),
            ("env API_KEY=abcd1234efgh run", "env API_KEY=ab**** run"),
            // references, placeholders, other flags: nothing to mask
            ("app --password $DB_PASSWORD", "app --password $DB_PASSWORD"),
            (
                "app --password-file /run/secrets/pw",
                "app --password-file /run/secrets/pw",
            ),
            ("app --no-password --token", "app --no-password --token"),
            ("app --token changeme", "app --token changeme"),
            ("grep -p pattern", "grep -p pattern"),
        ] {
            let w = words(cmd);
            let refs: Vec<&str> = w.iter().map(String::as_str).collect();
            assert_eq!(masked_command(&refs), masked, "{cmd}");
        }
    }

    #[test]
    fn every_secret_like_name_passes_the_assignment_gate() {
        for key in [
            "DB_PASSWORD",
            "smtpPasswd",
            "PWD_HASH",
            "client_secret",
            "API_TOKEN",
            "apiKey",
            "x-api-key",
            "AWS_SECRET_ACCESS_KEY",
            "privateKey",
            "signing_key",
            "GOOGLE_CREDENTIALS",
            "BASIC_AUTH",
            "RABBITMQ_DEFAULT_PASS",
        ] {
            assert!(is_secret_key(key), "{key}");
            assert!(ASSIGNMENT_GATE.is_match(key), "{key}");
            let text = format!("{key} = 'Zq81kQ9rT2mB'\n");
            assert_eq!(assignments(&text).len(), 1, "{text}");
        }
        let t = "mysql -uroot -pZq81kQ9rT2mB db\n";
        assert_eq!(assignments(t).len(), 1);
        assert!(assignments("DEBUG = 'Zq81kQ9rT2mB'\nHOST: db\n").is_empty());
    }

    #[test]
    fn assignments_in_any_text() {
        let t = "ENV SECRET_KEY=9f3b2c7d1e8a4f6b\nexport API_TOKEN='Zx81kQ9rT'\npassword: hunter2hunter\n\"db_password\": \"Qw3rty99\"\nPORT=8000\nTOKEN=$TOKEN\nsecret: changeme\n";
        let got: Vec<&str> = assignments(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(
            got,
            ["9f3b2c7d1e8a4f6b", "Zx81kQ9rT", "hunter2hunter", "Qw3rty99"]
        );
        let t = "BOGUS x\nCMD app --password s3cr3tPw9 &\n";
        let got: Vec<&str> = assignments(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(got, ["s3cr3tPw9"]);
        let t = "env:\n  - name: DB_PASSWORD\n    value: hunter2hunter\n  - name: PORT\n    value: \"8000\"\n";
        let got: Vec<&str> = assignments(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(got, ["hunter2hunter"]);
    }

    #[test]
    fn url_passwords_in_text() {
        assert_eq!(
            mask_url_credentials("`git+https://deploy:s3cretPw@github.com/o/r.git` pins"),
            "`git+https://deploy:s3****@github.com/o/r.git` pins"
        );
        assert_eq!(
            mask_url_credentials("redis://:${PW}@cache:6379"),
            "redis://:${PW}@cache:6379"
        );
    }

    #[test]
    fn patterns() {
        let t = "a AKIAABCDEFGHIJKLMNOP b postgres://app:hunter22@db/app c redis://:${PW}@r";
        let hits = scan(t);
        assert_eq!(hits.len(), 2);
        assert_eq!(&t[hits[1].0.clone()], "hunter22");
        assert!(scan("AKIAIOSFODNN7EXAMPLE").is_empty());
    }
}
