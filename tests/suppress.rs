//! Suppressions end to end, one case per commentable format: the finding is gone from the
//! report, recorded with its reason in JSON, and an unused suppression is TF0002.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;

/// Write `files` into a fresh directory and check it: the JSON report.
fn check(files: &[(&str, &str)], extra: &[&str]) -> Value {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    let out = Command::cargo_bin("twelve")
        .unwrap()
        .args(["check", "--format", "json", "--ignore", "TF0101"])
        .args(extra)
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.code().unwrap() <= 1, "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// (code, file name, line) of the kept findings.
fn kept(v: &Value) -> Vec<(String, String, u64)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["location"]["path"]
                    .as_str()
                    .map(|p| {
                        Path::new(p)
                            .file_name()
                            .unwrap()
                            .to_string_lossy()
                            .into_owned()
                    })
                    .unwrap_or_default(),
                f["location"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// (code, kind, reason) of the suppressed findings.
fn suppressed(v: &Value) -> Vec<(String, String, String)> {
    v["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["suppression"]["kind"].as_str().unwrap().to_string(),
                f["suppression"]["reason"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
            )
        })
        .collect()
}

fn has(v: &[(String, String, u64)], code: &str) -> bool {
    v.iter().any(|(c, _, _)| c == code)
}

/// A suppressed finding of `code` with this kind and reason, and no TF0002.
fn assert_suppressed(v: &Value, code: &str, kind: &str, reason: &str) {
    let k = kept(v);
    assert!(!has(&k, code), "{code} still reported: {k:?}");
    assert!(!has(&k, "TF0002"), "unused suppression reported: {k:?}");
    let s = suppressed(v);
    assert!(
        s.contains(&(code.into(), kind.into(), reason.into())),
        "{code} not suppressed as {kind} ({reason}): {s:?}"
    );
}

#[test]
fn dockerfile_on_the_line_before_and_after_a_shell_form_run() {
    let v = check(
        &[(
            "Dockerfile",
            "# twelve: ignore[TF0206] pinned by digest in CI\nFROM python\nRUN pip install gunicorn  # twelve: ignore[TF0204] server only\nCMD [\"gunicorn\", \"app:app\"]\n",
        )],
        &[],
    );
    assert_suppressed(&v, "TF0206", "inline", "pinned by digest in CI");
    assert_suppressed(&v, "TF0204", "inline", "server only");
}

#[test]
fn yaml_compose_and_kubernetes() {
    let v = check(
        &[(
            "compose.yaml",
            "services:\n  web:\n    image: web:1\n    environment:\n      API_TOKEN: tok-live-41d9e07f2b6c8a35  # twelve: ignore[compose-inline-secret] a test token\n",
        )],
        &[],
    );
    assert_suppressed(&v, "TF0304", "inline", "a test token");
    let v = check(
        &[(
            "k8s/pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    twelve/ignore: \"TF0603: a one-off debugging pod\"\nspec:\n  containers:\n    - name: web\n      image: registry.example.com/web:1.2.3\n",
        )],
        &[],
    );
    assert_suppressed(&v, "TF0603", "annotation", "a one-off debugging pod");
}

#[test]
fn toml_manifests() {
    let v = check(
        &[
            (
                "Cargo.toml",
                "[package]\nname = \"x\"\nversion = \"0.1.0\"\n\n[dependencies]\nserde = \"*\"  # twelve: ignore[TF0202] any serde will do\n",
            ),
            ("Cargo.lock", "# empty\n"),
            ("src/main.rs", "fn main() {}\n"),
        ],
        &[],
    );
    assert_suppressed(&v, "TF0202", "inline", "any serde will do");
}

#[test]
fn requirements_and_python() {
    let v = check(
        &[
            (
                "requirements.txt",
                "# twelve: ignore[TF0202] tracks upstream on purpose\nflask>=3\n",
            ),
            (
                "app.py",
                "import logging\n\nlogging.basicConfig(filename=\"x.log\")  # twelve: ignore[TF1101] an audit trail\n",
            ),
        ],
        &[],
    );
    assert_suppressed(&v, "TF0202", "inline", "tracks upstream on purpose");
    assert_suppressed(&v, "TF1101", "inline", "an audit trail");
}

#[test]
fn shell_scripts() {
    let v = check(
        &[
            (
                "Dockerfile",
                "FROM python:3.12-slim\nCOPY start.sh /start.sh\nCMD [\"/start.sh\"]\n",
            ),
            (
                "start.sh",
                "#!/bin/sh\ncelery -A app worker &  # twelve: ignore[TF0804] the worker is tiny\nexec gunicorn app.wsgi\n",
            ),
        ],
        &[],
    );
    assert_suppressed(&v, "TF0804", "inline", "the worker is tiny");
}

#[test]
fn dotenv_files() {
    let v = check(
        &[(
            ".env",
            "# twelve: ignore-file[TF0306] local throwaway credentials\nDATABASE_PASSWORD=Xk29-local-only-7741\n",
        )],
        &[],
    );
    assert_suppressed(&v, "TF0306", "file", "local throwaway credentials");
}

#[test]
fn slash_comments_in_js_ts_go_rust() {
    let js = "const express = require(\"express\");\nconst app = express();\n// twelve: ignore[TF0703] fixed by the sidecar\napp.listen(3000);\n";
    let v = check(
        &[
            ("server.js", js),
            (
                "package.json",
                "{\"name\":\"w\",\"dependencies\":{\"express\":\"4.19.2\"}}",
            ),
            ("package-lock.json", "{}"),
        ],
        &[],
    );
    assert_suppressed(&v, "TF0703", "inline", "fixed by the sidecar");
    let ts = js.replace("require(\"express\")", "require(\"express\") as any");
    let v = check(
        &[
            ("server.ts", ts.as_str()),
            (
                "package.json",
                "{\"name\":\"w\",\"dependencies\":{\"express\":\"4.19.2\"}}",
            ),
            ("package-lock.json", "{}"),
        ],
        &[],
    );
    assert_suppressed(&v, "TF0703", "inline", "fixed by the sidecar");
    let v = check(
        &[
            (
                "main.go",
                "package main\n\nimport \"net/http\"\n\nfunc main() {\n\thttp.ListenAndServe(\":8080\", nil) // twelve: ignore[TF0703] fixed port\n}\n",
            ),
            ("go.mod", "module x\n\ngo 1.22\n"),
        ],
        &[],
    );
    assert_suppressed(&v, "TF0703", "inline", "fixed port");
    let v = check(
        &[
            (
                "src/main.rs",
                "use std::net::TcpListener;\n\nfn main() {\n    // twelve: ignore[TF0703] fixed port\n    let _l = TcpListener::bind(\"0.0.0.0:8080\");\n}\n",
            ),
            (
                "Cargo.toml",
                "[package]\nname = \"x\"\nversion = \"0.1.0\"\n",
            ),
            ("Cargo.lock", "# empty\n"),
        ],
        &[],
    );
    assert_suppressed(&v, "TF0703", "inline", "fixed port");
}

#[test]
fn a_hash_is_not_a_comment_in_js_nor_a_url_a_comment_anywhere() {
    let v = check(
        &[
            (
                "server.js",
                "const express = require(\"express\");\nconst app = express();\napp.listen(3000); # twelve: ignore[TF0703]\n",
            ),
            (
                "package.json",
                "{\"name\":\"w\",\"dependencies\":{\"express\":\"4.19.2\"}}",
            ),
            ("package-lock.json", "{}"),
        ],
        &[],
    );
    assert!(has(&kept(&v), "TF0703"), "{:?}", kept(&v));
}

#[test]
fn unused_and_unknown_suppressions_are_tf0002() {
    let v = check(
        &[
            (
                "requirements.txt",
                "flask==3.0.3  # twelve: ignore[TF0202] was unpinned\n",
            ),
            ("requirements.lock", ""),
            ("app.py", "import os\n# twelve: ignore[TF9999]\nx = 1\n"),
        ],
        &[],
    );
    let k = kept(&v);
    assert!(
        k.contains(&("TF0002".into(), "requirements.txt".into(), 1)),
        "{k:?}"
    );
    assert!(k.contains(&("TF0002".into(), "app.py".into(), 2)), "{k:?}");
    // a suppression of a rule that did not run is not judged
    let v = check(
        &[
            (
                "requirements.txt",
                "flask==3.0.3  # twelve: ignore[TF0202] was unpinned\n",
            ),
            ("requirements.lock", ""),
        ],
        &["--ignore", "TF0202"],
    );
    assert!(!has(&kept(&v), "TF0002"), "{:?}", kept(&v));
    // and TF0002 can itself be turned off
    let v = check(
        &[
            (
                "requirements.txt",
                "flask==3.0.3  # twelve: ignore[TF0202] was unpinned\n",
            ),
            ("requirements.lock", ""),
        ],
        &["--ignore", "TF0002"],
    );
    assert!(!has(&kept(&v), "TF0002"));
}

#[test]
fn per_path_ignores_in_the_config() {
    let v = check(
        &[
            (
                "twelve.toml",
                "[per-path-ignores]\n\"vendor/**\" = [\"TF0202\", \"dependencies\"]\n",
            ),
            ("vendor/lib/requirements.txt", "flask\n"),
            ("requirements.txt", "django\n"),
        ],
        &[],
    );
    let k = kept(&v);
    // the vendored file is ignored, the app's own is not
    assert!(
        k.iter()
            .any(|(c, f, _)| c == "TF0202" && f == "requirements.txt"),
        "{k:?}"
    );
    let s = suppressed(&v);
    assert!(
        s.iter()
            .any(|(c, kind, r)| c == "TF0202" && kind == "config" && r.contains("vendor/**")),
        "{s:?}"
    );
    assert_eq!(kept(&v).iter().filter(|(c, _, _)| c == "TF0202").count(), 1);
}

#[test]
fn suppressed_findings_do_not_cost_score_and_show_in_the_summary() {
    let files: &[(&str, &str)] = &[(
        "Dockerfile",
        "# twelve: ignore[TF0206] pinned by digest in CI\nFROM python\nCMD [\"python\", \"-m\", \"app\"]\n",
    )];
    let v = check(files, &[]);
    assert_eq!(v["summary"]["suppressed"], 1);
    let without = check(files, &["--ignore", "TF0002"]);
    assert_eq!(v["summary"]["score"], without["summary"]["score"]);
    let unsuppressed = check(
        &[(
            "Dockerfile",
            "FROM python\nCMD [\"python\", \"-m\", \"app\"]\n",
        )],
        &[],
    );
    assert!(
        unsuppressed["summary"]["score"].as_u64().unwrap()
            < v["summary"]["score"].as_u64().unwrap()
    );
}

#[test]
fn odd_suppressions_never_crash() {
    let v = check(
        &[
            (
                "k8s/pod.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    twelve/ignore: \"🕴x, TF0603 ✓\"\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: b\n  annotations:\n    twelve/ignore: 42\nspec: {}\n",
            ),
            (
                "app.py",
                "# twelve: ignore[\n# twelve: ignore-file[]\nx = 1  # twelve: ignore[,,, ] é\n# twelve: ignore[TF0301]",
            ),
        ],
        &[],
    );
    assert!(v["findings"].is_array());
}
