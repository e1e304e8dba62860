//! Command-line definitions (clap) and the run of each subcommand. Returns the exit code;
//! writes only through the writers it is given.

use crate::config::{self, Config, ConfigError};
use crate::diagnostic::Severity;
use crate::engine::{self, Outcome, Settings};
use crate::report;
use crate::rules;
use crate::score;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(name = "twelve", version, about = "Twelve-Factor App compliance linter", long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint a repository and report findings (the default subcommand)
    Check(CheckArgs),
    /// Score a repository factor by factor: table, Markdown, JSON, HTML or an SVG badge
    Score(ScoreArgs),
    /// Show a rule's documentation
    Explain {
        /// Rule code (TF0301) or name (hardcoded-secret)
        rule: String,
    },
    /// List the rules
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Print the project model twelve built from a repository
    Model {
        #[arg(default_value = ".")]
        path: PathBuf,
        #[arg(long, value_enum, default_value_t = ModelFormat::Json)]
        format: ModelFormat,
        #[arg(long)]
        no_ignore: bool,
    },
}

#[derive(Copy, Clone, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Human,
    Concise,
    Json,
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
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Rules to run: codes, code prefixes (TF03), names, factor names, or ALL
    #[arg(long, value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Rules not to run (same selectors as --select)
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Write the report to a file instead of stdout
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// When to use colour
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Also run preview rules
    #[arg(long)]
    pub preview: bool,
    /// Do not honour .gitignore/.ignore files
    #[arg(long)]
    pub no_ignore: bool,
    /// Leave paths matching this glob out of the walk (repeatable)
    #[arg(long)]
    pub exclude: Vec<String>,
    /// Worker threads (default: one per core)
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Fail (exit 1) when the overall score (0-100) is below N
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100))]
    pub min_score: Option<u32>,
    /// Fail (exit 1) when a factor scores below N (0-10): FACTOR=N, FACTOR a name (config), a
    /// numeral (III) or `all`; repeatable
    #[arg(long, value_name = "FACTOR=N", value_parser = parse_factor_gate)]
    pub min_factor_score: Vec<(Vec<crate::rules::Factor>, u32)>,
}

fn parse_factor_gate(s: &str) -> Result<(Vec<crate::rules::Factor>, u32), String> {
    let (f, n) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FACTOR=N (like config=8), got `{s}`"))?;
    let factors = score::parse_factor(f).ok_or_else(|| {
        let mut m = format!("unknown factor `{f}`");
        if let Some(s) = config::suggest(f, score::factor_names()) {
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

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Output format
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Lowest severity that makes the run fail (exit 1) [default: warning]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
}

#[derive(Args, Debug)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = ScoreFormat::Table)]
    pub format: ScoreFormat,
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

/// Insert the default `check` subcommand when none is given.
pub fn with_default_subcommand(args: Vec<String>) -> Vec<String> {
    let known = [
        "check",
        "score",
        "explain",
        "rules",
        "model",
        "help",
        "-h",
        "--help",
        "-V",
        "--version",
    ];
    match args.get(1) {
        Some(a) if known.contains(&a.as_str()) => args,
        _ => {
            let mut v = args;
            v.insert(1.min(v.len()), "check".into());
            v
        }
    }
}

pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub stdout_is_terminal: bool,
}

pub fn run(cli: Cli, io: &mut Io<'_>) -> std::io::Result<i32> {
    match cli.command {
        Command::Check(a) => check(a, io),
        Command::Score(a) => score_cmd(a, io),
        Command::Explain { rule } => match rules::find(&rule) {
            Some(r) => {
                let m = r.meta();
                writeln!(io.out, "# {} {}\n", m.code, m.name)?;
                writeln!(
                    io.out,
                    "Factor: {}    Default severity: {}{}\n",
                    m.factor.title(),
                    m.severity.as_str(),
                    if m.preview { "    (preview)" } else { "" }
                )?;
                write!(io.out, "{}", m.doc)?;
                Ok(0)
            }
            None => {
                write!(io.err, "error: unknown rule `{rule}`")?;
                if let Some(s) = config::suggest(&rule, rules::names()) {
                    write!(io.err, "; did you mean `{s}`?")?;
                }
                writeln!(io.err)?;
                Ok(2)
            }
        },
        Command::Rules { format } => {
            let all = rules::registry();
            match format {
                ListFormat::Human => {
                    for r in &all {
                        let m = r.meta();
                        writeln!(
                            io.out,
                            "{}  {:<30} {:<22} {:<8} {}{}",
                            m.code,
                            m.name,
                            m.factor.slug(),
                            m.severity.as_str(),
                            m.summary,
                            if m.preview { " (preview)" } else { "" }
                        )?;
                    }
                }
                ListFormat::Json => {
                    let v: Vec<_> = all
                        .iter()
                        .map(|r| {
                            let m = r.meta();
                            serde_json::json!({
                                "code": m.code, "name": m.name, "factor": m.factor.slug(),
                                "severity": m.severity.as_str(), "summary": m.summary, "preview": m.preview,
                            })
                        })
                        .collect();
                    writeln!(
                        io.out,
                        "{}",
                        serde_json::to_string_pretty(&v).unwrap_or_default()
                    )?;
                }
            }
            Ok(0)
        }
        Command::Model {
            path,
            format: _,
            no_ignore,
        } => {
            if !path.exists() {
                writeln!(io.err, "error: `{}` does not exist", path.display())?;
                return Ok(2);
            }
            let settings = Settings {
                no_ignore,
                ..Settings::default()
            };
            let o = engine::run(
                &path,
                &Settings {
                    select: Some(vec![]),
                    ..settings
                },
            );
            writeln!(io.out, "{}", crate::model::dump::to_json(&o))?;
            Ok(0)
        }
    }
}

fn report_config_error(e: &ConfigError, io: &mut Io<'_>) -> std::io::Result<i32> {
    let handler =
        miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
            .with_links(false);
    let mut s = String::new();
    let diag = miette::MietteDiagnostic::new(format!(
        "invalid config `{}`: {}",
        e.path.display(),
        e.message
    ))
    .with_code("config")
    .with_severity(miette::Severity::Error);
    let diag = match &e.help {
        Some(h) => diag.with_help(h.clone()),
        None => diag,
    };
    let diag = match &e.span {
        Some(sp) => diag.with_label(miette::LabeledSpan::new(
            Some("here".into()),
            sp.start,
            sp.end - sp.start,
        )),
        None => diag,
    };
    let report = miette::Report::new(diag)
        .with_source_code(NamedText(e.path.display().to_string(), e.text.clone()));
    if handler.render_report(&mut s, report.as_ref()).is_err() {
        s = format!(
            "error: invalid config `{}`: {}\n",
            e.path.display(),
            e.message
        );
    }
    write!(io.err, "{s}")?;
    Ok(2)
}

struct NamedText(String, String);
impl miette::SourceCode for NamedText {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.1.read_span(span, before, after)?;
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.0.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// An analysis ready to report: the outcome of every path, the scorecards, the gates.
struct Analysis {
    outcomes: Vec<Outcome>,
    cards: score::Scorecards,
    gates: score::Gates,
    cfg: Config,
    color: bool,
}

/// Validate the arguments, load the config, run the rules once, score. `Err` is the exit code
/// of a usage or config error, already reported.
fn analyse(a: &RunArgs, io: &mut Io<'_>) -> std::io::Result<Result<Analysis, i32>> {
    for p in &a.paths {
        if !p.exists() {
            writeln!(io.err, "error: `{}` does not exist", p.display())?;
            return Ok(Err(2));
        }
    }
    for sel in a.select.iter().flatten().chain(a.ignore.iter()) {
        if !rules::selector_is_known(sel) {
            writeln!(
                io.err,
                "error: unknown rule selector `{sel}` (see `twelve rules`)"
            )?;
            return Ok(Err(2));
        }
    }
    let cfg_path = a.config.clone().or_else(|| config::discover(&a.paths[0]));
    let cfg = match &cfg_path {
        Some(p) => match config::load(p) {
            Ok(c) => c,
            Err(e) => return report_config_error(&e, io).map(Err),
        },
        None => Config::default(),
    };
    let settings = Settings::merge(
        &cfg,
        Settings {
            select: a.select.clone(),
            ignore: a.ignore.clone(),
            preview: a.preview,
            no_ignore: a.no_ignore,
            exclude: a.exclude.clone(),
            jobs: a.jobs,
            ..Settings::default()
        },
    );
    let mut cli_gates = score::Gates {
        min_score: a.min_score,
        min_factor: Vec::new(),
    };
    for (fs, t) in &a.min_factor_score {
        cli_gates.set_factor_minimums(fs, *t);
    }
    let gates = cfg.gates().overridden_by(cli_gates);
    let outcomes: Vec<Outcome> = a.paths.iter().map(|p| engine::run(p, &settings)).collect();
    let cards = score::Scorecards::new(&outcomes);
    let color = match a.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            a.output.is_none()
                && io.stdout_is_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    Ok(Ok(Analysis {
        outcomes,
        cards,
        gates,
        cfg,
        color,
    }))
}

/// Write a report to `--output` or stdout; `Err` is the exit code after a write failure.
fn emit(a: &RunArgs, text: &[u8], io: &mut Io<'_>) -> std::io::Result<Result<(), i32>> {
    match &a.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                writeln!(io.err, "error: cannot write `{}`: {e}", path.display())?;
                return Ok(Err(2));
            }
        }
        None => io.out.write_all(text)?,
    }
    Ok(Ok(()))
}

/// Report missed score gates on stderr; whether any was missed.
fn gates_missed(an: &Analysis, io: &mut Io<'_>) -> std::io::Result<bool> {
    let missed = score::gate_failures(&an.cards.repository, &an.gates);
    for m in &missed {
        writeln!(io.err, "error: score gate missed: {m}")?;
    }
    Ok(!missed.is_empty())
}

fn check(a: CheckArgs, io: &mut Io<'_>) -> std::io::Result<i32> {
    let an = match analyse(&a.run, io)? {
        Ok(an) => an,
        Err(code) => return Ok(code),
    };
    let fail_on = a.fail_on.unwrap_or(match an.cfg.fail_on.as_deref() {
        Some("error") => FailOn::Error,
        Some("info") => FailOn::Info,
        Some("never") => FailOn::Never,
        _ => FailOn::Warning,
    });
    let format = a.format.unwrap_or(Format::Human);
    let text = match format {
        Format::Human => {
            let mut t = report::human::render(
                &an.outcomes,
                &report::human::Options {
                    color: an.color,
                    width: 100,
                },
            );
            t.push_str(&report::table::summary_line(&an.cards.repository, an.color));
            t
        }
        Format::Concise => report::concise::render(&an.outcomes),
        Format::Json => report::json::render(&an.outcomes, &an.cards.repository),
    };
    if let Err(code) = emit(&a.run, text.as_bytes(), io)? {
        return Ok(code);
    }
    if format != Format::Json {
        write!(io.err, "{}", report::human::notices(&an.outcomes))?;
    }
    let threshold = match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| {
        an.outcomes
            .iter()
            .flat_map(|o| &o.diagnostics)
            .any(|d| d.severity >= t)
    });
    let missed = gates_missed(&an, io)?;
    Ok(i32::from(failed || missed))
}

fn score_cmd(a: ScoreArgs, io: &mut Io<'_>) -> std::io::Result<i32> {
    let an = match analyse(&a.run, io)? {
        Ok(an) => an,
        Err(code) => return Ok(code),
    };
    let text = match a.format {
        ScoreFormat::Table => report::table::render(&an.cards, an.color),
        ScoreFormat::Markdown => report::markdown::render(&an.outcomes, &an.cards),
        ScoreFormat::Json => report::score_json::render(&an.outcomes, &an.cards),
        ScoreFormat::Html => report::html::render(&an.outcomes, &an.cards),
        ScoreFormat::Svg => report::svg::badge(&an.cards.repository),
    };
    if let Err(code) = emit(&a.run, text.as_bytes(), io)? {
        return Ok(code);
    }
    if a.format != ScoreFormat::Json {
        write!(io.err, "{}", report::human::notices(&an.outcomes))?;
    }
    Ok(i32::from(gates_missed(&an, io)?))
}

/// Whether stdout is a terminal (for `--color auto`).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}
