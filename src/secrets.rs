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
    Regex::new(
        r#"\b[a-zA-Z][a-zA-Z0-9+.\-]{1,20}://([^\s:/@'"`]+):([^\s@/'"`]+)@[A-Za-z0-9\[\]._\-]"#,
    )
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
    fn patterns() {
        let t = "a AKIAABCDEFGHIJKLMNOP b postgres://app:hunter22@db/app c redis://:${PW}@r";
        let hits = scan(t);
        assert_eq!(hits.len(), 2);
        assert_eq!(&t[hits[1].0.clone()], "hunter22");
        assert!(scan("AKIAIOSFODNN7EXAMPLE").is_empty());
    }
}
