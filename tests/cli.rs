//! The real binary: exit codes, formats, config errors, secrets never printed.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;

fn twelve() -> Command {
    let mut c = Command::cargo_bin("twelve").unwrap();
    c.env_remove("NO_COLOR")
        .env(
            "TWELVE_CACHE_DIR",
            std::env::temp_dir().join("twelve-cli-test-cache"),
        )
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Every sample and input project of the fixtures.
fn sample_projects() -> Vec<String> {
    let mut out = Vec::new();
    for dir in ["fixtures/projects", "fixtures/inputs"] {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
        for e in std::fs::read_dir(root).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.push(format!(
                    "{dir}/{}",
                    p.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_facts_cache_never_changes_a_report() {
    for project in sample_projects() {
        let cache = tempfile::tempdir().unwrap();
        let run = |extra: &[&str]| {
            twelve()
                .env("TWELVE_CACHE_DIR", cache.path())
                .args(["check", &project, "--format", "json", "--preview"])
                .args(extra)
                .output()
                .unwrap()
                .stdout
        };
        let without = run(&["--no-cache"]);
        assert!(
            std::fs::read_dir(cache.path()).unwrap().next().is_none(),
            "--no-cache wrote a cache"
        );
        let cold = run(&[]);
        let files: Vec<_> = walk_files(cache.path());
        assert_eq!(
            files.len(),
            1,
            "{project}: one cache file per root: {files:?}"
        );
        let written = std::fs::metadata(&files[0]).unwrap().modified().unwrap();
        let warm = run(&[]);
        assert_eq!(
            std::fs::metadata(&files[0]).unwrap().modified().unwrap(),
            written,
            "{project}: a warm run with nothing changed rewrote the cache"
        );
        assert!(!without.is_empty());
        assert_eq!(
            String::from_utf8_lossy(&without),
            String::from_utf8_lossy(&cold),
            "{project}"
        );
        assert_eq!(
            String::from_utf8_lossy(&cold),
            String::from_utf8_lossy(&warm),
            "{project}"
        );
    }
}

fn walk_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk_files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn a_changed_file_is_parsed_again_with_a_warm_cache() {
    let repo = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join("Dockerfile"),
        "FROM python:3.12-slim\nCOPY . .\nCMD [\"python\", \"app.py\"]\n",
    )
    .unwrap();
    std::fs::write(repo.path().join("requirements.txt"), "flask==3.0.3\n").unwrap();
    let app = repo.path().join("app.py");
    let run = || {
        let out = twelve()
            .env("TWELVE_CACHE_DIR", cache.path())
            .args(["check", "--format", "concise", "--select", "TF1101"])
            .arg(repo.path())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    std::fs::write(&app, "import logging\nlogging.basicConfig()\n").unwrap();
    assert!(!run().contains("TF1101"));
    std::fs::write(
        &app,
        "import logging\nlogging.basicConfig(filename=\"/var/log/app.log\")\n",
    )
    .unwrap();
    assert!(
        run().contains("TF1101"),
        "the cache answered for the old content"
    );
}

/// Code copied per environment is compared by its text, which source code otherwise drops
/// once its facts are read, and which a warm cache does not read at all: the copy is found
/// cold and warm alike.
#[test]
fn code_copied_per_environment_is_found_with_and_without_the_cache() {
    let repo = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let config = repo.path().join("app/config");
    std::fs::create_dir_all(&config).unwrap();
    let settings = |workers: u8| {
        format!(
            "import os\n\nDEBUG = False\nDATABASE_HOST = \"db.internal\"\nCACHE = \"redis\"\n\
             WORKERS = {workers}\nTIMEOUT = 30\nALLOWED_HOSTS = [\"example.com\"]\n"
        )
    };
    std::fs::write(config.join("settings_prod.py"), settings(4)).unwrap();
    std::fs::write(config.join("settings_staging.py"), settings(2)).unwrap();
    let run = |extra: &[&str]| {
        let out = twelve()
            .env("TWELVE_CACHE_DIR", cache.path())
            .args(["check", "--format", "concise", "--select", "TF0102"])
            .args(extra)
            .arg(repo.path())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    for (what, out) in [
        ("without the cache", run(&["--no-cache"])),
        ("cold", run(&[])),
        ("warm", run(&[])),
    ] {
        assert!(
            out.contains("app/config/settings_staging.py:1:1: TF0102 [warning]"),
            "{what}: {out}"
        );
    }
}

#[test]
fn bad_project_exits_1_and_compliant_exits_0() {
    twelve()
        .args(["check", "fixtures/projects/django-shop"])
        .assert()
        .code(1);
    twelve()
        .args(["check", "fixtures/projects/compliant-api"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("All checks passed"));
}

#[test]
fn check_is_the_default_subcommand() {
    twelve()
        .args(["fixtures/projects/compliant-api"])
        .assert()
        .code(0);
}

#[test]
fn fail_on_controls_the_exit_code() {
    twelve()
        .args([
            "check",
            "fixtures/projects/django-shop",
            "--fail-on",
            "never",
        ])
        .assert()
        .code(0);
    // only an info finding: passes at the default threshold, fails at --fail-on info
    twelve()
        .args(["check", "fixtures/rules/TF1103/fail"])
        .assert()
        .code(0);
    twelve()
        .args(["check", "fixtures/rules/TF1103/fail", "--fail-on", "info"])
        .assert()
        .code(1);
}

#[test]
fn secrets_never_appear_in_any_format() {
    for format in ["human", "concise", "json"] {
        for color in ["never", "always"] {
            let out = twelve()
                .args([
                    "check",
                    "fixtures/projects/django-shop",
                    "--format",
                    format,
                    "--color",
                    color,
                ])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            for secret in [
                "9f3b2c7d1e8a4f6b",
                "sk_test_4eC39HqLyjWDarjtT1",
                "k8s-s3cret-Value-42",
                "3b2c7d",
            ] {
                assert!(!text.contains(secret), "{format}/{color} printed a secret");
            }
        }
    }
}

#[test]
fn malformed_compose_is_tf0001_at_the_line_and_the_rest_is_checked() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: web:1\n   ports: [\"1:1\"]\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("Dockerfile"),
        "FROM python\nCMD [\"python\", \"x.py\"]\n",
    )
    .unwrap();
    twelve()
        .args(["check", "--format", "concise"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("compose.yaml:4:").and(predicate::str::contains("TF0001")))
        .stdout(predicate::str::contains("Dockerfile:1:6: TF0206"));
}

#[test]
fn invalid_config_exits_2_pointing_at_the_key() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("twelve.toml"),
        "fail-on = \"error\"\nselct = [\"ALL\"]\n",
    )
    .unwrap();
    fs::write(dir.path().join("requirements.txt"), "flask==3.0.3\n").unwrap();
    twelve()
        .arg("check")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("selct")
                .and(predicate::str::contains("did you mean `select`?")),
        )
        .stderr(predicate::str::contains("twelve.toml:2:1"));
}

#[test]
fn config_selects_and_overrides_severity() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("twelve.toml"),
        "ignore = [\"TF0206\"]\n[severity]\nunpinned-dependency = \"error\"\n",
    )
    .unwrap();
    fs::write(dir.path().join("requirements.txt"), "flask>=3\n").unwrap();
    fs::write(dir.path().join("Dockerfile"), "FROM python\n").unwrap();
    twelve()
        .args(["check", "--format", "concise"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("TF0202 [error]")
                .and(predicate::str::contains("TF0206").not()),
        );
}

#[test]
fn usage_errors_exit_2() {
    twelve().args(["check", "does/not/exist"]).assert().code(2);
    twelve()
        .args(["check", "--select", "TF9999", "."])
        .assert()
        .code(2);
    twelve().args(["check", "--format", "xml"]).assert().code(2);
    twelve()
        .args(["explain", "hardcoded-secet"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("hardcoded-secret"));
}

#[test]
fn empty_directory_reports_nothing_to_check() {
    let dir = tempfile::tempdir().unwrap();
    twelve()
        .args(["check", "--format", "concise"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stdout(predicate::str::contains("TF0003"));
}

#[test]
fn json_report_is_versioned_and_located() {
    let out = twelve()
        .args(["check", "fixtures/projects/django-shop", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 1);
    let f = v["findings"].as_array().unwrap();
    assert!(
        f.iter()
            .all(|x| x["location"]["line"].as_u64().unwrap() >= 1)
    );
    let factors: std::collections::BTreeSet<_> = f
        .iter()
        .map(|x| x["factor"].as_str().unwrap().to_string())
        .collect();
    for factor in [
        "dependencies",
        "config",
        "port-binding",
        "logs",
        "admin-processes",
    ] {
        assert!(factors.contains(factor), "no finding for {factor}");
    }
}

#[test]
fn explain_rules_and_model() {
    // laid out for reading: headings without `##`, code indented, lines within 80 columns
    let out = twelve().args(["explain", "TF0702"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\nWhy is this bad?\n"), "{text}");
    assert!(!text.contains("##"), "{text}");
    assert!(text.contains("\n    EXPOSE 8000\n"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    // the Markdown as written, and JSON, on request
    twelve()
        .args(["explain", "port-mismatch", "--format", "markdown"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("## Why is this bad?"));
    let out = twelve()
        .args(["explain", "TF0702", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["name"], "port-mismatch");
    assert!(v["doc"].as_str().unwrap().contains("## Why is this bad?"));
    twelve()
        .args(["rules"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("TF1202"));
    let out = twelve()
        .args(["model", "fixtures/projects/django-shop"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let app = &v["apps"][0];
    assert_eq!(app["name"], "web");
    assert_eq!(
        app["kubernetes"][0]["image"],
        "registry.example.com/web:1.4.2"
    );
    assert_eq!(v["services"][0]["kind"], "postgres");
    // where the code reads a variable, at its line and column: source code keeps no text
    // once its facts are read, and the model reads it again
    let read = v["env_reads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "DATABASE_URL")
        .unwrap();
    assert_eq!(
        read["at"],
        serde_json::json!({"path": "fixtures/projects/django-shop/shop/settings.py", "line": 5, "column": 16})
    );
}

#[test]
fn output_is_identical_whatever_the_jobs() {
    let run = |jobs: &str| {
        twelve()
            .args([
                "check",
                "fixtures/projects/django-shop",
                "--format",
                "json",
                "--jobs",
                jobs,
            ])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run("1"), run("4"));
    for project in sample_projects() {
        let run = |jobs: &str| {
            twelve()
                .args([
                    "check",
                    &project,
                    "--format",
                    "json",
                    "--preview",
                    "--jobs",
                    jobs,
                ])
                .output()
                .unwrap()
                .stdout
        };
        assert_eq!(run("1"), run("2"), "{project}");
    }
}

#[test]
fn broken_pipe_is_quiet() {
    use std::io::Read;
    use std::process::{Command as Std, Stdio};
    let mut child = Std::new(assert_cmd::cargo::cargo_bin("twelve"))
        .args(["check", "fixtures/projects/django-shop"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        status.code().is_some_and(|c| c == 0 || c == 1),
        "{status:?}"
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let run = |extra: &[&str]| {
        let out = twelve()
            .args(["check", "fixtures/projects/django-shop"])
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).contains('\x1b')
    };
    assert!(run(&["--color", "always"]));
    assert!(!run(&["--color", "never"]));
    assert!(!run(&[]), "stdout is a pipe here: no colour by default");
}

#[test]
fn output_writes_the_report_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.json");
    twelve()
        .args([
            "check",
            "fixtures/projects/django-shop",
            "--format",
            "json",
            "--output",
        ])
        .arg(&file)
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty());
    let v: serde_json::Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(v["summary"]["errors"], 4);
}

#[test]
fn secrets_are_masked_even_when_their_rules_do_not_run() {
    // TF0702's snippet shows the line above EXPOSE, which holds `ENV SECRET_KEY=…`
    for format in ["human", "json"] {
        let out = twelve()
            .args([
                "check",
                "fixtures/projects/django-shop",
                "--select",
                "TF0702,TF0902",
                "--format",
                format,
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        if format == "human" {
            assert!(text.contains("SECRET_KEY=9f"), "the context line is shown");
        }
        for secret in ["9f3b2c7d1e8a4f6b", "k8s-s3cret-Value-42"] {
            assert!(!text.contains(secret), "{format} printed a secret");
        }
    }
}

#[test]
fn preview_rules_run_only_when_asked() {
    let dir = "fixtures/rules/TF0207/fail";
    twelve()
        .args(["check", dir, "--format", "concise", "--select", "TF0207"])
        .assert()
        .stdout(predicate::str::contains("TF0207").not());
    twelve()
        .args([
            "check",
            dir,
            "--format",
            "concise",
            "--select",
            "TF0207",
            "--preview",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("TF0207"));
    let cfg = tempfile::tempdir().unwrap();
    let path = cfg.path().join("twelve.toml");
    fs::write(&path, "preview = true\nselect = [\"TF0207\"]\n").unwrap();
    twelve()
        .args(["check", dir, "--format", "concise", "--config"])
        .arg(&path)
        .assert()
        .stdout(predicate::str::contains("TF0207"));
    twelve()
        .args(["rules"])
        .assert()
        .stdout(predicate::str::is_match("TF0207 .*\\(preview\\)").unwrap());
}

#[test]
fn init_writes_a_config_that_loads_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    twelve().arg("init").arg(dir.path()).assert().code(0);
    let text = fs::read_to_string(dir.path().join("twelve.toml")).unwrap();
    let cfg = twelve::config::parse(std::path::Path::new("twelve.toml"), &text).unwrap();
    assert_eq!(cfg.fail_on.as_deref(), Some("warning"));
    // every commented setting is a real key: uncommented, it still loads
    let uncommented: String = text
        .lines()
        .map(|l| {
            l.strip_prefix("# ")
                .filter(|r| r.contains('=') || r.starts_with('['))
                .unwrap_or(l)
        })
        .map(|l| format!("{}\n", l.split("   #").next().unwrap()))
        .collect();
    twelve::config::parse(std::path::Path::new("twelve.toml"), &uncommented)
        .unwrap_or_else(|e| panic!("{}\n{uncommented}", e.message));
    twelve()
        .arg("init")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    twelve()
        .args(["init", "--force"])
        .arg(dir.path())
        .assert()
        .code(0);
}

#[test]
fn completions_and_man_page_come_from_the_cli_definition() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        twelve()
            .args(["completions", shell])
            .assert()
            .code(0)
            .stdout(predicate::str::contains("min-factor-score"));
    }
    // the man page documents every subcommand and every option, the exit codes, the
    // configuration, the environment and the files
    let out = twelve().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH twelve 1"));
    {
        use clap::CommandFactory;
        let cmd = twelve::cli::Cli::command();
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let name = sub.get_name();
            assert!(
                page.contains(&format!(".SH \"TWELVE {}\"", name.to_uppercase())),
                "{name}"
            );
            for arg in sub.get_arguments().filter_map(|a| a.get_long()) {
                // roff writes `-` as `\-`
                let flag = format!("\\-\\-{}", arg.replace('-', "\\-"));
                assert!(page.contains(&flag), "{name} --{arg}");
            }
        }
    }
    for section in [
        ".SH \"EXIT STATUS\"",
        ".SH ENVIRONMENT",
        ".SH FILES",
        ".SH CONFIGURATION",
    ] {
        assert!(page.contains(section), "{section}");
    }
    assert!(page.contains("min\\-factor\\-score"));
    // the subcommands are sections of this one page: none is sent to a page that is not there
    assert!(
        !page.contains("twelve\\-check(1)"),
        "a twelve-check(1) page"
    );
    assert!(page.contains("\\fBcheck\\fR\n"));
    twelve().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn a_service_seen_again_in_other_compose_files_is_one_app() {
    let dir = tempfile::tempdir().unwrap();
    let w = |p: &str, t: &str| fs::write(dir.path().join(p), t).unwrap();
    w(
        "Dockerfile",
        "FROM python:3.12-slim\nCMD [\"python\", \"-m\", \"app\"]\n",
    );
    w(
        "compose.yaml",
        "services:\n  web:\n    image: registry.example.com/shop/web:${TAG:-dev}\n    build: .\n  db:\n    image: postgres:16\n",
    );
    // a production file that runs the built image, and a layer that only patches services
    w(
        "compose.prod.yaml",
        "services:\n  web:\n    image: registry.example.com/shop/web:${TAG:-dev}\n    deploy:\n      replicas: 3\n",
    );
    w(
        "compose.debug.yaml",
        "services:\n  web:\n    environment:\n      LOG_LEVEL: debug\n  db:\n    command: [\"postgres\", \"-c\", \"log_statement=all\"]\n",
    );
    // another app that merely shares a name in another directory stays its own
    fs::create_dir(dir.path().join("other")).unwrap();
    w(
        "other/compose.yaml",
        "services:\n  web:\n    image: registry.example.com/other/web:1.0\n",
    );
    let out = twelve().args(["model"]).arg(dir.path()).output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let apps = v["apps"].as_array().unwrap();
    let names: Vec<&str> = apps.iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["web", "web"], "{names:?}");
    let files = |a: &serde_json::Value| -> Vec<String> {
        a["compose"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                c["at"]["path"]
                    .as_str()
                    .unwrap()
                    .rsplit('/')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let built = apps.iter().find(|a| a["dockerfile"].is_object()).unwrap();
    assert_eq!(
        files(built),
        ["compose.yaml", "compose.debug.yaml", "compose.prod.yaml"]
    );
    let other = apps.iter().find(|a| a["dockerfile"].is_null()).unwrap();
    assert_eq!(files(other), ["compose.yaml"]);
}

#[test]
fn generated_and_bundled_code_is_skipped_with_a_notice_unless_asked_for() {
    let repo = tempfile::tempdir().unwrap();
    let w = |rel: &str, text: &str| {
        let p = repo.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    w(
        "Dockerfile",
        "FROM python:3.12-slim\nCOPY . .\nCMD [\"python\", \"app.py\"]\n",
    );
    w("requirements.txt", "flask==3.0.3\n");
    w("app.py", "import logging\nlogging.basicConfig()\n");
    // generated by path, by header, and minified: each writes its logs to a file
    let file_log = "import logging\nlogging.basicConfig(filename=\"/var/log/app.log\")\n";
    w("proto/items_pb2.py", file_log);
    w(
        "gen/client.py",
        &format!("# Code generated by openapi-generator. DO NOT EDIT.\n{file_log}"),
    );
    w(
        "static/app.js",
        &format!(
            "{};require('fs').createWriteStream('/var/log/app.log');\n",
            "var a=1;".repeat(2000)
        ),
    );
    w(
        "static/lib.min.js",
        "require('fs').createWriteStream('/var/log/a.log');\n",
    );
    let run = |extra: &[&str]| {
        let out = twelve()
            .args(["check", "--format", "json", "--select", "TF1101"])
            .arg(repo.path())
            .args(extra)
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let v = run(&[]);
    let files: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["location"]["path"].as_str())
        .collect();
    assert!(files.is_empty(), "generated code was judged: {files:?}");
    let notices: Vec<String> = v["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            format!(
                "{} {}",
                n["path"].as_str().unwrap(),
                n["message"].as_str().unwrap()
            )
        })
        .collect();
    for dir in ["proto", "gen", "static"] {
        assert!(
            notices
                .iter()
                .any(|n| n.contains(dir) && n.contains("--include-generated")),
            "{dir}: {notices:?}"
        );
    }
    let v = run(&["--include-generated"]);
    let n = v["findings"].as_array().unwrap().len();
    assert!(n >= 2, "--include-generated checks them: {v}");
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else if e.file_type().unwrap().is_file() {
            fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Files of many small projects given at once (a hook's staged files across a workspace of
/// repositories) are checked side by side: each project's findings are those it gets alone,
/// in the order the files were given, whatever the jobs.
#[test]
fn files_of_many_projects_are_checked_as_each_alone() {
    let work = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for project in sample_projects() {
        let name = project.rsplit('/').next().unwrap().to_string();
        let dir = work.path().join(&name);
        copy_tree(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(&project),
            &dir,
        );
        for f in walk_files(&dir) {
            let base = f.file_name().unwrap().to_string_lossy().to_string();
            if base.starts_with("Dockerfile") || base.contains("compose") || base == ".env" {
                files.push(f.strip_prefix(work.path()).unwrap().to_path_buf());
            }
        }
    }
    files.sort();
    assert!(files.len() > 10, "{files:?}");
    let run = |files: &[std::path::PathBuf], jobs: &str| -> serde_json::Value {
        let out = twelve()
            .current_dir(work.path())
            .args([
                "check",
                "--format",
                "json",
                "--fail-on",
                "never",
                "--jobs",
                jobs,
            ])
            .args(files)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let together = run(&files, "2");
    assert_eq!(together, run(&files, "1"));
    // each project alone, in the order its first file was given
    let mut projects: Vec<&std::ffi::OsStr> = Vec::new();
    for f in &files {
        let p = f.iter().next().unwrap();
        if !projects.contains(&p) {
            projects.push(p);
        }
    }
    let mut alone = Vec::new();
    for p in projects {
        let mine: Vec<_> = files
            .iter()
            .filter(|f| f.iter().next() == Some(p))
            .cloned()
            .collect();
        let v = run(&mine, "2");
        alone.extend(v["findings"].as_array().unwrap().iter().cloned());
    }
    let together = together["findings"].as_array().unwrap();
    assert!(!together.is_empty());
    assert_eq!(together, &alone);
}

/// What a ruff user types first: a mistyped subcommand is one (with clap's suggestion), not a
/// missing path; a mistyped selector gets a suggestion; `--output-format` and `--exit-zero`
/// mean what they mean in ruff.
#[test]
fn a_ruff_users_spellings_work() {
    twelve()
        .args(["chek", "fixtures/projects/django-shop"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unrecognized subcommand 'chek'"))
        .stderr(predicate::str::contains("'check'"))
        .stderr(predicate::str::contains("does not exist").not());
    // a path that does not exist is still said to be one
    twelve()
        .args(["fixtures/projects/nowhere"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does not exist"));
    twelve()
        .args([
            "check",
            "fixtures/projects/django-shop",
            "--select",
            "hardcoded-secrte",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `hardcoded-secret`?"));
    twelve()
        .args([
            "check",
            "fixtures/projects/django-shop",
            "--ignore",
            "confg",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean `config`?"));
    // a selector that is a prefix of codes selects them, as in ruff
    twelve()
        .args([
            "check",
            "fixtures/projects/django-shop",
            "--select",
            "TF030",
            "--format",
            "concise",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("TF030"));
    let out = twelve()
        .args([
            "check",
            "fixtures/projects/django-shop",
            "--output-format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!v["findings"].as_array().unwrap().is_empty());
    assert!(
        !std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("json")
            .exists()
    );
    twelve()
        .args(["check", "fixtures/projects/django-shop", "--exit-zero"])
        .assert()
        .code(0);
    twelve()
        .args([
            "check",
            "fixtures/projects/django-shop",
            "--exit-zero",
            "--fail-on",
            "error",
        ])
        .assert()
        .code(2);
}

/// The summary counts the files findings land in apart from the files read.
#[test]
fn the_summary_counts_files_with_findings_and_files_read() {
    twelve()
        .args(["check", "fixtures/projects/django-shop"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("in 5 files of the 7 read."));
    twelve()
        .args(["check", "fixtures/projects/compliant-api"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no findings in the 9 files read."));
}

/// On a terminal the human report wraps to its width; into a pipe it is 100 columns wide.
#[test]
fn the_report_wraps_to_the_terminal() {
    let widest = |text: &str| {
        text.lines()
            .filter(|l| l.contains("PYTHONUNBUFFERED") || l.starts_with("  help"))
            .map(|l| l.trim_end_matches('\r').chars().count())
            .max()
            .unwrap_or(0)
    };
    let piped = twelve()
        .args(["check", "fixtures/projects/django-shop", "--color", "never"])
        .output()
        .unwrap();
    let piped = String::from_utf8_lossy(&piped.stdout).to_string();
    assert!(
        widest(&piped) > 70 && widest(&piped) <= 100,
        "{}",
        widest(&piped)
    );
    // util-linux `script` gives the run a terminal of 60 columns
    let bin = assert_cmd::cargo::cargo_bin("twelve");
    let Ok(out) = std::process::Command::new("script")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env(
            "TWELVE_CACHE_DIR",
            std::env::temp_dir().join("twelve-cli-test-cache"),
        )
        .args([
            "-q",
            "-e",
            "-c",
            &format!(
                "stty cols 60; {} check fixtures/projects/django-shop --color never",
                bin.display()
            ),
            "/dev/null",
        ])
        .output()
    else {
        eprintln!("skipped: util-linux `script` is not installed");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(text.contains("PYTHONUNBUFFERED"), "{text}");
    assert!(widest(&text) <= 60, "{}: {text}", widest(&text));
}

/// The Markdown and HTML scorecards name the commit, branch and committer date of a git work
/// tree, read from its files (here packed by `git gc`, as a fresh clone has them).
#[test]
fn scorecards_name_the_revision_they_score() {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(args)
            .current_dir(dir.path())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir.path())
            .env("GIT_AUTHOR_DATE", "2024-02-29T12:00:00+0000")
            .env("GIT_COMMITTER_DATE", "2024-02-29T12:00:00+0000")
            .output()
            .expect("git runs");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    fs::write(
        dir.path().join("Dockerfile"),
        "FROM python:3.12-slim\nCMD [\"python\", \"-m\", \"app\"]\n",
    )
    .unwrap();
    git(&["init", "-q", "-b", "release"]);
    git(&["config", "user.email", "ci@example.com"]);
    git(&["config", "user.name", "ci"]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "start"]);
    git(&["gc", "-q"]);
    let hash = git(&["rev-parse", "HEAD"]);
    let short = hash.get(..12).unwrap();
    let md = twelve()
        .args(["score", "--format", "markdown"])
        .arg(dir.path())
        .output()
        .unwrap();
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(
        md.contains(&format!(" at `{short}` on `release` (2024-02-29) · ")),
        "{md}"
    );
    let html = twelve()
        .args(["score", "--format", "html"])
        .arg(dir.path())
        .output()
        .unwrap();
    let html = String::from_utf8(html.stdout).unwrap();
    assert!(
        html.contains(&format!("commit {short} on release, 2024-02-29</div>")),
        "{}",
        html.lines()
            .filter(|l| l.contains("rev"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// A note said of many directories is one line on stderr (the first three named, and how many
/// more); the JSON report keeps every one.
#[test]
fn many_directories_not_checked_are_one_note() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("Dockerfile"),
        "FROM python:3.12-slim\nCMD [\"python\", \"-m\", \"app\"]\n",
    )
    .unwrap();
    for i in 0..5 {
        let d = dir.path().join(format!("svc{i}/proto"));
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("items_pb2.py"), "import os\n").unwrap();
    }
    fs::create_dir_all(dir.path().join("web/vendor")).unwrap();
    fs::write(dir.path().join("web/vendor/lib.js"), "var a = 1;\n").unwrap();
    let out = twelve()
        .current_dir(dir.path())
        .args(["check", ".", "--format", "concise"])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    let notes: Vec<&str> = err.lines().filter(|l| l.starts_with("note:")).collect();
    assert_eq!(notes.len(), 2, "{err}");
    assert!(
        notes.iter().any(|n| n.starts_with(
            "note: svc0/proto, svc1/proto, svc2/proto, and 2 more: not checked: generated"
        )),
        "{err}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("note: web/vendor: not checked: installed dependencies")),
        "{err}"
    );
    let out = twelve()
        .current_dir(dir.path())
        .args(["check", ".", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let generated = v["notices"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["message"].as_str().unwrap().contains("generated"))
        .count();
    assert_eq!(generated, 5);
}
