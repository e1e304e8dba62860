//! Secrets as a user meets them: a likely secret is an error, a guessable default a warning
//! with its own wording, and neither is ever printed in clear, in any format.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let p = dir.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    fs::create_dir_all(dir.join(".git")).unwrap();
}

fn json_findings(dir: &Path) -> Vec<Value> {
    let out = Command::cargo_bin("twelve")
        .unwrap()
        .args(["check", ".", "--format", "json"])
        .current_dir(dir)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"].as_array().cloned().unwrap_or_default()
}

const STACK: &[(&str, &str)] = &[
    (
        "compose.yaml",
        "services:\n  web:\n    image: web:1.0\n    environment:\n      STRIPE_API_KEY: sk_test_4eC39HqLyjWDarjtT1\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: shop\n      POSTGRES_PASSWORD: shop\n",
    ),
    (
        "Dockerfile",
        "FROM mysql:8.4\nENV MYSQL_PASSWORD=secret\nENV MYSQL_ROOT_PASSWORD=Qz81kQ9rT2mB7wLp\n",
    ),
];

#[test]
fn a_guessable_default_is_a_warning_and_a_likely_secret_keeps_its_severity() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), STACK);
    let found = json_findings(dir.path());
    let by = |code: &str, needle: &str| -> Value {
        found
            .iter()
            .find(|d| d["code"] == code && d["message"].as_str().unwrap().contains(needle))
            .cloned()
            .unwrap_or_else(|| panic!("no {code} about {needle}: {found:#?}"))
    };
    let weak = by("TF0304", "POSTGRES_PASSWORD");
    assert_eq!(weak["severity"], "warning");
    assert!(
        weak["message"]
            .as_str()
            .unwrap()
            .contains("a guessable default password")
    );
    let literal = by("TF0304", "STRIPE_API_KEY");
    assert!(
        literal["message"]
            .as_str()
            .unwrap()
            .contains("literal secret")
    );
    let weak_env = by("TF0303", "`MYSQL_PASSWORD`");
    assert_eq!(weak_env["severity"], "warning");
    let secret_env = by("TF0303", "MYSQL_ROOT_PASSWORD");
    assert_eq!(secret_env["severity"], "error");
}

#[test]
fn no_format_prints_a_credential_in_clear() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), STACK);
    for format in [
        "human", "concise", "json", "sarif", "github", "gitlab", "junit",
    ] {
        let out = Command::cargo_bin("twelve")
            .unwrap()
            .args(["check", ".", "--format", format])
            .env("NO_COLOR", "1")
            .current_dir(dir.path())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        for clear in ["sk_test_4eC39HqLyjWDarjtT1", "Qz81kQ9rT2mB7wLp"] {
            assert!(!text.contains(clear), "{format} prints {clear}:\n{text}");
        }
        // the guessable default is masked where a finding quotes it
        assert!(
            !text.contains("POSTGRES_PASSWORD: shop"),
            "{format} prints the weak default:\n{text}"
        );
    }
}

#[test]
fn labels_names_and_test_services_are_not_credentials() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "app/labels.py",
                "LABELS = {\"password\": \"Password\", \"token_expired\": \"Your token has expired.\"}\nPARAM_ACCESS_TOKEN = \"access_token\"\n",
            ),
            (
                ".github/workflows/ci.yml",
                "jobs:\n  test:\n    services:\n      postgres:\n        image: postgres\n        env:\n          POSTGRES_USER: app\n          POSTGRES_PASSWORD: app\n",
            ),
            ("config/app.example.yml", "db:\n  password: wikijsrocks\n"),
        ],
    );
    let found = json_findings(dir.path());
    let secrets: Vec<&Value> = found
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with("TF030"))
        .collect();
    assert!(secrets.is_empty(), "{secrets:#?}");
}

#[test]
fn a_guessable_default_does_not_mask_the_name_it_copies() {
    // mealie's shape: the password is the product's name, which is also the service's name
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "compose.yaml",
                "services:\n  mealie:\n    image: mealie:1.0\n    environment:\n      POSTGRES_USER: mealie\n      POSTGRES_PASSWORD: mealie\n",
            ),
            (
                "app/db.py",
                "POSTGRES_USER = \"mealie\"\nPOSTGRES_PASSWORD = \"mealie\"\n",
            ),
            // a task runner's copy of the same defaults: a guessable default too, so it masks
            // no message either
            (
                "Taskfile.yml",
                "version: \"3\"\ntasks:\n  db:\n    env:\n      POSTGRES_USER: mealie\n      POSTGRES_PASSWORD: mealie\n",
            ),
        ],
    );
    let found = json_findings(dir.path());
    let compose = found
        .iter()
        .find(|d| d["code"] == "TF0304")
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert!(
        compose["message"].as_str().unwrap().starts_with(
            "service `mealie` sets `POSTGRES_PASSWORD` to a guessable default password"
        ),
        "{compose:#}"
    );
    let code = found
        .iter()
        .find(|d| d["code"] == "TF0301")
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert_eq!(code["severity"], "warning", "{code:#}");
}
