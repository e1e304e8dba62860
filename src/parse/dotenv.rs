//! `.env` files: `KEY=value` lines, `export` prefixes, quotes and comments.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::source::Span;

#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: String,
    pub value_span: Span,
}

pub fn parse(text: &str) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        let lead = body.len() - body.trim_start().len();
        let mut t = body.trim_start();
        let mut pos = start + lead;
        if t.starts_with('#') || t.is_empty() {
            continue;
        }
        // `export KEY=…`, with any blanks after `export`
        if let Some(r) = t
            .strip_prefix("export")
            .filter(|r| r.starts_with([' ', '\t']))
        {
            let r = r.trim_start();
            pos += t.len() - r.len();
            t = r;
        }
        let Some((key_raw, raw)) = t.split_once('=') else {
            continue;
        };
        let eq = key_raw.len();
        let key = key_raw.trim();
        if key.is_empty() || key.contains(char::is_whitespace) {
            continue;
        }
        let vlead = raw.len() - raw.trim_start().len();
        let raw_value = raw.trim();
        let value = if let Some(q) = raw_value
            .strip_prefix('"')
            .and_then(|r| r.split_once('"').map(|(v, _)| v))
            .or_else(|| {
                raw_value
                    .strip_prefix('\'')
                    .and_then(|r| r.split_once('\'').map(|(v, _)| v))
            }) {
            q.to_string()
        } else {
            raw_value
                .split(" #")
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let vstart = pos + eq + 1 + vlead;
        out.push(Entry {
            key: key.to_string(),
            key_span: pos..pos + key.len(),
            value,
            value_span: vstart..vstart + raw_value.len(),
        });
    }
    out
}

/// Procfile: `type: command` lines.
pub fn parse_procfile(text: &str) -> Vec<(String, String, Span)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        if body.trim_start().starts_with('#') {
            continue;
        }
        if let Some((raw_name, cmd)) = body.split_once(':') {
            let name = raw_name.trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                continue;
            }
            let cstart = start + raw_name.len() + 1 + (cmd.len() - cmd.trim_start().len());
            out.push((
                name.to_string(),
                cmd.trim().to_string(),
                cstart..cstart + cmd.trim().len(),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_lines() {
        let text = "# x\nexport A=1\nB=\"two words\" # c\nC = plain # note\n";
        let e = parse(text);
        assert_eq!(e.len(), 3);
        assert_eq!(&text[e[0].key_span.clone()], "A");
        assert_eq!(e[1].value, "two words");
        assert_eq!(e[2].value, "plain");
        // several blanks (or a tab) after `export`, multi-byte text before and after
        let text = "export    KEY=1\nexport\tK2=’x’\nÉ=1\nexportX=2\n";
        let e = parse(text);
        assert_eq!(&text[e[0].key_span.clone()], "KEY");
        assert_eq!(&text[e[1].key_span.clone()], "K2");
        assert_eq!(&text[e[1].value_span.clone()], "’x’");
        assert_eq!(&text[e[2].key_span.clone()], "É");
        assert_eq!(&text[e[3].key_span.clone()], "exportX");
    }

    #[test]
    fn procfile_lines() {
        let p = parse_procfile("web: gunicorn app:app\nrelease: python manage.py migrate\n");
        assert_eq!(p[1].0, "release");
        assert_eq!(p[0].1, "gunicorn app:app");
        // blanks before the name (found by the property test)
        let text = "  web : run ’x’\n";
        let p = parse_procfile(text);
        assert_eq!(&text[p[0].2.clone()], "run ’x’");
    }
}
