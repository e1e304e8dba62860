//! The subcommands that describe rather than check: `explain`, `rules`, `model`, `init`.

use super::{Io, report_config_error, unknown_component};
use crate::args::{ExplainFormat, ListFormat};
use crate::config::{self, Config};
use crate::engine;
use crate::rules;
use crate::settings::Settings;
use std::path::Path;

/// `twelve explain`: a rule's documentation.
pub fn explain(rule: &str, format: ExplainFormat, io: &mut Io<'_>) -> std::io::Result<i32> {
    match rules::find(rule) {
        Some(r) => {
            let m = r.meta();
            let preview = if m.preview { "    (preview)" } else { "" };
            match format {
                ExplainFormat::Json => {
                    let v = serde_json::json!({
                        "code": m.code,
                        "name": m.name,
                        "factor": m.factor.title(),
                        "severity": m.severity.as_str(),
                        "preview": m.preview,
                        "summary": m.summary,
                        "doc": m.doc,
                    });
                    let text = serde_json::to_string_pretty(&v).unwrap_or_default();
                    writeln!(io.out, "{text}")?;
                }
                ExplainFormat::Markdown => {
                    writeln!(io.out, "# {} {}\n", m.code, m.name)?;
                    writeln!(
                        io.out,
                        "Factor: {}    Default severity: {}{preview}\n",
                        m.factor.title(),
                        m.severity.as_str(),
                    )?;
                    write!(io.out, "{}", m.doc)?;
                }
                ExplainFormat::Text => {
                    let color = io.stdout_is_terminal
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
                    let width = io.terminal_width.unwrap_or(80).clamp(40, 100);
                    let title = format!("{} {}: {}", m.code, m.name, m.summary);
                    if color {
                        writeln!(io.out, "\x1b[1m{title}\x1b[0m")?;
                    } else {
                        writeln!(io.out, "{title}")?;
                    }
                    writeln!(
                        io.out,
                        "Factor {}, default severity {}{preview}\n",
                        m.factor.title(),
                        m.severity.as_str(),
                    )?;
                    write!(
                        io.out,
                        "{}",
                        crate::report::terminal_md::render(m.doc, width, color)
                    )?;
                }
            }
            Ok(0)
        }
        None => {
            write!(io.err, "error: unknown rule `{rule}`")?;
            if let Some(s) = config::suggest(rule, rules::names()) {
                write!(io.err, "; did you mean `{s}`?")?;
            }
            writeln!(io.err)?;
            Ok(2)
        }
    }
}

/// `twelve rules`: every rule with its code, factor and severity.
pub fn list(format: ListFormat, io: &mut Io<'_>) -> std::io::Result<i32> {
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

/// `twelve model`: the project model as `check` builds it.
pub fn model(path: &Path, no_ignore: bool, io: &mut Io<'_>) -> std::io::Result<i32> {
    if !path.exists() {
        writeln!(io.err, "error: `{}` does not exist", path.display())?;
        return Ok(2);
    }
    // the model as `check` builds it: with the config's test paths, excludes and
    // component kinds
    let cfg = match config::discover(path).map(|p| config::load_found(&p)) {
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
    let mut o = engine::run_keeping_model(
        path,
        &Settings {
            select: Some(vec![]),
            ..settings
        },
    );
    // the model prints where each fact was read: source code, whose text was dropped once
    // its facts were extracted, is read again for its line and column
    let ids: Vec<_> = o.project.files.iter().map(|f| f.id).collect();
    o.project
        .reload_texts(ids, crate::walk::DEFAULT_MAX_FILE_SIZE);
    if let Some(e) = unknown_component(&cfg, std::slice::from_ref(&o)) {
        return report_config_error(&e, io);
    }
    writeln!(io.out, "{}", crate::report::model::to_json(&o))?;
    Ok(0)
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

# Also check generated and bundled source (protobuf stubs, minified JavaScript), left out by
# default.
# include-generated = true

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

/// `twelve init`: write the starter config.
pub fn init(dir: &std::path::Path, force: bool, io: &mut Io<'_>) -> std::io::Result<i32> {
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
