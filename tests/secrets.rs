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

/// Every place issue 11 names, each with a credential nobody may print.
const EVERY_PLACE: &[(&str, &str)] = &[
    (
        "compose.yaml",
        "services:\n  web:\n    image: web:1.0\n    environment:\n      REDIS_PASSWORD: ${REDIS_PASSWORD:-Rq5vN8mXp2sLw7Tz}\n    secrets: [db_password]\nsecrets:\n  db_password:\n    file: ./secrets/db_password.txt\n",
    ),
    ("secrets/db_password.txt", "Kq7vR2mXp9sLw4Tz\n"),
    (
        "Dockerfile",
        "FROM alpine:3.20\nARG GEO_LICENSE\nRUN wget -qO /tmp/g.tgz \"https://dl.example.com/geo?license_key=${GEO_LICENSE}\"\n",
    ),
    (
        "k8s/kustomization.yaml",
        "secretGenerator:\n  - name: api\n    literals:\n      - api-token=Rk4Tw9Yb3Nc6Df1Gh5Jk\n",
    ),
    ("conf/app.toml", "[db]\npassword = \"Tm3xQ8vLp5Wz2Rk9\"\n"),
    (
        "conf/appsettings.json",
        "{\"ConnectionStrings\": {\"Default\": \"Server=db;User Id=sa;Password=Yz6wP1nKq4Rt8Lm3;\"}}\n",
    ),
    ("conf/worker.ini", "[broker]\npassword = Vb6nQ1zLk8Wp3Rt5\n"),
    (
        "src/main/resources/application.properties",
        "spring.datasource.password=Nh5tXw2Pq9Lm7Zr4\n",
    ),
    (
        "scripts/start.sh",
        "#!/bin/sh\nexport API_TOKEN=\"Gh2kL9pQ4rT7vX1z\"\nADMIN_PASSWORD=${ADMIN_PASSWORD:-admin}\n",
    ),
    (
        "mq/consumer.py",
        "import pika\nc = pika.PlainCredentials('guest', 'guest')\n",
    ),
];

const EVERY_CLEAR: &[&str] = &[
    "Rq5vN8mXp2sLw7Tz",
    "Kq7vR2mXp9sLw4Tz",
    "Rk4Tw9Yb3Nc6Df1Gh5Jk",
    "Tm3xQ8vLp5Wz2Rk9",
    "Yz6wP1nKq4Rt8Lm3",
    "Vb6nQ1zLk8Wp3Rt5",
    "Nh5tXw2Pq9Lm7Zr4",
    "Gh2kL9pQ4rT7vX1z",
];

#[test]
fn every_place_a_credential_lives_is_reported_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), EVERY_PLACE);
    let found = json_findings(dir.path());
    let at = |code: &str, file: &str, line: u64| {
        assert!(
            found.iter().any(|d| d["code"] == code
                && d["location"]["path"] == file
                && d["location"]["line"] == line),
            "no {code} at {file}:{line}: {found:#?}"
        );
    };
    at("TF0304", "compose.yaml", 5);
    at("TF0304", "secrets/db_password.txt", 1);
    at("TF0303", "Dockerfile", 2);
    at("TF0305", "k8s/kustomization.yaml", 4);
    at("TF0301", "conf/app.toml", 2);
    at("TF0301", "conf/appsettings.json", 1);
    at("TF0301", "conf/worker.ini", 2);
    at("TF0301", "src/main/resources/application.properties", 1);
    at("TF0301", "scripts/start.sh", 2);
    at("TF0301", "scripts/start.sh", 3);
    at("TF0301", "mq/consumer.py", 2);
}

#[test]
fn no_format_of_check_score_or_model_prints_a_credential_of_any_place() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), EVERY_PLACE);
    let mut runs: Vec<Vec<&str>> = [
        "human", "concise", "json", "sarif", "github", "gitlab", "junit",
    ]
    .iter()
    .map(|f| vec!["check", ".", "--format", f])
    .collect();
    runs.extend(
        ["table", "markdown", "json", "html", "svg"]
            .iter()
            .map(|f| vec!["score", ".", "--format", f]),
    );
    runs.push(vec!["model", "."]);
    for args in runs {
        let out = Command::cargo_bin("twelve")
            .unwrap()
            .args(&args)
            .env("NO_COLOR", "1")
            .current_dir(dir.path())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.is_empty(), "{args:?} printed nothing");
        for clear in EVERY_CLEAR {
            assert!(!text.contains(clear), "{args:?} prints {clear}:\n{text}");
        }
    }
}

#[test]
fn the_false_alarm_shapes_of_issue_11_stay_silent() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "ui/labels.js",
                "export const labels = { password: 'Password', apiToken: 'API token' };\nfetch(url, { credentials: 'omit' });\nfetch(url, { credentials: 'include' });\n",
            ),
            (
                ".github/workflows/ci.yml",
                "on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n        env:\n          TOKEN: ${{ secrets.TOKEN }}\n",
            ),
            (
                ".drone.yml",
                "kind: pipeline\nsteps:\n  - name: publish\n    image: plugins/docker\n    settings:\n      password:\n        from_secret: docker_password\n",
            ),
            (
                "deploy/vars.yml",
                "db_password: \"{{ vault_db_password }}\"\n",
            ),
            (
                "config/old.yaml",
                "# password: Sup3rS3cretValue99\ndb:\n  host: db\n",
            ),
            (
                "config/vendor.yml",
                "auth:\n  enabled: false\n  password: Sup3rS3cretValue99\n",
            ),
            (
                "conf/ldap.toml",
                "[ldap]\nmode = \"none\"\nbind_password = \"Sup3rS3cretValue98\"\n",
            ),
            (
                "tests/e2e/compose.yaml",
                "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: Sup3rS3cretValue97\n",
            ),
            (
                "docker-compose.test.yml",
                "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: postgres\n",
            ),
            (
                "app/cli.py",
                "import argparse\np = argparse.ArgumentParser()\np.add_argument(\"--token\", help=\"The API token to use for authentication.\")\n",
            ),
            (
                "k8s/deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1.0\n          env:\n            - name: API_KEY\n              valueFrom:\n                secretKeyRef: {name: web, key: api}\n            - name: DB_PASSWORD_FILE\n              value: /run/secrets/db\n",
            ),
            (
                "locales/en.json",
                "{\"password\": \"Password\", \"token_expired\": \"Your token has expired.\"}\n",
            ),
            (
                "scripts/check.sh",
                "#!/bin/sh\nPASS=0\nFAIL=0\n# TOKEN=ghp_Xq8vLm2Pz7Rk4Tw9Yb3Nc6Df1Gh5Jk0Lm2Pq\n",
            ),
        ],
    );
    let found = json_findings(dir.path());
    let secrets: Vec<&Value> = found
        .iter()
        .filter(|d| d["code"].as_str().unwrap().starts_with("TF030"))
        .collect();
    assert!(secrets.is_empty(), "{secrets:#?}");
}

/// Code in test, example and docs trees (by default, or by `test-paths`) is not parsed: no
/// rule reads its facts. A provider-format key written there is still reported, from its
/// shape, and the other values under secret-like names on its line stay masked in every
/// format, with the facts cache and without.
#[test]
fn test_code_is_not_parsed_yet_its_secrets_are_found_and_masked() {
    let dir = tempfile::tempdir().unwrap();
    let line = "STRIPE_KEY = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'; DB_PASSWORD = 'Zq81kQ9rT2mB'\n";
    write(
        dir.path(),
        &[
            ("app.py", "import os\nURL = os.environ['DATABASE_URL']\n"),
            (
                "tests/test_pay.py",
                &format!("import os\nX = os.environ['ONLY_IN_TESTS']\n{line}"),
            ),
            ("qa/load.py", "import os\nY = os.environ['ONLY_IN_QA']\n"),
            ("twelve.toml", "test-paths = [\"qa\"]\n"),
        ],
    );
    let out = Command::cargo_bin("twelve")
        .unwrap()
        .args(["model", "."])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let reads: Vec<&str> = v["env_reads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(reads, ["DATABASE_URL"], "test and qa code is not parsed");
    let cache = tempfile::tempdir().unwrap();
    for cached in [false, true, true] {
        for format in ["human", "json", "sarif", "github"] {
            let mut cmd = Command::cargo_bin("twelve").unwrap();
            cmd.args(["check", ".", "--format", format])
                .current_dir(dir.path());
            if cached {
                cmd.arg("--cache-dir").arg(cache.path());
            } else {
                cmd.arg("--no-cache");
            }
            let out = cmd.output().unwrap();
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                all.contains("STRIPE_KEY") || all.contains("Stripe"),
                "the live key is reported ({format}): {all}"
            );
            assert!(all.contains("tests/test_pay.py"), "{format}: {all}");
            for clear in ["4eC39HqLyjWDarjtT1zdp7dc", "Zq81kQ9rT2mB"] {
                assert!(!all.contains(clear), "{clear} in clear ({format}): {all}");
            }
        }
    }
}

/// A file compose makes a secret of is judged whole, whatever else twelve read it as: a
/// Python settings module is code, whose text is dropped once its facts are extracted.
#[test]
fn a_secret_file_read_as_code_is_still_a_committed_secret() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "compose.yaml",
                "services:\n  web:\n    image: web:1.0\n    secrets: [django]\nsecrets:\n  django:\n    file: ./config/django_secrets.py\n",
            ),
            (
                "config/django_secrets.py",
                "SECRET_KEY = \"Pz7qW2nLx9Rv4Tk8Mb3c\"\n",
            ),
        ],
    );
    let found = json_findings(dir.path());
    let committed = found
        .iter()
        .find(|d| d["code"] == "TF0304")
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert_eq!(
        committed["location"]["path"], "config/django_secrets.py",
        "{committed:#}"
    );
    let all = serde_json::to_string(&found).unwrap();
    assert!(!all.contains("Pz7qW2nLx9Rv4Tk8Mb3c"), "{all}");
    assert!(
        found.iter().all(|d| d["code"] != "TF0004"),
        "no internal error: {found:#?}"
    );
}
