//! SARIF 2.1.0, for GitHub code scanning and other SARIF viewers: every rule with its help
//! text and the factor's chapter as help URI; results with levels, `%SRCROOT%`-relative URIs,
//! related locations for the other files of a cross-file finding, fingerprints that survive
//! line moves, and suppressed findings recorded as suppressions. Findings about the
//! repository as a whole have no place in a file: code scanning rejects results without one,
//! so they are tool notifications of the run.

use super::{Masked, fingerprints};
use crate::diagnostic::{Diagnostic, Severity};
use crate::outcome::Outcome;
use crate::rules;
use crate::source::Origin;
use crate::suppress::{Kind, Suppressed};
use serde_json::{Value, json};

pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A path as a URI reference: relative ones against `%SRCROOT%`, absolute ones as `file://`.
fn artifact(path: &str) -> Value {
    let encoded: String = path
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    if path.starts_with('/') {
        json!({ "uri": format!("file://{encoded}") })
    } else {
        let rel = encoded.trim_start_matches("./");
        json!({ "uri": rel, "uriBaseId": "%SRCROOT%" })
    }
}

fn physical(o: &Outcome, m: &Masked<'_>, origin: &Origin) -> Value {
    let f = o.project.file(origin.file);
    let (sl, sc) = f.line_col(origin.span.start());
    let (el, ec) = f.line_col(origin.span.end().max(origin.span.start()));
    let text = m.get(origin.file);
    let mut region = json!({
        "startLine": sl,
        "startColumn": sc,
        "endLine": el,
        "endColumn": ec,
    });
    if let Some(snippet) = text.get(f.clamp(origin.span.start())..f.clamp(origin.span.end()))
        && !snippet.is_empty()
        && snippet.len() <= 1000
    {
        region["snippet"] = json!({ "text": snippet });
    }
    let mut location = json!({
        "artifactLocation": artifact(&o.display_path(&f.rel)),
        "region": region,
    });
    // the whole line as context, unless it is too long to quote (a minified file)
    if let Some(line) = text.get(f.line_span(sl)).filter(|l| l.len() <= 1000) {
        location["contextRegion"] = json!({
            "startLine": sl,
            "endLine": sl,
            "snippet": { "text": line },
        });
    }
    location
}

fn result(
    o: &Outcome,
    m: &Masked<'_>,
    d: &Diagnostic,
    fingerprint: &str,
    index: &dyn Fn(&str) -> Option<usize>,
) -> Option<Value> {
    let primary = d.primary.as_ref()?;
    let mut text = d.message.clone();
    if let Some(h) = &d.help {
        text.push_str(&format!(" (help: {h})"));
    }
    let mut r = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": { "text": text },
        "locations": [{ "physicalLocation": physical(o, m, &primary.origin) }],
        "partialFingerprints": { "twelve/v1": fingerprint },
    });
    if let Some(i) = index(d.code) {
        r["ruleIndex"] = json!(i);
    }
    if !d.secondary.is_empty() {
        r["relatedLocations"] = Value::Array(
            d.secondary
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    json!({
                        "id": i + 1,
                        "physicalLocation": physical(o, m, &l.origin),
                        "message": { "text": l.message },
                    })
                })
                .collect(),
        );
    }
    Some(r)
}

fn suppression(o: &Outcome, m: &Masked<'_>, s: &Suppressed) -> Value {
    let mut v = json!({
        "kind": if s.kind == Kind::Config { "external" } else { "inSource" },
        "status": "accepted",
        "properties": { "twelve": s.kind.as_str() },
    });
    if let Some(r) = &s.reason {
        v["justification"] = json!(r);
    }
    if let Some(origin) = &s.origin {
        v["location"] = json!({ "physicalLocation": physical(o, m, origin) });
    }
    v
}

fn rule_descriptor(m: &rules::Meta) -> Value {
    let mut r = json!({
        "id": m.code,
        "name": m.name,
        "shortDescription": { "text": m.summary },
        "fullDescription": { "text": format!("{} ({})", m.summary, m.factor.title()) },
        "help": {
            "text": m.doc,
            "markdown": format!("**{} {}** · {}\n\n{}", m.code, m.name, m.factor.title(), m.doc),
        },
        "defaultConfiguration": { "level": level(m.severity), "enabled": !m.preview },
        "properties": {
            "tags": ["twelve-factor", m.factor.slug()],
            "factor": m.factor.title(),
        },
    });
    if m.factor.0 > 0 {
        r["helpUri"] = json!(format!("https://12factor.net/{}", m.factor.slug()));
    }
    // code scanning sorts security alerts by this score (critical from 9.0, high from 7.0)
    if let Some(score) = security_severity(m.code) {
        r["properties"]["security-severity"] = json!(score);
        if let Some(tags) = r["properties"]["tags"].as_array_mut() {
            tags.push(json!("security"));
        }
    }
    r
}

/// How grave a leaked secret of each secret rule is, as code scanning scores security alerts:
/// a live credential in the code or the image is critical or high; one in a dev stack's
/// compose file is medium.
fn security_severity(code: &str) -> Option<&'static str> {
    Some(match code {
        "TF0301" => "9.0", // hardcoded-secret: in the code and its history for good
        "TF0306" => "8.5", // committed-env-file
        "TF0303" => "8.0", // secret-in-image: anyone who pulls the image reads it
        "TF0305" => "7.5", // k8s-plaintext-secret
        "TF0304" => "5.0", // compose-inline-secret
        _ => return None,
    })
}

pub fn render(outcomes: &[Outcome]) -> String {
    let all = rules::registry();
    let metas: Vec<&rules::Meta> = all.iter().map(|r| r.meta()).collect();
    let index = |code: &str| metas.iter().position(|m| m.code == code);
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for o in outcomes {
        let m = Masked::new(o);
        let fps = fingerprints(o, &m, &o.diagnostics);
        for (d, fp) in o.diagnostics.iter().zip(&fps) {
            match result(o, &m, d, fp, &index) {
                Some(r) => results.push(r),
                None => notifications.push(json!({
                    "level": level(d.severity),
                    "message": { "text": format!("{}: {}", d.code, d.message) },
                    "descriptor": { "id": d.code },
                })),
            }
        }
        let fps = fingerprints(o, &m, o.suppressed.iter().map(|s| &s.diagnostic));
        for (s, fp) in o.suppressed.iter().zip(&fps) {
            if let Some(mut r) = result(o, &m, &s.diagnostic, fp, &index) {
                r["suppressions"] = json!([suppression(o, &m, s)]);
                results.push(r);
            }
        }
        for n in &o.project.notices {
            notifications.push(json!({
                "level": "note",
                "message": { "text": format!("{}: {}", o.display_path(&n.path), n.message) },
            }));
        }
    }
    let report = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "twelve",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": metas.iter().map(|m| rule_descriptor(m)).collect::<Vec<_>>(),
                }
            },
            "originalUriBaseIds": {
                "%SRCROOT%": { "description": { "text": "The directory twelve was run from." } }
            },
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }]
    });
    let mut s =
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
