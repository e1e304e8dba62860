//! `twelve check`: lint the paths, write each report, choose the exit code.

use super::*;
use crate::args::{CheckArgs, FailOn, Format, pair_reports};
use crate::baseline;

pub fn check(a: CheckArgs, io: &mut Io<'_>) -> std::io::Result<i32> {
    let reports = if a.reports.is_empty() {
        // built without `parse` (a library caller): one format, one output
        pair_reports(&a.format, &[], &a.output, &[]).unwrap_or_default()
    } else {
        a.reports.clone()
    };
    let stdout_report = reports.iter().any(|(_, o)| o.is_none());
    let mut an = match analyse(&a.run, stdout_report, true, io)? {
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
    let fail_on = a
        .exit_zero
        .then_some(FailOn::Never)
        .or(a.fail_on)
        .unwrap_or(match an.cfg.fail_on.as_deref() {
            Some("error") => FailOn::Error,
            Some("info") => FailOn::Info,
            Some("never") => FailOn::Never,
            _ => FailOn::Warning,
        });
    for (format, output) in &reports {
        if *format == Format::Json && !a.statistics {
            let card = &an.cards.repository;
            let outcomes = &an.outcomes;
            let written = emit_with(output.as_deref(), io, &mut |w| {
                report::json::render_to(outcomes, card, w)
            })?;
            if let Err(code) = written {
                return Ok(code);
            }
            continue;
        }
        let color = an.color && output.is_none();
        // statistics replace the findings in the formats people read, not in CI artifacts
        let text = if a.statistics
            && matches!(format, Format::Human | Format::Concise | Format::Json)
        {
            report::statistics::render(&an.outcomes, *format == Format::Json)
        } else {
            match format {
                Format::Human => {
                    let mut t = report::human::render(
                        &an.outcomes,
                        &report::human::Options {
                            color,
                            // a report to the terminal wraps to it (within reason); one
                            // to a file or a pipe is 100 columns wide, the same everywhere
                            width: match (output, io.terminal_width) {
                                (None, Some(w)) => w.clamp(40, 240),
                                _ => 100,
                            },
                            quiet: a.run.quiet,
                        },
                    );
                    if !a.run.quiet {
                        if an.focused {
                            t.push_str(report::table::FOCUSED_SUMMARY);
                        } else {
                            t.push_str(&report::table::summary_line(&an.cards.repository, color));
                        }
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
    let code = if faulted(&an, io)? {
        2
    } else {
        i32::from(failed || missed)
    };
    if io.exiting {
        std::mem::forget(an);
    }
    Ok(code)
}
