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

/// What a Skaffold config deploys, by itself or in one of its profiles: the manifests
/// (`manifests.rawYaml`, `deploy.kubectl.manifests`), kustomize directories
/// (`manifests.kustomize.paths`, `deploy.kustomize.paths`) and Helm charts
/// (`deploy.helm.releases[].chartPath`), as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkaffoldDeploy {
    /// The profile's name (`None`: the config's own pipeline).
    pub profile: Option<String>,
    pub span: Span,
    pub manifests: Vec<String>,
}

/// The deploys of a Skaffold config document: its own, then each profile's that states one.
pub fn skaffold_deploys(doc: &Yaml) -> Vec<SkaffoldDeploy> {
    let strings = |y: Option<&Yaml>| -> Vec<String> {
        y.and_then(Yaml::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let manifests_of = |d: &Yaml| {
        let mut out = Vec::new();
        let m = d.get("manifests");
        out.extend(strings(m.and_then(|m| m.get("rawYaml"))));
        out.extend(strings(
            m.and_then(|m| m.get("kustomize"))
                .and_then(|k| k.get("paths")),
        ));
        let deploy = d.get("deploy");
        out.extend(strings(
            deploy
                .and_then(|d| d.get("kubectl"))
                .and_then(|k| k.get("manifests")),
        ));
        out.extend(strings(
            deploy
                .and_then(|d| d.get("kustomize"))
                .and_then(|k| k.get("paths")),
        ));
        for r in deploy
            .and_then(|d| d.get("helm"))
            .and_then(|h| h.get("releases"))
            .and_then(Yaml::as_seq)
            .unwrap_or(&[])
        {
            if let Some(c) = r.get("chartPath").and_then(Yaml::as_str) {
                out.push(c.to_string());
            }
        }
        out
    };
    let mut out = Vec::new();
    let own = manifests_of(doc);
    if !own.is_empty() {
        out.push(SkaffoldDeploy {
            profile: None,
            span: doc
                .get("manifests")
                .or(doc.get("deploy"))
                .map(|m| m.span.clone())
                .unwrap_or(doc.span.clone()),
            manifests: own,
        });
    }
    for p in doc.get("profiles").and_then(Yaml::as_seq).unwrap_or(&[]) {
        let manifests = manifests_of(p);
        let Some(name) = p.get("name") else { continue };
        if !manifests.is_empty() {
            out.push(SkaffoldDeploy {
                profile: name.as_str().map(str::to_string),
                span: name.span.clone(),
                manifests,
            });
        }
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
    fn skaffold_deploys_by_profile() {
        let text = "apiVersion: skaffold/v4beta6\nkind: Config\nmanifests:\n  rawYaml: [k8s/*.yaml]\nprofiles:\n  - name: prod\n    manifests:\n      kustomize:\n        paths: [overlays/prod]\n  - name: dev\n    activation: [{command: dev}]\n  - name: helm\n    deploy:\n      helm:\n        releases: [{name: web, chartPath: charts/web}]\n";
        let doc = &crate::parse::yaml::parse(text).unwrap()[0];
        let d = skaffold_deploys(doc);
        let got: Vec<(Option<&str>, Vec<&str>)> = d
            .iter()
            .map(|d| {
                (
                    d.profile.as_deref(),
                    d.manifests.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (None, vec!["k8s/*.yaml"]),
                (Some("prod"), vec!["overlays/prod"]),
                (Some("helm"), vec!["charts/web"]),
            ]
        );
    }

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
