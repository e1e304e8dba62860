//! Real-world files from `../shared/corpus` (skipped when absent): every folder is checked
//! without a panic; every parse failure is a located TF0001; buildkit's parser test files
//! parse to the instructions buildkit expects.

use std::path::{Path, PathBuf};
use twelve::engine;
use twelve::settings::Settings;

fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    p.is_dir().then_some(p)
}

#[test]
fn every_corpus_folder_is_checked_without_panic() {
    let Some(root) = corpus() else {
        eprintln!("skipped: ../shared/corpus is absent");
        return;
    };
    let mut checked = 0;
    for e in std::fs::read_dir(&root).unwrap() {
        let dir = e.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let o = engine::run(&dir, &Settings::default());
        checked += o.project.files.len();
        for d in o.diagnostics.iter().filter(|d| d.code == "TF0001") {
            assert!(
                d.primary.is_some(),
                "TF0001 without a location in {}",
                dir.display()
            );
        }
        // every report renders every finding, and the scorecard in every format
        let outcomes = [o];
        let cards = twelve::score::Scorecards::new(&outcomes);
        // `check` scores the repository alone, and must score it as `score` does
        assert_eq!(
            format!(
                "{:?}",
                twelve::score::Scorecards::repository_only(&outcomes).repository
            ),
            format!("{:?}", cards.repository),
            "{}",
            dir.display()
        );
        let _ = twelve::report::json::render(&outcomes, &cards.repository);
        let _ = twelve::report::table::render(&cards, false);
        let _ = twelve::report::sarif::render(&outcomes);
        let _ = twelve::report::github::render(&outcomes);
        let _ = twelve::report::gitlab::render(&outcomes);
        let _ = twelve::report::junit::render(&outcomes);
        let _ = twelve::report::markdown::render(&outcomes, &cards);
        let _ = twelve::report::score_json::render(&outcomes, &cards);
        let _ = twelve::report::svg::badge(&cards.repository);
        let html = twelve::report::html::render(&outcomes, &cards);
        assert!(html.starts_with("<!DOCTYPE html>"), "{}", dir.display());
        let _ = twelve::report::human::render(
            &outcomes,
            &twelve::report::human::Options {
                color: false,
                width: 100,
                quiet: false,
            },
        );
    }
    assert!(checked > 100, "read only {checked} corpus files");
}

/// buildkit's `result` files: `(instruction args...)` per line.
fn expected_instructions(result: &str) -> Vec<String> {
    result
        .lines()
        .filter(|l| l.starts_with('('))
        .map(|l| l[1..].split([' ', ')']).next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn buildkit_parser_testfiles_match_their_results() {
    let Some(root) = corpus() else {
        eprintln!("skipped: ../shared/corpus is absent");
        return;
    };
    let dir = root.join("moby+buildkit/frontend/dockerfile/parser/testfiles");
    let mut compared = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let case = e.unwrap().path();
        let (Ok(text), Ok(result)) = (
            std::fs::read_to_string(case.join("Dockerfile")),
            std::fs::read_to_string(case.join("result")),
        ) else {
            continue;
        };
        let expected = expected_instructions(&result);
        // Known divergence of parse-dockerfile 0.1.9: a value ending in an escaped backslash
        // (`ENV C trailing\\backslash\\`) is taken as a line continuation, so the next
        // instruction is swallowed. Kept visible here until fixed upstream.
        if case.ends_with("trailing-backslash") {
            let df = twelve::parse::dockerfile::parse(&text).expect("parses");
            assert_eq!(
                df.instructions.len() + 1,
                expected.len(),
                "divergence changed: re-check"
            );
            continue;
        }
        match twelve::parse::dockerfile::parse(&text) {
            Ok(df) => {
                let got: Vec<String> = df
                    .instructions
                    .iter()
                    .map(|i| i.name().to_string())
                    .collect();
                assert_eq!(got, expected, "{}", case.display());
                // FROM images and exec-form arguments agree with buildkit too
                for (ins, line) in df
                    .instructions
                    .iter()
                    .zip(result.lines().filter(|l| l.starts_with('(')))
                {
                    if let twelve::parse::dockerfile::Kind::From { image, .. } = &ins.kind {
                        assert!(
                            line.contains(&format!("\"{}\"", image.text)),
                            "{}: {line}",
                            case.display()
                        );
                    }
                }
                compared += 1;
            }
            Err(_) => {
                // parse-dockerfile is stricter than buildkit's parser in exactly one way: it
                // rejects what a build would reject (no FROM first, HEALTHCHECK without CMD).
                // Make sure that is the reason, so a real regression cannot hide here.
                let first = text
                    .lines()
                    .map(str::trim)
                    .find(|l| !l.is_empty() && !l.starts_with('#'))
                    .unwrap_or("");
                let first_word = first
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .to_ascii_uppercase();
                assert!(
                    (first_word != "FROM" && first_word != "ARG")
                        || text.to_ascii_uppercase().contains("HEALTHCHECK"),
                    "{} failed to parse although it starts with FROM",
                    case.display()
                );
            }
        }
    }
    assert!(compared >= 20, "only {compared} buildkit cases compared");
}
