//! Baselines: today's findings recorded by fingerprint (rule, file, the text of the line,
//! message; no line number), so that a legacy repository adopts twelve with exit 0 and fails
//! on the next new violation only.

use crate::outcome::Outcome;
use crate::report::{Masked, fingerprints};
use foldhash::HashMap;
use serde::{Deserialize, Serialize};

pub const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

/// One recorded finding; `code`, `path` and `message` are for the reader, the fingerprint is
/// what matches.
#[derive(Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    code: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    message: String,
}

/// The baseline file for the findings of these outcomes.
pub fn write(outcomes: &[Outcome]) -> String {
    let mut findings = Vec::new();
    for o in outcomes {
        let m = Masked::new(o);
        let fps = fingerprints(o, &m, &o.diagnostics);
        for (d, fp) in o.diagnostics.iter().zip(fps) {
            findings.push(Entry {
                fingerprint: fp,
                code: d.code.to_string(),
                path: d
                    .file()
                    .map(|f| o.project.rel(f).to_string())
                    .unwrap_or_default(),
                message: d.message.clone(),
            });
        }
    }
    let mut s = serde_json::to_string_pretty(&File {
        version: VERSION,
        findings,
    })
    .unwrap_or_default();
    s.push('\n');
    s
}

/// A baseline read from its file: how many times each fingerprint was recorded.
pub struct Baseline {
    counts: HashMap<String, usize>,
}

impl Baseline {
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let f: File = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if f.version != VERSION {
            return Err(format!(
                "baseline version {} (this twelve reads version {VERSION})",
                f.version
            ));
        }
        let mut counts = HashMap::default();
        for e in f.findings {
            *counts.entry(e.fingerprint).or_insert(0) += 1;
        }
        Ok(Baseline { counts })
    }

    /// Take the recorded findings out of the outcomes (each recorded one matches once).
    pub fn apply(mut self, outcomes: &mut [Outcome]) {
        for o in outcomes {
            let m = Masked::new(o);
            let fps = fingerprints(o, &m, &o.diagnostics);
            let keep: Vec<bool> = fps
                .iter()
                .zip(&o.diagnostics)
                .map(|(fp, d)| match self.counts.get_mut(fp) {
                    // an internal fault is never baselined away
                    Some(n) if *n > 0 && d.code != crate::fault::CODE => {
                        *n -= 1;
                        false
                    }
                    _ => true,
                })
                .collect();
            drop(m);
            let before = o.diagnostics.len();
            let mut it = keep.iter();
            o.diagnostics.retain(|_| *it.next().unwrap_or(&true));
            o.baselined += before - o.diagnostics.len();
        }
    }
}
