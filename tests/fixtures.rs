//! Rule fixtures: `fixtures/rules/<CODE>/{fail,pass}`. Expected findings are marked inline with
//! `expect: <CODE>`: at the end of a line it names that line; alone on a comment line it names
//! the next line. Markers and findings are checked both ways.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use twelve::engine;
use twelve::settings::Settings;

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
    set.extend(located_in_expect_file(root, code));
    set
}

/// `expect.txt` lines `CODE path:line`: findings in files that cannot hold a marker (a
/// committed secret file, whose every byte is the secret).
fn located_in_expect_file(root: &Path, code: &str) -> Vec<(String, usize)> {
    let Ok(text) = std::fs::read_to_string(root.join("expect.txt")) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            if it.next() != Some(code) {
                return None;
            }
            let (path, line) = it.next()?.rsplit_once(':')?;
            let line: usize = line.parse().ok()?;
            root.join(path).is_file().then(|| (path.to_string(), line))
        })
        .collect()
}

/// Findings of `code`: located ones as (path, line); repository-level ones as their messages.
fn findings(root: &Path, code: &str) -> (BTreeSet<(String, usize)>, Vec<String>) {
    // TF0002 (unused suppression) judges the suppressions of the other rules: run them all
    let select = if code == "TF0002" { "ALL" } else { code };
    let settings = Settings {
        select: Some(vec![select.to_string()]),
        preview: true,
        ..Settings::default()
    };
    let o = engine::run(root, &settings);
    let mut located = BTreeSet::new();
    let mut repo = Vec::new();
    for d in o.diagnostics.iter().filter(|d| d.code == code) {
        match &d.primary {
            Some(l) => {
                let f = o.project.file(l.origin.file);
                located.insert((f.rel.to_string(), f.line_col(l.origin.span.start()).0));
            }
            None => repo.push(d.message.clone()),
        }
    }
    (located, repo)
}

/// Findings of `code` from the real binary run with a fault injected (`TWELVE_INJECT_PANIC`):
/// the only way a fixture can show TF0004, which no file may cause.
fn injected_findings(root: &Path, code: &str, inject: &str) -> BTreeSet<(String, usize)> {
    let out = assert_cmd::Command::cargo_bin("twelve")
        .unwrap()
        .env("TWELVE_INJECT_PANIC", inject)
        .current_dir(root)
        .args(["check", "--format", "concise", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "an internal fault exits 2");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains(&format!(" {code} ")))
        .filter_map(|l| {
            let mut it = l.splitn(3, ':');
            Some((it.next()?.to_string(), it.next()?.parse().ok()?))
        })
        .collect()
}

/// `expect.txt`: one repository-level finding a line, `CODE [word the message contains]`;
/// a line `outside-git` runs the fixture from a copy outside any git work tree.
fn expect_file(dir: &Path, code: &str) -> (Vec<String>, bool) {
    let Ok(text) = std::fs::read_to_string(dir.join("expect.txt")) else {
        return (Vec::new(), false);
    };
    let outside = text.lines().any(|l| l.trim() == "outside-git");
    let words = text
        .lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            (it.next() == Some(code)).then(|| it.next().unwrap_or("").to_string())
        })
        // `CODE path:line` is a located finding (see `located_in_expect_file`)
        .filter(|w| {
            !w.rsplit_once(':')
                .is_some_and(|(p, l)| l.parse::<usize>().is_ok() && dir.join(p).is_file())
        })
        .collect();
    (words, outside)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
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
            let expected = markers(&dir, code);
            let (repo_expected, outside) = expect_file(&dir, code);
            let tmp = tempfile::tempdir().unwrap();
            let run_dir = if outside {
                copy_dir(&dir, tmp.path());
                tmp.path().to_path_buf()
            } else {
                dir.clone()
            };
            let (actual, repo_actual) = if code == "TF0004" && side == "fail" {
                (
                    injected_findings(&run_dir, code, "parse:app.py"),
                    Vec::new(),
                )
            } else {
                findings(&run_dir, code)
            };
            if side == "fail" {
                assert!(
                    !expected.is_empty() || !repo_expected.is_empty(),
                    "{code}/fail has no `expect: {code}` marker"
                );
            } else {
                assert!(
                    expected.is_empty() && repo_expected.is_empty(),
                    "{code}/pass must not expect findings"
                );
            }
            let mut unmatched: Vec<&String> = repo_actual.iter().collect();
            for word in &repo_expected {
                match unmatched.iter().position(|m| m.contains(word.as_str())) {
                    Some(i) => {
                        unmatched.remove(i);
                    }
                    None => failures.push(format!(
                        "{code}/{side}: no repository-level finding containing `{word}` in {repo_actual:?}"
                    )),
                }
            }
            if !unmatched.is_empty() {
                failures.push(format!(
                    "{code}/{side}: unexpected repository-level findings {unmatched:?}"
                ));
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
