//! Images that a build tool builds and tags at deploy time: Skaffold `build.artifacts`, Tilt
//! `docker_build`/`custom_build`. A manifest naming such an image (`image: web`) is rewritten
//! with the tool's tag when deployed, so the name alone is no mutable reference.

use crate::parse::yaml::Yaml;
use crate::source::Span;

/// The image names of a Skaffold config document (`apiVersion: skaffold/…`), in its build and
/// in each profile's build, with their spans.
pub fn skaffold_artifacts(doc: &Yaml) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut from_build = |build: Option<&Yaml>| {
        for a in build
            .and_then(|b| b.get("artifacts"))
            .and_then(Yaml::as_seq)
            .unwrap_or(&[])
        {
            if let Some(img) = a.get("image")
                && let Some(t) = img.as_str()
            {
                out.push((t.to_string(), img.span.clone()));
            }
        }
    };
    from_build(doc.get("build"));
    for p in doc.get("profiles").and_then(Yaml::as_seq).unwrap_or(&[]) {
        from_build(p.get("build"));
    }
    out
}

/// Whether a YAML document is a Skaffold config.
pub fn is_skaffold(doc: &Yaml) -> bool {
    doc.get("apiVersion")
        .and_then(Yaml::as_str)
        .is_some_and(|v| v.starts_with("skaffold/"))
}

/// The image names a Tiltfile builds: the first argument (or `ref=`) of `docker_build` and
/// `custom_build` calls, as string literals, with the span of the name inside the quotes.
pub fn tilt_artifacts(text: &str) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for call in ["docker_build", "custom_build"] {
        let mut from = 0;
        while let Some(i) = text.get(from..).and_then(|t| t.find(call)) {
            let start = from + i;
            from = start + call.len();
            // a whole identifier: not `my_docker_build`
            let before = text.get(..start).and_then(|t| t.chars().next_back());
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let Some(rest) = text.get(from..) else { break };
            let Some(args) = rest.trim_start().strip_prefix('(') else {
                continue;
            };
            let args_at = from + (rest.len() - args.len());
            let body = args.trim_start();
            let body_at = args_at + (args.len() - body.len());
            // `ref=` may name the image; else the first positional argument
            let (body, body_at) = match body.strip_prefix("ref") {
                Some(r) if r.trim_start().starts_with('=') => {
                    let r = r.trim_start().trim_start_matches('=').trim_start();
                    (r, body_at + (body.len() - r.len()))
                }
                _ => (body, body_at),
            };
            let Some(q) = body.chars().next().filter(|c| *c == '\'' || *c == '"') else {
                continue;
            };
            let inner = body.get(1..).unwrap_or("");
            let Some(end) = inner.find(q) else { continue };
            let name = inner.get(..end).unwrap_or("");
            if name.is_empty() || name.contains('\n') {
                continue;
            }
            let s = body_at + 1;
            out.push((name.to_string(), s..s + end));
        }
    }
    out.sort_by_key(|a| a.1.start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skaffold_artifacts_of_build_and_profiles() {
        let text = "apiVersion: skaffold/v4beta6\nkind: Config\nbuild:\n  artifacts:\n    - image: web\n      context: .\nprofiles:\n  - name: prod\n    build:\n      artifacts:\n        - image: ghcr.io/acme/worker\n";
        let docs = crate::parse::yaml::parse(text).unwrap();
        assert!(is_skaffold(&docs[0]));
        let a = skaffold_artifacts(&docs[0]);
        let names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["web", "ghcr.io/acme/worker"]);
        assert_eq!(&text[a[0].1.clone()], "web");
    }

    #[test]
    fn tilt_docker_build_names() {
        let text = "# a Tiltfile\ndocker_build('web', '.')\ndocker_build(ref = \"api-ü\", context='api')\ncustom_build('worker', 'make', deps=['.'])\nmy_docker_build('no', '.')\ndocker_build(name_var, '.')\n";
        let a = tilt_artifacts(text);
        let names: Vec<&str> = a.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["web", "api-ü", "worker"]);
        for (n, span) in &a {
            assert_eq!(&text[span.clone()], n);
        }
        assert!(tilt_artifacts("docker_build(").is_empty());
        assert!(tilt_artifacts("docker_build('unterminated").is_empty());
    }
}
