//! The command line: clap's definitions of the subcommands, the parse (with `check` as the
//! default subcommand), and the dispatch to what each subcommand does (`crate::app`).

use crate::app;
pub use crate::app::{Io, info::STARTER_CONFIG, stdout_is_terminal, terminal_width};
pub use crate::args::*;
use clap::{Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "twelve",
    version,
    about = "Twelve-Factor App compliance linter",
    long_about = None,
    after_help = "`twelve PATH…` is `twelve check PATH…`. `twelve explain CODE` says what a rule checks \
and how to fix it.\n\nExit codes: 0 clean, 1 findings at or above --fail-on or a score gate \
missed, 2 bad usage, bad config or an internal error."
)]
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
        /// Output format
        #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
        format: ExplainFormat,
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
        // a word that is no path but nearly a subcommand (`chek`) is a mistyped subcommand:
        // clap says so and suggests the right one
        Some(a) if is_subcommand_typo(a, &known) => args,
        _ => {
            let mut v = args;
            v.insert(1.min(v.len()), "check".into());
            v
        }
    }
}

/// The whole manual as one roff page: the command, every subcommand with every option, the
/// exit codes, the configuration file, the environment and the files twelve reads and writes.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    use clap::CommandFactory;
    use std::io::Write;
    let cmd = Cli::command();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    // the subcommands are sections of this page, not pages of their own (clap_mangen's list
    // would name twelve-check(1) and the like)
    writeln!(out, ".SH SUBCOMMANDS")?;
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        writeln!(
            out,
            ".TP\n\\fB{}\\fR\n{}; see TWELVE {} below.",
            sub.get_name(),
            roff_text(&about),
            sub.get_name().to_uppercase()
        )?;
    }
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("twelve {}", sub.get_name());
        let page = clap_mangen::Man::new(sub.clone().bin_name(name.clone()));
        let mut part = Vec::new();
        page.render_synopsis_section(&mut part)?;
        page.render_description_section(&mut part)?;
        page.render_options_section(&mut part)?;
        if sub.get_after_help().is_some() || sub.get_after_long_help().is_some() {
            page.render_extra_section(&mut part)?;
        }
        // each subcommand is one section of this page, its parts subsections
        let part = String::from_utf8_lossy(&part)
            .replace(".SH EXTRA", ".SH \"EXAMPLES AND EXIT CODES\"")
            .replace(".SH ", ".SS ");
        writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
        out.extend_from_slice(part.as_bytes());
    }
    out.extend_from_slice(MAN_SECTIONS.as_bytes());
    writeln!(out, ".SH CONFIGURATION")?;
    writeln!(
        out,
        "twelve.toml or .twelve.toml, found from the checked path upward; command-line flags \
         win. Unknown keys and bad values exit 2 with the key's location and the closest valid \
         name. Every key, as `twelve init` writes it:"
    )?;
    writeln!(out, ".PP\n.nf")?;
    for line in STARTER_CONFIG.lines() {
        writeln!(out, "{}", roff_text(line))?;
    }
    writeln!(out, ".fi")?;
    man.render_version_section(&mut out)?;
    Ok(out)
}

/// Plain text as roff: backslashes escaped, a leading dot or quote kept from being a request.
fn roff_text(text: &str) -> String {
    let text = text.replace('\\', "\\e").replace('-', "\\-");
    if text.starts_with(['.', '\'']) {
        format!("\\&{text}")
    } else {
        text
    }
}

const MAN_SECTIONS: &str = r#".SH "EXIT STATUS"
.TP
.B 0
No finding at or above \fB\-\-fail\-on\fR (default: warning) and every score gate met.
.TP
.B 1
A finding at or above \fB\-\-fail\-on\fR (\fBcheck\fR only), or a score gate missed.
.TP
.B 2
Bad usage, an invalid configuration or baseline file, or an internal error. A file that cannot
be parsed is a finding (TF0001), not exit 2.
.SH ENVIRONMENT
.TP
.B NO_COLOR
When set and not empty, no colour (as \fB\-\-color never\fR).
.TP
.B TWELVE_CACHE_DIR
Where the facts cache lives (as \fB\-\-cache\-dir\fR).
.TP
.B XDG_CACHE_HOME
The cache is \fI$XDG_CACHE_HOME/twelve\fR, else \fI~/.cache/twelve\fR.
.SH FILES
.TP
.I twelve.toml, .twelve.toml
The configuration (see CONFIGURATION).
.TP
.I .gitignore, .ignore
Paths they ignore are not walked (\fB\-\-no\-ignore\fR to walk them).
.TP
.I ~/.cache/twelve/
The facts of each source file, by content, so that a second run parses only what changed
(\fB\-\-no\-cache\fR to neither read nor write it).
.SH EXAMPLES
.nf
twelve check
twelve check services/api \-\-preview
twelve check \-\-format sarif \-\-output twelve.sarif \-\-format human
twelve score \-\-format html \-o score.html
twelve explain TF0702
.fi
"#;

fn is_subcommand_typo(word: &str, known: &[&str]) -> bool {
    !word.starts_with('-')
        && !word.contains(['/', '.', '\\'])
        && !std::path::Path::new(word).exists()
        && known
            .iter()
            .filter(|k| !k.starts_with('-'))
            .any(|k| strsim::jaro(word, k) > 0.8)
}

/// Run the parsed command line; returns the exit code.
pub fn run(cli: Cli, io: &mut Io<'_>) -> std::io::Result<i32> {
    match cli.command {
        Command::Check(a) => app::check::check(a, io),
        Command::Score(a) => app::scorecard::score(a, io),
        Command::Init { path, force } => app::info::init(&path, force, io),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "twelve", &mut out);
            io.out.write_all(&out)?;
            Ok(0)
        }
        Command::Man => {
            io.out.write_all(&man_page()?)?;
            Ok(0)
        }
        Command::Explain { rule, format } => app::info::explain(&rule, format, io),
        Command::Rules { format } => app::info::list(format, io),
        Command::Model {
            path,
            format: _,
            no_ignore,
        } => app::info::model(&path, no_ignore, io),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The examples under `--help` parse, and the rule selectors they name exist.
    #[test]
    fn help_examples_are_valid_command_lines() {
        let mut seen = 0;
        for text in [crate::args::CHECK_AFTER_HELP, crate::args::SCORE_AFTER_HELP] {
            for line in text.lines().filter(|l| l.starts_with("  twelve ")) {
                // the command ends where the gap before its description starts
                let command = line.trim_start().split("  ").next().unwrap();
                let command = command.split(" >>").next().unwrap();
                let words: Vec<String> = command.split_whitespace().map(String::from).collect();
                let cli = parse(words.clone()).unwrap_or_else(|e| panic!("{command}: {e}"));
                if let Command::Check(a) = &cli.command {
                    for sel in a.run.select.iter().flatten() {
                        assert!(crate::rules::selector_is_known(sel), "{command}: {sel}");
                    }
                }
                seen += 1;
            }
        }
        assert!(seen >= 8, "{seen}");
    }
}
