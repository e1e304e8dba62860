//! JUnit XML for CI test dashboards: a test suite per factor, a test case per check that ran
//! (it fails with its findings), so a dashboard shows which checks passed, like a scorecard.

use super::position;
use crate::outcome::Outcome;
use crate::rules::{self, Factor};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::collections::BTreeMap;

pub fn render(outcomes: &[Outcome]) -> String {
    // code → (factor, name, findings as lines)
    let mut cases: BTreeMap<&str, (Factor, &str, Vec<String>)> = BTreeMap::new();
    for o in outcomes {
        for c in &o.checks {
            cases
                .entry(c.meta.code)
                .or_insert((c.meta.factor, c.meta.name, Vec::new()));
        }
        for d in &o.diagnostics {
            let factor = rules::find(d.code).map_or(Factor(0), |r| r.meta().factor);
            let line = match position(o, d) {
                Some((p, l, c)) => format!("{p}:{l}:{c}: [{}] {}", d.severity.as_str(), d.message),
                None => format!("[{}] {}", d.severity.as_str(), d.message),
            };
            // XML 1.0 has no way to write some characters (U+FFFE, most controls)
            cases
                .entry(d.code)
                .or_insert((factor, d.name, Vec::new()))
                .2
                .push(crate::text::xml_safe(&line).into_owned());
        }
    }
    let mut suites: BTreeMap<Factor, TestSuite> = BTreeMap::new();
    for (code, (factor, name, findings)) in cases {
        let status = if findings.is_empty() {
            TestCaseStatus::success()
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(format!(
                "{} finding{}",
                findings.len(),
                if findings.len() == 1 { "" } else { "s" }
            ));
            s.set_type(code);
            s.set_description(findings.join("\n"));
            s
        };
        let mut case = TestCase::new(format!("{code} {name}"), status);
        case.set_classname(format!("twelve.{}", factor.slug()));
        suites
            .entry(factor)
            .or_insert_with(|| TestSuite::new(factor.title()))
            .add_test_case(case);
    }
    let mut report = Report::new("twelve");
    report.add_test_suites(suites.into_values());
    report
        .to_string()
        .unwrap_or_else(|e| format!("<!-- junit: {e} -->\n"))
}
