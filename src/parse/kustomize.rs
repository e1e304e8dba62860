//! Kustomizations: what a `kustomization.yaml` (or a `kind: Kustomization`/`Component`
//! document) puts together: its resources (files and directories of other kustomizations), the
//! patches it applies to them, and the image names it rewrites. `kubectl kustomize` is the
//! reference; nothing is rendered here, the model links the files.

use crate::parse::yaml::Yaml;
use crate::source::Span;

/// One kustomization document.
#[derive(Debug, Clone, Default)]
pub struct Kustomization {
    /// `resources:`, `bases:` and `components:` entries, as written (relative paths; remote
    /// URLs are kept and resolve to nothing).
    pub resources: Vec<(String, Span)>,
    /// Files of `patchesStrategicMerge:`, `patches[].path` and `patchesJson6902[].path`.
    pub patches: Vec<(String, Span)>,
    /// `images:` overrides: (name, newName, newTag, span).
    pub images: Vec<(String, Option<String>, Option<String>, Span)>,
    /// `replicas:` overrides: (workload name, count, span).
    pub replicas: Vec<(String, i64, Span)>,
    /// `namespace:`, which kustomize sets on everything it renders: (name, span).
    pub namespace: Option<(String, Span)>,
    /// `secretGenerator:` entries.
    pub secret_generators: Vec<SecretGenerator>,
}

/// A `secretGenerator:` entry: a Secret made from committed files and literals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SecretGenerator {
    pub name: String,
    /// `files:` (`path` or `key=path`): the path, relative to the kustomization.
    pub files: Vec<(String, Span)>,
    /// `envs:` (and the older `env:`): env files, relative to the kustomization.
    pub envs: Vec<(String, Span)>,
    /// `literals:` (`key=value`): the key, the value and the value's span.
    pub literals: Vec<(String, String, Span)>,
}

/// Whether `doc` in the file named `file_name` is a kustomization: the file names kustomize
/// reads, or a document of kind `Kustomization` or `Component`.
pub fn is_kustomization(file_name: &str, doc: &Yaml) -> bool {
    let kind = doc.get("kind").and_then(Yaml::as_str);
    let api = doc.get("apiVersion").and_then(Yaml::as_str).unwrap_or("");
    matches!(
        file_name,
        "kustomization.yaml" | "kustomization.yml" | "Kustomization"
    ) && doc.as_map().is_some()
        && kind.is_none_or(|k| matches!(k, "Kustomization" | "Component"))
        || matches!(kind, Some("Kustomization" | "Component")) && api.starts_with("kustomize.")
}

pub fn read(doc: &Yaml) -> Kustomization {
    let strings = |key: &str| -> Vec<(String, Span)> {
        doc.get(key)
            .and_then(Yaml::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|y| Some((y.as_str()?.to_string(), y.span.clone())))
            .collect()
    };
    let paths = |key: &str| -> Vec<(String, Span)> {
        doc.get(key)
            .and_then(Yaml::as_seq)
            .unwrap_or(&[])
            .iter()
            .filter_map(|y| {
                let p = y.get("path")?;
                Some((p.as_str()?.to_string(), p.span.clone()))
            })
            .collect()
    };
    let mut k = Kustomization {
        namespace: doc
            .get("namespace")
            .and_then(|n| Some((n.as_str()?.to_string(), n.span.clone()))),
        ..Kustomization::default()
    };
    for key in ["resources", "bases", "components"] {
        k.resources.extend(strings(key));
    }
    k.patches.extend(strings("patchesStrategicMerge"));
    k.patches.extend(paths("patches"));
    k.patches.extend(paths("patchesJson6902"));
    for i in doc.get("images").and_then(Yaml::as_seq).unwrap_or(&[]) {
        let s = |key: &str| i.get(key).and_then(|v| v.as_str().map(String::from));
        if let Some(name) = s("name") {
            k.images
                .push((name, s("newName"), s("newTag"), i.span.clone()));
        }
    }
    for r in doc.get("replicas").and_then(Yaml::as_seq).unwrap_or(&[]) {
        if let (Some(name), Some(count)) = (
            r.get("name").and_then(Yaml::as_str),
            r.get("count").and_then(Yaml::as_i64),
        ) {
            k.replicas.push((name.to_string(), count, r.span.clone()));
        }
    }
    for g in doc
        .get("secretGenerator")
        .and_then(Yaml::as_seq)
        .unwrap_or(&[])
    {
        let items = |key: &str| -> Vec<&Yaml> {
            match g.get(key) {
                Some(v) => v
                    .as_seq()
                    .map(|s| s.iter().collect())
                    .unwrap_or_else(|| vec![v]),
                None => Vec::new(),
            }
        };
        let mut gen_ = SecretGenerator {
            name: g
                .get("name")
                .and_then(Yaml::as_str)
                .unwrap_or("")
                .to_string(),
            ..SecretGenerator::default()
        };
        for f in items("files") {
            if let Some(t) = f.as_str() {
                // `key=path`: the path starts after the first `=`
                let (path, at) = match t.split_once('=') {
                    Some((_, p)) => (p, t.len() - p.len()),
                    None => (t, 0),
                };
                gen_.files
                    .push((path.to_string(), sub_span(f, at, path.len())));
            }
        }
        for e in items("envs").into_iter().chain(items("env")) {
            if let Some(t) = e.as_str() {
                gen_.envs.push((t.to_string(), e.span.clone()));
            }
        }
        for l in items("literals") {
            if let Some((key, value)) = l.as_str().and_then(|t| t.split_once('=')) {
                let at = key.len() + 1;
                gen_.literals.push((
                    key.to_string(),
                    value.to_string(),
                    sub_span(l, at, value.len()),
                ));
            }
        }
        k.secret_generators.push(gen_);
    }
    k
}

/// The span of `len` bytes at `at` of a scalar's text, where the scalar is written plain (its
/// text stands in the file as is); else the scalar's whole span.
fn sub_span(y: &Yaml, at: usize, len: usize) -> Span {
    let plain = y
        .as_str()
        .is_some_and(|t| y.span.end - y.span.start == t.len());
    if plain {
        y.span.start + at..y.span.start + at + len
    } else {
        y.span.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml;

    fn doc(text: &str) -> Yaml {
        yaml::parse(text).unwrap().remove(0)
    }

    #[test]
    fn reads_what_a_kustomization_puts_together() {
        let d = doc(r#"
resources:
  - ../../base
  - https://github.com/acme/x//deploy?ref=v1
bases: [../legacy]
patchesStrategicMerge: [replicas.yaml]
patches:
  - path: probes.yaml
    target: {kind: Deployment}
  - patch: |-
      - op: remove
images:
  - name: api
    newName: registry.example.com/api
    newTag: 2.1.0
replicas:
  - name: api
    count: 3
"#);
        assert!(is_kustomization("kustomization.yaml", &d));
        assert!(!is_kustomization("deployment.yaml", &d));
        let k = read(&d);
        let r: Vec<_> = k.resources.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(
            r,
            [
                "../../base",
                "https://github.com/acme/x//deploy?ref=v1",
                "../legacy"
            ]
        );
        let p: Vec<_> = k.patches.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(p, ["replicas.yaml", "probes.yaml"]);
        assert_eq!(k.images[0].2.as_deref(), Some("2.1.0"));
        assert_eq!(k.replicas[0].1, 3);
        // by kind, whatever the file name; a Deployment named kustomization.yaml is not one
        let text = "secretGenerator:\n  - name: db\n    files:\n      - password.txt\n      - tls.key=certs/k.pem\n    literals:\n      - api-key=Zq8sLm\n    envs: [db.env]\n";
        let g = &read(&doc(text)).secret_generators[0];
        assert_eq!(g.name, "db");
        let files: Vec<&str> = g.files.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(files, ["password.txt", "certs/k.pem"]);
        assert_eq!(text.get(g.files[1].1.clone()), Some("certs/k.pem"));
        assert_eq!(g.envs[0].0, "db.env");
        assert_eq!(g.literals[0].0, "api-key");
        assert_eq!(text.get(g.literals[0].2.clone()), Some("Zq8sLm"));
        let d = doc("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
        assert!(is_kustomization("base.yaml", &d));
        let d = doc("apiVersion: apps/v1\nkind: Deployment\n");
        assert!(!is_kustomization("kustomization.yaml", &d));
    }
}
