//! A flat badge, `12-factor | 87 B`, coloured by grade: for a README.

use crate::score::{Grade, Scorecard};

/// Width in pixels of text in 11px Verdana (the badge font), from per-character advance
/// widths in tenths of a pixel; unknown characters count as wide.
fn text_width(s: &str) -> u32 {
    let tenths: u32 = s
        .chars()
        .map(|c| match c {
            ' ' => 38,
            '-' | '(' | ')' | '/' => 48,
            '1' | 'I' | 'i' | 'l' | 'j' | '.' | ',' | ':' => 33,
            'f' | 't' | 'r' => 43,
            '0'..='9' => 70,
            'A'..='Z' => 75,
            'm' | 'w' => 107,
            'a'..='z' => 65,
            _ => 80,
        })
        .sum();
    tenths.div_ceil(10)
}

pub fn color(grade: Option<Grade>) -> &'static str {
    match grade {
        Some(Grade::A) => "#2ea44f",
        Some(Grade::B) => "#79b829",
        Some(Grade::C) => "#d6a300",
        Some(Grade::D) => "#e8762d",
        Some(Grade::F) => "#d73a49",
        None => "#9f9f9f",
    }
}

pub fn badge(card: &Scorecard) -> String {
    let label = "12-factor";
    let value = match (card.overall(), card.grade()) {
        (Some(s), Some(g)) => format!("{s} {}", g.as_str()),
        _ => "n/a".into(),
    };
    let pad = 6;
    let lw = text_width(label) + 2 * pad;
    let vw = text_width(&value) + 2 * pad;
    let w = lw + vw;
    let fill = color(card.grade());
    // text is drawn at 10× and scaled down, as shields.io does, for crisp subpixel placement
    let (lx, vx) = (lw * 5, lw * 10 + vw * 5);
    let (ltl, vtl) = ((lw - 2 * pad) * 10, (vw - 2 * pad) * 10);
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20" role="img" aria-label="{label}: {value}">
  <title>{label}: {value}</title>
  <linearGradient id="s" x2="0" y2="100%">
    <stop offset="0" stop-color="#bbb" stop-opacity=".1"/>
    <stop offset="1" stop-opacity=".1"/>
  </linearGradient>
  <clipPath id="r"><rect width="{w}" height="20" rx="3" fill="#fff"/></clipPath>
  <g clip-path="url(#r)">
    <rect width="{lw}" height="20" fill="#555"/>
    <rect x="{lw}" width="{vw}" height="20" fill="{fill}"/>
    <rect width="{w}" height="20" fill="url(#s)"/>
  </g>
  <g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">
    <text aria-hidden="true" x="{lx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="{ltl}">{label}</text>
    <text x="{lx}" y="140" transform="scale(.1)" textLength="{ltl}">{label}</text>
    <text aria-hidden="true" x="{vx}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="{vtl}">{value}</text>
    <text x="{vx}" y="140" transform="scale(.1)" textLength="{vtl}">{value}</text>
  </g>
</svg>
"##
    )
}
