//! Helm charts as a user sees them through the binary: findings on rendered objects land on
//! the values line that set the value (the template as the other end), an environment's
//! values file that overrides it keeps the finding on the template with both lines beside,
//! a chart read both ways reports once, and a template that cannot render is a located note
//! with the values read instead.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;

const CHART: &str = "apiVersion: v2\nname: shop\nversion: 0.1.0\nappVersion: \"1.0\"\n";
const HELPERS: &str = r#"{{- define "shop.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
"#;
const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "shop.fullname" . }}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: {{ include "shop.fullname" . }}
  template:
    metadata:
      labels:
        app: {{ include "shop.fullname" . }}
    spec:
      containers:
        - name: shop
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
"#;

fn write(root: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    fs::create_dir_all(root.join(".git")).unwrap();
}

/// (findings of `code` as (path:line, [related path:line: message]), notices as `path: message`)
fn check(root: &Path, code: &str) -> (Vec<(String, Vec<String>)>, String) {
    let out = Command::cargo_bin("twelve")
        .unwrap()
        .args(["check", ".", "--format", "json", "--select", code])
        .current_dir(root)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).expect("json report");
    let at = |l: &Value| format!("{}:{}", l["path"].as_str().unwrap(), l["line"]);
    let found = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| {
            let related = f["related"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| format!("{}: {}", at(r), r["message"].as_str().unwrap()))
                .collect();
            (at(&f["location"]), related)
        })
        .collect();
    let notices = json["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            format!(
                "{}: {}\n",
                n["path"].as_str().unwrap(),
                n["message"].as_str().unwrap()
            )
        })
        .collect();
    (found, notices)
}

#[test]
fn a_finding_on_a_printed_value_lands_on_the_values_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("chart/Chart.yaml", CHART),
            (
                "chart/values.yaml",
                "image:\n  repository: registry.example.com/shop\n  tag: latest\n",
            ),
            ("chart/templates/_helpers.tpl", HELPERS),
            ("chart/templates/deployment.yaml", DEPLOYMENT),
        ],
    );
    let (found, _) = check(dir.path(), "TF0501");
    // one finding, not one from the objects and one from the values
    assert_eq!(found.len(), 1, "{found:?}");
    let (at, related) = &found[0];
    assert_eq!(at, "chart/values.yaml:3", "the tag's line: {found:?}");
    assert!(
        related
            .contains(&"chart/templates/deployment.yaml:17: printed by this template".to_string()),
        "{related:?}"
    );
    assert!(
        related.contains(&"chart/values.yaml:2: also printed there".to_string()),
        "{related:?}"
    );
}

#[test]
fn an_environment_that_overrides_the_value_keeps_the_finding_on_the_template() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("chart/Chart.yaml", CHART),
            (
                "chart/values.yaml",
                "image:\n  repository: registry.example.com/shop\n  tag: \"1.0\"\n",
            ),
            ("chart/values-prod.yaml", "image:\n  tag: latest\n"),
            ("chart/templates/_helpers.tpl", HELPERS),
            ("chart/templates/deployment.yaml", DEPLOYMENT),
        ],
    );
    let (found, _) = check(dir.path(), "TF0501");
    assert_eq!(found.len(), 1, "{found:?}");
    let (at, related) = &found[0];
    assert_eq!(at, "chart/templates/deployment.yaml:17");
    assert!(
        related.contains(&"chart/values-prod.yaml:2: set here for this environment".to_string()),
        "{related:?}"
    );
    assert!(
        related.contains(&"chart/values.yaml:3: set here by default".to_string()),
        "{related:?}"
    );
}

#[test]
fn a_disabled_template_deploys_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let gated = format!("{{{{- if .Values.enabled }}}}\n{DEPLOYMENT}{{{{- end }}}}\n");
    write(
        dir.path(),
        &[
            ("chart/Chart.yaml", CHART),
            (
                "chart/values.yaml",
                "enabled: false\nimage:\n  repository: registry.example.com/shop\n  tag: latest\n",
            ),
            ("chart/templates/_helpers.tpl", HELPERS),
            ("chart/templates/deployment.yaml", &gated),
        ],
    );
    let (found, _) = check(dir.path(), "TF0501");
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_template_that_cannot_render_is_a_located_note_and_the_values_are_read() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("chart/Chart.yaml", CHART),
            (
                "chart/values.yaml",
                "image:\n  repository: registry.example.com/shop\n  tag: latest\n",
            ),
            ("chart/templates/_helpers.tpl", HELPERS),
            ("chart/templates/deployment.yaml", DEPLOYMENT),
            (
                "chart/templates/secret.yaml",
                "kind: Secret\ndata:\n  key: {{ required \"set .Values.key\" .Values.key }}\n",
            ),
        ],
    );
    let (found, notices) = check(dir.path(), "TF0501");
    assert!(
        notices.contains(
            "chart/templates/secret.yaml: line 3: not rendered: required: set .Values.key"
        ),
        "{notices}"
    );
    // the rendered Deployment and the values say the same thing once
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "chart/values.yaml:3");
}

/// (code, path:line) of every finding of the check.
fn all_findings(root: &Path) -> Vec<(String, String)> {
    let out = Command::cargo_bin("twelve")
        .unwrap()
        .args(["check", ".", "--format", "json"])
        .current_dir(root)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).expect("json report");
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["location"].is_null())
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                format!(
                    "{}:{}",
                    f["location"]["path"].as_str().unwrap(),
                    f["location"]["line"]
                ),
            )
        })
        .collect()
}

#[test]
fn a_values_secret_a_template_prints_into_a_container_is_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = DEPLOYMENT.to_string()
        + "          env:\n            - name: API_KEY\n              value: {{ .Values.apiKey | quote }}\n";
    write(
        dir.path(),
        &[
            ("chart/Chart.yaml", CHART),
            (
                "chart/values.yaml",
                "image:\n  repository: registry.example.com/shop\n  tag: \"1.0\"\napiKey: \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\"\n",
            ),
            ("chart/templates/_helpers.tpl", HELPERS),
            ("chart/templates/deployment.yaml", &deployment),
        ],
    );
    let at_line_4: Vec<_> = all_findings(dir.path())
        .into_iter()
        .filter(|(_, at)| at == "chart/values.yaml:4")
        .collect();
    assert_eq!(at_line_4.len(), 1, "{at_line_4:?}");
}
