//! GitLab code quality report (the merge-request widget): a JSON array of issues with
//! description, check name, fingerprint, severity and location.

use super::{Masked, fingerprints, position};
use crate::diagnostic::Severity;
use crate::outcome::Outcome;
use serde_json::json;

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

fn repository_file(o: &Outcome) -> String {
    match ["twelve.toml", ".twelve.toml", ".gitlab-ci.yml"]
        .into_iter()
        .find(|name| o.project.has_path(name))
    {
        Some(name) => o.display_path(name),
        None => o.display_root.display().to_string(),
    }
}

pub fn render(outcomes: &[Outcome]) -> String {
    let mut issues = Vec::new();
    for o in outcomes {
        let m = Masked::new(o);
        let fps = fingerprints(o, &m, &o.diagnostics);
        for (d, fp) in o.diagnostics.iter().zip(fps) {
            // findings about the repository as a whole sit on a file of its root that the
            // merge request widget can link: twelve's config, else the pipeline's own file
            let (path, line) = position(o, d)
                .map(|(p, l, _)| (p, l))
                .unwrap_or_else(|| (repository_file(o), 1));
            let mut issue = json!({
                "type": "issue",
                "engine_name": "twelve",
                "check_name": d.code,
                "description": format!("{} {}: {}", d.code, d.name, d.message),
                "categories": ["Bug Risk"],
                "fingerprint": fp,
                "severity": severity(d.severity),
                "location": {
                    "path": path.trim_start_matches("./"),
                    "lines": { "begin": line },
                },
            });
            if let Some(h) = &d.help {
                issue["content"] = json!({ "body": h });
            }
            issues.push(issue);
        }
    }
    let mut s = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}
