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
            use clap::CommandFactory;
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            io.out.write_all(&out)?;
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
