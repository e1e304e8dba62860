//! What counts as a secret: secret-like names, placeholders, high-confidence patterns; and
//! every secret value of a project, which every report masks whatever rules ran.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::model::Project;
use crate::parse::dockerfile::Kind;
use crate::parse::yaml::{Value, Yaml};
use crate::source::Origin;
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
}

/// Values that are obviously not real secrets: interpolations, templates, examples, defaults.
pub fn is_placeholder(value: &str) -> bool {
    let v = value.trim().trim_matches(['"', '\'']);
    if v.chars().count() < 4 {
        return true;
    }
    let lower = v.to_ascii_lowercase();
    if v.starts_with('$')
        || v.contains("${")
        || v.contains("$(")
        || v.contains("{{")
        || v.contains("{%")
    {
        return true;
    }
    if v.starts_with('<') && v.ends_with('>') || v.starts_with('[') && v.ends_with(']') {
        return true;
    }
    if v.starts_with('/') || v.starts_with("./") || v.starts_with("file:") {
        return true; // a path to a mounted secret
    }
    let first = v.chars().next().unwrap_or(' ');
    if v.chars().all(|c| c == first) {
        return true;
    }
    const WORDS: &[&str] = &[
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
    if WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    const TRIVIAL: &[&str] = &[
        "password",
        "secret",
        "postgres",
        "root",
        "admin",
        "guest",
        "test",
        "testing",
        "dev",
        "development",
        "default",
        "pass",
        "user",
        "none",
        "null",
        "true",
        "false",
        "mysql",
        "redis",
        "rabbitmq",
        "mongo",
        "local",
        "localhost",
        "token",
        "django",
        "app",
        "demo",
        "required",
        "optional",
        "string",
        "empty",
        "write",
        "read",
        "read-write",
        "readonly",
        "secret_key",
        "password123",
        "admin123",
    ];
    TRIVIAL.contains(&lower.as_str())
}

static PATTERNS: LazyLock<Vec<(&'static str, Regex)>> =
    LazyLock::new(|| {
        [
        ("AWS access key", r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
        ("GitHub token", r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})\b"),
        ("Slack token", r"\bxox[baprs]-[A-Za-z0-9-]{10,}"),
        ("Stripe live key", r"\b[sr]k_live_[A-Za-z0-9]{16,}"),
        (
            "private key",
            r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----",
        ),
    ]
    .into_iter()
    .map(|(n, p)| (n, Regex::new(p).expect("valid pattern")))
    .collect()
    });

static URL_CREDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b[a-zA-Z][a-zA-Z0-9+.\-]{1,20}://([^\s:/@'"`]+):([^\s@/'"`]+)@\S"#)
        .expect("valid pattern")
});

/// High-confidence secrets in text: (byte range of the secret value, what it is).
pub fn scan(text: &str) -> Vec<(std::ops::Range<usize>, &'static str)> {
    let mut out = Vec::new();
    for (name, re) in PATTERNS.iter() {
        for m in re.find_iter(text) {
            if m.as_str().contains("EXAMPLE") {
                continue;
            }
            out.push((m.range(), *name));
        }
    }
    for c in URL_CREDS.captures_iter(text) {
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

/// Mask every secret of the project wherever a finding's message, label or help quotes it,
/// and every URL password: whatever a rule writes, no report prints a secret in clear.
pub fn mask_messages<'a>(
    p: &Project,
    diagnostics: impl IntoIterator<Item = &'a mut crate::diagnostic::Diagnostic>,
) {
    let diagnostics: Vec<&mut crate::diagnostic::Diagnostic> = diagnostics.into_iter().collect();
    let mut needles: Vec<&str> = p
        .secret_spans
        .iter()
        .chain(diagnostics.iter().flat_map(|d| d.secrets.iter()))
        .map(|o| p.file(o.file).slice(&o.span))
        // shorter values are words, not secrets a message could quote by chance
        .filter(|s| s.chars().count() >= 4)
        .collect();
    needles.sort_unstable();
    needles.dedup();
    let finder = aho_corasick::AhoCorasick::builder()
        .match_kind(aho_corasick::MatchKind::LeftmostLongest)
        .build(&needles)
        .ok()
        .filter(|_| !needles.is_empty());
    let mask = |s: &str| -> Option<String> {
        let urls = mask_url_credentials(s);
        let masked = match &finder {
            Some(f) if f.is_match(urls.as_ref()) => {
                let mut out = String::with_capacity(urls.len());
                let mut last = 0;
                for m in f.find_iter(urls.as_ref()) {
                    out.push_str(urls.get(last..m.start()).unwrap_or_default());
                    out.push_str(&crate::diagnostic::redact(
                        urls.get(m.range()).unwrap_or_default(),
                    ));
                    last = m.end();
                }
                out.push_str(urls.get(last..).unwrap_or_default());
                std::borrow::Cow::Owned(out)
            }
            _ => urls,
        };
        match masked {
            std::borrow::Cow::Owned(o) => Some(o),
            std::borrow::Cow::Borrowed(_) => None,
        }
    };
    for d in diagnostics {
        if let Some(m) = mask(&d.message) {
            d.message = m;
        }
        if let Some(m) = d.help.as_deref().and_then(mask) {
            d.help = Some(m);
        }
        for l in d.primary.iter_mut().chain(d.secondary.iter_mut()) {
            if let Some(m) = mask(&l.message) {
                l.message = m;
            }
        }
    }
}

static ASSIGNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?m)(?:^|[\s{,;(])["']?([A-Za-z_][A-Za-z0-9_.\-]*)["']?[ \t]*[:=][ \t]*["']?([^\s"',;}#]+)"#,
    )
    .expect("valid pattern")
});

static NAME_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"["']?\b(name|value)["']?[ \t]*:[ \t]*["']?([^\s"',}#]+)"#).expect("valid pattern")
});

/// Secret values assigned to secret-named keys in any text (`KEY=value`, `key: value`,
/// `"key": "value"`), for files twelve has no model of (one that failed to parse, a shell
/// script's assignments, a Helm template): their reports must still mask what a reader
/// would see as a secret. Byte ranges of the values.
pub fn assignments(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out: Vec<std::ops::Range<usize>> = ASSIGNMENT
        .captures_iter(text)
        .filter_map(|c| {
            let (k, v) = (c.get(1)?, c.get(2)?);
            (is_secret_key(k.as_str()) && is_secret_value(v.as_str())).then(|| v.range())
        })
        .collect();
    // `name: DB_PASSWORD` then `value: x` (a Kubernetes env entry), and secret flags on any
    // line read as a command (`--password X`)
    let mut offset = 0;
    let mut named_secret_lines = 0u8;
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
        if line.contains('-') {
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

/// Secret-like keys bound to real-looking scalars anywhere in a YAML tree.
pub fn yaml_secrets(y: &Yaml, depth: usize, f: &mut dyn FnMut(&str, &Yaml)) {
    if depth > 64 {
        return;
    }
    match &y.value {
        Value::Map(entries) => {
            for (k, v) in entries {
                if let (Some(key), Value::Scalar { text, .. }) = (k.as_str(), &v.value) {
                    if is_secret_key(key)
                        && !is_placeholder(text)
                        && text.parse::<f64>().is_err()
                        && v.as_bool().is_none()
                    {
                        f(key, v);
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

/// Every place in the project that holds a secret value, found with the same predicates the
/// config rules use. Reports mask all of them, so no selection of rules can print one.
pub fn collect(p: &Project) -> Vec<Origin> {
    let mut out = Vec::new();
    for f in &p.files {
        out.extend(scan(&f.text).into_iter().map(|(r, _)| Origin::new(f.id, r)));
    }
    // files without a (full) model of their values: unparsable ones, code with syntax
    // errors, scripts, templates, Procfiles
    let unmodelled: std::collections::BTreeSet<crate::source::FileId> = p
        .parse_errors
        .iter()
        .chain(&p.internal_errors)
        .map(|(o, _)| o.file)
        .chain(p.scripts.iter().map(|s| s.file))
        .chain(p.procfiles.iter().map(|s| s.file))
        .chain(p.helm_templates.iter().copied())
        // code that parsed only in part: its bindings may be missing
        .chain(
            p.sources
                .iter()
                .filter(|s| s.facts.has_error)
                .map(|s| s.file),
        )
        .collect();
    for id in unmodelled {
        let f = p.file(id);
        out.extend(assignments(&f.text).into_iter().map(|r| Origin::new(id, r)));
    }
    for py in &p.sources {
        for b in py
            .facts
            .bindings
            .iter()
            .filter(|b| is_secret_key(&b.key) && !is_placeholder(&b.value))
        {
            out.push(Origin::new(py.file, b.value_span.clone()));
        }
    }
    for (file, docs) in p.other_yaml.iter().chain(&p.helm_values) {
        for d in docs {
            yaml_secrets(d, 0, &mut |_, v| {
                out.push(Origin::new(*file, v.span.clone()))
            });
        }
    }
    for d in &p.dockerfiles {
        for ins in &d.df.instructions {
            if let Kind::Env(kvs) | Kind::Arg(kvs) = &ins.kind {
                for kv in kvs {
                    if is_secret_key(&kv.key)
                        && kv.value.as_deref().is_some_and(|v| !is_placeholder(v))
                    {
                        out.push(Origin::new(d.file, kv.value_span.clone()));
                    }
                }
            }
        }
    }
    for cm in &p.compose {
        for s in &cm.compose.services {
            for e in &s.environment {
                if is_secret_key(&e.key) && e.raw.as_deref().is_some_and(|v| !is_placeholder(v)) {
                    out.push(Origin::new(cm.file, e.value_span.clone()));
                }
            }
        }
    }
    for km in &p.k8s {
        let o = &km.object;
        for (k, v) in &o.data {
            // every value of a Secret is secret; a ConfigMap's by its key
            if o.kind == "Secret" || is_secret_key(&k.text) && !is_placeholder(&v.text) {
                out.push(Origin::new(km.file, v.span.clone()));
            }
        }
        if let Some(pod) = &o.pod {
            for c in pod.containers.iter().chain(&pod.init_containers) {
                for e in &c.env {
                    if let Some(v) = e
                        .value
                        .as_ref()
                        .filter(|v| is_secret_key(&e.name) && !is_placeholder(&v.text))
                    {
                        out.push(Origin::new(km.file, v.span.clone()));
                    }
                }
            }
        }
    }
    // secret values passed on command lines, wherever a command is written
    let mut command = |file: crate::source::FileId, words: Vec<(&str, &crate::source::Span)>| {
        let texts: Vec<&str> = words.iter().map(|(w, _)| *w).collect();
        for (wi, r) in secret_args(&texts) {
            let Some((w, span)) = words.get(wi) else {
                continue;
            };
            // exact when the word stands in the file as written, else the whole word
            let exact = p.file(file).slice(span) == *w;
            out.push(Origin::new(
                file,
                if exact {
                    span.start + r.start..span.start + r.end
                } else {
                    (*span).clone()
                },
            ));
        }
    };
    let cmds = p
        .starts
        .iter()
        .flatten()
        .flat_map(|l| &l.cmds)
        .chain(p.runs.iter().flatten().flat_map(|(_, c)| c));
    for c in cmds {
        let file = c.origin.file;
        command(
            file,
            c.words
                .iter()
                .filter(|(_, o)| o.file == file)
                .map(|(w, o)| (w.as_str(), &o.span))
                .collect(),
        );
    }
    for s in &p.scripts {
        for c in &s.script.commands {
            command(
                s.file,
                c.words.iter().map(|(w, sp)| (w.as_str(), sp)).collect(),
            );
        }
    }
    for d in &p.dotenvs {
        for e in d
            .entries
            .iter()
            .filter(|e| is_secret_key(&e.key) && !is_placeholder(&e.value))
        {
            out.push(Origin::new(d.file, e.value_span.clone()));
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn placeholders() {
        for v in [
            "${DB_PASSWORD}",
            "changeme",
            "<your-key>",
            "",
            "xxxxxx",
            "{{ .Values.pw }}",
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
