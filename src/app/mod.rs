//! What each subcommand does, given its parsed arguments: load the configuration, run the
//! engine, write the reports, choose the exit code. The CLI (`crate::cli`) parses and
//! dispatches; the commands write only through the writers they are given.

pub mod check;
pub mod info;
pub mod scorecard;

use crate::args::{Color, RunArgs};
use crate::config::{self, Config, ConfigError};
use crate::diagnostic::Severity;
use crate::engine;
use crate::outcome::Outcome;
use crate::report;
use crate::rules;
use crate::score;
use crate::settings::Settings;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Where a command writes: its report, and its notes and errors.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub stdout_is_terminal: bool,
    /// Columns of the terminal standard output is, when it is one (the human report wraps to
    /// it; elsewhere, in CI logs and files, it is 100 columns wide).
    pub terminal_width: Option<usize>,
    /// The process ends once the command returns: what it built is left to the operating
    /// system rather than freed one allocation at a time (a measurable part of a large run).
    /// False wherever the library is called in a longer-lived process.
    pub exiting: bool,
}

pub(crate) fn report_config_error(e: &ConfigError, io: &mut Io<'_>) -> std::io::Result<i32> {
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
pub(crate) struct Analysis {
    outcomes: Vec<Outcome>,
    cards: score::Scorecards,
    gates: score::Gates,
    cfg: Config,
    color: bool,
    /// Only the code of the projects holding the files given was read: there is no
    /// repository score.
    focused: bool,
}

/// Validate the arguments, load the config, run the rules once, score. `Err` is the exit code
/// of a usage or config error, already reported.
/// `stdout_report`: whether a report goes to stdout (colour only then, on a terminal).
pub(crate) fn analyse(
    a: &RunArgs,
    stdout_report: bool,
    may_focus: bool,
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
            let known = rules::names();
            let factors = rules::FACTORS.iter().map(|(slug, _)| *slug);
            let hint = match crate::suggest::suggest(sel, known.into_iter().chain(factors)) {
                Some(s) => format!("; did you mean `{s}`?"),
                None => " (see `twelve rules`)".into(),
            };
            writeln!(io.err, "error: unknown rule selector `{sel}`{hint}")?;
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
            include_generated: a.include_generated,
            jobs: a.jobs,
            cache_dir: if a.no_cache {
                None
            } else {
                a.cache_dir.clone().or_else(crate::cache::default_dir)
            },
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
    // files given (a pre-commit hook's staged files) and no score asked of the repository:
    // only the code of the projects holding them is read
    let focused = may_focus && gates.is_empty() && targets.iter().all(|(_, f)| f.is_some());
    let roots: Vec<(&std::path::Path, Option<Vec<String>>)> = targets
        .iter()
        .map(|(root, files)| {
            let focus = files
                .as_ref()
                .filter(|_| focused)
                .map(|files| root_relative(root, files));
            (root.as_path(), focus)
        })
        .collect();
    let mut outcomes: Vec<Outcome> = engine::run_all(&roots, &settings);
    if let Some(e) = unknown_component(&cfg, &outcomes) {
        return report_config_error(&e, io).map(Err);
    }
    // the scorecard is the repository's, whatever files the report is limited to; when only
    // part of the repository was read there is none
    let cards = if focused {
        score::Scorecards::new(&[])
    } else if may_focus {
        // `check` (the command that may focus on files) reports and gates on the
        // repository's card only; `score` shows every app's
        score::Scorecards::repository_only(&outcomes)
    } else {
        score::Scorecards::new(&outcomes)
    };
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
        focused,
    }))
}

/// Files given on the command line as paths relative to the root they were grouped under.
fn root_relative(root: &std::path::Path, files: &[PathBuf]) -> Vec<String> {
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    files
        .iter()
        .filter_map(|f| {
            let rest = f.strip_prefix(&root).ok()?;
            Some(
                rest.components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/"),
            )
        })
        .collect()
}

/// A `[components]` key of the config that names no component of any repository checked.
pub(crate) fn unknown_component(cfg: &Config, outcomes: &[Outcome]) -> Option<ConfigError> {
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
pub(crate) fn targets(paths: &[PathBuf]) -> Vec<(PathBuf, Option<Vec<PathBuf>>)> {
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
pub(crate) fn relative_to(path: &std::path::Path, cwd: Option<&std::path::Path>) -> PathBuf {
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
pub(crate) fn limit_to_files(o: &mut Outcome, files: &[PathBuf]) {
    // the given files as root-relative paths, compared with the model's own (one canonical
    // root, not a system call per file of the repository)
    let root = o
        .project
        .root
        .canonicalize()
        .unwrap_or(o.project.root.clone());
    let rels: foldhash::HashSet<String> = files
        .iter()
        .filter_map(|f| f.strip_prefix(&root).ok())
        .map(|r| {
            r.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    let wanted: foldhash::HashSet<crate::source::FileId> = o
        .project
        .files
        .iter()
        .filter(|f| rels.iter().any(|r| **r == *f.rel))
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
            !o.project.paths.iter().any(|(p, _)| *p == ***r)
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
pub(crate) fn emit(
    output: Option<&std::path::Path>,
    text: &[u8],
    io: &mut Io<'_>,
) -> std::io::Result<Result<(), i32>> {
    emit_with(output, io, &mut |w| w.write_all(text))
}

/// Like [`emit`], for a report written as it is produced (buffered).
pub(crate) fn emit_with(
    output: Option<&std::path::Path>,
    io: &mut Io<'_>,
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<Result<(), i32>> {
    match output {
        Some(path) => {
            let written = std::fs::File::create(path).and_then(|f| {
                let mut w = std::io::BufWriter::new(f);
                write(&mut w)?;
                w.flush()
            });
            if let Err(e) = written {
                writeln!(io.err, "error: cannot write `{}`: {e}", path.display())?;
                return Ok(Err(2));
            }
        }
        None => {
            let mut w = std::io::BufWriter::new(&mut *io.out);
            write(&mut w)?;
            w.flush()?;
        }
    }
    Ok(Ok(()))
}

/// Report missed score gates on stderr; whether any was missed.
pub(crate) fn gates_missed(an: &Analysis, io: &mut Io<'_>) -> std::io::Result<bool> {
    let missed = score::gate_failures(&an.cards.repository, &an.gates);
    for m in &missed {
        writeln!(io.err, "error: score gate missed: {m}")?;
    }
    Ok(!missed.is_empty())
}

/// Say so when the run hit an internal fault (a TF0004 finding): the report is incomplete,
/// and the exit code is 2 whatever else happened.
pub(crate) fn faulted(an: &Analysis, io: &mut Io<'_>) -> std::io::Result<bool> {
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

/// Whether stdout is a terminal (for `--color auto`).
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// The width of the terminal on standard output, if it is one and says.
pub fn terminal_width() -> Option<usize> {
    #[cfg(unix)]
    {
        if !stdout_is_terminal() {
            return None;
        }
        let mut size = libc::winsize {
            ws_row: 0,
            ws_col: 0,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: TIOCGWINSZ only writes the window size into the struct we own
        let ok = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) } == 0;
        (ok && size.ws_col > 0).then_some(usize::from(size.ws_col))
    }
    #[cfg(not(unix))]
    {
        None
    }
}
