//! `twelve score` end to end: the published formula recomputed from the JSON, the gates, per-app
//! attribution, and every format checked as what it claims to be (HTML parsed as HTML with no
//! external resource, the badge as XML, Markdown that holds together).

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::fs;

fn twelve() -> Command {
    let mut c = Command::cargo_bin("twelve").unwrap();
    c.env_remove("NO_COLOR")
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn stdout(args: &[&str]) -> String {
    let out = twelve().args(args).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn score_json(project: &str) -> Value {
    let text = stdout(&[
        "score",
        &format!("fixtures/projects/{project}"),
        "--format",
        "json",
    ]);
    serde_json::from_str(&text).unwrap()
}

const PROJECTS: [&str; 6] = [
    "compliant-api",
    "django-shop",
    "go-service",
    "legacy-monolith",
    "node-express",
    "rust-axum",
];

#[test]
fn compliant_sample_scores_high_and_the_bad_one_fails() {
    let good = score_json("compliant-api");
    assert!(
        good["repository"]["score"].as_u64().unwrap() >= 90,
        "{good}"
    );
    assert_eq!(good["repository"]["grade"], "A");
    let bad = score_json("legacy-monolith");
    assert!(bad["repository"]["score"].as_u64().unwrap() < 60, "{bad}");
    assert_eq!(bad["repository"]["grade"], "F");
}

/// Anyone can recompute every score from the JSON's inputs with the published formula.
#[test]
fn json_scores_recompute_from_their_inputs() {
    for p in PROJECTS {
        let v = score_json(p);
        assert_eq!(v["version"], 1);
        assert_eq!(v["kind"], "scorecard");
        let w = &v["formula"]["weights"];
        let weight = |s: &str| w[s].as_u64().unwrap();
        let cards = std::iter::once(&v["repository"]).chain(v["apps"].as_array().unwrap());
        for card in cards {
            let mut factor_scores = Vec::new();
            let factors = card["factors"].as_array().unwrap();
            assert_eq!(factors.len(), 12, "{p}");
            for f in factors {
                let checks = f["checks"].as_array().unwrap();
                let total: u64 = checks
                    .iter()
                    .map(|c| weight(c["severity"].as_str().unwrap()))
                    .sum();
                let passed: u64 = checks
                    .iter()
                    .filter(|c| c["passed"].as_bool().unwrap())
                    .map(|c| weight(c["severity"].as_str().unwrap()))
                    .sum();
                for c in checks {
                    assert_eq!(
                        c["passed"].as_bool().unwrap(),
                        c["findings"].as_u64().unwrap() == 0
                    );
                }
                assert_eq!(f["total_weight"].as_u64().unwrap(), total, "{p}");
                assert_eq!(f["passed_weight"].as_u64().unwrap(), passed, "{p}");
                if total == 0 {
                    assert!(f["score"].is_null() && !f["applicable"].as_bool().unwrap());
                    continue;
                }
                let exact = 10.0 * passed as f64 / total as f64;
                let shown = f["score"].as_f64().unwrap();
                assert!(
                    (shown - exact).abs() <= 0.05 + 1e-9,
                    "{p}: {shown} vs {exact}"
                );
                factor_scores.push(exact);
            }
            let mean = factor_scores.iter().sum::<f64>() / factor_scores.len() as f64 * 10.0;
            assert_eq!(
                card["score"].as_u64().unwrap(),
                (mean + 0.5 + 1e-9).floor() as u64,
                "{p}: {}",
                card["name"]
            );
            assert!((card["exact"].as_f64().unwrap() - mean).abs() < 0.01);
        }
    }
}

#[test]
fn findings_count_against_their_own_app_and_shared_ones_against_every_app() {
    let v = score_json("legacy-monolith");
    let apps = v["apps"].as_array().unwrap();
    let card = |name: &str| apps.iter().find(|a| a["name"] == name).unwrap().clone();
    let check = |card: &Value, code: &str| {
        card["factors"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["checks"].as_array().unwrap().clone())
            .find(|c| c["code"] == code)
            .unwrap()
    };
    let (web, worker) = (card("web"), card("worker"));
    // web's start command daemonizes: web's finding only
    assert_eq!(check(&web, "TF0803")["passed"], false);
    assert_eq!(check(&worker, "TF0803")["passed"], true);
    // the worker runs as a bare Pod: worker's finding only (and not a check of web at all)
    assert_eq!(check(&worker, "TF0603")["passed"], false);
    // the committed .env at the root belongs to no app: it counts against both
    assert_eq!(check(&web, "TF0306")["passed"], false);
    assert_eq!(check(&worker, "TF0306")["passed"], false);
    // a check counts for an app that has what it judges: web runs on no Kubernetes, so the
    // Kubernetes checks are not on its card; the worker's Pod puts them on the worker's
    let codes = |card: &Value| -> Vec<String> {
        card["factors"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["checks"].as_array().unwrap().clone())
            .map(|c| c["code"].as_str().unwrap().to_string())
            .collect()
    };
    for k8s_check in ["TF0902", "TF0603", "TF0305"] {
        assert!(
            !codes(&web).contains(&k8s_check.to_string()),
            "{k8s_check} on web"
        );
        assert!(
            codes(&worker).contains(&k8s_check.to_string()),
            "{k8s_check} not on worker"
        );
    }
    // repository-wide checks are on every card
    assert!(codes(&web).contains(&"TF0101".to_string()));
    // and the repository fails every check either app fails
    let repo = &v["repository"];
    for code in ["TF0803", "TF0603", "TF0306"] {
        assert_eq!(check(repo, code)["passed"], false, "{code}");
    }
}

#[test]
fn min_score_gates_exit_1_naming_the_score() {
    twelve()
        .args([
            "score",
            "fixtures/projects/django-shop",
            "--min-score",
            "80",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "score gate missed: score 66/100 (D) is below the minimum score 80",
        ));
    twelve()
        .args([
            "score",
            "fixtures/projects/django-shop",
            "--min-score",
            "60",
        ])
        .assert()
        .code(0)
        .stderr(predicate::str::contains("gate").not());
    // on check too: findings are let through by --fail-on never, the gate still holds
    twelve()
        .args([
            "check",
            "fixtures/projects/django-shop",
            "--fail-on",
            "never",
            "--min-score",
            "80",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("66/100 (D)"));
    twelve()
        .args([
            "check",
            "fixtures/projects/django-shop",
            "--fail-on",
            "never",
            "--min-score",
            "50",
        ])
        .assert()
        .code(0);
}

#[test]
fn factor_gates_name_the_factor_and_its_score() {
    twelve()
        .args([
            "score",
            "fixtures/projects/django-shop",
            "--min-factor-score",
            "logs=5",
            "--min-factor-score",
            "III=3",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "factor XI. Logs scored 0.0, below its minimum 5.0",
        ))
        // Config scores 3.5: its gate of 3 is met
        .stderr(predicate::str::contains("Config").not());
    // a gate on a factor that is n/a does not fail the run
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("requirements.txt"), "flask==3.0.3\n").unwrap();
    fs::write(dir.path().join("requirements.lock"), "").unwrap();
    twelve()
        .args([
            "score",
            "--min-factor-score",
            "logs=10",
            "--ignore",
            "TF0101",
        ])
        .arg(dir.path())
        .assert()
        .stderr(predicate::str::contains("Logs").not());
    // bad values are usage errors
    twelve()
        .args(["score", ".", "--min-factor-score", "log=5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `logs`?"));
    twelve()
        .args(["score", ".", "--min-factor-score", "logs=11"])
        .assert()
        .code(2);
    twelve()
        .args(["score", ".", "--min-score", "101"])
        .assert()
        .code(2);
}

#[test]
fn gates_come_from_the_config_and_flags_override_them() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("p");
    fs::create_dir(&project).unwrap();
    for e in fs::read_dir("fixtures/projects/django-shop").unwrap() {
        let e = e.unwrap();
        copy(&e.path(), &project.join(e.file_name()));
    }
    fs::write(
        project.join("twelve.toml"),
        "min-score = 70\n[min-factor-score]\nall = 0\nconfig = 4\n",
    )
    .unwrap();
    twelve()
        .args(["score", "--ignore", "TF0101"])
        .arg(&project)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("below the minimum score 70"))
        .stderr(predicate::str::contains(
            "factor III. Config scored 3.5, below its minimum 4.0",
        ));
    twelve()
        .args([
            "score",
            "--ignore",
            "TF0101",
            "--min-score",
            "60",
            "--min-factor-score",
            "config=3",
        ])
        .arg(&project)
        .assert()
        .code(0);
    fs::write(
        project.join("twelve.toml"),
        "[min-factor-score]\nconfg = 4\n",
    )
    .unwrap();
    twelve()
        .arg("score")
        .arg(&project)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `config`?"));
}

fn copy(from: &std::path::Path, to: &std::path::Path) {
    if from.is_dir() {
        fs::create_dir_all(to).unwrap();
        for e in fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            copy(&e.path(), &to.join(e.file_name()));
        }
    } else {
        fs::copy(from, to).unwrap();
    }
}

#[test]
fn check_ends_with_the_score_and_json_carries_it() {
    twelve()
        .args(["check", "fixtures/projects/django-shop", "--color", "never"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "\nScore: 66/100 (D) · weakest: XI. Logs 0.0, III. Config 3.5, IX. Disposability 4.3",
        ));
    let v: Value = serde_json::from_str(&stdout(&[
        "check",
        "fixtures/projects/django-shop",
        "--format",
        "json",
    ]))
    .unwrap();
    assert_eq!(v["summary"]["score"], 66);
    assert_eq!(v["summary"]["grade"], "D");
    // the concise format stays one finding per line
    assert!(
        !stdout(&[
            "check",
            "fixtures/projects/django-shop",
            "--format",
            "concise"
        ])
        .contains("Score:")
    );
}

/// An element's name and its attributes.
type Element = (String, Vec<(String, String)>);

/// Collect parse errors, elements and attributes of an HTML document with a real HTML5 parser.
fn parse_html(text: &str) -> (Vec<String>, Vec<Element>) {
    use html5ever::tendril::TendrilSink;
    use markup5ever_rcdom::{Handle, NodeData, RcDom};
    let dom = html5ever::parse_document(RcDom::default(), Default::default()).one(text);
    let errors = dom.errors.borrow().iter().map(|e| e.to_string()).collect();
    let mut elements = Vec::new();
    fn walk(h: &Handle, out: &mut Vec<Element>) {
        if let NodeData::Element { name, attrs, .. } = &h.data {
            out.push((
                name.local.to_string(),
                attrs
                    .borrow()
                    .iter()
                    .map(|a| (a.name.local.to_string(), a.value.to_string()))
                    .collect(),
            ));
        }
        for c in h.children.borrow().iter() {
            walk(c, out);
        }
    }
    walk(&dom.document, &mut elements);
    (errors, elements)
}

#[test]
fn html_is_valid_self_contained_and_complete() {
    for p in PROJECTS {
        let text = stdout(&[
            "score",
            &format!("fixtures/projects/{p}"),
            "--format",
            "html",
        ]);
        let (errors, elements) = parse_html(&text);
        assert!(errors.is_empty(), "{p}: HTML parse errors: {errors:?}");
        let names: Vec<&str> = elements.iter().map(|(n, _)| n.as_str()).collect();
        for forbidden in [
            "script", "link", "img", "iframe", "object", "embed", "video", "audio", "base",
        ] {
            assert!(!names.contains(&forbidden), "{p}: <{forbidden}>");
        }
        for (name, attrs) in &elements {
            for (k, v) in attrs {
                assert!(!k.starts_with("on"), "{p}: event handler {k} on <{name}>");
                if k == "src" || (k == "href" && name != "a") {
                    panic!("{p}: <{name} {k}={v}> loads a resource");
                }
                if k == "href" && name == "a" {
                    assert!(v.starts_with('#') || v.starts_with("https://"), "{p}: {v}");
                }
                if k == "style" {
                    assert!(!v.contains("url("), "{p}: {v}");
                }
            }
        }
        // CSS loads nothing either
        assert!(
            !text.contains("@import") && !text.contains("url(http"),
            "{p}"
        );
        assert!(!text.contains("@font-face"), "{p}");
        // one factor row per factor and one section per failed check, with its explanation
        let json = score_json(p);
        let failed: Vec<String> = json["repository"]["factors"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["checks"].as_array().unwrap().clone())
            .filter(|c| c["passed"] == false)
            .map(|c| c["code"].as_str().unwrap().to_string())
            .collect();
        let details: Vec<&str> = elements
            .iter()
            .filter(|(n, a)| {
                n == "details" && a.iter().any(|(k, v)| k == "class" && v.contains("check"))
            })
            .filter_map(|(_, a)| a.iter().find(|(k, _)| k == "id").map(|(_, v)| v.as_str()))
            .collect();
        assert_eq!(details, failed, "{p}");
        let rows = elements
            .iter()
            .filter(|(n, _)| n == "li")
            .filter(|(_, a)| {
                a.iter()
                    .any(|(k, v)| k == "class" && v.starts_with("tone-"))
            })
            .count();
        assert_eq!(rows, 12, "{p}");
        if !failed.is_empty() {
            assert!(text.contains("<h3>What it does</h3>"), "{p}");
        }
        let score = json["repository"]["score"].as_u64().unwrap();
        assert!(text.contains(&format!(">{score}</text>")), "{p}");
    }
    // several apps: one card each
    let text = stdout(&[
        "score",
        "fixtures/projects/legacy-monolith",
        "--format",
        "html",
    ]);
    let (_, elements) = parse_html(&text);
    let cards = elements
        .iter()
        .filter(|(n, a)| {
            n == "div"
                && a.iter()
                    .any(|(k, v)| k == "class" && v.starts_with("card app"))
        })
        .count();
    assert_eq!(cards, 2);
}

#[test]
fn svg_badge_is_xml_with_score_grade_and_colour() {
    for (p, grade, colour) in [
        ("compliant-api", "A", "#2ea44f"),
        ("django-shop", "D", "#e8762d"),
        ("legacy-monolith", "F", "#d73a49"),
    ] {
        let text = stdout(&[
            "score",
            &format!("fixtures/projects/{p}"),
            "--format",
            "svg",
        ]);
        let doc = roxmltree::Document::parse(&text).unwrap();
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        let score = score_json(p)["repository"]["score"].as_u64().unwrap();
        let label = format!("12-factor: {score} {grade}");
        assert_eq!(root.attribute("aria-label"), Some(label.as_str()));
        let texts: Vec<&str> = root
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect();
        assert!(texts.contains(&"12-factor"), "{texts:?}");
        assert!(
            texts.contains(&format!("{score} {grade}").as_str()),
            "{texts:?}"
        );
        assert!(
            root.descendants()
                .any(|n| n.has_tag_name("rect") && n.attribute("fill") == Some(colour)),
            "{p}"
        );
        let width: u32 = root.attribute("width").unwrap().parse().unwrap();
        assert!((70..140).contains(&width), "{width}");
    }
}

#[test]
fn markdown_table_and_details_hold_together() {
    for p in PROJECTS {
        let text = stdout(&[
            "score",
            &format!("fixtures/projects/{p}"),
            "--format",
            "markdown",
        ]);
        assert!(text.starts_with("## 12-factor scorecard: "), "{p}");
        let table: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("| Factor"))
            .take_while(|l| l.starts_with('|'))
            .collect();
        assert_eq!(table.len(), 14, "{p}: header, rule, 12 factors");
        for row in &table {
            assert_eq!(row.matches('|').count(), 5, "{p}: {row}");
        }
        assert_eq!(
            text.matches("<details>").count(),
            text.matches("</details>").count()
        );
        // one heading per failed check, each with its findings' places
        let json = score_json(p);
        let failed = json["repository"]["checks"]["failed"].as_u64().unwrap() as usize;
        assert_eq!(text.matches("\n#### ").count(), failed, "{p}");
    }
    let text = stdout(&[
        "score",
        "fixtures/projects/legacy-monolith",
        "--format",
        "markdown",
    ]);
    assert!(text.contains("| App | Score | Grade | Failed checks |"));
    assert!(text.contains("- `fixtures/projects/legacy-monolith/web/Dockerfile:10` "));
}

#[test]
fn table_lists_every_factor_and_colour_only_on_request() {
    let plain = stdout(&["score", "fixtures/projects/django-shop"]);
    for title in [
        "I     Codebase",
        "XI    Logs",
        "XII   Admin processes",
        "Overall   66/100  D",
    ] {
        assert!(plain.contains(title), "{title}\n{plain}");
    }
    assert!(!plain.contains('\x1b'), "colour written to a pipe");
    let coloured = stdout(&[
        "score",
        "fixtures/projects/django-shop",
        "--color",
        "always",
    ]);
    assert!(coloured.contains('\x1b'));
    // several apps: a row each, with its score, grade and every factor
    let multi = stdout(&["score", "fixtures/projects/legacy-monolith"]);
    let header = multi
        .lines()
        .find(|l| l.trim_start().starts_with("Apps"))
        .unwrap();
    assert!(header.ends_with("  XI  XII"), "{header}");
    for app in ["web", "worker"] {
        let row = multi
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{app} ")))
            .unwrap();
        let cells: Vec<&str> = row.split_whitespace().collect();
        // name, score, grade, 12 factors
        assert_eq!(cells.len(), 15, "{row}");
    }
}

#[test]
fn secrets_never_appear_in_any_score_format() {
    for format in ["table", "markdown", "json", "html", "svg"] {
        let text = stdout(&[
            "score",
            "fixtures/projects/legacy-monolith",
            "--format",
            format,
            "--color",
            "always",
        ]);
        for secret in [
            "Xk29-prod-db-pass-7741",
            "rk_prod_9c1e55aa03b2",
            "tok-live-41d9e07f2b6c8a35",
            "s3cr3t-k3y-8f2a91c4d7e6",
            "f3a9c2e7b1d84e6a9c0b2d4f6a8e1c3b",
            "29-prod",
        ] {
            assert!(!text.contains(secret), "{format} printed a secret");
        }
    }
}

#[test]
fn output_file_and_determinism_across_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("report.html");
    twelve()
        .args([
            "score",
            "fixtures/projects/legacy-monolith",
            "--format",
            "html",
            "-o",
        ])
        .arg(&out)
        .assert()
        .code(0)
        .stdout("");
    let first = fs::read(&out).unwrap();
    for jobs in ["1", "3"] {
        twelve()
            .args([
                "score",
                "fixtures/projects/legacy-monolith",
                "--format",
                "html",
                "--jobs",
                jobs,
                "-o",
            ])
            .arg(&out)
            .assert()
            .code(0);
        assert_eq!(fs::read(&out).unwrap(), first, "--jobs {jobs}");
    }
}

#[test]
fn a_directory_with_nothing_to_check_has_no_score() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("README.md"), "# notes\n").unwrap();
    let out = twelve()
        .args(["score", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["repository"]["score"].is_null(), "{}", v["repository"]);
    assert!(v["repository"]["grade"].is_null());
    twelve()
        .args(["score", "--min-score", "10"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no factor applies"));
    twelve()
        .args(["score", "--format", "svg"])
        .arg(dir.path())
        .assert()
        .stdout(predicate::str::contains(">n/a</text>"));
}

#[test]
fn a_finding_on_a_kubernetes_service_belongs_to_the_app_behind_it() {
    let dir = tempfile::tempdir().unwrap();
    let w = |p: &str, t: &str| {
        let p = dir.path().join(p);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, t).unwrap();
    };
    for app in ["a", "b"] {
        w(
            &format!("{app}/Dockerfile"),
            "FROM python:3.12-slim\nEXPOSE 8000\nCMD [\"gunicorn\", \"-b\", \"0.0.0.0:8000\", \"app:app\"]\n",
        );
        w(
            &format!("k8s/{app}.yaml"),
            &format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {app}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {{app: {app}}}\n  template:\n    metadata:\n      labels: {{app: {app}}}\n    spec:\n      containers:\n        - name: {app}\n          image: registry.example.com/{app}:1.0\n          ports:\n            - containerPort: 8000\n"
            ),
        );
    }
    // a's Service sends traffic to the wrong port
    w(
        "k8s/a-service.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  selector: {app: a}\n  ports:\n    - port: 80\n      targetPort: 9000\n",
    );
    let out = twelve()
        .args(["score", "--format", "json", "--ignore", "TF0101"])
        .arg(dir.path())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let passed = |app: &str| {
        v["apps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == app)
            .unwrap()["factors"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["checks"].as_array().unwrap().clone())
            .find(|c| c["code"] == "TF0702")
            .unwrap()["passed"]
            .as_bool()
            .unwrap()
    };
    assert!(!passed("a"), "{v}");
    assert!(passed("b"), "b was charged with a's Service");
}

/// Where the repository's score and the apps' stand side by side, the scorecard says why the
/// repository's can be lower: findings no app owns count against it alone.
#[test]
fn the_scorecard_explains_a_repository_score_below_its_apps() {
    let dir = tempfile::tempdir().unwrap();
    for app in ["api", "worker"] {
        fs::create_dir_all(dir.path().join(app)).unwrap();
        fs::write(
            dir.path().join(app).join("Dockerfile"),
            "FROM python:3.12-slim\nENV PYTHONUNBUFFERED=1\nCOPY . /app\nCMD [\"python\", \"/app/main.py\"]\n",
        )
        .unwrap();
    }
    fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  api:\n    build: ./api\n  worker:\n    build: ./worker\n",
    )
    .unwrap();
    // outside git: TF0101 is about the repository, owned by no app
    let table = String::from_utf8(
        twelve()
            .args(["score", dir.path().to_str().unwrap()])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(table.contains("Apps"), "{table}");
    let flat = table.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Findings no app owns lower the repository's score alone: TF0101 not-version-controlled (1)"),
        "{table}"
    );
    let md = String::from_utf8(
        twelve()
            .args([
                "score",
                dir.path().to_str().unwrap(),
                "--format",
                "markdown",
            ])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        md.contains("Findings no app owns lower the repository"),
        "{md}"
    );
    let html = String::from_utf8(
        twelve()
            .args(["score", dir.path().to_str().unwrap(), "--format", "html"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(
        html.contains("Findings no app owns lower the repository"),
        "{html}"
    );
}

/// The Markdown and HTML scorecards say which commit and branch they score.
#[test]
fn the_scorecard_pages_name_the_commit_and_branch() {
    let dir = tempfile::tempdir().unwrap();
    let git = dir.path().join(".git");
    fs::create_dir_all(git.join("refs/heads")).unwrap();
    fs::write(git.join("HEAD"), "ref: refs/heads/release-2\n").unwrap();
    fs::write(
        git.join("refs/heads/release-2"),
        "89abcdef0123456789abcdef0123456789abcdef\n",
    )
    .unwrap();
    fs::write(dir.path().join("Dockerfile"), "FROM python:3.12-slim\n").unwrap();
    let page = |format: &str| {
        String::from_utf8(
            twelve()
                .args(["score", dir.path().to_str().unwrap(), "--format", format])
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap()
    };
    assert!(
        page("markdown").contains("at `89abcdef0123` on `release-2`"),
        "{}",
        page("markdown")
    );
    assert!(page("html").contains("commit 89abcdef0123 on release-2"));
}
