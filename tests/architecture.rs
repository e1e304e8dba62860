//! The house's shape, checked: data flows one way through the crate's modules (walk → parse →
//! model → rules → suppress → score → report), so no module imports one above it and the
//! module graph has no cycle; and rules judge the model without reading file text.
//!
//! The edges are read from the code itself (`crate::<module>` paths), with comments and string
//! literals left out, so a doc link or a test input does not count as an import.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Every top-level module, lowest first. A module may use only modules of a lower rank.
const LAYERS: &[&[&str]] = &[
    &["text", "fault", "factor", "suggest", "name"],
    &["source", "lang"],
    &["diagnostic"],
    &["walk"],
    &["git"],
    &["parse"],
    &["secrets"],
    &["cache"],
    &["model"],
    &["rules"],
    &["suppress"],
    &["outcome"],
    &["score"],
    &["config"],
    &["settings"],
    &["engine"],
    &["report"],
    &["baseline"],
    &["args"],
    &["app"],
    &["cli"],
    &["lib", "main"],
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The code of a Rust file with comments, string and char literals blanked out.
fn code_only(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
            continue;
        }
        // raw strings: r"…", r#"…"#, br#"…"#
        let raw_start = if c == 'r' && matches!(next, Some('"' | '#')) {
            Some(i + 1)
        } else if c == 'b' && next == Some('r') && matches!(b.get(i + 2), Some('"' | '#')) {
            Some(i + 2)
        } else {
            None
        };
        let ident_before = i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_');
        if let Some(mut j) = raw_start.filter(|_| !ident_before) {
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) == Some(&'"') {
                j += 1;
                'scan: while j < b.len() {
                    if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                        j += 1 + hashes;
                        break 'scan;
                    }
                    j += 1;
                }
                i = j;
                out.push_str("\"\"");
                continue;
            }
        }
        if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
            continue;
        }
        if c == '\'' {
            // a char literal ('a', '\n', '\u{1F600}'), not a lifetime ('a)
            if next == Some('\\') {
                let mut j = i + 2;
                while j < b.len() && b[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
                out.push_str("' '");
                continue;
            }
            if b.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The top-level module a source file belongs to (`src/model/units.rs` → `model`).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// module → module → an example file that makes the edge.
fn edges() -> BTreeMap<String, BTreeMap<String, String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut out: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for f in files {
        let from = module_of(&src, &f);
        let code = code_only(&fs::read_to_string(&f).unwrap());
        let rel = f.strip_prefix(&src).unwrap().display().to_string();
        let entry = out.entry(from.clone()).or_default();
        for (at, _) in code.match_indices("crate::") {
            let to: String = code[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // a module, not a macro exported at the root (`crate::meta!`)
            let is_module = src.join(format!("{to}.rs")).exists() || src.join(&to).is_dir();
            if is_module && to != from {
                entry.entry(to).or_insert_with(|| rel.clone());
            }
        }
    }
    out
}

#[test]
fn the_comment_and_string_stripper_keeps_code_only() {
    let code = code_only(
        "use crate::a; // crate::b\n/* crate::c /* nested */ crate::d */ let s = \"crate::e\"; let r = r#\"crate::f\"#; let c = '\"'; fn x<'a>(v: &'a crate::g) {}",
    );
    assert!(code.contains("crate::a"));
    assert!(code.contains("crate::g"));
    for gone in ["crate::b", "crate::c", "crate::d", "crate::e", "crate::f"] {
        assert!(!code.contains(gone), "{gone} in {code}");
    }
}

#[test]
fn modules_only_use_modules_below_them() {
    let mut wrong = Vec::new();
    for (from, tos) in edges() {
        let Some(rf) = rank(&from) else {
            wrong.push(format!("`{from}` is in no layer: add it to LAYERS"));
            continue;
        };
        for (to, file) in tos {
            match rank(&to) {
                None => wrong.push(format!("`{to}` (used by {file}) is in no layer")),
                Some(rt) if rt >= rf => wrong.push(format!(
                    "{file} (`{from}`) uses `{to}`, which is not below it"
                )),
                Some(_) => {}
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_module_graph_has_no_cycle() {
    // the layering above implies it; this says which cycle, should LAYERS ever be loosened
    let g = edges();
    fn visit(
        m: &str,
        g: &BTreeMap<String, BTreeMap<String, String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == m) {
            let mut cycle = path[i..].to_vec();
            cycle.push(m.to_string());
            return Some(cycle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        let tos: Vec<String> = g
            .get(m)
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default();
        for to in tos {
            if let Some(c) = visit(&to, g, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in g.keys() {
        if let Some(c) = visit(m, &g, &mut Vec::new(), &mut done) {
            panic!("import cycle: {}", c.join(" → "));
        }
    }
}
#[test]
fn rules_do_not_read_file_text() {
    // a rule reads the model's facts; the text of a file is the parsers' and the model's
    // business. `p.file(..)`/`p.files` would hand a rule a whole `SourceFile`.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut wrong = Vec::new();
    for f in files {
        let code = code_only(&fs::read_to_string(&f).unwrap());
        for needle in [".file(", ".files", ".slice(", "fs::", "read_to_string"] {
            for (line, l) in code.lines().enumerate() {
                if l.contains(needle) {
                    wrong.push(format!("{}:{}: `{needle}`", f.display(), line + 1));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
