//! Multi-byte text everywhere, end to end: a repository where every file kind twelve reads
//! carries a multi-byte character at every character offset of a realistic file, checked
//! with every report format. No panic, exit 0 or 1, every location inside its file (columns
//! in characters), every report well-formed, and no raw control character on a terminal.

use std::fs;
use std::path::Path;

/// Realistic files of every kind twelve reads, each with findings to report.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "Dockerfile",
        "FROM python:latest\nENV SECRET_KEY=9f3b2c7d1e8a4f6b NAME=\"café\"\nRUN curl -fsSL https://x.example/i.sh | sh\nEXPOSE 5000\nCMD python app.py --password s3cr3tPw9 &\n",
    ),
    (
        "compose.yaml",
        "services:\n  web:\n    build: .\n    image: web:latest\n    ports: [\"8000:5000\"]\n    environment:\n      API_TOKEN: 8f2c1d9e7a6b5c4d\n      GREETING: \"héllo\"\n    command: [\"sh\", \"-c\", \"sleep 5 && run\"]\n  db:\n    image: postgres\n",
    ),
    (
        "k8s.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      hostNetwork: true\n      containers:\n        - name: web\n          image: web:latest\n          env:\n            - name: DB_PASSWORD\n              value: hunter2hunter\n",
    ),
    (
        ".env",
        "# local settings\nexport   DATABASE_URL=postgres://app:Sup3rS3cret@db/app\nNAME='café au lait'\nAPI_KEY=abcd1234efgh5678\n",
    ),
    (
        "Procfile",
        "web: gunicorn app:app --bind 127.0.0.1:8000\nrelease: python manage.py migrate\n",
    ),
    (
        "requirements.txt",
        "flask\nrequests>=2 # the client\nprivate @ git+https://u:Pw0rd99x@git.example/x.git\n",
    ),
    (
        "package.json",
        "{\"name\": \"app\", \"description\": \"l’app\", \"dependencies\": {\"express\": \"^4\", \"lib\": \"git+https://d:s3cretPw@github.com/o/l.git\"}}\n",
    ),
    (
        "pyproject.toml",
        "[project]\nname = \"app\"\ndescription = \"l’app\"\ndependencies = [\"flask\", \"requests>=2\"]\n",
    ),
    (
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\ndescription = \"ünïcode\"\n\n[dependencies]\nserde = \"*\"\n",
    ),
    (
        "go.mod",
        "module example.com/app // l’app\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.9.1\n",
    ),
    (
        "app.py",
        "import os, logging\nNAME = \"O’Hara\"\nSECRET_KEY = \"9f3b2c7d1e8a4f6b\"\nDB = os.environ[\"DATABASE_URL\"]\nlogging.basicConfig(filename=\"/var/log/app.log\")\nif os.getenv(\"ENV\") == \"production\":\n    pass\napp.run(host=\"127.0.0.1\", port=5000)\n",
    ),
    (
        "server.js",
        "const express = require('express');\nconst name = 'it’s';\nconst url = 'postgres://app:hunter22@db/app';\nconst app = express();\nif (process.env.NODE_ENV === 'production') {}\napp.listen(3000, '127.0.0.1');\n",
    ),
    (
        "main.go",
        "package main\n\nimport (\n\t\"net/http\"\n\t\"os\"\n)\n\nvar name = \"Tiếng Việt\"\n\nfunc main() {\n\t_ = os.Getenv(\"PORT\")\n\thttp.ListenAndServe(\"127.0.0.1:8080\", nil)\n}\n",
    ),
    (
        "main.rs",
        "use std::net::TcpListener;\nconst NAME: &str = \"glāžšķūņu\";\nfn main() {\n    let _ = std::env::var(\"DATABASE_URL\").unwrap();\n    let _l = TcpListener::bind(\"127.0.0.1:8080\").unwrap();\n}\n",
    ),
    (
        "entrypoint.sh",
        "#!/bin/sh\nset -e\n: \"${DATABASE_URL:?need it}\"\necho \"démarrage\"\npython manage.py migrate\nexec gunicorn app:app --token=Zx81kQ9rT\n",
    ),
    (
        "chart/values.yaml",
        "image:\n  repository: web\n  tag: latest\nreplicaCount: 1\nauth:\n  password: Qw3rty99zz\nnote: \"naïve\"\n",
    ),
];

/// Multi-byte and invisible characters, inserted in turn.
const WIDE: &[&str] = &[
    "é",
    "’",
    "€",
    "中",
    "𝄞",
    "😀",
    "e\u{301}",
    "\u{200d}",
    "\u{200f}",
    "\u{202e}",
    "１",
    "ß",
    "\u{feff}",
    "👩\u{200d}💻",
];

/// The secrets written in the templates: no report may print one in clear.
const SECRETS: &[&str] = &[
    "9f3b2c7d1e8a4f6b",
    "s3cr3tPw9",
    "8f2c1d9e7a6b5c4d",
    "hunter2hunter",
    "Sup3rS3cret",
    "abcd1234efgh5678",
    "Pw0rd99x",
    "s3cretPw",
    "hunter22",
    "Zx81kQ9rT",
    "Qw3rty99zz",
];

/// Whether an insertion at byte `at` of `text` lands in a secret or in what names it (from
/// its line's start to its end, and the line before for a Kubernetes `value:` under its
/// `name:`): there the value is no longer a secret to twelve, rightly.
fn touches_a_secret(text: &str, at: usize) -> bool {
    SECRETS.iter().any(|s| {
        text.match_indices(s).any(|(i, _)| {
            let mut from = text[..i].rfind('\n').map_or(0, |n| n + 1);
            if text[from..i].trim_start().starts_with("value:") && from > 0 {
                from = text[..from - 1].rfind('\n').map_or(0, |n| n + 1);
            }
            (from..=i + s.len()).contains(&at)
        })
    })
}

/// Write each template once per character offset, a multi-byte character inserted there
/// (with `keep_secrets`, only where the insertion leaves every secret a secret).
fn write_repository(root: &Path, keep_secrets: bool) -> usize {
    let mut files = 0;
    for (name, text) in TEMPLATES {
        let offsets: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        for (k, at) in offsets.into_iter().enumerate() {
            if keep_secrets && touches_a_secret(text, at) {
                continue;
            }
            let wide = WIDE[k % WIDE.len()];
            let variant = format!("{}{wide}{}", &text[..at], &text[at..]);
            let dir = root.join(format!("v{k:03}"));
            let path = dir.join(name);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            if name.starts_with("chart/") {
                fs::write(
                    dir.join("chart/Chart.yaml"),
                    "apiVersion: v2\nname: web\nversion: 0.1.0\n",
                )
                .unwrap();
            }
            fs::write(&path, variant).unwrap();
            files += 1;
        }
    }
    files
}

/// Every report format of one run, into `root/out`; the human report is returned.
fn check_all_formats(root: &Path) -> String {
    fs::create_dir_all(root.join("out")).unwrap();
    let (code, human, err) = run(
        root,
        &[
            "check",
            ".",
            "--exclude",
            "out",
            "--color",
            "never",
            "--format",
            "human",
            "--format",
            "json",
            "-o",
            "out/r.json",
            "--format",
            "sarif",
            "-o",
            "out/r.sarif",
            "--format",
            "junit",
            "-o",
            "out/r.xml",
            "--format",
            "gitlab",
            "-o",
            "out/r.gitlab",
            "--format",
            "github",
            "-o",
            "out/r.github",
            "--format",
            "concise",
            "-o",
            "out/r.txt",
        ],
    );
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("internal error"),
        "{err}"
    );
    human
}

fn run(root: &Path, args: &[&str]) -> (i32, String, String) {
    let out = assert_cmd::Command::cargo_bin("twelve")
        .unwrap()
        .current_dir(root)
        .args(args)
        .timeout(std::time::Duration::from_secs(300))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The 1-based line and character column exist in the file.
fn inside(root: &Path, path: &str, line: usize, column: usize) -> bool {
    let Ok(text) = fs::read_to_string(root.join(path)) else {
        return false;
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let Some(l) = text.split('\n').nth(line - 1) else {
        return false;
    };
    column >= 1 && column <= l.chars().count() + 1
}

#[test]
fn multi_byte_text_at_every_offset_of_every_file_kind() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let files = write_repository(root, false);
    assert!(files > 1500, "{files}");
    let out = root.join("out");
    let human = check_all_formats(root);
    // nothing in the terminal report drives the terminal
    assert!(
        !human
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'
                || ('\u{202a}'..='\u{202e}').contains(&c)),
        "a raw control character reached the terminal report"
    );
    // JSON: every location inside its file, in characters
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("r.json")).unwrap()).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert!(findings.len() > files, "{} findings", findings.len());
    for f in findings {
        let mut locs = vec![&f["location"]];
        locs.extend(f["related"].as_array().unwrap().iter());
        for l in locs.into_iter().filter(|l| !l.is_null()) {
            let path = l["path"].as_str().unwrap();
            for (line, col) in [("line", "column"), ("end_line", "end_column")] {
                let (line, col) = (l[line].as_u64().unwrap(), l[col].as_u64().unwrap());
                assert!(
                    inside(root, path, line as usize, col as usize),
                    "{path}:{line}:{col} is outside the file: {f}"
                );
            }
        }
    }
    // SARIF: columns are code points, inside the line
    let sarif: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("r.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["columnKind"], "unicodeCodePoints");
    for r in sarif["runs"][0]["results"].as_array().unwrap() {
        for loc in r["locations"].as_array().unwrap() {
            let pl = &loc["physicalLocation"];
            let uri = pl["artifactLocation"]["uri"].as_str().unwrap();
            let path = percent_decode(uri);
            let region = &pl["region"];
            let (l, c) = (
                region["startLine"].as_u64().unwrap(),
                region["startColumn"].as_u64().unwrap(),
            );
            assert!(
                inside(root, &path, l as usize, c as usize),
                "{path}:{l}:{c}"
            );
        }
    }
    // JUnit is well-formed XML; GitHub annotations one per line; concise one line a finding
    let xml = fs::read_to_string(out.join("r.xml")).unwrap();
    roxmltree::Document::parse(&xml).expect("JUnit report is well-formed XML");
    let gitlab: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("r.gitlab")).unwrap()).unwrap();
    assert!(gitlab.as_array().is_some_and(|a| !a.is_empty()));
    let github = fs::read_to_string(out.join("r.github")).unwrap();
    assert!(github.lines().all(|l| l.starts_with("::")), "{github}");
    assert_eq!(github.lines().count(), findings.len());
    let concise = fs::read_to_string(out.join("r.txt")).unwrap();
    assert_eq!(concise.lines().count(), findings.len());
    // and the scorecard renders
    let (code, html, err) = run(
        root,
        &["score", ".", "--exclude", "out", "--format", "html"],
    );
    assert!(code == 0 || code == 1, "{err}");
    assert!(html.contains("</html>"));
}

/// With multi-byte text around them (not inside them), the secrets of every file kind are
/// masked in every report.
#[test]
fn secrets_among_multi_byte_text_are_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write_repository(root, true);
    let human = check_all_formats(root);
    let out = root.join("out");
    let read = |f: &str| fs::read_to_string(out.join(f)).unwrap();
    for secret in SECRETS {
        for (name, text) in [
            ("human", human.clone()),
            ("json", read("r.json")),
            ("sarif", read("r.sarif")),
            ("junit", read("r.xml")),
            ("gitlab", read("r.gitlab")),
            ("github", read("r.github")),
            ("concise", read("r.txt")),
        ] {
            let at = text.find(secret);
            assert!(
                at.is_none(),
                "`{secret}` printed in clear in the {name} report: …{}…",
                at.map(|i| {
                    let from = text[..i]
                        .char_indices()
                        .rev()
                        .nth(300)
                        .map_or(0, |(j, _)| j);
                    text[from..i].to_string()
                })
                .unwrap_or_default()
            );
        }
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        if c == b'%'
            && let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(c);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
