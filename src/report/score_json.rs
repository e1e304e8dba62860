//! The scorecard as JSON, format version 1: the scores and every input of the formula (which
//! checks applied, their weights, which passed), so anyone can recompute them. Documented in
//! README.md ("Scorecard JSON").

use crate::outcome::Outcome;
use crate::score::{self, FactorScore, Scorecard, Scorecards};
use serde::Serialize;

pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Report {
    version: u32,
    kind: &'static str,
    tool: super::json::Tool,
    formula: Formula,
    repository: Card,
    apps: Vec<Card>,
    unparsed_files: usize,
    notices: Vec<super::json::Notice>,
}

#[derive(Serialize)]
struct Formula {
    weights: Weights,
    factor: &'static str,
    overall: &'static str,
    grades: Grades,
}

#[derive(Serialize)]
struct Weights {
    error: u32,
    warning: u32,
    info: u32,
}

#[derive(Serialize)]
#[allow(non_snake_case)]
struct Grades {
    A: u32,
    B: u32,
    C: u32,
    D: u32,
    F: u32,
}

/// A scorecard: overall score (rounded, as shown), the exact mean, grade, factors.
#[derive(Serialize)]
pub(crate) struct Card {
    name: String,
    score: Option<u32>,
    exact: Option<f64>,
    grade: Option<&'static str>,
    checks: Counts,
    factors: Vec<Factor>,
}

#[derive(Serialize)]
struct Counts {
    passed: usize,
    failed: usize,
}

#[derive(Serialize)]
struct Factor {
    number: u8,
    numeral: &'static str,
    slug: &'static str,
    title: &'static str,
    applicable: bool,
    score: Option<f64>,
    passed_weight: u32,
    total_weight: u32,
    checks: Vec<Check>,
}

#[derive(Serialize)]
struct Check {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    weight: u32,
    passed: bool,
    findings: usize,
}

fn factor(f: &FactorScore) -> Factor {
    Factor {
        number: f.factor.0,
        numeral: crate::factor::numeral(f.factor),
        slug: f.factor.slug(),
        title: f.factor.title(),
        applicable: f.applicable(),
        score: f.tenths().map(|t| f64::from(t) / 10.0),
        passed_weight: f.passed_weight(),
        total_weight: f.total_weight(),
        checks: f
            .checks
            .iter()
            .map(|c| Check {
                code: c.meta.code,
                name: c.meta.name,
                severity: c.severity.as_str(),
                weight: c.weight(),
                passed: c.passed(),
                findings: c.findings,
            })
            .collect(),
    }
}

pub(crate) fn card(c: &Scorecard) -> Card {
    Card {
        name: c.name.clone(),
        score: c.overall(),
        // rounded to 2 decimals so the bytes do not depend on float formatting details
        exact: c.exact().map(|e| (e * 100.0).round() / 100.0),
        grade: c.grade().map(|g| g.as_str()),
        checks: Counts {
            passed: c.passed(),
            failed: c.failed(),
        },
        factors: c.factors.iter().map(factor).collect(),
    }
}

pub fn render(outcomes: &[Outcome], cards: &Scorecards) -> String {
    let report = Report {
        version: VERSION,
        kind: "scorecard",
        tool: super::json::tool(),
        formula: Formula {
            weights: Weights {
                error: score::weight(crate::diagnostic::Severity::Error),
                warning: score::weight(crate::diagnostic::Severity::Warning),
                info: score::weight(crate::diagnostic::Severity::Info),
            },
            factor: "10 * passed_weight / total_weight; n/a when total_weight is 0",
            overall: "10 * mean of the applicable factors' exact scores, rounded half up",
            grades: Grades {
                A: 90,
                B: 80,
                C: 70,
                D: 60,
                F: 0,
            },
        },
        repository: card(&cards.repository),
        apps: cards.apps.iter().map(card).collect(),
        unparsed_files: cards.unparsed,
        notices: super::json::notices(outcomes),
    };
    let mut s =
        serde_json::to_string_pretty(&report).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
