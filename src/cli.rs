//! Command-line definitions (clap) and the run of each subcommand. Returns the exit code;
//! writes only through the writers it is given.

use crate::baseline;
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
    /// Write a commented starter twelve.toml
    Init {
        /// Directory to write it in
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Overwrite an existing twelve.toml
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff)
    Man,
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
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Rules to run: codes, code prefixes (TF03), names, factor names, or ALL
    #[arg(long, value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Rules not to run (same selectors as --select)
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
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
    /// Print only the report: no notes, no summary or score line
    #[arg(long, short)]
    pub quiet: bool,
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
    /// Output format; repeat with --output after each for several reports from one run
    #[arg(long, value_enum)]
    pub format: Vec<Format>,
    /// Write the report of the --format before it to a file instead of stdout
    #[arg(long, short)]
    pub output: Vec<PathBuf>,
    /// Lowest severity that makes the run fail (exit 1) [default: warning]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Report only findings not recorded in this baseline file
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record today's findings in a baseline file (and exit 0)
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Count findings per rule instead of listing them (human, concise and json reports)
    #[arg(long)]
    pub statistics: bool,
    /// Each --format with the file its report goes to (`None`: stdout), in order; set by
    /// [`parse`] from where the flags stand on the command line
    #[arg(skip)]
    pub reports: Vec<(Format, Option<PathBuf>)>,
}

#[derive(Args, Debug)]
pub struct ScoreArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Output format
    #[arg(long, value_enum, default_value_t = ScoreFormat::Table)]
    pub format: ScoreFormat,
    /// Write the scorecard to a file instead of stdout
    #[arg(long, short)]
    pub output: Option<PathBuf>,
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

/// Parse the command line: clap, then pair each `--output` of `check` with the `--format`
/// before it.
pub fn parse(args: Vec<String>) -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let matches = Cli::command().try_get_matches_from(with_default_subcommand(args))?;
    let mut cli = Cli::from_arg_matches(&matches)?;
    if let (Command::Check(a), Some(m)) = (&mut cli.command, matches.subcommand_matches("check")) {
        let fi: Vec<usize> = m
            .indices_of("format")
            .map(|i| i.collect())
            .unwrap_or_default();
        let oi: Vec<usize> = m
            .indices_of("output")
            .map(|i| i.collect())
            .unwrap_or_default();
        a.reports = pair_reports(&a.format, &fi, &a.output, &oi)
            .map_err(|msg| Cli::command().error(clap::error::ErrorKind::ArgumentConflict, msg))?;
    }
    Ok(cli)
}

/// Pair outputs with formats by position: each `--output` belongs to the nearest `--format`
/// before it; a lone format and a lone output go together in any order.
fn pair_reports(
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

/// Insert the default `check` subcommand when none is given.
pub fn with_default_subcommand(args: Vec<String>) -> Vec<String> {
    let known = [
        "check",
        "score",
        "init",
        "completions",
        "man",
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
        Command::Init { path, force } => init(&path, force, io),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "twelve", &mut out);
            io.out.write_all(&out)?;
            Ok(0)
        }
        Command::Man => {
            use clap::CommandFactory;
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            io.out.write_all(&out)?;
            Ok(0)
        }
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
            // the model as `check` builds it: with the config's test paths, excludes and
            // component kinds
            let cfg = match config::discover(&path).map(|p| config::load_found(&p)) {
                Some(Ok(c)) => c,
                Some(Err(e)) => return report_config_error(&e, io),
                None => Config::default(),
            };
            let settings = Settings::merge(
                &cfg,
                Settings {
                    no_ignore,
                    ..Settings::default()
                },
            );
            let o = engine::run(
                &path,
                &Settings {
                    select: Some(vec![]),
                    ..settings
                },
            );
            if let Some(e) = unknown_component(&cfg, std::slice::from_ref(&o)) {
                return report_config_error(&e, io);
            }
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

/// The starter config `twelve init` writes: every setting, commented, with its default.
pub const STARTER_CONFIG: &str = r#"# twelve configuration: https://12factor.net checks for this repository.
# Command-line flags override these settings. `twelve rules` lists the rules,
# `twelve explain TF0301` explains one.

# Rules to run: codes (TF0301), prefixes (TF03), names (hardcoded-secret),
# factors (config) or ALL.
# select = ["ALL"]
# ignore = ["TF0701"]

# Run the preview rules too.
# preview = false

# The lowest severity that fails `twelve check` (exit 1): error, warning, info, never.
fail-on = "warning"

# Score gate: `check` and `score` exit 1 when the overall score (0-100) is below it.
# min-score = 80

# Extra globs left out of the walk, and extra test/example trees (code rules stay
# silent there).
# exclude = ["vendor/**"]
# test-paths = ["qa"]

# Tables come last: every key after a [table] line belongs to that table.

# Score gates per factor (0-10), by name (config), numeral (III) or `all`.
# [min-factor-score]
# all = 5
# config = 8

# Severity per rule, by code or name.
# [severity]
# unpinned-dependency = "error"

# Rules ignored in files you cannot edit (globs from this file's directory).
# [per-path-ignores]
# "third_party/**" = ["dependencies"]

# The kind of a component where twelve reads it wrong: app, backing, product, node-agent,
# placeholder or tooling. Keys as `twelve model` prints them (`path:name`, or the path of a
# Dockerfile); rules meant for the app judge only kind `app`.
# [components]
# "compose.yaml:search" = "backing"
"#;

fn init(dir: &std::path::Path, force: bool, io: &mut Io<'_>) -> std::io::Result<i32> {
    let path = dir.join("twelve.toml");
    if path.exists() && !force {
        writeln!(
            io.err,
            "error: `{}` already exists (--force overwrites it)",
            path.display()
        )?;
        return Ok(2);
    }
    if let Err(e) = std::fs::write(&path, STARTER_CONFIG) {
        writeln!(io.err, "error: cannot write `{}`: {e}", path.display())?;
        return Ok(2);
    }
    writeln!(io.err, "twelve: wrote `{}`", path.display())?;
    Ok(0)
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
/// `stdout_report`: whether a report goes to stdout (colour only then, on a terminal).
fn analyse(
    a: &RunArgs,
    stdout_report: bool,
    io: &mut Io<'_>,
) -> std::io::Result<Result<Analysis, i32>> {
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
    for glob in &a.exclude {
        if let Err(e) = crate::walk::excludes(std::path::Path::new("."), std::slice::from_ref(glob))
        {
            writeln!(io.err, "error: --exclude: {e}")?;
            return Ok(Err(2));
        }
    }
    let loaded = match &a.config {
        Some(p) => Some(config::load(p)),
        None => config::discover(&a.paths[0]).map(|p| config::load_found(&p)),
    };
    let cfg = match loaded {
        Some(Ok(c)) => c,
        Some(Err(e)) => return report_config_error(&e, io).map(Err),
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
    let targets = targets(&a.paths);
    let mut outcomes: Vec<Outcome> = targets
        .iter()
        .map(|(root, _)| engine::run(root, &settings))
        .collect();
    if let Some(e) = unknown_component(&cfg, &outcomes) {
        return report_config_error(&e, io).map(Err);
    }
    // the scorecard is the repository's, whatever files the report is limited to
    let cards = score::Scorecards::new(&outcomes);
    for (o, (_, files)) in outcomes.iter_mut().zip(&targets) {
        if let Some(files) = files {
            limit_to_files(o, files);
        }
    }
    let color = match a.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            stdout_report
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

/// A `[components]` key of the config that names no component of any repository checked.
fn unknown_component(cfg: &Config, outcomes: &[Outcome]) -> Option<ConfigError> {
    if cfg.components.is_empty() {
        return None;
    }
    let known: Vec<&str> = outcomes
        .iter()
        .flat_map(|o| o.project.components.iter().map(|c| c.key.as_str()))
        .collect();
    cfg.unknown_component(&known)
}

/// What to analyse: each directory given is a root; files given (as pre-commit passes them)
/// are grouped under the project that holds them — the nearest directory with a twelve
/// config, else the git work tree, else their own directory (never the directory twelve
/// runs in: run from `/`, that would walk the whole file system) — and limit the report to
/// themselves.
fn targets(paths: &[PathBuf]) -> Vec<(PathBuf, Option<Vec<PathBuf>>)> {
    let cwd = std::env::current_dir().ok();
    let mut out: Vec<(PathBuf, Option<Vec<PathBuf>>)> = Vec::new();
    for p in paths {
        if !p.is_file() {
            out.push((p.clone(), None));
            continue;
        }
        let abs = p.canonicalize().unwrap_or_else(|_| p.clone());
        let dir = abs.parent().map(PathBuf::from).unwrap_or_default();
        let marked = |names: &[&str]| {
            dir.ancestors()
                .find(|d| names.iter().any(|n| d.join(n).exists()))
                .map(PathBuf::from)
        };
        let cwd_abs = cwd.as_ref().and_then(|c| c.canonicalize().ok());
        let root = marked(&config::CONFIG_NAMES)
            .or_else(|| marked(&[".git"]))
            .unwrap_or(dir);
        let shown = relative_to(&root, cwd_abs.as_deref());
        match out.iter_mut().find(|(r, f)| f.is_some() && *r == shown) {
            Some((_, Some(files))) => files.push(abs),
            _ => out.push((shown, Some(vec![abs]))),
        }
    }
    out
}

/// `path` as the user would write it from `cwd`: `.`, `sub/dir`, `../..`, or absolute.
fn relative_to(path: &std::path::Path, cwd: Option<&std::path::Path>) -> PathBuf {
    let Some(cwd) = cwd else {
        return path.to_path_buf();
    };
    if path == cwd {
        return PathBuf::from(".");
    }
    if let Ok(rest) = path.strip_prefix(cwd) {
        return rest.to_path_buf();
    }
    if let Ok(rest) = cwd.strip_prefix(path) {
        let up = rest.components().count();
        return std::iter::repeat_n("..", up).collect();
    }
    path.to_path_buf()
}

/// Keep the findings that touch one of these files: at their main place or at another of
/// theirs (a port changed in compose.yaml shows up at the EXPOSE it now disagrees with).
fn limit_to_files(o: &mut Outcome, files: &[PathBuf]) {
    // the given files as root-relative paths, compared with the model's own (one canonical
    // root, not a system call per file of the repository)
    let root = o
        .project
        .root
        .canonicalize()
        .unwrap_or(o.project.root.clone());
    let rels: std::collections::HashSet<String> = files
        .iter()
        .filter_map(|f| f.strip_prefix(&root).ok())
        .map(|r| {
            r.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    let wanted: std::collections::HashSet<crate::source::FileId> = o
        .project
        .files
        .iter()
        .filter(|f| rels.contains(&f.rel))
        .map(|f| f.id)
        .collect();
    let touches = |d: &crate::diagnostic::Diagnostic| {
        d.primary
            .iter()
            .chain(&d.secondary)
            .any(|l| wanted.contains(&l.origin.file))
    };
    // an internal fault is reported whatever files were given
    o.diagnostics
        .retain(|d| touches(d) || d.code == crate::fault::CODE);
    o.suppressed.retain(|s| touches(&s.diagnostic));
    // notes about the rest of the repository are not about these files
    o.project.notices.retain(|n| rels.contains(&n.path));
    // a file given by name that the walk left out (.gitignore, .ignore, --exclude) says so
    let mut missing: Vec<&String> = rels
        .iter()
        .filter(|r| {
            !o.project.paths.iter().any(|(p, _)| p == *r)
                && !o.project.notices.iter().any(|n| &n.path == *r)
        })
        .collect();
    missing.sort();
    for r in missing {
        o.project.notices.push(crate::walk::Notice {
            path: r.clone(),
            message: "not checked: excluded by .gitignore, .ignore or --exclude".into(),
        });
    }
}

/// Write a report to `--output` or stdout; `Err` is the exit code after a write failure.
fn emit(
    output: Option<&std::path::Path>,
    text: &[u8],
    io: &mut Io<'_>,
) -> std::io::Result<Result<(), i32>> {
    match output {
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
    let reports = if a.reports.is_empty() {
        // built without `parse` (a library caller): one format, one output
        pair_reports(&a.format, &[], &a.output, &[]).unwrap_or_default()
    } else {
        a.reports.clone()
    };
    let stdout_report = reports.iter().any(|(_, o)| o.is_none());
    let mut an = match analyse(&a.run, stdout_report, io)? {
        Ok(an) => an,
        Err(code) => return Ok(code),
    };
    if let Some(path) = &a.write_baseline {
        let text = baseline::write(&an.outcomes);
        if let Err(e) = std::fs::write(path, text) {
            writeln!(io.err, "error: cannot write `{}`: {e}", path.display())?;
            return Ok(2);
        }
        let n: usize = an.outcomes.iter().map(|o| o.diagnostics.len()).sum();
        if !a.run.quiet {
            writeln!(
                io.err,
                "twelve: recorded {n} finding{} in `{}`; run with --baseline {} to report only new ones",
                if n == 1 { "" } else { "s" },
                path.display(),
                path.display()
            )?;
        }
        return Ok(0);
    }
    if let Some(path) = &a.baseline {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                writeln!(
                    io.err,
                    "error: cannot read the baseline `{}`: {e}",
                    path.display()
                )?;
                return Ok(2);
            }
        };
        match baseline::Baseline::parse(&text) {
            Ok(b) => b.apply(&mut an.outcomes),
            Err(e) => {
                writeln!(io.err, "error: invalid baseline `{}`: {e}", path.display())?;
                return Ok(2);
            }
        }
    }
    let fail_on = a.fail_on.unwrap_or(match an.cfg.fail_on.as_deref() {
        Some("error") => FailOn::Error,
        Some("info") => FailOn::Info,
        Some("never") => FailOn::Never,
        _ => FailOn::Warning,
    });
    for (format, output) in &reports {
        let color = an.color && output.is_none();
        // statistics replace the findings in the formats people read, not in CI artifacts
        let text =
            if a.statistics && matches!(format, Format::Human | Format::Concise | Format::Json) {
                report::statistics::render(&an.outcomes, *format == Format::Json)
            } else {
                match format {
                    Format::Human => {
                        let mut t = report::human::render(
                            &an.outcomes,
                            &report::human::Options {
                                color,
                                width: 100,
                                quiet: a.run.quiet,
                            },
                        );
                        if !a.run.quiet {
                            t.push_str(&report::table::summary_line(&an.cards.repository, color));
                        }
                        t
                    }
                    Format::Concise => report::concise::render(&an.outcomes),
                    Format::Json => report::json::render(&an.outcomes, &an.cards.repository),
                    Format::Sarif => report::sarif::render(&an.outcomes),
                    Format::Github => report::github::render(&an.outcomes),
                    Format::Gitlab => report::gitlab::render(&an.outcomes),
                    Format::Junit => report::junit::render(&an.outcomes),
                }
            };
        if let Err(code) = emit(output.as_deref(), text.as_bytes(), io)? {
            return Ok(code);
        }
    }
    let machine_stdout = reports.iter().any(|(f, o)| {
        o.is_none()
            && matches!(
                f,
                Format::Json | Format::Sarif | Format::Gitlab | Format::Junit
            )
    });
    if !a.run.quiet && !machine_stdout {
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
    if faulted(&an, io)? {
        return Ok(2);
    }
    Ok(i32::from(failed || missed))
}

/// Say so when the run hit an internal fault (a TF0004 finding): the report is incomplete,
/// and the exit code is 2 whatever else happened.
fn faulted(an: &Analysis, io: &mut Io<'_>) -> std::io::Result<bool> {
    let n: usize = an.outcomes.iter().map(|o| o.internal).sum();
    if n > 0 {
        writeln!(
            io.err,
            "error: twelve hit {n} internal error{} (TF0004 in the report): the report is incomplete; please report it",
            if n == 1 { "" } else { "s" }
        )?;
    }
    Ok(n > 0)
}

fn score_cmd(a: ScoreArgs, io: &mut Io<'_>) -> std::io::Result<i32> {
    let an = match analyse(&a.run, a.output.is_none(), io)? {
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
    if let Err(code) = emit(a.output.as_deref(), text.as_bytes(), io)? {
        return Ok(code);
    }
    if a.format != ScoreFormat::Json && !a.run.quiet {
        write!(io.err, "{}", report::human::notices(&an.outcomes))?;
    }
    let missed = gates_missed(&an, io)?;
    if faulted(&an, io)? {
        return Ok(2);
    }
    Ok(i32::from(missed))
}

/// Whether stdout is a terminal (for `--color auto`).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}
