#![no_main]
//! A whole project of one generated file (its kind chosen by the first byte): the model,
//! every rule, suppressions and every report format. No internal fault, every finding's
//! places inside their files.
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use twelve::engine;
use twelve::settings::Settings;
use twelve::report;

const NAMES: &[&str] = &[
    "Dockerfile",
    "compose.yaml",
    "k8s.yaml",
    ".env",
    "Procfile",
    "requirements.txt",
    "package.json",
    "pyproject.toml",
    "Cargo.toml",
    "go.mod",
    "app.py",
    "server.js",
    "main.go",
    "main.rs",
    "entrypoint.sh",
    "values.yaml",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let name = NAMES[pick as usize % NAMES.len()];
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), body).unwrap();
    if name == "values.yaml" {
        std::fs::write(
            dir.path().join("Chart.yaml"),
            "apiVersion: v2\nname: x\nversion: 0.1.0\n",
        )
        .unwrap();
    }
    let settings = Settings {
        select: Some(vec!["ALL".into()]),
        preview: true,
        jobs: Some(1),
        ..Settings::default()
    };
    let o = engine::run(dir.path(), &settings);
    assert_eq!(o.internal, 0, "an internal fault: {:?}", o.diagnostics);
    for d in &o.diagnostics {
        for l in d.primary.iter().chain(&d.secondary) {
            let f = o.project.file(l.origin.file);
            common::span(f.text(), &l.origin.span.range(), d.code);
        }
    }
    let outcomes = vec![o];
    let cards = twelve::score::Scorecards::new(&outcomes);
    let opts = report::human::Options {
        color: false,
        width: 100,
        quiet: false,
    };
    let _ = report::human::render(&outcomes, &opts);
    let _ = report::concise::render(&outcomes);
    let _ = report::json::render(&outcomes, &cards.repository);
    let _ = report::sarif::render(&outcomes);
    let _ = report::github::render(&outcomes);
    let _ = report::gitlab::render(&outcomes);
    let _ = report::junit::render(&outcomes);
    let _ = report::html::render(&outcomes, &cards);
    let _ = report::markdown::render(&outcomes, &cards);
});
