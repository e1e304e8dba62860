//! "Did you mean": the closest known name to a word a user mistyped (a rule code, a factor,
//! a config key, a component kind). A leaf module.

/// The closest candidate, if it is close enough to be a likely typo.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // no name is this long: a longer word is no typo of one, and costs length² to compare
    if word.len() > 64 {
        return None;
    }
    candidates
        .into_iter()
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3) || (word.len() >= 3 && c.starts_with(word)))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}
