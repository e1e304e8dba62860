//! Exact user-visible output of the sample project (human without colour, JSON).

use assert_cmd::Command;

fn run(args: &[&str]) -> String {
    let out = Command::cargo_bin("twelve")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn json_report_of_the_sample_project() {
    let text = run(&["check", "fixtures/projects/django-shop", "--format", "json"]);
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["tool"]["version"] = "[version]".into();
    insta::assert_json_snapshot!(v);
}

/// Every sample project in `fixtures/projects/`, one snapshot each: each language path is
/// exercised end to end (Python/Django, Node/Express, Go, Rust/axum, and a compliant app).
#[test]
fn human_report_of_every_sample_project() {
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/projects");
    let mut names: Vec<String> = std::fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert!(names.len() >= 5, "{names:?}");
    for name in names {
        let out = run(&[
            "check",
            &format!("fixtures/projects/{name}"),
            "--color",
            "never",
        ]);
        insta::assert_snapshot!(format!("project_{name}"), out);
    }
}

/// The scorecard of every sample project in every format: table (no colour), Markdown, JSON,
/// HTML and the SVG badge.
#[test]
fn scorecard_of_every_sample_project_in_every_format() {
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/projects");
    let mut names: Vec<String> = std::fs::read_dir(&base)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let version = env!("CARGO_PKG_VERSION");
    for name in names {
        let path = format!("fixtures/projects/{name}");
        for format in ["table", "markdown", "json", "html", "svg"] {
            let out = run(&["score", &path, "--format", format, "--color", "never"]);
            // the version is the only thing that changes between releases
            let out = out.replace(version, "[version]");
            // the commit and branch the checkout is at (none outside git) are left out
            insta::with_settings!({filters => vec![
                (r" at `[0-9a-f]{12}`( on `[^`]*`)?( \(\d{4}-\d\d-\d\d\))?", ""),
                (r#"\n *<div class="rev">commit [^<]*</div>"#, ""),
            ]}, {
                insta::assert_snapshot!(format!("score_{name}_{format}"), out);
            });
        }
    }
}

/// The CI formats of the sample project with findings of every kind.
#[test]
fn ci_formats_of_the_sample_project() {
    let version = env!("CARGO_PKG_VERSION");
    for format in ["sarif", "github", "gitlab", "junit", "concise"] {
        let out = run(&["check", "fixtures/projects/django-shop", "--format", format]);
        insta::assert_snapshot!(
            format!("check_django-shop_{format}"),
            out.replace(version, "[version]")
        );
    }
}
