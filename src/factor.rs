//! The twelve factors as twelve names them: numbers, slugs, titles and numerals, and the
//! selectors a user writes for them (`config`, `3`, `III`, `all`). A leaf: everything else
//! may use it, it uses nothing of the crate.

/// The twelve factors, plus the tool itself (0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Factor(pub u8);

pub const FACTORS: [(&str, &str); 13] = [
    ("tool", "The tool itself"),
    ("codebase", "I. Codebase"),
    ("dependencies", "II. Dependencies"),
    ("config", "III. Config"),
    ("backing-services", "IV. Backing services"),
    ("build-release-run", "V. Build, release, run"),
    ("processes", "VI. Processes"),
    ("port-binding", "VII. Port binding"),
    ("concurrency", "VIII. Concurrency"),
    ("disposability", "IX. Disposability"),
    ("dev-prod-parity", "X. Dev/prod parity"),
    ("logs", "XI. Logs"),
    ("admin-processes", "XII. Admin processes"),
];

impl Factor {
    pub fn slug(self) -> &'static str {
        FACTORS[self.0 as usize].0
    }
    pub fn title(self) -> &'static str {
        FACTORS[self.0 as usize].1
    }
}

/// Parse a factor selector for a gate: its slug (`config`), number (`3`) or numeral (`III`);
/// `all` names every factor.
pub fn parse_factor(s: &str) -> Option<Vec<Factor>> {
    const ROMAN: [&str; 12] = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ];
    let s = s.trim();
    if s.eq_ignore_ascii_case("all") {
        return Some((1..=12).map(Factor).collect());
    }
    if let Some(i) = FACTORS.iter().skip(1).position(|(slug, _)| *slug == s) {
        return Some(vec![Factor(i as u8 + 1)]);
    }
    if let Ok(n) = s.parse::<u8>()
        && (1..=12).contains(&n)
    {
        return Some(vec![Factor(n)]);
    }
    ROMAN
        .iter()
        .position(|r| r.eq_ignore_ascii_case(s))
        .map(|i| vec![Factor(i as u8 + 1)])
}

/// Factor names accepted by [`parse_factor`] (for "did you mean").
pub fn factor_names() -> Vec<&'static str> {
    FACTORS
        .iter()
        .skip(1)
        .map(|(s, _)| *s)
        .chain(["all"])
        .collect()
}

/// Roman numeral of a factor (I–XII).
pub fn numeral(f: Factor) -> &'static str {
    f.title().split('.').next().unwrap_or("")
}

/// A factor's name without its numeral ("Config").
pub fn factor_name(f: Factor) -> &'static str {
    f.title()
        .split_once(". ")
        .map(|(_, n)| n)
        .unwrap_or(f.title())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factor_selectors() {
        assert_eq!(parse_factor("config"), Some(vec![Factor(3)]));
        assert_eq!(parse_factor("III"), Some(vec![Factor(3)]));
        assert_eq!(parse_factor("xi"), Some(vec![Factor(11)]));
        assert_eq!(parse_factor("12"), Some(vec![Factor(12)]));
        assert_eq!(parse_factor("all").map(|v| v.len()), Some(12));
        assert_eq!(parse_factor("tool"), None);
        assert_eq!(parse_factor("13"), None);
        assert_eq!(numeral(Factor(8)), "VIII");
        assert_eq!(factor_name(Factor(5)), "Build, release, run");
    }
}
