//! Scoring: a pure function from the checks that applied and the findings that survived to a
//! scorecard, per the published formula (README, "Scoring"):
//!
//! - every enabled rule whose inputs exist in the project is a *check*; it passes when it has no
//!   finding;
//! - a factor scores `10 × Σweight(passed) / Σweight(applicable)` with weights error 3,
//!   warning 2, info 1 (the rule's configured severity); a factor with no check is n/a;
//! - the overall score is the mean of the applicable factor scores × 10, rounded half up only
//!   for display, and graded A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F.
//!
//! Per app, the checks that judge something the app has (its Dockerfile, compose services,
//! Kubernetes workloads, code, manifests; repository-wide checks count for every app) are
//! scored against the findings attributed to that app plus those attributed to no app (the
//! repository's own). The tool's own checks (TF0001…) are not part
//! of any factor and are not scored.

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Project;
use crate::outcome::{Check, Outcome};
use crate::rules::{FACTORS, Factor, Input, Meta};
use foldhash::HashMap;

/// The weight of a check of this severity.
pub fn weight(s: Severity) -> u32 {
    match s {
        Severity::Error => 3,
        Severity::Warning => 2,
        Severity::Info => 1,
    }
}

/// One check's result on one scorecard.
#[derive(Clone, Debug)]
pub struct CheckResult {
    pub meta: &'static Meta,
    pub severity: Severity,
    /// Findings of this check that count against the scorecard.
    pub findings: usize,
}

impl CheckResult {
    pub fn passed(&self) -> bool {
        self.findings == 0
    }
    pub fn weight(&self) -> u32 {
        weight(self.severity)
    }
}

#[derive(Clone, Debug)]
pub struct FactorScore {
    pub factor: Factor,
    /// In code order.
    pub checks: Vec<CheckResult>,
}

impl FactorScore {
    pub fn passed_weight(&self) -> u32 {
        self.checks
            .iter()
            .filter(|c| c.passed())
            .map(CheckResult::weight)
            .sum()
    }
    pub fn total_weight(&self) -> u32 {
        self.checks.iter().map(CheckResult::weight).sum()
    }
    pub fn applicable(&self) -> bool {
        self.total_weight() > 0
    }
    /// The score in tenths (0–100, i.e. 0.0–10.0), rounded half up; `None` when n/a.
    pub fn tenths(&self) -> Option<u32> {
        let (p, t) = (self.passed_weight(), self.total_weight());
        (t > 0).then(|| (200 * p + t) / (2 * t))
    }
    /// The score as shown: one decimal.
    pub fn display(&self) -> String {
        match self.tenths() {
            Some(t) => format!("{}.{}", t / 10, t % 10),
            None => "n/a".into(),
        }
    }
    pub fn passed(&self) -> usize {
        self.checks.iter().filter(|c| c.passed()).count()
    }
    pub fn failed(&self) -> usize {
        self.checks.len() - self.passed()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grade {
    A,
    B,
    C,
    D,
    F,
}

impl Grade {
    pub fn of(score: u32) -> Grade {
        match score {
            90.. => Grade::A,
            80..=89 => Grade::B,
            70..=79 => Grade::C,
            60..=69 => Grade::D,
            _ => Grade::F,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
            Grade::F => "F",
        }
    }
}

/// The scorecard of the repository or of one app.
#[derive(Clone, Debug)]
pub struct Scorecard {
    pub name: String,
    /// Factors I–XII, in order (n/a ones included).
    pub factors: Vec<FactorScore>,
}

impl Scorecard {
    /// Score the checks against a count of findings per rule code.
    pub fn new(name: String, checks: &[Check], findings: impl Fn(&str) -> usize) -> Scorecard {
        let factors = (1..FACTORS.len() as u8)
            .map(|f| FactorScore {
                factor: Factor(f),
                checks: {
                    let mut v: Vec<CheckResult> = checks
                        .iter()
                        .filter(|c| c.meta.factor == Factor(f))
                        .map(|c| CheckResult {
                            meta: c.meta,
                            severity: c.severity,
                            findings: findings(c.meta.code),
                        })
                        .collect();
                    v.sort_by_key(|c| c.meta.code);
                    v.dedup_by_key(|c| c.meta.code);
                    v
                },
            })
            .collect();
        Scorecard { name, factors }
    }

    pub fn applicable(&self) -> impl Iterator<Item = &FactorScore> {
        self.factors.iter().filter(|f| f.applicable())
    }

    /// The overall score 0–100, rounded half up from the exact mean; `None` when no factor
    /// applies. Computed in integers so that a mean of exactly x.5 always rounds up.
    pub fn overall(&self) -> Option<u32> {
        let fs: Vec<(u128, u128)> = self
            .applicable()
            .map(|f| (u128::from(f.passed_weight()), u128::from(f.total_weight())))
            .collect();
        if fs.is_empty() {
            return None;
        }
        // 100/n × Σ pᵢ/tᵢ over the common denominator n × Π tᵢ (≤ 12 factors, tᵢ ≤ 200: fits)
        let prod: u128 = fs.iter().map(|(_, t)| t).product();
        let num: u128 = fs.iter().map(|(p, t)| 100 * p * (prod / t)).sum();
        let den = fs.len() as u128 * prod;
        Some(((2 * num + den) / (2 * den)) as u32)
    }

    /// The exact overall score (for JSON consumers who want more than the rounded value).
    pub fn exact(&self) -> Option<f64> {
        let v: Vec<f64> = self
            .applicable()
            .map(|f| f64::from(f.passed_weight()) / f64::from(f.total_weight()))
            .collect();
        (!v.is_empty()).then(|| 100.0 * v.iter().sum::<f64>() / v.len() as f64)
    }

    pub fn grade(&self) -> Option<Grade> {
        self.overall().map(Grade::of)
    }

    pub fn checks(&self) -> impl Iterator<Item = &CheckResult> {
        self.factors.iter().flat_map(|f| &f.checks)
    }

    pub fn passed(&self) -> usize {
        self.checks().filter(|c| c.passed()).count()
    }

    pub fn failed(&self) -> usize {
        self.checks().filter(|c| !c.passed()).count()
    }

    /// The factor by number (1–12).
    pub fn factor(&self, n: u8) -> Option<&FactorScore> {
        self.factors.iter().find(|f| f.factor.0 == n)
    }

    /// "72/100 (C)", or "n/a".
    pub fn headline(&self) -> String {
        match (self.overall(), self.grade()) {
            (Some(s), Some(g)) => format!("{s}/100 ({})", g.as_str()),
            _ => "n/a".into(),
        }
    }
}

/// The model's index of the inputs an app has, for a check's `inputs`.
fn app_has(p: &Project, ai: usize, inputs: &[Input]) -> bool {
    let Some(has) = p.ownership.inputs.get(ai) else {
        return false;
    };
    inputs.is_empty()
        || inputs.iter().any(|i| match i {
            Input::Dockerfile => has.dockerfile,
            Input::Compose => has.compose,
            Input::Kubernetes => has.kubernetes,
            Input::Source => has.source,
            Input::Manifest => has.manifest,
        })
}

/// The scorecards of one run: the repository (all given paths together) and each app.
pub struct Scorecards {
    pub repository: Scorecard,
    pub apps: Vec<Scorecard>,
    /// Files that could not be parsed (their content was not checked).
    pub unparsed: usize,
    /// Failed checks of the repository with findings no app owns (a committed `.env`, a
    /// backing service's compose entry, the repository not in git), and how many: they lower
    /// the repository's score and no app's, which is why the repository can score below
    /// every app.
    pub unowned: Vec<(&'static Meta, usize)>,
}

impl Scorecards {
    /// Why the repository's score stands apart from the apps' scores, for the place both are
    /// shown; `None` when no finding is the repository's alone.
    pub fn repository_note(&self) -> Option<String> {
        if self.apps.len() < 2 || self.unowned.is_empty() {
            return None;
        }
        let what: Vec<String> = self
            .unowned
            .iter()
            .map(|(m, n)| format!("{} {} ({n})", m.code, m.name))
            .collect();
        Some(format!(
            "The repository's score counts every check across the whole tree; an app's counts \
             only what judges its own files. Findings no app owns lower the repository's score \
             alone: {}.",
            what.join(", ")
        ))
    }
}

impl Scorecards {
    /// The repository's scorecard and every app's.
    pub fn new(outcomes: &[Outcome]) -> Scorecards {
        Scorecards::build(outcomes, true)
    }

    /// The repository's scorecard alone (what `check` reports and gates on): no app's card,
    /// no findings told apart by owner. A 5,000-app monorepo's app cards are 10 MB.
    pub fn repository_only(outcomes: &[Outcome]) -> Scorecards {
        Scorecards::build(outcomes, false)
    }

    fn build(outcomes: &[Outcome], per_app: bool) -> Scorecards {
        let checks: Vec<Check> = outcomes
            .iter()
            .flat_map(|o| o.checks.iter().copied())
            .collect();
        let count = |code: &str, ds: &mut dyn Iterator<Item = &Diagnostic>| {
            ds.filter(|d| d.code == code).count()
        };
        let name = match outcomes {
            [o] => repo_name(o),
            _ => outcomes
                .iter()
                .map(repo_name)
                .collect::<Vec<_>>()
                .join(", "),
        };
        let repository = Scorecard::new(name, &checks, |code| {
            count(code, &mut outcomes.iter().flat_map(|o| &o.diagnostics))
        });
        let mut apps = Vec::new();
        let mut unowned: std::collections::BTreeMap<&'static str, usize> = Default::default();
        for o in outcomes.iter().filter(|_| per_app) {
            for d in &o.diagnostics {
                let owner = d
                    .primary
                    .as_ref()
                    .and_then(|l| o.project.owner_of(&l.origin));
                if owner.is_none() {
                    *unowned.entry(d.code).or_insert(0) += 1;
                }
            }
            // findings per rule, by owning app (`None`: the repository's, counted for every app)
            let mut counts: HashMap<(Option<usize>, &str), usize> = HashMap::default();
            for d in &o.diagnostics {
                *counts
                    .entry((
                        d.primary
                            .as_ref()
                            .and_then(|l| o.project.owner_of(&l.origin)),
                        d.code,
                    ))
                    .or_insert(0) += 1;
            }
            let found =
                |owner: Option<usize>, code: &str| counts.get(&(owner, code)).copied().unwrap_or(0);
            for (ai, app) in o.project.apps.iter().enumerate() {
                let mut name = app.name.clone();
                // apps of one name (a service in several compose files) are told apart by
                // where they are defined
                if o.project.apps.iter().filter(|a| a.name == app.name).count() > 1 {
                    name = format!("{name} ({})", app_place(&o.project, app));
                }
                if outcomes.len() > 1 {
                    name = format!("{}: {name}", o.display_root.display());
                }
                // the checks that judge something this app has (or that found something in it)
                let checks: Vec<Check> = o
                    .checks
                    .iter()
                    .filter(|c| {
                        app_has(&o.project, ai, c.inputs) || found(Some(ai), c.meta.code) > 0
                    })
                    .copied()
                    .collect();
                apps.push(Scorecard::new(name, &checks, |code| {
                    found(None, code) + found(Some(ai), code)
                }));
            }
        }
        let unowned = repository
            .checks()
            .filter(|c| !c.passed())
            .filter_map(|c| unowned.get(c.meta.code).map(|n| (c.meta, *n)))
            .collect();
        Scorecards {
            repository,
            apps,
            unparsed: outcomes.iter().map(|o| o.project.parse_errors.len()).sum(),
            unowned,
        }
    }
}

/// Where an app is defined, for telling apps of one name apart: its Dockerfile, else its
/// first compose file or Kubernetes manifest.
fn app_place(p: &Project, app: &crate::model::App) -> String {
    if let Some(di) = app.dockerfile {
        return p.rel(p.dockerfiles[di].file).to_string();
    }
    if let Some((ci, _)) = app.compose.first() {
        return p.rel(p.compose[*ci].file).to_string();
    }
    if let Some((oi, _)) = app.k8s.first() {
        return p.rel(p.k8s[*oi].file).to_string();
    }
    "?".into()
}

/// A display name for a scanned path: the directory's own name.
fn repo_name(o: &Outcome) -> String {
    let abs = o
        .project
        .root
        .canonicalize()
        .unwrap_or(o.project.root.clone());
    abs.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| o.display_root.display().to_string())
}

/// A score gate that was missed, worded for the user.
pub fn gate_failures(card: &Scorecard, gates: &Gates) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(min) = gates.min_score {
        match card.overall() {
            Some(s) if s >= min => {}
            Some(s) => out.push(format!(
                "score {s}/100 ({}) is below the minimum score {min}",
                Grade::of(s).as_str()
            )),
            None => out.push(format!(
                "no factor applies to this repository, so there is no score to meet the minimum score {min}"
            )),
        }
    }
    for (f, min_tenths) in &gates.min_factor {
        let Some(fs) = card.factor(f.0) else { continue };
        if let Some(t) = fs.tenths()
            && t < *min_tenths
        {
            out.push(format!(
                "factor {} scored {}, below its minimum {}.{}",
                f.title(),
                fs.display(),
                min_tenths / 10,
                min_tenths % 10
            ));
        }
    }
    out
}

/// Score gates: the overall minimum (0–100) and per-factor minimums in tenths (0–100).
#[derive(Clone, Debug, Default)]
pub struct Gates {
    pub min_score: Option<u32>,
    pub min_factor: Vec<(Factor, u32)>,
}

impl Gates {
    pub fn is_empty(&self) -> bool {
        self.min_score.is_none() && self.min_factor.is_empty()
    }
    /// Set the minimum of these factors, replacing earlier ones (a later, more specific setting
    /// wins over `all`); kept in factor order.
    pub fn set_factor_minimums(&mut self, factors: &[Factor], tenths: u32) {
        for f in factors {
            self.min_factor.retain(|(g, _)| g != f);
            self.min_factor.push((*f, tenths));
        }
        self.min_factor.sort_by_key(|(f, _)| *f);
    }
    /// Command-line gates override the config file's, factor by factor.
    pub fn overridden_by(mut self, cli: Gates) -> Gates {
        if cli.min_score.is_some() {
            self.min_score = cli.min_score;
        }
        for (f, t) in cli.min_factor {
            self.set_factor_minimums(&[f], t);
        }
        self
    }
}

/// A factor minimum (0–10, one decimal) in tenths.
pub fn parse_factor_minimum(v: f64) -> Option<u32> {
    (v.is_finite() && (0.0..=10.0).contains(&v)).then(|| (v * 10.0).round() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::registry;

    fn meta(code: &str) -> &'static Meta {
        registry()
            .into_iter()
            .find(|r| r.meta().code == code)
            .unwrap()
            .meta()
    }

    fn check(code: &str, s: Severity) -> Check {
        Check {
            meta: meta(code),
            severity: s,
            inputs: &[],
        }
    }

    #[test]
    fn weights_by_severity() {
        // factor III (config): an error check failed, a warning and an info check passed
        let checks = [
            check("TF0301", Severity::Error),
            check("TF0302", Severity::Warning),
            check("TF0304", Severity::Info),
        ];
        let card = Scorecard::new("r".into(), &checks, |c| usize::from(c == "TF0301"));
        let f = card.factor(3).unwrap();
        assert_eq!((f.passed_weight(), f.total_weight()), (3, 6));
        assert_eq!(f.tenths(), Some(50));
        // the only applicable factor: overall = 5.0 × 10
        assert_eq!(card.overall(), Some(50));
        assert_eq!(card.grade(), Some(Grade::F));
        // a config override to info changes the weight: 1 failed of 4... no, 5 total
        let checks = [
            check("TF0301", Severity::Info),
            check("TF0302", Severity::Warning),
            check("TF0304", Severity::Info),
        ];
        let card = Scorecard::new("r".into(), &checks, |c| usize::from(c == "TF0301"));
        assert_eq!(card.factor(3).unwrap().tenths(), Some(75));
    }

    #[test]
    fn na_factors_are_left_out() {
        let checks = [
            check("TF0301", Severity::Error),
            check("TF1101", Severity::Warning),
        ];
        let card = Scorecard::new("r".into(), &checks, |c| usize::from(c == "TF1101"));
        assert_eq!(card.applicable().count(), 2);
        assert_eq!(card.factor(1).unwrap().tenths(), None);
        assert_eq!(card.factor(1).unwrap().display(), "n/a");
        // (10 + 0) / 2 × 10, not divided by 12
        assert_eq!(card.overall(), Some(50));
        let none = Scorecard::new("r".into(), &[], |_| 0);
        assert_eq!(none.overall(), None);
        assert_eq!(none.grade(), None);
        assert_eq!(none.headline(), "n/a");
    }

    #[test]
    fn rounding_is_half_up_and_exact() {
        // factor scores 10, 10, 10 and 2/3 (6.67): mean 9.1667 → 92
        let checks = [
            check("TF0101", Severity::Warning),
            check("TF0201", Severity::Warning),
            check("TF0301", Severity::Warning),
            check("TF0401", Severity::Warning),
            check("TF0402", Severity::Info),
        ];
        let card = Scorecard::new("r".into(), &checks, |c| usize::from(c == "TF0402"));
        assert_eq!(card.factor(4).unwrap().tenths(), Some(67));
        assert_eq!(card.overall(), Some(92));
        // exactly 87.5 rounds up to 88 (binary floating point would not guarantee it)
        let checks = [
            check("TF0101", Severity::Warning),
            check("TF0201", Severity::Warning),
            check("TF0202", Severity::Warning),
            check("TF0203", Severity::Warning),
            check("TF0204", Severity::Warning),
        ];
        // factor I: 10; factor II: 3 of 4 passed = 7.5 → mean 8.75 → 87.5 → 88
        let card = Scorecard::new("r".into(), &checks, |c| usize::from(c == "TF0204"));
        assert_eq!(card.factor(2).unwrap().display(), "7.5");
        assert_eq!(card.overall(), Some(88));
        assert_eq!(card.grade(), Some(Grade::B));
        assert!((card.exact().unwrap() - 87.5).abs() < 1e-9);
    }

    #[test]
    fn grades() {
        assert_eq!(Grade::of(100), Grade::A);
        assert_eq!(Grade::of(90), Grade::A);
        assert_eq!(Grade::of(89), Grade::B);
        assert_eq!(Grade::of(70), Grade::C);
        assert_eq!(Grade::of(60), Grade::D);
        assert_eq!(Grade::of(59), Grade::F);
    }

    #[test]
    fn factor_minimums() {
        assert_eq!(parse_factor_minimum(7.5), Some(75));
        assert_eq!(parse_factor_minimum(10.5), None);
    }

    #[test]
    fn gates_name_the_factor() {
        let checks = [
            check("TF0301", Severity::Error),
            check("TF0302", Severity::Warning),
            check("TF1101", Severity::Warning),
        ];
        let card = Scorecard::new("r".into(), &checks, |c| usize::from(c == "TF0301"));
        // III: 2/5 = 4.0; XI: 10 → 70
        let g = Gates {
            min_score: Some(71),
            min_factor: vec![(Factor(3), 50), (Factor(11), 100), (Factor(1), 100)],
        };
        let f = gate_failures(&card, &g);
        assert_eq!(f.len(), 2, "{f:?}");
        assert!(
            f[0].contains("70/100 (C)") && f[0].contains("71"),
            "{}",
            f[0]
        );
        assert!(
            f[1].contains("III. Config") && f[1].contains("4.0") && f[1].contains("5.0"),
            "{}",
            f[1]
        );
        // met gates, and n/a factor I is not held against the repository
        let g = Gates {
            min_score: Some(70),
            min_factor: vec![(Factor(3), 40), (Factor(1), 100)],
        };
        assert!(gate_failures(&card, &g).is_empty());
    }
}
