//! `twelve.toml` / `.twelve.toml`: found from the scanned path upward; unknown keys and bad
//! values are errors located at the key, with the closest valid name suggested.

use crate::diagnostic::Severity;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Rules to run: codes, code prefixes (`TF03`), names, factor names, or `ALL`.
    pub select: Option<Vec<String>>,
    /// Rules not to run (same selectors).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity per rule code or name.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    /// Lowest severity that fails the run: error, warning, info, never.
    pub fail_on: Option<String>,
    /// Run preview rules too.
    pub preview: Option<bool>,
    /// Extra globs to leave out of the walk.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Check generated and bundled source too (protobuf stubs, minified JavaScript).
    pub include_generated: Option<bool>,
    /// Extra directories that count as test/example/doc trees.
    #[serde(default)]
    pub test_paths: Vec<String>,
    /// Rules ignored in files matching a glob (root-relative): files you cannot edit.
    #[serde(default)]
    pub per_path_ignores: BTreeMap<String, Vec<String>>,
    /// Lowest acceptable overall score (0–100): below it the run fails.
    pub min_score: Option<Number>,
    /// Lowest acceptable score (0–10) per factor: slug (`config`), numeral (`III`) or `all`.
    #[serde(default)]
    pub min_factor_score: BTreeMap<String, Number>,
    /// The kind of a component, where twelve's own reading is wrong: `"compose.yaml:db" =
    /// "backing"`. Keys are as `twelve model` prints them.
    #[serde(default)]
    pub components: BTreeMap<String, String>,
    /// The file this configuration was read from, and its text: to locate a `[components]` key
    /// that names no component, once the repository is read.
    #[serde(skip)]
    pub source: Option<(PathBuf, String)>,
}

/// A TOML number, integer or float (`8` and `7.5` both read as a score).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged)]
pub enum Number {
    Int(i64),
    Float(f64),
}

impl Number {
    pub fn value(self) -> f64 {
        match self {
            Number::Int(i) => i as f64,
            Number::Float(f) => f,
        }
    }
}

/// A configuration problem, located in the config file.
#[derive(Debug, Clone)]
pub struct ConfigError {
    pub path: PathBuf,
    pub text: String,
    pub span: Option<std::ops::Range<usize>>,
    pub message: String,
    pub help: Option<String>,
}

pub const CONFIG_NAMES: [&str; 2] = ["twelve.toml", ".twelve.toml"];
const KEYS: &[&str] = &[
    "select",
    "ignore",
    "severity",
    "fail-on",
    "preview",
    "exclude",
    "include-generated",
    "test-paths",
    "min-score",
    "min-factor-score",
    "per-path-ignores",
    "components",
];

/// Find the config file for `start`: the nearest `twelve.toml` or `.twelve.toml` upward.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let abs = start.canonicalize().ok()?;
    let mut dir = if abs.is_file() {
        abs.parent()?.to_path_buf()
    } else {
        abs
    };
    loop {
        for n in CONFIG_NAMES {
            let c = dir.join(n);
            // whatever it is (a link, a FIFO): `load_found` decides whether to read it
            if std::fs::symlink_metadata(&c).is_ok_and(|m| !m.is_dir()) {
                return Some(c);
            }
        }
        if !dir.pop() {
            return None;
        }
    }
}

pub use crate::suggest::suggest;

/// Largest config file read.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Load a config file named with `--config`: the user chose it, whatever it is.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let bad = |message: String| ConfigError {
        path: path.to_path_buf(),
        text: String::new(),
        span: None,
        message,
        help: None,
    };
    let mut bytes = Vec::new();
    {
        use std::io::Read;
        let f = std::fs::File::open(path)
            .map_err(|e| bad(format!("cannot read the config file: {e}")))?;
        f.take(MAX_CONFIG_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| bad(format!("cannot read the config file: {e}")))?;
    }
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(bad(format!(
            "the config file is over {} KiB",
            MAX_CONFIG_BYTES >> 10
        )));
    }
    // never quote a file that is not TOML text: it may be anything a link points at
    let text = String::from_utf8(bytes)
        .ok()
        .filter(|t| {
            !t.chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        })
        .ok_or_else(|| bad("not a TOML file: it holds binary or control characters".into()))?;
    parse(path, crate::text::strip_bom(text).as_str())
}

/// Load a config file found by [`discover`] in `dir`: only a regular file inside that
/// directory is taken. A symbolic link leading elsewhere (say, to `/proc/self/environ`)
/// is refused without reading it.
pub fn load_found(path: &Path) -> Result<Config, ConfigError> {
    let refuse = |message: String, help: Option<String>| ConfigError {
        path: path.to_path_buf(),
        text: String::new(),
        span: None,
        message,
        help,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let inside = match (path.canonicalize(), dir.canonicalize()) {
        (Ok(target), Ok(dir)) => target.starts_with(dir),
        _ => false,
    };
    if !inside {
        return Err(refuse(
            "a symbolic link that leads out of its directory: twelve does not follow it".into(),
            Some("pass the file with --config to use it".into()),
        ));
    }
    crate::walk::open_regular(path).map_err(|e| {
        refuse(
            e.trim_start_matches("skipped: ").to_string(),
            Some("a config is a regular TOML file".into()),
        )
    })?;
    load(path)
}

pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let err =
        |span: Option<std::ops::Range<usize>>, message: String, help: Option<String>| ConfigError {
            path: path.to_path_buf(),
            text: text.to_string(),
            span,
            message,
            help,
        };
    let mut cfg: Config = toml::from_str(text).map_err(|e| {
        let msg = e.message().trim().to_string();
        let help = msg
            .strip_prefix("unknown field `")
            .and_then(|r| r.split('`').next())
            .and_then(|k| suggest(k, KEYS.iter().copied()))
            .map(|s| format!("did you mean `{s}`?"));
        err(e.span(), msg.lines().next().unwrap_or("").to_string(), help)
    })?;
    // values that serde cannot check
    let locate = |needle: &str| text.find(needle).map(|i| i..i + needle.len());
    if let Some(f) = &cfg.fail_on
        && !matches!(f.as_str(), "error" | "warning" | "info" | "never")
    {
        return Err(err(
            locate(&format!("\"{f}\"")),
            format!("invalid `fail-on` value `{f}`"),
            Some(match suggest(f, ["error", "warning", "info", "never"]) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "use one of: error, warning, info, never".into(),
            }),
        ));
    }
    for sel in cfg.select.iter().flatten().chain(cfg.ignore.iter()) {
        if !crate::rules::selector_is_known(sel) {
            return Err(err(
                locate(&format!("\"{sel}\"")),
                format!("unknown rule selector `{sel}`"),
                suggest(sel, crate::rules::names()).map(|s| format!("did you mean `{s}`?")),
            ));
        }
    }
    for (k, v) in &cfg.severity {
        if crate::rules::find(k).is_none() {
            return Err(err(
                locate(k),
                format!("unknown rule `{k}` in [severity]"),
                suggest(k, crate::rules::names()).map(|s| format!("did you mean `{s}`?")),
            ));
        }
        if Severity::parse(v).is_none() {
            return Err(err(
                locate(&format!("\"{v}\"")),
                format!("invalid severity `{v}` for `{k}`"),
                Some("use one of: error, warning, info".into()),
            ));
        }
    }
    for glob in &cfg.exclude {
        if let Err(e) = crate::walk::excludes(Path::new("."), std::slice::from_ref(glob)) {
            return Err(err(locate(&format!("\"{glob}\"")), e, None));
        }
    }
    for (glob, sels) in &cfg.per_path_ignores {
        if let Err(e) = globset::Glob::new(glob) {
            return Err(err(
                locate(glob),
                format!("invalid glob `{glob}` in [per-path-ignores]: {}", e.kind()),
                None,
            ));
        }
        for sel in sels {
            if !crate::rules::selector_is_known(sel) {
                return Err(err(
                    locate(&format!("\"{sel}\"")),
                    format!("unknown rule selector `{sel}` in [per-path-ignores]"),
                    suggest(sel, crate::rules::names()).map(|s| format!("did you mean `{s}`?")),
                ));
            }
        }
    }
    if let Some(n) = cfg.min_score
        && !(0.0..=100.0).contains(&n.value())
    {
        return Err(err(
            locate("min-score"),
            format!("`min-score` must be between 0 and 100, not {}", n.value()),
            None,
        ));
    }
    for (k, v) in &cfg.min_factor_score {
        if crate::factor::parse_factor(k).is_none() {
            return Err(err(
                locate(k),
                format!("unknown factor `{k}` in [min-factor-score]"),
                Some(match suggest(k, crate::factor::factor_names()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "use a factor name (`config`), its numeral (`III`) or `all`".into(),
                }),
            ));
        }
        if crate::score::parse_factor_minimum(v.value()).is_none() {
            return Err(err(
                locate(k),
                format!(
                    "a factor minimum must be between 0 and 10, not {}",
                    v.value()
                ),
                None,
            ));
        }
    }
    let kinds = || crate::model::components::Kind::ALL.map(|k| k.as_str());
    for (k, v) in &cfg.components {
        if crate::model::components::Kind::parse(v).is_none() {
            return Err(err(
                locate(&format!("\"{v}\"")),
                format!("unknown component kind `{v}` for `{k}`"),
                Some(match suggest(v, kinds()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("use one of: {}", kinds().join(", ")),
                }),
            ));
        }
    }
    cfg.source = Some((path.to_path_buf(), text.to_string()));
    Ok(cfg)
}

impl Config {
    /// A `[components]` key that names no component the model found, as a located error.
    pub fn unknown_component(&self, known: &[&str]) -> Option<ConfigError> {
        let (path, text) = self.source.as_ref()?;
        let k = self
            .components
            .keys()
            .find(|k| !known.contains(&k.as_str()))?;
        let span = [format!("\"{k}\""), format!("'{k}'")]
            .iter()
            .find_map(|q| text.find(q.as_str()).map(|i| i..i + q.len()));
        Some(ConfigError {
            path: path.clone(),
            text: text.clone(),
            span,
            message: format!("`{k}` in [components] names no component of the repository"),
            help: Some(match suggest(k, known.iter().copied()) {
                Some(s) => format!("did you mean `{s}`? (`twelve model` lists every component)"),
                None => "`twelve model` lists every component and its key".into(),
            }),
        })
    }

    /// The score gates this file sets.
    pub fn gates(&self) -> crate::score::Gates {
        let mut g = crate::score::Gates {
            min_score: self.min_score.map(|n| n.value().round() as u32),
            min_factor: Vec::new(),
        };
        // `all` first, so that a factor named on its own overrides it
        let mut entries: Vec<_> = self.min_factor_score.iter().collect();
        entries.sort_by_key(|(k, _)| !k.eq_ignore_ascii_case("all"));
        for (k, v) in entries {
            if let (Some(fs), Some(t)) = (
                crate::factor::parse_factor(k),
                crate::score::parse_factor_minimum(v.value()),
            ) {
                g.set_factor_minimums(&fs, t);
            }
        }
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_located_with_suggestion() {
        let text = "selct = [\"ALL\"]\n";
        let e = parse(Path::new("twelve.toml"), text).unwrap_err();
        assert_eq!(&text[e.span.clone().unwrap()], "selct");
        assert_eq!(e.help.as_deref(), Some("did you mean `select`?"));
    }

    #[test]
    fn score_gates() {
        let c = parse(
            Path::new("t"),
            "min-score = 80\n[min-factor-score]\nconfig = 8\nXI = 7.5\nall = 5\n",
        )
        .unwrap();
        let g = c.gates();
        assert_eq!(g.min_score, Some(80));
        assert_eq!(g.min_factor.len(), 12);
        assert_eq!(g.min_factor[0], (crate::rules::Factor(1), 50));
        assert_eq!(g.min_factor[2], (crate::rules::Factor(3), 80));
        assert_eq!(g.min_factor[10], (crate::rules::Factor(11), 75));
        let text = "[min-factor-score]\nlog = 7\n";
        let e = parse(Path::new("t"), text).unwrap_err();
        assert_eq!(&text[e.span.clone().unwrap()], "log");
        assert_eq!(e.help.as_deref(), Some("did you mean `logs`?"));
        let e = parse(Path::new("t"), "min-score = 120\n").unwrap_err();
        assert!(e.message.contains("between 0 and 100"), "{}", e.message);
        let e = parse(Path::new("t"), "[min-factor-score]\nconfig = 11\n").unwrap_err();
        assert!(e.message.contains("between 0 and 10"), "{}", e.message);
    }

    #[test]
    fn an_invalid_exclude_glob_is_located() {
        let text = "exclude = [\"ok/**\", \"[\"]\n";
        let e = parse(Path::new("t"), text).unwrap_err();
        assert_eq!(&text[e.span.clone().unwrap()], "\"[\"");
        assert!(
            e.message.contains("invalid exclude glob `[`"),
            "{}",
            e.message
        );
    }

    #[test]
    fn bad_values() {
        let e = parse(Path::new("t"), "fail-on = \"warn\"\n").unwrap_err();
        assert_eq!(e.help.as_deref(), Some("did you mean `warning`?"));
        let e = parse(Path::new("t"), "ignore = [\"no-such-rule\"]\n").unwrap_err();
        assert!(e.message.contains("no-such-rule"));
        let c = parse(
            Path::new("t"),
            "select = [\"TF02\", \"config\"]\n[severity]\nTF0202 = \"error\"\n",
        )
        .unwrap();
        assert_eq!(c.select.unwrap().len(), 2);
    }
}
