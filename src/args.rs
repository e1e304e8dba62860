//! The command line's vocabulary: each subcommand's options as clap parses them. Shared by the
//! parser (`crate::cli`) and the commands (`crate::app`), below both.

use crate::config;
use crate::score;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Snippets with labels and help (the default)
    Human,
    /// One line per finding: path:line:col: CODE [severity] message
    Concise,
    /// Versioned JSON (README, "JSON format")
    Json,
    /// SARIF 2.1.0 for GitHub code scanning
    Sarif,
    /// GitHub Actions annotations (workflow commands)
    Github,
    /// GitLab code quality report
    Gitlab,
    /// JUnit XML: a test case per check
    Junit,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Copy, Clone, Debug, ValueEnum)]
pub enum ModelFormat {
    Json,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

/// What `check` and `score` share: what to analyse, how, and the score gates.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// Paths to check (directories or files)
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Config file (default: twelve.toml or .twelve.toml, searched upward from the path)
    #[arg(long, help_heading = "Files")]
    pub config: Option<PathBuf>,
    /// Rules to run: codes, code prefixes (TF03), names, factor names, or ALL
    #[arg(long, value_delimiter = ',', help_heading = "Rule selection")]
    pub select: Option<Vec<String>>,
    /// Rules not to run (same selectors as --select)
    #[arg(long, value_delimiter = ',', help_heading = "Rule selection")]
    pub ignore: Vec<String>,
    /// When to use colour
    #[arg(long, value_enum, default_value_t = Color::Auto, help_heading = "Output")]
    pub color: Color,
    /// Also run preview rules
    #[arg(long, help_heading = "Rule selection")]
    pub preview: bool,
    /// Do not honour .gitignore/.ignore files
    #[arg(long, help_heading = "Files")]
    pub no_ignore: bool,
    /// Leave paths matching this glob out of the walk (repeatable)
    #[arg(long, help_heading = "Files")]
    pub exclude: Vec<String>,
    /// Also check generated and bundled source (protobuf stubs, `DO NOT EDIT` headers,
    /// minified JavaScript), left out by default
    #[arg(long, help_heading = "Files")]
    pub include_generated: bool,
    /// Worker threads (default: one per core)
    #[arg(long, help_heading = "Files")]
    pub jobs: Option<usize>,
    /// Parse every source file again: do not read or write the facts cache
    #[arg(long, help_heading = "Files")]
    pub no_cache: bool,
    /// Where the facts cache lives (default: $XDG_CACHE_HOME/twelve or ~/.cache/twelve)
    #[arg(
        long,
        value_name = "DIR",
        env = "TWELVE_CACHE_DIR",
        help_heading = "Files"
    )]
    pub cache_dir: Option<PathBuf>,
    /// Fail (exit 1) when the overall score (0-100) is below N
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100), help_heading = "Gates")]
    pub min_score: Option<u32>,
    /// Fail (exit 1) when a factor scores below N (0-10): FACTOR=N, FACTOR a name (config), a
    /// numeral (III) or `all`; repeatable
    #[arg(long, value_name = "FACTOR=N", value_parser = parse_factor_gate, help_heading = "Gates")]
    pub min_factor_score: Vec<(Vec<crate::rules::Factor>, u32)>,
    /// Print only the report: no notes, no summary or score line
    #[arg(long, short, help_heading = "Output")]
    pub quiet: bool,
}

fn parse_factor_gate(s: &str) -> Result<(Vec<crate::rules::Factor>, u32), String> {
    let (f, n) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FACTOR=N (like config=8), got `{s}`"))?;
    let factors = crate::factor::parse_factor(f).ok_or_else(|| {
        let mut m = format!("unknown factor `{f}`");
        if let Some(s) = config::suggest(f, crate::factor::factor_names()) {
            m.push_str(&format!("; did you mean `{s}`?"));
        }
        m
    })?;
    let min = n
        .trim()
        .parse::<f64>()
        .ok()
        .and_then(score::parse_factor_minimum)
        .ok_or_else(|| format!("a factor minimum is a number from 0 to 10, not `{n}`"))?;
    Ok((factors, min))
}

/// Examples and exit codes, under `twelve check --help`.
pub const CHECK_AFTER_HELP: &str = "\
Examples:
  twelve check                         the repository in this directory
  twelve check services/api --preview  one service, with the preview rules too
  twelve check --select TF03,logs      only factor III's rules and the logs factor
  twelve check Dockerfile compose.yaml report on these files (as a pre-commit hook does)
  twelve check --format sarif --output twelve.sarif --format human
                                       SARIF to a file and the report on the terminal
  twelve check --min-score 80          also fail below an overall score of 80

Exit codes:
  0  no finding at or above --fail-on (default: warning) and every score gate met
  1  findings at or above --fail-on, or a score gate missed
  2  bad usage, a bad config file or baseline, or an internal error";

#[derive(Args, Debug)]
#[command(after_help = CHECK_AFTER_HELP)]
pub struct CheckArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Output format; repeat with --output after each for several reports from one run
    #[arg(
        long,
        value_enum,
        visible_alias = "output-format",
        help_heading = "Output"
    )]
    pub format: Vec<Format>,
    /// Write the report of the --format before it to a file instead of stdout
    #[arg(long, short, help_heading = "Output")]
    pub output: Vec<PathBuf>,
    /// Lowest severity that makes the run fail (exit 1) [default: warning]
    #[arg(long, value_enum, help_heading = "Gates")]
    pub fail_on: Option<FailOn>,
    /// Exit 0 whatever the findings: the same as --fail-on never (score gates still apply)
    #[arg(long, conflicts_with = "fail_on", help_heading = "Gates")]
    pub exit_zero: bool,
    /// Report only findings not recorded in this baseline file
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with = "write_baseline",
        help_heading = "Gates"
    )]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in a baseline file (and exit 0)
    #[arg(long, value_name = "FILE", help_heading = "Gates")]
    pub write_baseline: Option<PathBuf>,
    /// Count findings per rule instead of listing them (human, concise and json reports)
    #[arg(long, help_heading = "Output")]
    pub statistics: bool,
    /// Each --format with the file its report goes to (`None`: stdout), in order; set by
    /// [`parse`] from where the flags stand on the command line
    #[arg(skip)]
    pub reports: Vec<(Format, Option<PathBuf>)>,
}

/// Examples and exit codes, under `twelve score --help`.
pub const SCORE_AFTER_HELP: &str = "\
Examples:
  twelve score                              the scorecard of this repository
  twelve score --format html -o score.html  one self-contained page
  twelve score --format markdown >> \"$GITHUB_STEP_SUMMARY\"
  twelve score --min-factor-score config=8  fail when factor III scores below 8

Exit codes:
  0  the scorecard was written and every score gate is met
  1  a score gate (--min-score, --min-factor-score, the config's gates) missed
  2  bad usage, a bad config file or an internal error";

#[derive(Args, Debug)]
#[command(after_help = SCORE_AFTER_HELP)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Output format
    #[arg(
        long,
        value_enum,
        default_value_t = ScoreFormat::Table,
        visible_alias = "output-format",
        help_heading = "Output"
    )]
    pub format: ScoreFormat,
    /// Write the scorecard to a file instead of stdout
    #[arg(long, short, help_heading = "Output")]
    pub output: Option<PathBuf>,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum ExplainFormat {
    /// Laid out for the terminal: wrapped, headings, indented code
    Text,
    /// The rule's Markdown documentation as written
    Markdown,
    /// Code, name, factor, severity, summary and documentation as JSON
    Json,
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum ScoreFormat {
    /// A table for the terminal
    Table,
    /// For a pull-request comment or $GITHUB_STEP_SUMMARY
    Markdown,
    /// Versioned JSON with the formula's inputs
    Json,
    /// One self-contained HTML page
    Html,
    /// A flat badge
    Svg,
}

/// Pair outputs with formats by position: each `--output` belongs to the nearest `--format`
/// before it; a lone format and a lone output go together in any order.
pub fn pair_reports(
    formats: &[Format],
    fi: &[usize],
    outputs: &[PathBuf],
    oi: &[usize],
) -> Result<Vec<(Format, Option<PathBuf>)>, String> {
    let mut reports: Vec<(Format, Option<PathBuf>)> = formats.iter().map(|f| (*f, None)).collect();
    if reports.is_empty() {
        reports.push((Format::Human, None));
    }
    if reports.len() == 1 && outputs.len() <= 1 {
        reports[0].1 = outputs.first().cloned();
    } else {
        for (o, at) in outputs.iter().zip(oi) {
            let Some(k) = fi.iter().rposition(|f| f < at) else {
                return Err(format!(
                    "`--output {}` comes before any --format: put each --output after the --format it is for",
                    o.display()
                ));
            };
            if reports[k].1.is_some() {
                return Err(format!(
                    "two --output for one --format: `--output {}`",
                    o.display()
                ));
            }
            reports[k].1 = Some(o.clone());
        }
    }
    if reports.iter().filter(|(_, o)| o.is_none()).count() > 1 {
        return Err(
            "only one report can go to stdout: give every --format but one an --output FILE".into(),
        );
    }
    Ok(reports)
}
