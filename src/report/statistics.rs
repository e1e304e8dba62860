//! `--statistics`: how many findings each rule has, most first, instead of the findings.

use crate::outcome::Outcome;
use std::collections::BTreeMap;
use std::fmt::Write;

pub fn render(outcomes: &[Outcome], json: bool) -> String {
    // code → (name, severity of its findings, count)
    let mut by: BTreeMap<&str, (&str, &'static str, usize)> = BTreeMap::new();
    for d in outcomes.iter().flat_map(|o| &o.diagnostics) {
        let e = by.entry(d.code).or_insert((d.name, d.severity.as_str(), 0));
        e.2 += 1;
    }
    let mut rows: Vec<_> = by.into_iter().collect();
    rows.sort_by(|a, b| b.1.2.cmp(&a.1.2).then(a.0.cmp(b.0)));
    if json {
        let v: Vec<_> = rows
            .iter()
            .map(|(code, (name, sev, n))| {
                serde_json::json!({ "code": code, "name": name, "severity": sev, "count": n })
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
        s.push('\n');
        return s;
    }
    let mut s = String::new();
    for (code, (name, sev, n)) in &rows {
        let _ = writeln!(s, "{n:>5}  {code}  {name:<34} {sev}");
    }
    let total: usize = rows.iter().map(|(_, (_, _, n))| n).sum();
    let _ = writeln!(s, "{total:>5}  findings in total");
    s
}
