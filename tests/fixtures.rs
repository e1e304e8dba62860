//! Rule fixtures: `fixtures/rules/<CODE>/{fail,pass}`. Expected findings are marked inline with
//! `expect: <CODE>`: at the end of a line it names that line; alone on a comment line it names
//! the next line. Markers and findings are checked both ways.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use twelve::engine::{self, Settings};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// (relative path, line) of every marker for `code`.
fn markers(root: &Path, code: &str) -> BTreeSet<(String, usize)> {
    let mut all = Vec::new();
    files(root, &mut all);
    let mut set = BTreeSet::new();
    for f in all {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let rel = f
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(pos) = line.find("expect:") else {
                continue;
            };
            if !line[pos..].contains(code) {
                continue;
            }
            let before = line[..pos].trim().trim_end_matches(['#', '/']).trim();
            let target = if before.is_empty() {
                // the next line that is not itself a marker-only comment
                (i + 1..lines.len())
                    .find(|j| {
                        !lines[*j].trim_start().starts_with('#') || !lines[*j].contains("expect:")
                    })
                    .map(|j| j + 1)
                    .unwrap_or(i + 1)
            } else {
                i + 1
            };
            set.insert((rel.clone(), target));
        }
    }
    set
}

fn findings(root: &Path, code: &str) -> BTreeSet<(String, usize)> {
    let settings = Settings {
        select: Some(vec![code.to_string()]),
        ..Settings::default()
    };
    let o = engine::run(root, &settings);
    o.diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| match &d.primary {
            Some(l) => {
                let f = o.project.file(l.origin.file);
                (f.rel.clone(), f.line_col(l.origin.span.start).0)
            }
            None => ("<repository>".to_string(), 0),
        })
        .collect()
}

#[test]
fn every_rule_fixture_matches_its_markers() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules");
    let mut failures = Vec::new();
    for rule in twelve::rules::registry() {
        let code = rule.meta().code;
        for side in ["fail", "pass"] {
            let dir = base.join(code).join(side);
            assert!(dir.is_dir(), "missing fixture dir {}", dir.display());
            let mut expected = markers(&dir, code);
            if code == "TF0003" && side == "fail" {
                expected.insert(("<repository>".into(), 0));
            }
            let actual = findings(&dir, code);
            if side == "fail" {
                assert!(
                    !expected.is_empty(),
                    "{code}/fail has no `expect: {code}` marker"
                );
            } else {
                assert!(expected.is_empty(), "{code}/pass must not expect findings");
            }
            if expected != actual {
                failures.push(format!(
                    "{code}/{side}:\n  expected but missing: {:?}\n  found but not marked: {:?}",
                    expected.difference(&actual).collect::<Vec<_>>(),
                    actual.difference(&expected).collect::<Vec<_>>()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_doc_sections_and_fixtures() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    for rule in twelve::rules::registry() {
        let m = rule.meta();
        let doc = base.join(format!("rules/{}-{}.md", m.code, m.name));
        assert!(doc.is_file(), "missing {}", doc.display());
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "Use instead:",
            "## References",
        ] {
            assert!(m.doc.contains(section), "{} doc lacks `{section}`", m.code);
        }
        assert!(
            m.summary.chars().next().is_some_and(|c| c.is_lowercase()),
            "{} summary starts lowercase",
            m.code
        );
        assert!(
            !m.summary.ends_with('.'),
            "{} summary has no trailing period",
            m.code
        );
    }
    // and no doc without a rule
    for e in std::fs::read_dir(base.join("rules")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with("TF") {
            let code = &name[..6];
            assert!(
                twelve::rules::find(code).is_some(),
                "doc {name} has no rule"
            );
        }
    }
}
