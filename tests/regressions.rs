//! One test per reproduction of issue 9 (real repositories never crash, hang or leak): leaks,
//! hangs, unbounded work, silent drops and secrets in commands. Each runs the real binary on
//! a few files in well under a second; a hang or a quadratic blow-up is caught by the run's
//! timeout (a guard, not a speed measurement: speed is measured in `bench/`).

use assert_cmd::Command;
use std::fs;
use std::path::Path;
use std::time::Duration;

fn twelve(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("twelve").unwrap();
    c.current_dir(dir).timeout(Duration::from_secs(60));
    c
}

struct Run {
    code: i32,
    out: String,
    err: String,
}

/// Run twelve; a run killed at the timeout (a hang, or quadratic work) fails the test.
fn run(dir: &Path, args: &[&str]) -> Run {
    let o = twelve(dir).args(args).output().unwrap();
    let code = o
        .status
        .code()
        .unwrap_or_else(|| panic!("twelve {args:?} did not finish within the timeout"));
    Run {
        code,
        out: String::from_utf8_lossy(&o.stdout).into_owned(),
        err: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn git_init(dir: &Path) {
    fs::create_dir_all(dir.join(".git")).unwrap();
}

// ---- leaks ----------------------------------------------------------------------------

/// A twelve.toml linked to a file outside its directory is refused unread: linked to
/// /proc/self/environ, its content (the job's environment, tokens included) was quoted.
#[cfg(target_os = "linux")]
#[test]
fn a_config_linked_out_of_its_directory_is_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::write(p.join("requirements.txt"), "flask==3.0.3\n").unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", p.join("twelve.toml")).unwrap();
    let r = twelve(p)
        .env("CI_JOB_TOKEN", "glpat-SuperSecretToken123")
        .args(["check", "."])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    assert!(
        !err.contains("SuperSecretToken"),
        "the environment leaked: {err}"
    );
    // named with --config, a file that is not TOML text is not quoted either
    let r = twelve(p)
        .env("CI_JOB_TOKEN", "glpat-SuperSecretToken123")
        .args(["check", ".", "--config", "/proc/self/environ"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{err}");
    assert!(
        !err.contains("SuperSecretToken"),
        "the environment leaked: {err}"
    );
}

/// Credentials inside dependency URLs were printed in clear in finding messages.
#[test]
fn dependency_url_credentials_are_masked_in_messages() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git_init(p);
    fs::write(
        p.join("package.json"),
        r#"{"name": "x", "dependencies": {"lib": "git+https://deploy:s3cretPassw0rd@github.com/o/lib.git"}}"#,
    )
    .unwrap();
    fs::write(
        p.join("requirements.txt"),
        "private-lib @ git+https://user:TopSecret99@git.example.com/lib.git\n",
    )
    .unwrap();
    for format in [
        "human", "concise", "json", "sarif", "github", "gitlab", "junit",
    ] {
        let r = run(p, &["check", ".", "--format", format]);
        assert!(r.code == 1, "{format}: {}{}", r.out, r.err);
        assert!(
            r.out.contains("TF0202") || format == "gitlab",
            "{format}: {}",
            r.out
        );
        for secret in ["s3cretPassw0rd", "TopSecret99"] {
            assert!(
                !r.out.contains(secret),
                "{format} printed `{secret}`: {}",
                r.out
            );
        }
    }
}

/// A Kubernetes name holding terminal escape sequences (an OSC 8 link, clear-screen) was
/// echoed raw to the terminal.
#[test]
fn terminal_escapes_in_names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git_init(p);
    fs::write(
        p.join("pod.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"evil\\e]8;;http://x.example\\a-link\\e]8;;\\a\\e[2J\\u202e\"\nspec:\n  containers:\n    - name: app\n      image: nginx:latest\n",
    )
    .unwrap();
    for format in ["human", "concise", "github"] {
        let r = run(p, &["check", ".", "--format", format, "--color", "never"]);
        assert_eq!(r.code, 1, "{}", r.err);
        assert!(r.out.contains("evil"), "{format}: {}", r.out);
        assert!(
            !r.out.contains('\u{1b}') && !r.out.contains('\u{7}') && !r.out.contains('\u{202e}'),
            "{format}: a raw escape reached the terminal: {:?}",
            r.out
        );
        assert!(
            r.out.contains("\\u{1b}"),
            "{format}: the escape is shown: {}",
            r.out
        );
    }
}

/// A compose service name with a non-character (U+FFFE) made the JUnit report invalid XML.
#[test]
fn junit_stays_valid_xml_with_non_characters() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git_init(p);
    fs::write(
        p.join("compose.yaml"),
        "services:\n  \"web\u{fffe}\u{1}\":\n    image: nginx:latest\n",
    )
    .unwrap();
    let r = run(p, &["check", ".", "--format", "junit"]);
    assert_eq!(r.code, 1, "{}", r.err);
    assert!(r.out.contains("TF0501"), "{}", r.out);
    roxmltree::Document::parse(&r.out).expect("valid XML");
}

// ---- hangs ----------------------------------------------------------------------------

/// A file argument outside any git tree or config is checked with its own directory as the
/// project, not the directory twelve runs in (run from `/`, that walked the whole system).
#[test]
fn a_file_argument_outside_any_repository_groups_under_its_own_directory() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    for i in 0..30 {
        fs::write(cwd.join(format!("noise{i}.py")), "import os\n").unwrap();
    }
    let sub = cwd.join("some/dir");
    fs::create_dir_all(&sub).unwrap();
    fs::write(
        sub.join("compose.yaml"),
        "services:\n  web:\n    image: nginx:latest\n",
    )
    .unwrap();
    let r = run(cwd, &["check", "some/dir/compose.yaml", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.err);
    let v: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    assert_eq!(
        v["summary"]["files"], 1,
        "walked beyond the file's directory: {}",
        r.out
    );
    assert!(r.out.contains("some/dir/compose.yaml"), "{}", r.out);
}

// ---- unbounded work -------------------------------------------------------------------

/// One YAML flow collection on one 2 MiB line: each parser event used to walk the line.
#[test]
fn a_two_mib_one_line_yaml_file_is_fast() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git_init(p);
    let item = "’é";
    let n = (2 << 20) / (item.len() + 8) - 16;
    let items: Vec<String> = (0..n).map(|i| format!("{item}{i}")).collect();
    fs::write(
        p.join("values.yaml"),
        format!("k: [{}]\n", items.join(", ")),
    )
    .unwrap();
    let len = fs::metadata(p.join("values.yaml")).unwrap().len();
    assert!(len > 1 << 20 && len <= 2 << 20, "{len}");
    // the quadratic walk took hours: the run's timeout catches its return
    let r = run(p, &["check", ".", "--format", "concise"]);
    assert!(r.code <= 1, "{}", r.err);
}

/// One suppression comment naming 20,000 unknown selectors gave 20,000 findings each
/// carrying the whole line (75 s, 5.5 GB).
#[test]
fn a_suppression_with_thousands_of_selectors_is_one_bounded_report() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git_init(p);
    let selectors: Vec<String> = (0..20_000).map(|i| format!("XX{i}")).collect();
    fs::write(
        p.join("Dockerfile"),
        format!(
            "FROM python:3.12 # twelve: ignore[{}]\nCMD [\"app\"]\n",
            selectors.join(",")
        ),
    )
    .unwrap();
    let r = run(p, &["check", ".", "--format", "human", "--color", "never"]);
    assert_eq!(r.code, 1, "{}", r.err);
    let tf0002 = r.out.matches("TF0002(unused-suppression)").count();
    assert_eq!(tf0002, 11, "ten findings and one for the rest");
    assert!(
        r.out.contains("19990 more selectors"),
        "{}",
        &r.out[..2000.min(r.out.len())]
    );
    assert!(r.out.len() < 100_000, "{} bytes of report", r.out.len());
}

/// TF0309 de-duplicated variables by a linear scan (40,000 distinct variables: 12 s).
#[test]
fn forty_thousand_env_vars_are_counted_fast() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git_init(p);
    let mut code = String::from("import os\n");
    for i in 0..40_000 {
        code.push_str(&format!("os.getenv(\"V{i}\")\n"));
    }
    fs::write(p.join("app.py"), code).unwrap();
    let r = run(
        p,
        &["check", ".", "--select", "TF0309", "--format", "concise"],
    );
    assert_eq!(r.code, 0, "{}", r.err);
    assert!(r.out.contains("40000 environment variables"), "{}", r.out);
}

/// `ARG A=$A$A` repeated doubled the value each line (34 lines asked for gigabytes).
#[test]
fn doubling_build_args_stay_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git_init(p);
    let mut df = String::from("ARG A=ab\nFROM python:3.12\nARG A\nENV B=$A\n");
    for _ in 0..40 {
        df.push_str("ARG A=$A$A\nENV B=$B$B\n");
    }
    df.push_str("CMD [\"app\"]\n");
    fs::write(p.join("Dockerfile"), df).unwrap();
    let r = run(p, &["check", "."]);
    assert!(r.code <= 1, "{}", r.err);
}

/// A rule quoting a huge value (a 1 MB version spec) printed all of it in every message.
#[test]
fn a_message_quoting_a_huge_value_is_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git_init(p);
    fs::write(
        p.join("requirements.txt"),
        format!("flask>={}\n", "1.".repeat(500_000)),
    )
    .unwrap();
    let r = run(p, &["check", ".", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.err);
    let v: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    let f = &v["findings"][0];
    assert_eq!(f["code"], "TF0202");
    assert!(f["message"].as_str().unwrap().len() <= 4100);
    assert!(f["location"]["snippet"].as_str().unwrap().chars().count() <= 1002);
    assert!(r.out.len() < 64 * 1024, "{} bytes", r.out.len());
}

// ---- silent drops ---------------------------------------------------------------------

/// `--exclude '['` (an invalid glob) was silently ignored.
#[test]
fn an_invalid_exclude_glob_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(dir.path(), &["check", ".", "--exclude", "["]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("invalid exclude glob `[`"), "{}", r.err);
    fs::write(dir.path().join("twelve.toml"), "exclude = [\"[\"]\n").unwrap();
    let r = run(dir.path(), &["check", "."]);
    assert_eq!(r.code, 2);
    assert!(r.err.contains("invalid exclude glob"), "{}", r.err);
}

/// `--baseline` given with `--write-baseline` was silently dropped.
#[test]
fn baseline_and_write_baseline_conflict() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(
        dir.path(),
        &[
            "check",
            ".",
            "--baseline",
            "a.json",
            "--write-baseline",
            "b.json",
        ],
    );
    assert_eq!(r.code, 2);
    assert!(r.err.contains("cannot be used with"), "{}", r.err);
}

/// With stdout closed the report was lost without a message.
#[cfg(unix)]
#[test]
fn a_closed_stdout_is_an_error_not_a_lost_report() {
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("twelve");
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("exec '{}' check . >&-", bin.display()))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("standard output is closed"));
    // stdout to /dev/null is a choice, not an error; a report to a file needs no stdout
    let o = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "exec '{}' check . --format json -o r.json >&- && '{}' check . > /dev/null",
            bin.display(),
            bin.display()
        ))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

// ---- secrets in commands --------------------------------------------------------------

/// `twelve model` and messages quoting a command printed `--password X`, `--token=X` and
/// `-e PASSWORD=X` in clear.
#[test]
fn secret_flags_are_masked_in_the_model_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    git_init(p);
    fs::write(
        p.join("Dockerfile"),
        "FROM python:3.12\nCMD [\"gunicorn\", \"--password\", \"s3cr3tPw9\", \"app:app\"]\n",
    )
    .unwrap();
    fs::write(
        p.join("compose.yaml"),
        "services:\n  web:\n    build: .\n    command: sh -c \"docker run -e DB_PASSWORD=hunter22x img && run --token=Zx81kQ9rT &\"\n",
    )
    .unwrap();
    let model = run(p, &["model", "."]);
    assert_eq!(model.code, 0, "{}", model.err);
    assert!(model.out.contains("--password s3****"), "{}", model.out);
    for r in [
        model,
        run(p, &["check", ".", "--select", "ALL", "--format", "human"]),
        run(p, &["check", ".", "--select", "ALL", "--format", "json"]),
    ] {
        for secret in ["s3cr3tPw9", "hunter22x", "Zx81kQ9rT"] {
            assert!(!r.out.contains(secret), "`{secret}` printed: {}", r.out);
        }
    }
}
