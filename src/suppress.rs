//! Suppression: one pass after every rule has run; rules know nothing of it.
//!
//! - inline: `# twelve: ignore[TF0301,TF0702] reason` at the end of the line of the finding, or
//!   alone on the line before it (`//` in JS/TS/Go/Rust and go.mod);
//! - file-level: `twelve: ignore-file[TF0504] reason` anywhere in a file, in a comment;
//! - a Kubernetes object's annotation `twelve/ignore: "TF0902,TF0801 reason"`;
//! - config `[per-path-ignores]`: globs of files you cannot edit, and the rules ignored there.
//!
//! Selectors are the ones `--select` takes (codes, prefixes, names, factors, `ALL`). A
//! suppression in a scanned file that matched no finding of a rule that ran is reported as
//! TF0002, at the selector.

use crate::diagnostic::Diagnostic;
use crate::model::Project;
use crate::rules::{self, DiagExt, Meta};
use crate::source::{FileId, Origin, Span};
use crate::walk::FileKind;
use foldhash::HashMap;

/// TF0002 findings for one suppression, at most; the rest are counted in one more.
const MAX_UNUSED_PER_SUPPRESSION: usize = 10;

/// The Kubernetes annotation that suppresses findings on its object (read by the parser).
pub use crate::parse::k8s::IGNORE_ANNOTATION as ANNOTATION;

/// How a finding was suppressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Inline,
    File,
    Annotation,
    Config,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Inline => "inline",
            Kind::File => "file",
            Kind::Annotation => "annotation",
            Kind::Config => "config",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Scope {
    /// Findings starting on this 1-based line.
    Line(usize),
    File,
    /// Findings starting inside this span (a Kubernetes object).
    Object(Span),
}

/// A suppression written in a scanned file.
#[derive(Clone, Debug)]
struct Directive {
    file: FileId,
    kind: Kind,
    scope: Scope,
    /// Each selector and where it is written.
    selectors: Vec<(String, Span)>,
    reason: Option<String>,
}

/// A finding that was suppressed, and by what.
#[derive(Clone, Debug)]
pub struct Suppressed {
    pub diagnostic: Diagnostic,
    pub kind: Kind,
    pub reason: Option<String>,
    /// Where the suppression is written (`None` for the config's per-path ignores).
    pub origin: Option<Origin>,
}

/// A `[per-path-ignores]` entry: a glob over root-relative paths and its selectors.
#[derive(Clone, Debug)]
pub struct PathIgnore {
    pub glob: String,
    pub selectors: Vec<String>,
}

/// The comment markers of a file's format; `None` where it has no comments (JSON).
fn comment_markers(rel: &str, kind: FileKind) -> &'static [&'static str] {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    match kind {
        FileKind::Source(lang) if lang.spec().comment == "//" => &["//"],
        FileKind::Lockfile | FileKind::Other => &[],
        _ if name.ends_with(".json") => &[],
        _ if name == "go.mod" => &["//"],
        _ => &["#"],
    }
}

/// A directive as written on one line.
pub struct Parsed {
    /// Byte offset of the comment marker in the line.
    pub marker_at: usize,
    /// `ignore-file[…]`.
    pub is_file: bool,
    /// Selectors with their spans in the line.
    pub selectors: Vec<(String, Span)>,
    pub reason: Option<String>,
}

/// Parse `twelve: ignore[...]` / `twelve: ignore-file[...]` after a comment marker on a line
/// (public for fuzzing; the pass itself reads whole files).
pub fn parse_directive(line: &str, markers: &[&str]) -> Option<Parsed> {
    const KEYWORD: &str = "twelve:";
    for (at, _) in line.match_indices(KEYWORD) {
        // the marker must open a comment: `#` / `//` right before (spaces allowed), itself at
        // the start of the line or after whitespace (not `http://x` nor `a#b`)
        let before = line.get(..at).unwrap_or_default().trim_end();
        let Some(marker) = markers.iter().find(|m| before.ends_with(**m)) else {
            continue;
        };
        let marker_at = before.len() - marker.len();
        if marker_at > 0
            && !line
                .get(..marker_at)
                .is_some_and(|b| b.ends_with(char::is_whitespace))
        {
            continue;
        }
        let rest = line
            .get(at + KEYWORD.len()..)
            .unwrap_or_default()
            .trim_start();
        let (is_file, after) = if let Some(r) = rest.strip_prefix("ignore-file[") {
            (true, r)
        } else if let Some(r) = rest.strip_prefix("ignore[") {
            (false, r)
        } else {
            continue;
        };
        let open = line.len() - after.len();
        let (list, tail) = after.split_once(']')?;
        let mut selectors = Vec::new();
        let mut pos = open;
        for part in list.split(',') {
            let trimmed = part.trim();
            if !trimmed.is_empty() {
                let start = pos + (part.len() - part.trim_start().len());
                selectors.push((trimmed.to_string(), start..start + trimmed.len()));
            }
            pos += part.len() + 1;
        }
        let reason = tail.trim().trim_start_matches(['-', ':', '—']).trim();
        let reason = (!reason.is_empty()).then(|| reason.to_string());
        return Some(Parsed {
            marker_at,
            is_file,
            selectors,
            reason,
        });
    }
    None
}

/// Every suppression written in the project's files and Kubernetes annotations.
fn directives(p: &Project) -> Vec<Directive> {
    let kinds: HashMap<&str, FileKind> = p.paths.iter().collect();
    let mut out = Vec::new();
    for f in &p.files {
        // unloaded files hold no suppressions: those that did kept their text
        if !f.text_or_empty().contains("twelve:") {
            continue;
        }
        let kind = kinds
            .get(f.rel.as_ref())
            .copied()
            .unwrap_or(FileKind::Other);
        let markers = comment_markers(&f.rel, kind);
        if markers.is_empty() {
            continue;
        }
        let lines: Vec<&str> = f.text().split('\n').collect();
        let mut offset = 0;
        let mut pending: Vec<Directive> = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let n = i + 1;
            let parsed = line
                .contains("twelve:")
                .then(|| parse_directive(line, markers))
                .flatten();
            match parsed {
                Some(Parsed {
                    marker_at,
                    is_file,
                    selectors,
                    reason,
                }) => {
                    let selectors = selectors
                        .into_iter()
                        .map(|(s, r)| (s, offset + r.start..offset + r.end))
                        .collect();
                    let standalone = line.get(..marker_at).is_some_and(|b| b.trim().is_empty());
                    let d = Directive {
                        file: f.id,
                        kind: if is_file { Kind::File } else { Kind::Inline },
                        scope: if is_file { Scope::File } else { Scope::Line(n) },
                        selectors,
                        reason,
                    };
                    if standalone && !is_file {
                        // applies to the next line that is not itself a directive
                        pending.push(d);
                    } else {
                        out.push(d);
                    }
                }
                None => {
                    for mut d in pending.drain(..) {
                        d.scope = Scope::Line(n);
                        out.push(d);
                    }
                }
            }
            offset += line.len() + 1;
        }
        // a directive on the last lines applies to nothing: kept, so it is reported unused
        for mut d in pending {
            d.scope = Scope::Line(lines.len() + 1);
            out.push(d);
        }
    }
    for k in &p.k8s {
        let Some(v) = k.object.ignore() else { continue };
        let (selectors, reason) = split_annotation(&v.text);
        // the annotation's value is usually quoted: locate each selector in the file text
        let f = p.file(k.file);
        let raw = f.slice(&v.span.range());
        let mut from = 0;
        let located = selectors
            .into_iter()
            .map(|s| {
                let at = raw.get(from..).and_then(|r| r.find(&s)).map(|i| from + i);
                let span = match at {
                    Some(i) => {
                        from = i + s.len();
                        v.span.start() + i..v.span.start() + i + s.len()
                    }
                    None => v.span.range(),
                };
                (s, span)
            })
            .collect();
        out.push(Directive {
            file: k.file,
            kind: Kind::Annotation,
            scope: Scope::Object(k.object.span.range()),
            selectors: located,
            reason,
        });
    }
    out
}

/// `"TF0902, TF0801 reason text"`: the leading selectors, then the reason.
fn split_annotation(value: &str) -> (Vec<String>, Option<String>) {
    let mut selectors = Vec::new();
    let mut rest = value.trim();
    loop {
        let end = rest
            .find(|c: char| c == ',' || c == ':' || c.is_whitespace())
            .unwrap_or(rest.len());
        let Some((word, after)) = rest.split_at_checked(end) else {
            break;
        };
        if word.is_empty() || !looks_like_selector(word) {
            break;
        }
        selectors.push(word.to_string());
        rest = after.trim_start_matches(|c: char| c == ',' || c.is_whitespace());
    }
    let reason = rest.trim().trim_start_matches(['-', ':', '—']).trim();
    (selectors, (!reason.is_empty()).then(|| reason.to_string()))
}

/// A word that is meant as a selector: a known one, or a code-shaped one (reported if unknown).
fn looks_like_selector(w: &str) -> bool {
    rules::selector_is_known(w)
        || (w.len() >= 3
            && w.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("TF"))
            && w.get(2..)
                .is_some_and(|d| d.chars().all(|c| c.is_ascii_digit())))
}

fn covers(scope: &Scope, p: &Project, d: &Diagnostic, file: FileId) -> bool {
    let Some(l) = &d.primary else { return false };
    if l.origin.file != file {
        return false;
    }
    match scope {
        Scope::File => true,
        Scope::Line(n) => p.file(file).line_col(l.origin.span.start()).0 == *n,
        Scope::Object(span) => span.contains(&l.origin.span.start()),
    }
}

/// Apply every suppression to the findings: (kept, suppressed). With `unused` set (TF0002 is
/// enabled), suppressions that matched nothing, for a rule in `ran`, are added as findings.
pub fn apply(
    p: &Project,
    diagnostics: Vec<Diagnostic>,
    per_path: &[PathIgnore],
    ran: &[&'static Meta],
    unused: Option<&'static Meta>,
) -> (Vec<Diagnostic>, Vec<Suppressed>) {
    let dirs = directives(p);
    let globs: Vec<(globset::GlobMatcher, &PathIgnore)> = per_path
        .iter()
        .filter_map(|pi| {
            globset::GlobBuilder::new(&pi.glob)
                .literal_separator(true)
                .build()
                .ok()
                .map(|g| (g.compile_matcher(), pi))
        })
        .collect();
    let mut used: Vec<Vec<bool>> = dirs
        .iter()
        .map(|d| vec![false; d.selectors.len()])
        .collect();
    // the suppressions of each file, so a finding looks only at its own file's
    let mut by_file: HashMap<FileId, Vec<usize>> = HashMap::default();
    for (di, dir) in dirs.iter().enumerate() {
        by_file.entry(dir.file).or_default().push(di);
    }
    let mut kept = Vec::new();
    let mut suppressed = Vec::new();
    for d in diagnostics {
        let Some(meta) = rules::find(d.code).map(|r| r.meta()) else {
            kept.push(d);
            continue;
        };
        let mut by: Option<(Kind, Option<String>, Option<Origin>)> = None;
        let here = d
            .file()
            .and_then(|f| by_file.get(&f))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        for &di in here {
            let dir = &dirs[di];
            if !covers(&dir.scope, p, &d, dir.file) {
                continue;
            }
            for (si, (sel, span)) in dir.selectors.iter().enumerate() {
                if rules::selector_matches(sel, meta) {
                    used[di][si] = true;
                    by.get_or_insert((
                        dir.kind,
                        dir.reason.clone(),
                        Some(Origin::new(dir.file, span.clone())),
                    ));
                }
            }
        }
        if by.is_none()
            && let Some(l) = &d.primary
        {
            let rel = p.rel(l.origin.file);
            if let Some((_, pi)) = globs.iter().find(|(g, pi)| {
                g.is_match(rel)
                    && pi
                        .selectors
                        .iter()
                        .any(|s| rules::selector_matches(s, meta))
            }) {
                by = Some((
                    Kind::Config,
                    Some(format!("per-path-ignores `{}`", pi.glob)),
                    None,
                ));
            }
        }
        match by {
            Some((kind, reason, origin)) => suppressed.push(Suppressed {
                diagnostic: d,
                kind,
                reason,
                origin,
            }),
            None => kept.push(d),
        }
    }
    if let Some(meta) = unused {
        for (di, dir) in dirs.iter().enumerate() {
            // one finding per selector, up to a few per suppression: a comment naming
            // thousands of selectors is one problem, not thousands
            let mut reported = 0usize;
            let mut more = 0usize;
            let mut seen: foldhash::HashSet<&str> = Default::default();
            for (si, (sel, span)) in dir.selectors.iter().enumerate() {
                if used[di][si] || !seen.insert(sel.as_str()) {
                    continue;
                }
                let known = rules::selector_is_known(sel);
                // only rules that ran can be said to have found nothing
                if known && !ran.iter().any(|m| rules::selector_matches(sel, m)) {
                    continue;
                }
                if reported == MAX_UNUSED_PER_SUPPRESSION {
                    more += 1;
                    continue;
                }
                reported += 1;
                let origin = Origin::new(dir.file, span.clone());
                if !known {
                    let mut d =
                        rules::diag(meta, format!("suppression names `{sel}`, which is no rule"))
                            .at(origin, "unknown rule");
                    if let Some(s) = crate::suggest::suggest(sel, rules::names()) {
                        d = d.help(format!("did you mean `{s}`?"));
                    } else {
                        d = d.help("use a rule code (TF0301) or name; `twelve rules` lists them");
                    }
                    kept.push(d);
                    continue;
                }
                let what = match dir.kind {
                    Kind::File => "file-level suppression",
                    Kind::Annotation => "annotation",
                    _ => "suppression",
                };
                kept.push(
                    rules::diag(meta, format!("{what} of `{sel}` matches no finding"))
                        .at(origin, "unused")
                        .help("remove it: the finding it was for is gone (or it is on the wrong line)"),
                );
            }
            if more > 0
                && let Some((_, span)) = dir.selectors.last()
            {
                kept.push(
                    rules::diag(
                        meta,
                        format!(
                            "this suppression names {more} more selectors that are no rule or match no finding"
                        ),
                    )
                    .at(Origin::new(dir.file, span.clone()), "and more")
                    .help("name only the rules the line needs"),
                );
            }
        }
    }
    (kept, suppressed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_comments_only() {
        let line = "ENV A=b  # twelve: ignore[TF0303, TF0301] set by CI";
        let p = parse_directive(line, &["#"]).unwrap();
        assert_eq!(p.marker_at, 9);
        assert!(!p.is_file);
        let names: Vec<&str> = p.selectors.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(names, ["TF0303", "TF0301"]);
        assert_eq!(&line[p.selectors[1].1.clone()], "TF0301");
        assert_eq!(p.reason.as_deref(), Some("set by CI"));
        let p = parse_directive("// twelve: ignore-file[TF1101]", &["//"]).unwrap();
        assert!(p.is_file && p.reason.is_none());
        // not a comment in this format, not a comment at all, or no selector list
        assert!(parse_directive("x = 1 // twelve: ignore[TF0301]", &["#"]).is_none());
        assert!(parse_directive("url: http://twelve: ignore[TF0301]", &["//"]).is_none());
        assert!(parse_directive("a#twelve: ignore[TF0301]", &["#"]).is_none());
        assert!(parse_directive("# twelve: ignore TF0301", &["#"]).is_none());
        assert!(parse_directive("# twelve: ignore[TF0301", &["#"]).is_none());
    }

    proptest::proptest! {
        /// Any line, however broken, parses or is skipped: never a panic, spans inside it.
        #[test]
        fn any_line_is_safe(prefix in ".{0,8}", body in "[ -~éß€]{0,40}", tail in ".{0,12}") {
            for line in [
                format!("{prefix}# twelve: ignore[{body}]{tail}"),
                format!("{prefix}// twelve: ignore-file[{body}{tail}"),
                format!("{prefix}twelve:{body}#twelve: ignore[{tail}]"),
            ] {
                if let Some(p) = parse_directive(&line, &["#", "//"]) {
                    for (_, span) in &p.selectors {
                        proptest::prop_assert!(line.get(span.clone()).is_some());
                    }
                }
                let _ = split_annotation(&line);
            }
        }
    }

    #[test]
    fn annotation_values() {
        assert_eq!(
            split_annotation("TF0902, TF0801 probes live in the mesh"),
            (
                vec!["TF0902".to_string(), "TF0801".to_string()],
                Some("probes live in the mesh".to_string())
            )
        );
        assert_eq!(
            split_annotation("missing-probes"),
            (vec!["missing-probes".to_string()], None)
        );
        assert_eq!(
            split_annotation("TF9999: old"),
            // a code-shaped selector that is no rule (built so no rule-code scan mistakes it)
            (vec![format!("TF{}", 9999)], Some("old".to_string()))
        );
        assert_eq!(split_annotation("just a note").0, Vec::<String>::new());
        // found by the property test: a multi-byte first character
        assert_eq!(split_annotation("🕴x TF0902").0, Vec::<String>::new());
    }
}
