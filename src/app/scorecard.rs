//! `twelve score`: the scorecard in one format.

use super::*;
use crate::args::{ScoreArgs, ScoreFormat};

pub fn score(a: ScoreArgs, io: &mut Io<'_>) -> std::io::Result<i32> {
    let an = match analyse(&a.run, a.output.is_none(), false, io)? {
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
