//! The CI side of `check`: SARIF validated against the 2.1.0 schema, GitHub annotations,
//! GitLab code quality, JUnit, several reports from one run, baselines, file arguments (as
//! pre-commit passes them), --statistics and --quiet.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::fs;
use std::path::Path;

fn twelve() -> Command {
    let mut c = Command::cargo_bin("twelve").unwrap();
    c.env_remove("NO_COLOR")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn stdout(args: &[&str]) -> String {
    String::from_utf8(twelve().args(args).output().unwrap().stdout).unwrap()
}

const PROJECTS: [&str; 6] = [
    "compliant-api",
    "django-shop",
    "go-service",
    "legacy-monolith",
    "node-express",
    "rust-axum",
];

fn sarif_schema() -> Option<Value> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/sarif-schema-2.1.0.json");
    let text = fs::read_to_string(p).ok()?;
    // the official schema's `language` pattern has a bare `]`, a literal in ECMAScript regexes
    // but an error in Rust's: escape it, which keeps its meaning (twelve never sets `language`)
    let text = text.replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#,
    );
    Some(serde_json::from_str(&text).unwrap())
}

#[test]
fn sarif_of_every_sample_project_is_valid_sarif_2_1_0() {
    let Some(schema) = sarif_schema() else {
        eprintln!("skipped: ../shared/schemas/sarif-schema-2.1.0.json is absent");
        return;
    };
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(false)
        .build(&schema)
        .unwrap();
    // the validator does reject what is not SARIF
    assert!(
        !validator.is_valid(&serde_json::json!({"version": "2.1.0", "runs": [{"results": []}]}))
    );
    for p in PROJECTS {
        let text = stdout(&[
            "check",
            &format!("fixtures/projects/{p}"),
            "--format",
            "sarif",
        ]);
        let v: Value = serde_json::from_str(&text).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{p}: {errors:#?}");
        // and what code scanning needs: a location on every result, fingerprints, rule help
        let run = &v["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for r in &run["results"].as_array().unwrap()[..] {
            let loc = &r["locations"][0]["physicalLocation"];
            let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
            assert!(uri.starts_with(&format!("fixtures/projects/{p}/")), "{uri}");
            assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
            assert!(r["partialFingerprints"]["twelve/v1"].is_string());
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
    }
    // suppressions are recorded, with their reason, on a project that has them
    let text = stdout(&["check", "fixtures/rules/TF0002/pass", "--format", "sarif"]);
    let v: Value = serde_json::from_str(&text).unwrap();
    assert!(validator.is_valid(&v));
    let suppressed: Vec<&Value> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["suppressions"].is_array())
        .collect();
    assert!(suppressed.len() >= 5, "{}", suppressed.len());
    assert!(
        suppressed
            .iter()
            .any(|r| r["suppressions"][0]["kind"] == "inSource"
                && r["suppressions"][0]["justification"] == "the port is fixed by the sidecar")
    );
}

#[test]
fn sarif_rules_carry_help_and_cross_file_findings_related_locations() {
    let text = stdout(&[
        "check",
        "fixtures/projects/django-shop",
        "--format",
        "sarif",
    ]);
    let v: Value = serde_json::from_str(&text).unwrap();
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let tf0702 = rules.iter().find(|r| r["id"] == "TF0702").unwrap();
    assert_eq!(tf0702["helpUri"], "https://12factor.net/port-binding");
    assert!(
        tf0702["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## What it does")
    );
    assert_eq!(tf0702["defaultConfiguration"]["level"], "error");
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "TF0702")
        .unwrap();
    let related = result["relatedLocations"].as_array().unwrap();
    assert!(
        related
            .iter()
            .any(|l| l["physicalLocation"]["artifactLocation"]["uri"]
                == "fixtures/projects/django-shop/compose.yaml")
    );
    // secrets stay masked in snippets
    assert!(!text.contains("9f3b2c7d1e8a4f6b") && !text.contains("sk_test_4eC39HqLyjWDarjtT1"));
}

#[test]
fn fingerprints_are_stable_across_runs_and_line_moves() {
    let dir = tempfile::tempdir().unwrap();
    let df = dir.path().join("Dockerfile");
    fs::write(&df, "FROM python\nCMD [\"python\", \"-m\", \"app\"]\n").unwrap();
    let fp = |args: &[&str]| {
        let out = twelve()
            .args(["check", "--format", "sarif", "--ignore", "TF0101"])
            .args(args)
            .arg(dir.path())
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == "TF0206")
            .map(|r| {
                r["partialFingerprints"]["twelve/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .unwrap()
    };
    let first = fp(&[]);
    assert_eq!(first, fp(&[]));
    fs::write(
        &df,
        "# syntax=docker/dockerfile:1\n\nFROM python\nCMD [\"python\", \"-m\", \"app\"]\n",
    )
    .unwrap();
    assert_eq!(first, fp(&[]), "a line move changed the fingerprint");
}

#[test]
fn github_annotations_are_escaped_workflow_commands() {
    let text = stdout(&[
        "check",
        "fixtures/projects/django-shop",
        "--format",
        "github",
    ]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 19, "{text}");
    for l in &lines {
        assert!(
            l.starts_with("::error file=")
                || l.starts_with("::warning file=")
                || l.starts_with("::notice file="),
            "{l}"
        );
        let (props, message) = l[2..].split_once("::").unwrap();
        assert!(props.contains(",line=") && props.contains(",col=") && props.contains(",title=TF"));
        assert!(!message.contains('\n'));
    }
    assert!(text.contains(
        "::error file=fixtures/projects/django-shop/Dockerfile,line=7,col=8,endLine=7,endColumn=12,title=TF0702 port-mismatch::"
    ));
    // help on a second line of the annotation, escaped
    assert!(text.contains("%0Ahelp: use one port everywhere"));
}

#[test]
fn gitlab_code_quality_report() {
    let text = stdout(&[
        "check",
        "fixtures/projects/django-shop",
        "--format",
        "gitlab",
    ]);
    let v: Value = serde_json::from_str(&text).unwrap();
    let issues = v.as_array().unwrap();
    assert_eq!(issues.len(), 19);
    let mut fps = std::collections::HashSet::new();
    for i in issues {
        for key in ["description", "check_name", "fingerprint", "severity"] {
            assert!(i[key].is_string(), "{key}: {i}");
        }
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&i["severity"].as_str().unwrap())
        );
        assert!(
            i["location"]["path"]
                .as_str()
                .unwrap()
                .starts_with("fixtures/projects/django-shop/")
        );
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
        assert!(
            fps.insert(i["fingerprint"].as_str().unwrap().to_string()),
            "duplicate fingerprint"
        );
    }
}

#[test]
fn junit_has_a_test_case_per_check() {
    let text = stdout(&[
        "check",
        "fixtures/projects/django-shop",
        "--format",
        "junit",
    ]);
    let doc = roxmltree::Document::parse(&text).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let cases: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let failures = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .count();
    // the scorecard's 49 checks (31 passed, 18 failed) and the tool's own two that applied
    // (TF0001 parse-error, TF0003 nothing-to-check), which passed
    assert_eq!((cases.len(), failures), (51, 18));
    let tf0702 = cases
        .iter()
        .find(|c| c.attribute("name") == Some("TF0702 port-mismatch"))
        .unwrap();
    let failure = tf0702
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(
        failure
            .text()
            .unwrap()
            .contains("fixtures/projects/django-shop/Dockerfile:7:8")
    );
}

#[test]
fn several_reports_from_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let junit = dir.path().join("out.xml");
    let out = twelve()
        .args([
            "check",
            "fixtures/projects/django-shop",
            "--format",
            "sarif",
            "--output",
        ])
        .arg(&sarif)
        .args(["--format", "concise", "--format", "junit", "-o"])
        .arg(&junit)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines().all(|l| l.contains(": TF")),
        "stdout is the concise report: {text}"
    );
    assert_eq!(text.lines().count(), 19);
    let v: Value = serde_json::from_str(&fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(fs::read_to_string(&junit).unwrap().starts_with("<?xml"));
    // a lone --output before its --format is fine; ambiguous ones are usage errors
    twelve()
        .args(["check", "fixtures/projects/compliant-api", "-o"])
        .arg(dir.path().join("a.json"))
        .args(["--format", "json"])
        .assert()
        .code(0);
    assert!(dir.path().join("a.json").exists());
    twelve()
        .args([
            "check",
            "fixtures/projects/compliant-api",
            "--format",
            "json",
            "--format",
            "sarif",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("only one report can go to stdout"));
}

#[test]
fn baseline_round_trip_survives_a_line_shift_and_catches_a_new_finding() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("legacy");
    fs::create_dir(&repo).unwrap();
    let df = repo.join("Dockerfile");
    fs::write(
        &df,
        "FROM python\nENV SECRET_KEY=9f3b2c7d1e8a4f6b\nCMD python app.py\n",
    )
    .unwrap();
    let baseline = dir.path().join("twelve-baseline.json");
    let run = |args: &[&str]| {
        twelve()
            .args(["check", "--ignore", "TF0101", "--format", "concise"])
            .args(args)
            .arg(&repo)
            .output()
            .unwrap()
    };
    assert_eq!(run(&[]).status.code(), Some(1));
    let w = run(&["--write-baseline", baseline.to_str().unwrap()]);
    assert_eq!(w.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&w.stderr).contains("recorded"));
    let recorded = fs::read_to_string(&baseline).unwrap();
    assert!(
        !recorded.contains("9f3b2c7d1e8a4f6b"),
        "the baseline holds a secret"
    );
    // today: exit 0, nothing reported
    let b = baseline.to_str().unwrap();
    let today = run(&["--baseline", b]);
    assert_eq!(today.status.code(), Some(0), "{today:?}");
    assert!(today.stdout.is_empty());
    // lines shift and an unrelated line changes: still exit 0
    fs::write(
        &df,
        "# syntax=docker/dockerfile:1\n\nFROM python\nENV SECRET_KEY=9f3b2c7d1e8a4f6b\nLABEL team=payments\nCMD python app.py\n",
    )
    .unwrap();
    assert_eq!(run(&["--baseline", b]).status.code(), Some(0));
    // a new violation: exit 1, and only it is reported
    fs::write(
        &df,
        "# syntax=docker/dockerfile:1\n\nFROM python\nENV SECRET_KEY=9f3b2c7d1e8a4f6b\nENV API_TOKEN=tok-live-41d9e07f2b6c8a35\nCMD python app.py\n",
    )
    .unwrap();
    let new = run(&["--baseline", b]);
    assert_eq!(new.status.code(), Some(1));
    let text = String::from_utf8(new.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.contains("API_TOKEN") && text.contains("TF0303"),
        "{text}"
    );
    // and the human summary says how many were baselined
    let human = twelve()
        .args([
            "check",
            "--ignore",
            "TF0101",
            "--color",
            "never",
            "--baseline",
            b,
        ])
        .arg(&repo)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&human.stdout).contains("in the baseline)"));
    // a broken baseline is a usage error
    fs::write(&baseline, "{").unwrap();
    assert_eq!(run(&["--baseline", b]).status.code(), Some(2));
}

#[test]
fn file_arguments_limit_the_report_but_not_the_model() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    fs::create_dir(repo.join(".git")).unwrap();
    fs::write(repo.join("Dockerfile"), "FROM python:3.12-slim\nEXPOSE 5000\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]\n").unwrap();
    fs::write(
        repo.join("compose.yaml"),
        "services:\n  web:\n    build: .\n    ports:\n      - \"8000:8000\"\n",
    )
    .unwrap();
    fs::write(repo.join("requirements.txt"), "flask\n").unwrap();
    let run = |files: &[&str]| {
        let out = twelve()
            .current_dir(repo)
            .args(["check", "--format", "concise"])
            .args(files)
            .output()
            .unwrap();
        (out.status.code(), String::from_utf8(out.stdout).unwrap())
    };
    // requirements.txt alone: its own finding, not the Dockerfile's
    let (code, text) = run(&["requirements.txt"]);
    assert_eq!(code, Some(1));
    assert!(
        text.lines().all(|l| l.starts_with("requirements.txt:")),
        "{text}"
    );
    // compose.yaml alone: the port mismatch seen from the Dockerfile touches it, so it counts
    let (_, text) = run(&["compose.yaml"]);
    assert!(text.contains("TF0702"), "{text}");
    // an unrelated clean file: nothing to report
    fs::write(repo.join("README.md"), "hello\n").unwrap();
    let (code, text) = run(&["README.md"]);
    assert_eq!((code, text.as_str()), (Some(0), ""));
    // a file given by name that .gitignore leaves out is not skipped silently
    fs::write(repo.join(".gitignore"), "local.env\n").unwrap();
    fs::write(
        repo.join("local.env"),
        "API_TOKEN=tok-live-41d9e07f2b6c8a35\n",
    )
    .unwrap();
    let out = twelve()
        .current_dir(repo)
        .args(["check", "--format", "concise", "local.env"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("note: local.env: not checked: excluded by .gitignore"),
        "{out:?}"
    );
}

#[test]
fn statistics_and_quiet() {
    // most frequent code first
    let text = stdout(&["check", "fixtures/projects/legacy-monolith", "--statistics"]);
    let first = text.lines().next().unwrap();
    assert!(first.trim_start().starts_with("6  TF0202"), "{text}");
    assert!(text.contains("55  findings in total"));
    let v: Value = serde_json::from_str(&stdout(&[
        "check",
        "fixtures/projects/legacy-monolith",
        "--statistics",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(v[0]["code"], "TF0202");
    assert_eq!(v[0]["count"], 6);
    let out = twelve()
        .args([
            "check",
            "fixtures/rules/TF0103/fail",
            "--quiet",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains("Found ") && !text.contains("Score:"),
        "{text}"
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The copy-paste setups in docs/ci.md and the action are valid YAML with the shape their
/// consumers expect.
#[test]
fn ci_docs_action_and_hooks_are_valid_yaml() {
    use twelve::parse::yaml;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = fs::read_to_string(root.join("docs/ci.md")).unwrap();
    let mut blocks = 0;
    let mut rest = doc.as_str();
    while let Some(start) = rest.find("```yaml\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").unwrap();
        // the "plain steps" snippet is a fragment of a job: indent-safe as it is
        yaml::parse(&body[..end]).unwrap_or_else(|e| panic!("docs/ci.md block {blocks}: {e:?}"));
        blocks += 1;
        rest = &body[end..];
    }
    assert!(blocks >= 5, "{blocks}");
    let action = yaml::parse(&fs::read_to_string(root.join("action.yml")).unwrap()).unwrap();
    let runs = action[0].get("runs").unwrap();
    assert_eq!(
        runs.get("using").and_then(|u| u.as_str()),
        Some("composite")
    );
    let steps = runs.get("steps").unwrap().as_seq().unwrap();
    for s in steps {
        if s.get("run").is_some() {
            assert_eq!(s.get("shell").and_then(|v| v.as_str()), Some("bash"));
        }
    }
    assert!(steps.iter().any(|s| {
        s.get("uses")
            .and_then(|u| u.as_str())
            .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif"))
    }));
    let hooks =
        yaml::parse(&fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap()).unwrap();
    let ids: Vec<&str> = hooks[0]
        .as_seq()
        .unwrap()
        .iter()
        .filter_map(|h| h.get("id").and_then(|i| i.as_str()))
        .collect();
    assert_eq!(ids, ["twelve", "twelve-system", "twelve-docker"]);
}

/// A path with every character the formats treat specially: newline, comma, colon, percent,
/// quote, angle brackets, backtick, pipe. Each format stays well-formed.
#[test]
fn hostile_paths_stay_escaped_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let odd = "we,ird: 50% \"x\" <b> `y` |z\nnext";
    let sub = dir.path().join(odd);
    fs::create_dir(&sub).unwrap();
    fs::write(
        sub.join("Dockerfile"),
        "FROM python\nCMD [\"python\", \"-m\", \"app\"]\n",
    )
    .unwrap();
    let run = |format: &str| {
        let out = twelve()
            .args(["check", "--ignore", "TF0101", "--format", format])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{format}");
        String::from_utf8(out.stdout).unwrap()
    };
    // GitHub: one command per line, the newline escaped
    let gh = run("github");
    assert!(gh.lines().all(|l| l.starts_with("::")), "{gh}");
    assert!(
        gh.contains("%0Anext") && gh.contains("we%2Cird%3A 50%25"),
        "{gh}"
    );
    // SARIF: valid JSON, the URI percent-encoded
    let v: Value = serde_json::from_str(&run("sarif")).unwrap();
    let uri =
        v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
    assert!(
        uri.contains("we%2Cird%3A%2050%25%20%22x%22%20%3Cb%3E"),
        "{uri}"
    );
    assert!(!uri.contains('\n') && !uri.contains(' '));
    // concise: still one line per finding
    let concise = run("concise");
    assert_eq!(concise.lines().count(), 2, "{concise}");
    assert!(
        concise.contains("|z\\nnext/Dockerfile:1:6: TF0206"),
        "{concise}"
    );
    // GitLab: valid JSON; JUnit: well-formed XML
    let gl: Value = serde_json::from_str(&run("gitlab")).unwrap();
    assert!(
        gl[0]["location"]["path"]
            .as_str()
            .unwrap()
            .contains("\nnext")
    );
    roxmltree::Document::parse(&run("junit")).unwrap();
    // the scorecard formats too
    let score = |format: &str| {
        String::from_utf8(
            twelve()
                .args(["score", "--ignore", "TF0101", "--format", format])
                .arg(dir.path())
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap()
    };
    // Markdown: `<b>` only ever inside code spans, where it is text
    let md = score("markdown");
    for line in md.lines() {
        let mut outside = String::new();
        let mut rest = line;
        while !rest.is_empty() {
            let fence = if rest.starts_with("``") { "``" } else { "`" };
            match rest.find('`') {
                Some(0) => match rest[fence.len()..].find(fence) {
                    Some(end) => rest = &rest[fence.len() + end + fence.len()..],
                    None => {
                        outside.push_str(rest);
                        break;
                    }
                },
                Some(i) => {
                    outside.push_str(&rest[..i]);
                    rest = &rest[i..];
                }
                None => {
                    outside.push_str(rest);
                    break;
                }
            }
        }
        assert!(!outside.contains("<b>"), "raw HTML in Markdown: {line}");
    }
    let html = score("html");
    assert!(html.contains("&#60;b&#62;") && !html.contains("\"x\" <b>") && !html.contains("<b> `"));
}

/// Code scanning sorts secret alerts by `security-severity` (rules tagged `security`); other
/// rules carry none.
#[test]
fn sarif_scores_the_secret_rules_for_code_scanning() {
    let v: Value = serde_json::from_str(&stdout(&[
        "check",
        "fixtures/projects/django-shop",
        "--format",
        "sarif",
    ]))
    .unwrap();
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let score = |code: &str| {
        let r = rules.iter().find(|r| r["id"] == code).unwrap();
        let tagged = r["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t == "security");
        let s = r["properties"]["security-severity"]
            .as_str()
            .map(|s| s.parse::<f64>().unwrap());
        assert_eq!(tagged, s.is_some(), "{code}");
        s
    };
    assert!(score("TF0301").unwrap() >= 9.0);
    for code in ["TF0303", "TF0305", "TF0306"] {
        let s = score(code).unwrap();
        assert!((7.0..9.0).contains(&s), "{code}: {s}");
    }
    assert!(score("TF0304").unwrap() < 7.0);
    assert_eq!(score("TF0501"), None);
}

/// A finding about the repository as a whole (not in git) sits, in GitLab's report, on a file
/// of the root the widget can link: the pipeline's `.gitlab-ci.yml`.
#[test]
fn gitlab_puts_repository_findings_on_a_root_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".gitlab-ci.yml"),
        "lint:\n  script: twelve check\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM python:3.12-slim\nCMD [\"python\", \"app.py\"]\n",
    )
    .unwrap();
    let out = twelve()
        .current_dir(dir.path())
        .args(["check", ".", "--format", "gitlab", "--fail-on", "never"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let not_in_git = v
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["check_name"] == "TF0101")
        .expect("TF0101 outside git");
    assert_eq!(not_in_git["location"]["path"], ".gitlab-ci.yml");
}
