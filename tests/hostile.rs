//! Hostile and broken inputs: never a panic, never a hang, never a silent skip. Problems in
//! scanned files are located findings or notices; the exit code stays 0 or 1.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;

fn check(dir: &std::path::Path) -> (i32, String, String) {
    let out = Command::cargo_bin("twelve")
        .unwrap()
        // temp dirs are outside git: TF0101 is beside the point here
        .args(["check", "--format", "concise", "--ignore", "TF0101"])
        .arg(dir)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn deep_nesting_in_every_format_is_a_located_parse_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(p.join("package.json"), "[".repeat(50_000)).unwrap();
    fs::write(p.join("Cargo.toml"), format!("a = {}", "[".repeat(50_000))).unwrap();
    fs::write(
        p.join("pyproject.toml"),
        format!("a = {}", "{b = ".repeat(50_000)),
    )
    .unwrap();
    fs::write(
        p.join("docker-compose.yml"),
        format!("a: {}", "{".repeat(50_000)),
    )
    .unwrap();
    fs::write(p.join("k8s.yaml"), format!("{}x\n", "- ".repeat(50_000))).unwrap();
    fs::write(
        p.join("app.py"),
        format!("x = {}{}\n", "(".repeat(50_000), ")".repeat(50_000)),
    )
    .unwrap();
    // code in every language, nested 50,000 deep; manifests of the new ecosystems too
    let parens = format!("{}{}", "(".repeat(50_000), ")".repeat(50_000));
    fs::write(p.join("app.rb"), format!("x = ENV.fetch{parens}\n")).unwrap();
    fs::write(
        p.join("App.java"),
        format!("class A {{ void f() {{ int x = {parens}; }} }}\n"),
    )
    .unwrap();
    fs::write(p.join("Program.cs"), format!("var x = {parens};\n")).unwrap();
    fs::write(p.join("index.php"), format!("<?php $x = {parens};\n")).unwrap();
    fs::write(
        p.join("main.go"),
        format!("package main\nvar x = {parens}\n"),
    )
    .unwrap();
    fs::write(
        p.join("main.rs"),
        format!("fn main() {{ let x = {parens}; }}\n"),
    )
    .unwrap();
    fs::write(p.join("server.js"), format!("const x = {parens};\n")).unwrap();
    fs::write(p.join("composer.json"), "[".repeat(50_000)).unwrap();
    fs::write(p.join("pom.xml"), "<dependency>".repeat(50_000)).unwrap();
    fs::write(p.join("Gemfile"), "gem \"".repeat(50_000)).unwrap();
    fs::write(p.join("run.sh"), format!("echo {}\n", "$(".repeat(20_000))).unwrap();
    fs::write(
        p.join("Dockerfile"),
        format!("FROM x:1\nRUN {}\n", "$(".repeat(20_000)),
    )
    .unwrap();
    let (code, out, err) = check(p);
    assert!(
        !err.contains("panicked") && !err.contains("overflow"),
        "{err}"
    );
    assert_eq!(code, 1);
    for f in [
        "package.json:1:",
        "Cargo.toml:1:",
        "pyproject.toml:1:",
        "docker-compose.yml:1:",
        "k8s.yaml:1:",
        "composer.json:1:",
    ] {
        assert!(
            out.lines().any(|l| l.contains(f) && l.contains("TF0001")),
            "{f} not reported:\n{out}"
        );
    }
}

#[test]
fn alias_bomb_is_a_parse_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let p = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{p}"); 10].join(", ")
        ));
    }
    fs::write(dir.path().join("compose.yaml"), text).unwrap();
    let (code, out, _) = check(dir.path());
    assert_eq!(code, 1);
    assert!(
        out.contains("compose.yaml:") && out.contains("alias"),
        "{out}"
    );
}

#[test]
fn binary_big_and_non_utf8_files_are_noticed_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(p.join("Dockerfile"), b"FROM x:1\n\x00\x01binary").unwrap();
    fs::write(p.join("values.yaml"), "a: b\n".repeat(600_000)).unwrap();
    fs::write(p.join("requirements.txt"), b"flask==3.0.3\n# caf\xe9\n").unwrap();
    let (code, _, err) = check(p);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Dockerfile: skipped: binary file"), "{err}");
    assert!(
        err.contains("values.yaml: skipped:") && err.contains("byte limit"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_never_lead_out_of_the_root_and_loops_end() {
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("compose.yaml"),
        "services:\n  x:\n    environment:\n      API_TOKEN: 8f2c1d9e7a6b\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(p.join("requirements.txt"), "flask==3.0.3\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), p.join("elsewhere")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("compose.yaml"), p.join("compose.yaml"))
        .unwrap();
    fs::create_dir(p.join("d")).unwrap();
    std::os::unix::fs::symlink("..", p.join("d/up")).unwrap();
    std::os::unix::fs::symlink("loop2", p.join("loop1")).unwrap();
    std::os::unix::fs::symlink("loop1", p.join("loop2")).unwrap();
    let (code, out, err) = check(p);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        !out.contains("TF0304"),
        "followed a link out of the root: {out}"
    );
    for n in [
        "elsewhere: skipped",
        "compose.yaml: skipped",
        "d/up: skipped",
        "loop1: skipped",
    ] {
        assert!(err.contains(n), "no notice `{n}`:\n{err}");
    }
}

#[test]
fn helm_templates_and_jinja_files_are_not_parse_errors() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::create_dir_all(p.join("chart/templates")).unwrap();
    fs::write(
        p.join("chart/Chart.yaml"),
        "apiVersion: v2\nname: x\nversion: 0.1.0\n",
    )
    .unwrap();
    fs::write(
        p.join("chart/templates/d.yaml"),
        "kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n{{- if .Values.x }}\n",
    )
    .unwrap();
    fs::write(
        p.join("ansible.yml"),
        "- hosts: all\n  tasks:\n{% for x in y %}\n  - debug: {{ x }}\n{% endfor %}\n",
    )
    .unwrap();
    Command::cargo_bin("twelve")
        .unwrap()
        .args(["check", "--format", "concise", "--ignore", "TF0101"])
        .arg(p)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("TF0001").not())
        .stderr(predicate::str::contains("ansible.yml: not checked"));
}

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

/// A FIFO blocks whoever opens it for reading until a writer comes: none may be opened,
/// whatever its name, and each is a notice.
#[cfg(unix)]
#[test]
fn fifos_never_block_and_are_noticed() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(p.join("requirements.txt"), "flask==3.0.3\n").unwrap();
    fs::create_dir_all(p.join("sub")).unwrap();
    fs::create_dir_all(p.join(".git/info")).unwrap();
    for name in [
        ".gitignore",
        ".ignore",
        "sub/.gitignore",
        "Dockerfile",
        ".git/info/exclude",
    ] {
        mkfifo(&p.join(name));
    }
    let (code, out, err) = check(p);
    assert!(code == 0 || code == 1, "{out}{err}");
    // many paths with one message are one line on stderr, naming three and counting the rest
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| l.contains(": skipped: not a regular file (a FIFO)"))
        .collect();
    assert!(!lines.is_empty(), "no FIFO notice:\n{err}");
    assert!(lines.iter().all(|l| l.contains(" more: ")), "{err}");
    // and every one of them is in the machine report
    let json = Command::cargo_bin("twelve")
        .unwrap()
        .args(["check", "--format", "json", "--ignore", "TF0101"])
        .arg(p)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let notices = v["notices"].as_array().expect("notices");
    for n in [
        ".gitignore",
        ".ignore",
        "sub/.gitignore",
        "Dockerfile",
        ".git/info/exclude",
    ] {
        assert!(
            notices
                .iter()
                .any(|x| x["path"].as_str().is_some_and(|s| s.ends_with(n))
                    && x["message"]
                        .as_str()
                        .is_some_and(|m| m.starts_with("skipped: not a regular file (a FIFO)"))),
            "no notice for {n}: {notices:?}"
        );
    }
}

/// Outside a git work tree nothing above the root applies: a `*` there must not hide the
/// project, and a FIFO there must not block.
#[cfg(unix)]
#[test]
fn ignore_files_above_the_root_apply_only_inside_its_git_tree() {
    let outer = tempfile::tempdir().unwrap();
    fs::write(outer.path().join(".gitignore"), "*\n").unwrap();
    fs::write(outer.path().join(".ignore"), "*\n").unwrap();
    fs::create_dir_all(outer.path().join("mid")).unwrap();
    mkfifo(&outer.path().join("mid/.gitignore"));
    let p = outer.path().join("mid/project");
    fs::create_dir_all(&p).unwrap();
    fs::write(p.join("Dockerfile"), "FROM python:latest\nCMD [\"app\"]\n").unwrap();
    let (code, out, err) = check(&p);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("Dockerfile:1:"),
        "the project was hidden: {out}{err}"
    );
    // inside a git work tree, the repository's own ignore files above the root still apply
    let repo = tempfile::tempdir().unwrap();
    fs::create_dir_all(repo.path().join(".git")).unwrap();
    fs::write(repo.path().join(".gitignore"), "generated/\n").unwrap();
    let svc = repo.path().join("svc");
    fs::create_dir_all(svc.join("generated")).unwrap();
    fs::write(svc.join("Dockerfile"), "FROM python:3.12\nCMD [\"app\"]\n").unwrap();
    fs::write(svc.join("generated/Dockerfile"), "FROM python:latest\n").unwrap();
    let (_, out, err) = check(&svc);
    assert!(!out.contains("generated/Dockerfile"), "{out}{err}");
}

/// Two directories whose names are different invalid UTF-8 stay two paths.
#[cfg(target_os = "linux")]
#[test]
fn names_that_are_not_utf8_stay_distinct() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    for raw in [&b"caf\xe9"[..], &b"caf\xea"[..]] {
        let d = p.join(std::ffi::OsStr::from_bytes(raw));
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("Dockerfile"), "FROM python:latest\nCMD [\"app\"]\n").unwrap();
    }
    let (_, out, err) = check(p);
    assert!(out.contains("caf\\xE9/Dockerfile:1:"), "{out}{err}");
    assert!(out.contains("caf\\xEA/Dockerfile:1:"), "{out}{err}");
}

#[test]
fn a_byte_order_mark_is_not_a_parse_error() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(
        p.join("package.json"),
        "\u{feff}{\"name\": \"x\", \"dependencies\": {\"express\": \"4.19.2\"}}\n",
    )
    .unwrap();
    fs::write(
        p.join("compose.yaml"),
        "\u{feff}services:\n  web:\n    build: .\n",
    )
    .unwrap();
    fs::write(
        p.join("Dockerfile"),
        "\u{feff}FROM node:20\nCMD [\"node\", \"a.js\"]\n",
    )
    .unwrap();
    let (_, out, err) = check(p);
    assert!(!out.contains("TF0001"), "{out}{err}");
}

/// A panic in one file's parse or one rule's check loses neither the report nor the other
/// files' and rules' findings: it is a TF0004 finding naming the file or the rule, in every
/// format, and the run exits 2.
#[test]
fn an_injected_panic_yields_a_report_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(p.join("Dockerfile"), "FROM python:latest\nCMD [\"app\"]\n").unwrap();
    fs::write(p.join("app.py"), "import os\nTOKEN = 'x'\n").unwrap();
    for (inject, expect) in [
        ("parse:app.py", "internal error while reading `app.py`"),
        (
            "rule:TF0301",
            "internal error in rule TF0301 (hardcoded-secret)",
        ),
    ] {
        for format in ["concise", "json", "sarif", "human"] {
            let out = Command::cargo_bin("twelve")
                .unwrap()
                .env("TWELVE_INJECT_PANIC", inject)
                .args(["check", "--ignore", "TF0101", "--format", format])
                .arg(p)
                .timeout(std::time::Duration::from_secs(60))
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{inject} {format}: {stdout}{stderr}"
            );
            assert!(stdout.contains("TF0004"), "{inject} {format}: {stdout}");
            assert!(stdout.contains(expect), "{inject} {format}: {stdout}");
            assert!(stderr.contains("internal error"), "{stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
            // the rest of the run is there
            assert!(stdout.contains("TF0206"), "{inject} {format}: {stdout}");
        }
    }
    // the fault cannot be selected, suppressed or baselined away
    let out = Command::cargo_bin("twelve")
        .unwrap()
        .env("TWELVE_INJECT_PANIC", "parse:app.py")
        .args(["check", "--select", "TF0206", "--format", "concise"])
        .arg(p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout).contains("TF0004"));
}
