//! One repository holding every kind of input twelve reads by content rather than by name
//! (`fixtures/inputs/every-kind`): a Helm chart rendered with its environments, a JSON
//! Kubernetes manifest, a Swarm stack, a compose file named after a proxy, channel tags,
//! `COPY --from=` an image, a global npm install, a migration in a package.json start
//! script, a production config, a uWSGI ini file a start command names and a log4rs
//! config. Each problem is reported at its line, and nothing else.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;

#[test]
fn every_kind_of_input_reports_each_problem_at_its_line() {
    let out = Command::cargo_bin("twelve")
        .unwrap()
        .args([
            "check",
            "fixtures/inputs/every-kind",
            "--format",
            "json",
            "--preview",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).expect("json report");
    let got: BTreeSet<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["location"].is_null())
        .map(|f| {
            let path = f["location"]["path"].as_str().unwrap();
            let path = path.trim_start_matches("fixtures/inputs/every-kind/");
            format!(
                "{} {}:{}",
                f["code"].as_str().unwrap(),
                path,
                f["location"]["line"]
            )
        })
        .collect();
    let want: BTreeSet<String> = [
        // `COPY --from=` an untagged image, a global npm install
        "TF0206 Dockerfile:2",
        "TF0204 Dockerfile:3",
        "TF0504 Dockerfile:7",
        // the chart's defaults run `latest` without probes: on the template, since
        // values-prod.yaml sets the tag for prod (and is itself compliant)
        "TF0501 chart/templates/deployment.yaml:17",
        "TF0902 chart/templates/deployment.yaml:17",
        // a production config pointing Redis at localhost
        "TF0307 config/production.yaml:2",
        "TF0401 config/production.yaml:2",
        // a compose file named after its proxy, a Swarm stack: channel tags
        "TF0501 deploy/traefik.yml:3",
        "TF0501 docker-stack.yml:4",
        // a bare Pod written in JSON
        "TF0603 k8s/pod.json:1",
        "TF1102 log4rs.yaml:3",
        // `npm start` runs `prisma migrate deploy && node server.js`
        "TF1201 package.json:1",
        // uwsgi.ini binds 9090, the image exposes 8000
        "TF0504 py/Dockerfile:5",
        "TF0702 py/Dockerfile:6",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(got, want);
    // the related locations name the environment's values and the uWSGI line
    let related: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["related"].as_array().cloned().unwrap_or_default())
        .map(|r| {
            format!(
                "{}:{}",
                r["path"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches("fixtures/inputs/every-kind/"),
                r["line"]
            )
        })
        .collect();
    assert!(
        related.contains(&"chart/values-prod.yaml:2".to_string()),
        "{related:?}"
    );
    assert!(
        related.contains(&"py/uwsgi.ini:3".to_string()),
        "{related:?}"
    );
}

mod common;

#[test]
fn an_app_json_postdeploy_script_is_the_one_off_that_runs_migrations() {
    let base: &[(&str, &str)] = &[
        ("Procfile", "web: gunicorn shop.wsgi\n"),
        ("requirements.txt", "django==5.0.6\ngunicorn==22.0.0\n"),
        (
            "shop/migrations/0001_initial.py",
            "from django.db import migrations\n",
        ),
    ];
    assert_eq!(
        common::findings(base, "TF1202").len(),
        1,
        "migrations and no one-off"
    );
    let with_app_json: Vec<(&str, &str)> = base
        .iter()
        .copied()
        .chain([(
            "app.json",
            r#"{"name": "shop", "scripts": {"postdeploy": "python manage.py migrate"}}"#,
        )])
        .collect();
    let found = common::findings(&with_app_json, "TF1202");
    assert!(found.is_empty(), "{found:?}");
}

/// One repository in eight languages (`fixtures/inputs/polyglot`): each code problem is
/// reported at its line, and the look-alikes stay silent: a `try/except KeyError` read, a
/// Vite frontend's build-time variables and `NODE_ENV` switch, a `#[cfg(test)]` bind, a Ruby
/// logger on `$stdout`, a Maven POM (no lockfile exists for Maven) and a csproj with fixed
/// versions.
#[test]
fn code_in_every_language_reports_each_problem_at_its_line() {
    let root = "fixtures/inputs/polyglot";
    let out = Command::cargo_bin("twelve")
        .unwrap()
        .args(["check", root, "--format", "json", "--preview"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).expect("json report");
    let got: BTreeSet<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["location"].is_null() && f["code"] != "TF0309")
        .map(|f| {
            let path = f["location"]["path"].as_str().unwrap();
            let path = path.trim_start_matches(root).trim_start_matches('/');
            format!(
                "{} {}:{}",
                f["code"].as_str().unwrap(),
                path,
                f["location"]["line"]
            )
        })
        .collect();
    let want: BTreeSet<String> = [
        // credentials in C#, Java and PHP code
        "TF0301 cs/Program.cs:3",
        "TF0301 java/src/main/java/app/Db.java:8",
        "TF0301 php/index.php:2",
        // literal Redis hosts in Go and Ruby
        "TF0401 go/main.go:7",
        "TF0401 rb/app.rb:4",
        // a logback file appender, a Ruby file logger
        "TF1102 java/src/main/resources/logback.xml:2",
        "TF1101 rb/app.rb:5",
        // composer.json and a Gemfile without their locks
        "TF0203 php/composer.json:1",
        "TF0203 rb/Gemfile:1",
        // uploads moved to the PHP app's own disk
        "TF0601 php/upload.php:2",
        // Flask-Migrate's upgrade() in the app factory gunicorn runs
        "TF1201 py/app.py:16",
        // a Rust service whose bind address defaults to loopback
        "TF0704 rs/src/main.rs:4",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(
        got,
        want,
        "missing: {:?}\nunexpected: {:?}",
        want.difference(&got).collect::<Vec<_>>(),
        got.difference(&want).collect::<Vec<_>>()
    );
    // the optional read is not required anywhere
    let required_sentry = json["findings"].as_array().unwrap().iter().any(|f| {
        f["code"] == "TF0308" && f["message"].as_str().unwrap_or("").contains("SENTRY_DSN")
    });
    assert!(!required_sentry);
}
