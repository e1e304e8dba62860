//! Command-line definitions (clap) and the run of each subcommand. Returns the exit code;
//! writes only through the writers it is given.

use crate::config::{self, Config, ConfigError};
use crate::diagnostic::Severity;
use crate::engine::{self, Outcome, Settings};
use crate::report;
use crate::rules;
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

#[derive(Args, Debug)]
pub struct CheckArgs {
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
    /// Output format
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Write the report to a file instead of stdout
    #[arg(long, short)]
    pub output: Option<PathBuf>,
    /// When to use colour
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Lowest severity that makes the run fail (exit 1) [default: warning]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
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
}

/// Insert the default `check` subcommand when none is given.
pub fn with_default_subcommand(args: Vec<String>) -> Vec<String> {
    let known = [
        "check",
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

fn check(a: CheckArgs, io: &mut Io<'_>) -> std::io::Result<i32> {
    if let Some(j) = a.jobs {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(j.max(1))
            .build_global();
    }
    for p in &a.paths {
        if !p.exists() {
            writeln!(io.err, "error: `{}` does not exist", p.display())?;
            return Ok(2);
        }
    }
    for sel in a.select.iter().flatten().chain(a.ignore.iter()) {
        if !rules::selector_is_known(sel) {
            writeln!(
                io.err,
                "error: unknown rule selector `{sel}` (see `twelve rules`)"
            )?;
            return Ok(2);
        }
    }
    let cfg_path = a.config.clone().or_else(|| config::discover(&a.paths[0]));
    let cfg = match &cfg_path {
        Some(p) => match config::load(p) {
            Ok(c) => c,
            Err(e) => return report_config_error(&e, io),
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
    let fail_on = a.fail_on.unwrap_or(match cfg.fail_on.as_deref() {
        Some("error") => FailOn::Error,
        Some("info") => FailOn::Info,
        Some("never") => FailOn::Never,
        _ => FailOn::Warning,
    });
    let outcomes: Vec<Outcome> = a.paths.iter().map(|p| engine::run(p, &settings)).collect();
    let format = a.format.unwrap_or(Format::Human);
    let to_file = a.output.is_some();
    let color = match a.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            !to_file
                && io.stdout_is_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let text = match format {
        Format::Human => {
            report::human::render(&outcomes, &report::human::Options { color, width: 100 })
        }
        Format::Concise => report::concise::render(&outcomes),
        Format::Json => report::json::render(&outcomes),
    };
    match &a.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &text) {
                writeln!(io.err, "error: cannot write `{}`: {e}", path.display())?;
                return Ok(2);
            }
        }
        None => io.out.write_all(text.as_bytes())?,
    }
    if format != Format::Json {
        write!(io.err, "{}", report::human::notices(&outcomes))?;
    }
    let threshold = match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| {
        outcomes
            .iter()
            .flat_map(|o| &o.diagnostics)
            .any(|d| d.severity >= t)
    });
    Ok(i32::from(failed))
}

/// Whether stdout is a terminal (for `--color auto`).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}
