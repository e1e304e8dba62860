//! Helpers shared by integration tests that run the engine on a small tree written to a
//! temporary directory.

use std::fs;
use twelve::engine;
use twelve::settings::Settings;

/// A finding as a test compares it: message, line of its primary location (0 for a
/// repository-level one) and how many related locations it has.
#[allow(dead_code)] // each test binary reads the fields it needs
#[derive(Debug)]
pub struct Found {
    pub message: String,
    pub line: usize,
    pub related: usize,
}

/// Write `files` into a fresh git work tree and return the findings of rule `code`.
pub fn findings(files: &[(&str, &str)], code: &str) -> Vec<Found> {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let p = dir.path().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    fs::create_dir_all(dir.path().join(".git")).unwrap();
    let settings = Settings {
        select: Some(vec![code.to_string()]),
        preview: true,
        ..Settings::default()
    };
    let o = engine::run(dir.path(), &settings);
    o.diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| Found {
            message: d.message.clone(),
            line: d
                .primary
                .as_ref()
                .map(|l| {
                    o.project
                        .file(l.origin.file)
                        .line_col(l.origin.span.start())
                        .0
                })
                .unwrap_or(0),
            related: d.secondary.len(),
        })
        .collect()
}
