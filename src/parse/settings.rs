//! App configuration files that are not YAML: TOML, JSON, INI and Java `.properties`. Only
//! what the secret rules need is read: every string setting with its key, where both are
//! written, which block it sits in (its siblings) and whether that block is switched off.

use crate::source::Span;

pub use crate::walk::{ConfigFormat as Format, config_format as format_of};

/// A string setting of a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// The last segment of the key (`password` of `spring.datasource.password`).
    pub key: String,
    /// The name of the block the setting sits in: its table, object, section or key prefix
    /// (`redis` of `[redis] host = …`, `spring.datasource` of `spring.datasource.url`); empty
    /// at the top.
    pub parent: String,
    /// The value, unquoted.
    pub value: String,
    pub key_span: Span,
    /// The value as written, inside its quotes.
    pub value_span: Span,
    /// The block (table, object, section, key prefix) the setting belongs to: settings with
    /// the same group are siblings.
    pub group: usize,
    /// The block is switched off (`enabled = false`, `mode: none`): its values are inert.
    pub disabled: bool,
}

impl Setting {
    /// What the setting is called: its key, or for a `value` inside a named block (app.json's
    /// `"STRIPE_KEY": {"value": "…"}`) the block's name.
    pub fn name(&self) -> &str {
        if self.key == "value"
            && let Some(last) = self.parent.rsplit('.').next()
            && !last.is_empty()
        {
            return last;
        }
        &self.key
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

/// Deeper nesting than this is not configuration; refusing it keeps recursive parsers off
/// hostile input.
const MAX_DEPTH: usize = 128;

pub fn parse(format: Format, text: &str) -> Result<Vec<Setting>, ParseError> {
    match format {
        Format::Toml | Format::Json => {
            if let Some(offset) = too_deep(text, MAX_DEPTH) {
                return Err(ParseError {
                    offset,
                    message: format!("nested more than {MAX_DEPTH} levels deep"),
                });
            }
            if format == Format::Toml {
                toml_settings(text)
            } else {
                json_settings(text)
            }
        }
        Format::Ini => Ok(line_settings(text, false)),
        Format::Properties => Ok(line_settings(text, true)),
        Format::Hjson => Ok(hjson_settings(text)),
    }
}

/// Hjson, line by line: `key: value` where the value is quoted, or quoteless to the end of
/// the line; `{`/`[` open a block named by its key, `}`/`]` close it; `#`, `//` and `/* */`
/// comments; a `'''` multi-line string is skipped. Numbers and `null` are no settings.
fn hjson_settings(text: &str) -> Vec<Setting> {
    let mut out = Vec::new();
    // open blocks: (name, group)
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut groups = 1usize;
    let mut in_comment = false;
    let mut in_multiline = false;
    let mut pending: Option<String> = None;
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let lead = body.len() - body.trim_start().len();
        let mut rest = body.trim_start();
        if in_multiline {
            in_multiline = !rest.contains("'''");
            continue;
        }
        if in_comment {
            match rest.find("*/") {
                Some(i) => {
                    in_comment = false;
                    rest = rest.get(i + 2..).unwrap_or("").trim_start();
                }
                None => continue,
            }
        }
        if rest.starts_with('#') || rest.starts_with("//") || rest.is_empty() {
            continue;
        }
        if rest.starts_with("/*") {
            in_comment = !rest.contains("*/");
            continue;
        }
        // closers first: `}`, `]`, `},`
        while let Some(r) = rest.strip_prefix(['}', ']']) {
            stack.pop();
            rest = r.trim_start_matches(',').trim_start();
        }
        if rest.is_empty() {
            continue;
        }
        // the value of a key on the line above (`key:` alone)
        if let Some(key) = pending.take() {
            if rest.starts_with("'''") {
                in_multiline = !rest.get(3..).unwrap_or("").contains("'''");
                continue;
            }
            if rest.starts_with('{') || rest.starts_with('[') {
                stack.push((key, groups));
                groups += 1;
                continue;
            }
            continue;
        }
        // an unnamed object (the root, or an element of an array): its parent's name
        if rest.starts_with('{') || rest.starts_with('[') {
            let name = stack.last().map(|(n, _)| n.clone()).unwrap_or_default();
            stack.push((name, groups));
            groups += 1;
            continue;
        }
        // the key: quoted, or up to `:`
        let rest_at = start + lead + (body.trim_start().len() - rest.len());
        let (key, key_span, after) = if let Some(q) = rest.strip_prefix('"') {
            let Some(end) = q.find('"') else { continue };
            let key = q.get(..end).unwrap_or("");
            (
                key,
                rest_at + 1..rest_at + 1 + end,
                q.get(end + 1..).unwrap_or(""),
            )
        } else {
            let Some(end) = rest.find(':') else { continue };
            let key = rest.get(..end).unwrap_or("").trim_end();
            if key.is_empty() || key.contains([' ', '{', '}', '[', ']', ',']) {
                continue;
            }
            (
                key,
                rest_at..rest_at + key.len(),
                rest.get(end..).unwrap_or(""),
            )
        };
        let Some(after_colon) = after.trim_start().strip_prefix(':') else {
            continue;
        };
        let value = after_colon.trim_start();
        if value.is_empty() {
            pending = Some(key.to_string());
            continue;
        }
        let value_at = start + (body.len() - value.len());
        let (parent, group) = stack.last().cloned().unwrap_or_default();
        if value.starts_with('{') || value.starts_with('[') {
            stack.push((key.to_string(), groups));
            groups += 1;
            // `key: {}` on one line opens and closes
            if value.trim_end().trim_end_matches(',').ends_with(['}', ']']) {
                stack.pop();
            }
            continue;
        }
        if value.starts_with("'''") {
            in_multiline = !value.get(3..).unwrap_or("").contains("'''");
            continue;
        }
        let (value, span) = match value.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let inner = value.get(1..).unwrap_or("");
                let mut end = None;
                let mut escaped = false;
                for (i, c) in inner.char_indices() {
                    match c {
                        '\\' if !escaped => escaped = true,
                        c if c == q && !escaped => {
                            end = Some(i);
                            break;
                        }
                        _ => escaped = false,
                    }
                }
                let Some(end) = end else { continue };
                let v = inner.get(..end).unwrap_or("");
                (v.to_string(), value_at + 1..value_at + 1 + end)
            }
            _ => {
                // quoteless: the rest of the line (a number, `null` is no setting)
                let v = value.trim_end();
                let bare = v.trim_end_matches(',');
                if bare.parse::<f64>().is_ok() || bare == "null" {
                    continue;
                }
                let v = if matches!(bare, "true" | "false") {
                    bare
                } else {
                    v
                };
                (v.to_string(), value_at..value_at + v.len())
            }
        };
        out.push(Setting {
            key: key.to_string(),
            parent,
            value,
            key_span,
            value_span: span,
            group,
            disabled: false,
        });
    }
    out
}

/// The offset where brackets (outside strings) open deeper than `limit`, if they do.
pub fn too_deep(text: &str, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == q || b == b'\n' {
                quote = None;
            }
            continue;
        }
        match b {
            b'"' | b'\'' => quote = Some(b),
            b'[' | b'{' => {
                depth += 1;
                if depth > limit {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// A value span without its quotes, when it is quoted in the text.
fn unquoted(text: &str, span: Span) -> Span {
    let b = text.as_bytes();
    if span.end >= span.start + 2
        && let (Some(&first), Some(&last)) = (b.get(span.start), b.get(span.end - 1))
        && first == last
        && matches!(first, b'"' | b'\'')
    {
        let inner = span.start + 1..span.end - 1;
        // a TOML multi-line string ("""…""") keeps its inner quotes: the span stays on char
        // boundaries either way
        if text.get(inner.clone()).is_some() {
            return inner;
        }
    }
    span
}

/// Whether a block's own values switch it off: `enabled = false`, `enable: "false"`,
/// `mode = "none"`, `type = "disabled"`.
pub fn switched_off<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> bool {
    pairs.into_iter().any(|(k, v)| {
        let k = k.to_ascii_lowercase();
        let v = v.trim().trim_matches(['"', '\'']).to_ascii_lowercase();
        (matches!(k.as_str(), "enabled" | "enable" | "active")
            && matches!(v.as_str(), "false" | "no" | "off" | "0"))
            || (matches!(k.as_str(), "disabled")
                && matches!(v.as_str(), "true" | "yes" | "on" | "1"))
            || (matches!(k.as_str(), "mode" | "type" | "backend" | "provider")
                && matches!(v.as_str(), "none" | "disabled" | "off"))
    })
}

fn toml_settings(text: &str) -> Result<Vec<Setting>, ParseError> {
    use toml::de::{DeTable, DeValue};
    let doc = DeTable::parse(text).map_err(|e| ParseError {
        offset: e.span().map(|s| s.start).unwrap_or(0),
        message: e.message().to_string(),
    })?;
    fn scalar(v: &DeValue<'_>) -> Option<String> {
        match v {
            DeValue::String(s) => Some(s.to_string()),
            DeValue::Boolean(b) => Some(b.to_string()),
            _ => None,
        }
    }
    fn table(
        t: &DeTable<'_>,
        name: &str,
        text: &str,
        depth: usize,
        disabled: bool,
        groups: &mut usize,
        out: &mut Vec<Setting>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        let group = *groups;
        *groups += 1;
        let pairs: Vec<(String, String)> = t
            .iter()
            .filter_map(|(k, v)| Some((k.get_ref().to_string(), scalar(v.get_ref())?)))
            .collect();
        let disabled =
            disabled || switched_off(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        for (k, v) in t.iter() {
            match v.get_ref() {
                DeValue::String(s) => out.push(Setting {
                    key: k.get_ref().to_string(),
                    parent: name.to_string(),
                    value: s.to_string(),
                    key_span: k.span(),
                    value_span: unquoted(text, v.span()),
                    group,
                    disabled,
                }),
                DeValue::Table(inner) => {
                    table(inner, k.get_ref(), text, depth + 1, disabled, groups, out)
                }
                DeValue::Array(items) => {
                    for it in items {
                        if let DeValue::Table(inner) = it.get_ref() {
                            table(inner, k.get_ref(), text, depth + 1, disabled, groups, out);
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    let mut groups = 0;
    table(doc.get_ref(), "", text, 0, false, &mut groups, &mut out);
    Ok(out)
}

fn json_settings(text: &str) -> Result<Vec<Setting>, ParseError> {
    use jsonc_parser::ast::{ObjectPropName, Value};
    let parsed = jsonc_parser::parse_to_ast(
        text,
        &jsonc_parser::CollectOptions::default(),
        &jsonc_parser::ParseOptions::default(),
    )
    .map_err(|e| ParseError {
        offset: e.range().start,
        message: e.kind().to_string(),
    })?;
    fn scalar(v: &Value<'_>) -> Option<String> {
        match v {
            Value::StringLit(s) => Some(s.value.to_string()),
            Value::BooleanLit(b) => Some(b.value.to_string()),
            _ => None,
        }
    }
    fn walk(
        v: &Value<'_>,
        name: &str,
        text: &str,
        depth: usize,
        disabled: bool,
        groups: &mut usize,
        out: &mut Vec<Setting>,
    ) {
        if depth > MAX_DEPTH {
            return;
        }
        match v {
            Value::Object(o) => {
                let group = *groups;
                *groups += 1;
                let pairs: Vec<(&str, String)> = o
                    .properties
                    .iter()
                    .filter_map(|p| Some((p.name.as_str(), scalar(&p.value)?)))
                    .collect();
                let disabled =
                    disabled || switched_off(pairs.iter().map(|(k, v)| (*k, v.as_str())));
                for p in &o.properties {
                    if let Value::StringLit(s) = &p.value {
                        let key_range = match &p.name {
                            ObjectPropName::String(s) => s.range,
                            ObjectPropName::Word(w) => w.range,
                        };
                        out.push(Setting {
                            key: p.name.as_str().to_string(),
                            parent: name.to_string(),
                            value: s.value.to_string(),
                            key_span: unquoted(text, key_range.start..key_range.end),
                            value_span: unquoted(text, s.range.start..s.range.end),
                            group,
                            disabled,
                        });
                    } else {
                        walk(
                            &p.value,
                            p.name.as_str(),
                            text,
                            depth + 1,
                            disabled,
                            groups,
                            out,
                        );
                    }
                }
            }
            Value::Array(a) => {
                for e in &a.elements {
                    walk(e, name, text, depth + 1, disabled, groups, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut groups = 0;
    if let Some(v) = &parsed.value {
        walk(v, "", text, 0, false, &mut groups, &mut out);
    }
    Ok(out)
}

/// INI (`[section]`, `key = value`, `key: value`, `;`/`#` comments) and Java properties
/// (`a.b.key=value`, `key: value`, `key value`, `#`/`!` comments; a key's dotted prefix is its
/// block). A continued line (`\` at the end) keeps its first line as the value.
fn line_settings(text: &str, properties: bool) -> Vec<Setting> {
    struct Raw {
        key: String,
        prefix: String,
        value: String,
        key_span: Span,
        value_span: Span,
    }
    let mut raws: Vec<Raw> = Vec::new();
    let mut section = String::new();
    let mut offset = 0;
    let mut continued = false;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let was_continued = continued;
        continued = properties && body.ends_with('\\') && !body.ends_with("\\\\");
        if was_continued {
            continue;
        }
        let trimmed = body.trim_start();
        let lead = body.len() - trimmed.len();
        if trimmed.is_empty()
            || trimmed.starts_with('#')
            || trimmed.starts_with(';') && !properties
            || trimmed.starts_with('!') && properties
        {
            continue;
        }
        if !properties && trimmed.starts_with('[') {
            section = trimmed
                .trim_end()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .trim()
                .to_string();
            continue;
        }
        // the key ends at the first separator: `=` or `:` (and, in properties, a blank)
        let sep = trimmed
            .char_indices()
            .find(|&(_, c)| c == '=' || c == ':' || properties && (c == ' ' || c == '\t'));
        let Some((at, _)) = sep else { continue };
        let key_text = trimmed.get(..at).unwrap_or("").trim_end();
        if key_text.is_empty() {
            continue;
        }
        // the value: after the separator and the blanks (and one `=`/`:` after blanks)
        let mut rest_at = at;
        let after = trimmed.get(at..).unwrap_or("");
        let mut skipped_sep = false;
        for (i, c) in after.char_indices() {
            if c == ' ' || c == '\t' {
                continue;
            }
            if (c == '=' || c == ':') && !skipped_sep {
                skipped_sep = true;
                continue;
            }
            rest_at = at + i;
            break;
        }
        if rest_at == at {
            // nothing after the separator
            rest_at = trimmed.len();
        }
        let raw_value = trimmed.get(rest_at..).unwrap_or("");
        // an INI inline comment starts after a blank
        let raw_value = if properties {
            raw_value.trim_end().trim_end_matches('\\').trim_end()
        } else {
            match raw_value.find(" ;").or_else(|| raw_value.find(" #")) {
                Some(c) => raw_value.get(..c).unwrap_or(raw_value).trim_end(),
                None => raw_value.trim_end(),
            }
        };
        let value_start = start + lead + rest_at;
        let value_span = unquoted(text, value_start..value_start + raw_value.len());
        let value = text.get(value_span.clone()).unwrap_or("").to_string();
        let key_start = start + lead;
        let (prefix, key) = if properties {
            match key_text.rsplit_once('.') {
                Some((p, k)) => (p.to_string(), k.to_string()),
                None => (String::new(), key_text.to_string()),
            }
        } else {
            (section.clone(), key_text.to_string())
        };
        raws.push(Raw {
            key,
            prefix,
            value,
            key_span: key_start..key_start + key_text.len(),
            value_span,
        });
    }
    // blocks by section or prefix, in order of first appearance
    let mut blocks: Vec<&str> = Vec::new();
    for r in &raws {
        if !blocks.contains(&r.prefix.as_str()) {
            blocks.push(&r.prefix);
        }
    }
    let off: Vec<bool> = blocks
        .iter()
        .map(|b| {
            switched_off(
                raws.iter()
                    .filter(|r| r.prefix == *b)
                    .map(|r| (r.key.as_str(), r.value.as_str())),
            )
        })
        .collect();
    raws.iter()
        .map(|r| {
            let group = blocks.iter().position(|b| *b == r.prefix).unwrap_or(0);
            Setting {
                key: r.key.clone(),
                parent: r.prefix.clone(),
                value: r.value.clone(),
                key_span: r.key_span.clone(),
                value_span: r.value_span.clone(),
                group,
                disabled: off.get(group).copied().unwrap_or(false),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'a>(text: &'a str, s: &Span) -> &'a str {
        text.get(s.clone()).unwrap()
    }

    #[test]
    fn formats_by_name() {
        assert_eq!(format_of("app.toml"), Some(Format::Toml));
        assert_eq!(format_of("appsettings.json"), Some(Format::Json));
        assert_eq!(
            format_of("application.properties"),
            Some(Format::Properties)
        );
        assert_eq!(format_of("alembic.ini"), Some(Format::Ini));
        assert_eq!(format_of("tsconfig.app.json"), None);
        assert_eq!(format_of("package.json"), None);
        assert_eq!(format_of("readme"), None);
    }

    #[test]
    fn toml_settings_with_spans_groups_and_switches() {
        let text = "[db]\nuser = \"app\"\npassword = \"s3cr3t-Value\"\n\n[ldap]\nenabled = false\nbind_password = 'x'\n";
        let s = parse(Format::Toml, text).unwrap();
        let pw = s.iter().find(|s| s.key == "password").unwrap();
        assert_eq!(pw.value, "s3cr3t-Value");
        assert_eq!(at(text, &pw.value_span), "s3cr3t-Value");
        assert_eq!(at(text, &pw.key_span), "password");
        let user = s.iter().find(|s| s.key == "user").unwrap();
        assert_eq!(user.group, pw.group);
        assert_eq!(pw.parent, "db");
        assert!(!pw.disabled);
        let ldap = s.iter().find(|s| s.key == "bind_password").unwrap();
        assert_ne!(ldap.group, pw.group);
        assert!(ldap.disabled);
    }

    #[test]
    fn hjson_settings_quoted_quoteless_and_nested() {
        let text = "# the server\n{\n  // comment\n  server: {\n    host: db.internal\n    password: \"pä55wörd-x\"\n    port: 5432\n    debug: false\n  }\n  /* block\n  hidden: x */\n  notes:\n    '''\n    a: b\n    '''\n  url: postgres://u:p@h/db # not a comment\n}\n";
        let s = parse(Format::Hjson, text).unwrap();
        let got: Vec<(&str, &str, &str)> = s
            .iter()
            .map(|s| (s.parent.as_str(), s.key.as_str(), at(text, &s.value_span)))
            .collect();
        assert_eq!(
            got,
            [
                ("server", "host", "db.internal"),
                ("server", "password", "pä55wörd-x"),
                ("server", "debug", "false"),
                ("", "url", "postgres://u:p@h/db # not a comment"),
            ]
        );
        let pw = s.iter().find(|s| s.key == "password").unwrap();
        assert_eq!(at(text, &pw.key_span), "password");
        assert_eq!(pw.value, "pä55wörd-x");
    }

    #[test]
    fn json_settings_nested_and_in_arrays() {
        let text =
            r#"{"db": {"password": "pä55wörd-x"}, "users": [{"name": "a", "token": "t0k"}]}"#;
        let s = parse(Format::Json, text).unwrap();
        let pw = s.iter().find(|s| s.key == "password").unwrap();
        assert_eq!(at(text, &pw.value_span), "pä55wörd-x");
        assert_eq!(at(text, &pw.key_span), "password");
        let tok = s.iter().find(|s| s.key == "token").unwrap();
        let name = s.iter().find(|s| s.key == "name").unwrap();
        assert_eq!(tok.group, name.group);
    }

    #[test]
    fn ini_sections_comments_and_inline_comments() {
        let text = "; a comment\n[database]\nuser = app\npassword = hunter2-xyz ; inline\n# password = old\n[mail]\npassword: \"m41l\"\n";
        let s = parse(Format::Ini, text).unwrap();
        let pws: Vec<&Setting> = s.iter().filter(|s| s.key == "password").collect();
        assert_eq!(pws.len(), 2);
        assert_eq!(pws[0].value, "hunter2-xyz");
        assert_eq!(at(text, &pws[0].value_span), "hunter2-xyz");
        assert_eq!(pws[1].value, "m41l");
        assert_ne!(pws[0].group, pws[1].group);
        let user = s.iter().find(|s| s.key == "user").unwrap();
        assert_eq!(user.group, pws[0].group);
    }

    #[test]
    fn properties_keys_prefixes_and_continuations() {
        let text = "spring.datasource.username=app\nspring.datasource.password = pw-Xy12\nmail.password: m\\\n  continued\n! comment\nkey value with blanks\n";
        let s = parse(Format::Properties, text).unwrap();
        let pw = s.iter().find(|s| s.key == "password").unwrap();
        assert_eq!(pw.value, "pw-Xy12");
        assert_eq!(at(text, &pw.key_span), "spring.datasource.password");
        let user = s.iter().find(|s| s.key == "username").unwrap();
        assert_eq!(user.group, pw.group);
        assert_eq!(s.iter().filter(|s| s.key == "password").count(), 2);
        let k = s.iter().find(|s| s.key == "key").unwrap();
        assert_eq!(k.value, "value with blanks");
        assert!(!s.iter().any(|s| s.key.contains("continued")));
    }

    #[test]
    fn hostile_nesting_is_refused_not_recursed() {
        let deep = "[".repeat(50_000);
        assert!(parse(Format::Json, &deep).is_err());
        assert!(parse(Format::Toml, &format!("a = {deep}")).is_err());
        let objs = "{\"a\":".repeat(50_000);
        assert!(parse(Format::Json, &objs).is_err());
    }

    #[test]
    fn multibyte_text_never_splits_a_char() {
        for text in [
            "ключ = «значение»\n",
            "[é]\nmot_de_passe: ünïcödé\n",
            "a=é\\\n",
        ] {
            for f in [Format::Ini, Format::Properties] {
                for s in parse(f, text).unwrap() {
                    assert!(text.get(s.value_span.clone()).is_some());
                    assert!(text.get(s.key_span.clone()).is_some());
                }
            }
        }
    }
}
