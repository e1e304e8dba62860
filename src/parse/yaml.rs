//! The one YAML wrapper. Builds our own tree from saphyr-parser's event stream so that every
//! node carries a byte span, nesting depth is bounded, alias expansion is capped (billion
//! laughs) and `<<` merge keys are applied.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use crate::source::{LineIndex, Span};
use foldhash::HashMap;
use saphyr_parser::{Event, Parser, ScalarStyle};

/// Deepest nesting we build; deeper documents are a parse error, not a stack overflow.
pub const MAX_DEPTH: usize = 256;
/// Most nodes that alias expansion may add to one stream.
pub const MAX_ALIAS_NODES: usize = 100_000;
/// Most bytes of scalar text that alias expansion may add to one stream: a 1 MB scalar
/// aliased 5,000 times is 5,000 nodes but 5 GB.
pub const MAX_ALIAS_BYTES: usize = 16 * 1024 * 1024;

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    /// A scalar's text; `quoted` is false for plain scalars.
    Scalar {
        text: String,
        quoted: bool,
    },
    Seq(Vec<Yaml>),
    Map(Vec<(Yaml, Yaml)>),
}

#[derive(Clone, Debug)]
pub struct Yaml {
    pub value: Value,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct YamlError {
    pub offset: usize,
    pub message: String,
}

impl Yaml {
    /// The mapping entry for `key`.
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        self.entry(key).map(|(_, v)| v)
    }
    /// The mapping entry (key node, value node) for `key`.
    pub fn entry(&self, key: &str) -> Option<(&Yaml, &Yaml)> {
        match &self.value {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, v)| (k, v)),
            _ => None,
        }
    }
    /// Scalar text (numbers and booleans as written).
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
    pub fn as_seq(&self) -> Option<&[Yaml]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }
    pub fn as_map(&self) -> Option<&[(Yaml, Yaml)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self.as_str()? {
            "true" | "True" | "TRUE" | "yes" | "Yes" | "on" => Some(true),
            "false" | "False" | "FALSE" | "no" | "No" | "off" => Some(false),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        self.as_str()?.trim().parse().ok()
    }
    /// Nodes and bytes of scalar text in this tree (for the alias budgets).
    fn size(&self) -> (usize, usize) {
        let add = |(n, b): (usize, usize), (n2, b2): (usize, usize)| (n + n2, b + b2);
        match &self.value {
            Value::Seq(items) => items.iter().map(Yaml::size).fold((1, 0), add),
            Value::Map(entries) => entries
                .iter()
                .map(|(k, v)| add(k.size(), v.size()))
                .fold((1, 0), add),
            Value::Scalar { text, .. } => (1, text.len()),
            Value::Null => (1, 0),
        }
    }
}

enum Frame {
    Seq(Vec<Yaml>, usize, usize),
    /// entries, pending key, start offset, anchor
    Map(Vec<(Yaml, Yaml)>, Option<Yaml>, usize, usize),
}

/// Rewrite every span of the tree: a rendered Helm template's nodes moved back onto the
/// template text that produced them.
pub fn map_spans(y: &mut Yaml, f: &dyn Fn(&Span) -> Span) {
    y.span = f(&y.span);
    match &mut y.value {
        Value::Seq(items) => items.iter_mut().for_each(|i| map_spans(i, f)),
        Value::Map(entries) => entries.iter_mut().for_each(|(k, v)| {
            map_spans(k, f);
            map_spans(v, f);
        }),
        Value::Null | Value::Scalar { .. } => {}
    }
}

/// Parse every document of a YAML stream.
///
/// Closing brackets of a flow collection written at the indentation of their parent key
/// (`command: [` … `]`) are accepted by the YAML parsers of Docker and Kubernetes but not by
/// saphyr: such lines are re-indented in a copy and parsed again, with positions still
/// computed against the original text.
pub fn parse(text: &str) -> Result<Vec<Yaml>, YamlError> {
    let index = LineIndex::yaml(text);
    let mut copy: Option<String> = None;
    for _ in 0..64 {
        let attempt = copy.as_deref().unwrap_or(text);
        match parse_indexed(attempt, &index) {
            Err(e) if e.message.contains("indentation") => {
                let Some(fixed) = reindent_closer(attempt, &index, e.offset, text) else {
                    return Err(e);
                };
                copy = Some(fixed);
            }
            other => return other,
        }
    }
    parse_indexed(text, &index)
}

/// Indent the line holding a lone flow closer (`]`/`}`) at the error to its previous line.
fn reindent_closer(
    attempt: &str,
    index: &LineIndex<'_>,
    offset: usize,
    original: &str,
) -> Option<String> {
    let _ = original;
    let line_no = index.line_at(offset);
    // the attempt's lines as YAML counts them, each with the break that ends it
    let mut lines: Vec<(&str, &str)> = Vec::new();
    let mut rest = attempt;
    while !rest.is_empty() {
        let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        let (line, tail) = rest.split_at_checked(end)?;
        let brk = if tail.starts_with("\r\n") {
            2
        } else {
            usize::from(!tail.is_empty())
        };
        let (sep, next) = tail.split_at_checked(brk)?;
        lines.push((line, sep));
        rest = next;
    }
    let (line, _) = lines.get(line_no)?;
    let trimmed = line.trim_start();
    if !(trimmed.starts_with(']') || trimmed.starts_with('}')) {
        return None;
    }
    let prev_indent = lines
        .iter()
        .take(line_no)
        .rev()
        .map(|(l, _)| l)
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())?;
    let indent = line.len() - trimmed.len();
    if prev_indent <= indent {
        return None;
    }
    let mut out = String::with_capacity(attempt.len() + prev_indent);
    for (i, (l, sep)) in lines.iter().enumerate() {
        if i == line_no {
            out.push_str(&" ".repeat(prev_indent));
            out.push_str(trimmed);
        } else {
            out.push_str(l);
        }
        out.push_str(sep);
    }
    Some(out)
}

fn parse_indexed(text: &str, index: &LineIndex<'_>) -> Result<Vec<Yaml>, YamlError> {
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Yaml> = HashMap::default();
    let mut alias_budget = (MAX_ALIAS_NODES, MAX_ALIAS_BYTES);
    let mut root: Option<Yaml> = None;
    let parser = Parser::new_from_str(text);
    for item in parser {
        let (event, span) = match item {
            Ok(x) => x,
            Err(e) => {
                let m = e.marker();
                return Err(YamlError {
                    offset: index.offset(m.line(), m.col()),
                    message: e.info().to_string(),
                });
            }
        };
        let start = index.offset(span.start.line(), span.start.col());
        let end = index.offset(span.end.line(), span.end.col()).max(start);
        let node = match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => continue,
            Event::DocumentStart(_) => {
                root = None;
                continue;
            }
            Event::DocumentEnd => {
                docs.push(root.take().unwrap_or(Yaml {
                    value: Value::Null,
                    span: start..start,
                }));
                anchors.clear();
                continue;
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(YamlError {
                        offset: start,
                        message: format!("nesting deeper than {MAX_DEPTH} levels"),
                    });
                }
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq(Vec::new(), start, anchor)
                } else {
                    Frame::Map(Vec::new(), None, start, anchor)
                });
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items, s, anchor)) => {
                    let end = if end > start {
                        end
                    } else {
                        items.last().map(|i| i.span.end).unwrap_or(end)
                    }
                    .max(s);
                    let node = Yaml {
                        value: Value::Seq(items),
                        span: s..end,
                    };
                    remember(&mut anchors, anchor, &node);
                    node
                }
                _ => return Err(internal(start)),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(entries, _, s, anchor)) => {
                    let end = if end > start {
                        end
                    } else {
                        entries.last().map(|(_, v)| v.span.end).unwrap_or(end)
                    }
                    .max(s);
                    let node = Yaml {
                        value: Value::Map(merge_keys(entries)),
                        span: s..end,
                    };
                    remember(&mut anchors, anchor, &node);
                    node
                }
                _ => return Err(internal(start)),
            },
            Event::Scalar(text, style, anchor, tag) => {
                let null = style == ScalarStyle::Plain
                    && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL")
                    && tag.is_none();
                let node = Yaml {
                    value: if null {
                        Value::Null
                    } else {
                        Value::Scalar {
                            text: text.into_owned(),
                            quoted: style != ScalarStyle::Plain,
                        }
                    },
                    span: start..end,
                };
                remember(&mut anchors, anchor, &node);
                node
            }
            Event::Alias(id) => {
                let Some(target) = anchors.get(&id) else {
                    return Err(YamlError {
                        offset: start,
                        message: "alias refers to an unknown anchor".into(),
                    });
                };
                let (nodes, bytes) = target.size();
                if nodes > alias_budget.0 || bytes > alias_budget.1 {
                    return Err(YamlError {
                        offset: start,
                        message: format!(
                            "alias expansion exceeds {MAX_ALIAS_NODES} nodes or {} MiB (an alias bomb?)",
                            MAX_ALIAS_BYTES >> 20
                        ),
                    });
                }
                alias_budget = (alias_budget.0 - nodes, alias_budget.1 - bytes);
                let mut node = target.clone();
                node.span = start..end;
                node
            }
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq(items, ..)) => items.push(node),
            Some(Frame::Map(entries, pending, ..)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
    }
    if let Some(r) = root {
        docs.push(r);
    }
    Ok(docs)
}

fn remember(anchors: &mut HashMap<usize, Yaml>, anchor: usize, node: &Yaml) {
    if anchor != 0 {
        anchors.insert(anchor, node.clone());
    }
}

/// Apply YAML merge keys (`<<: *base` or `<<: [*a, *b]`): merged entries never override
/// explicit ones.
fn merge_keys(entries: Vec<(Yaml, Yaml)>) -> Vec<(Yaml, Yaml)> {
    if !entries.iter().any(|(k, _)| k.as_str() == Some("<<")) {
        return entries;
    }
    let mut out: Vec<(Yaml, Yaml)> = Vec::new();
    let mut merged: Vec<(Yaml, Yaml)> = Vec::new();
    // scalar keys seen, so that a merge of thousands of keys stays linear
    let mut merged_keys: foldhash::HashSet<String> = Default::default();
    for (k, v) in entries {
        if k.as_str() == Some("<<") {
            let sources: Vec<Yaml> = match v.value {
                Value::Map(_) => vec![v],
                Value::Seq(items) => items,
                _ => Vec::new(),
            };
            for src in sources {
                if let Value::Map(es) = src.value {
                    for (mk, mv) in es {
                        let fresh = match mk.as_str() {
                            Some(key) => merged_keys.insert(key.to_string()),
                            None => true,
                        };
                        if fresh {
                            merged.push((mk, mv));
                        }
                    }
                }
            }
        } else {
            out.push((k, v));
        }
    }
    let explicit: foldhash::HashSet<String> = out
        .iter()
        .filter_map(|(k, _)| k.as_str().map(str::to_string))
        .collect();
    out.extend(
        merged
            .into_iter()
            .filter(|(mk, _)| mk.as_str().is_none_or(|key| !explicit.contains(key))),
    );
    out
}

fn internal(offset: usize) -> YamlError {
    YamlError {
        offset,
        message: "unbalanced YAML event stream".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_bytes() {
        let text = "é: 1\nkey: value\n";
        let docs = parse(text).unwrap();
        let v = docs[0].get("key").unwrap();
        assert_eq!(&text[v.span.clone()], "value");
    }

    #[test]
    fn multi_document_and_merge() {
        let text = "a: &x {p: 1, q: 2}\nb:\n  <<: *x\n  q: 3\n---\nkind: Service\n";
        let docs = parse(text).unwrap();
        assert_eq!(docs.len(), 2);
        let b = docs[0].get("b").unwrap();
        assert_eq!(b.get("p").unwrap().as_str(), Some("1"));
        assert_eq!(b.get("q").unwrap().as_str(), Some("3"));
        assert_eq!(docs[1].get("kind").unwrap().as_str(), Some("Service"));
    }

    #[test]
    fn alias_bomb_is_an_error() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("alias"), "{}", err.message);
    }

    #[test]
    fn alias_budget_counts_bytes() {
        // 5,000 aliases of a 64 KiB scalar: few nodes, 320 MB of text
        let mut text = format!("a: &big {}\nb: [", "x".repeat(64 * 1024));
        text.push_str(&vec!["*big"; 5000].join(", "));
        text.push_str("]\n");
        let err = parse(&text).unwrap_err();
        assert!(err.message.contains("alias"), "{}", err.message);
    }

    #[test]
    fn merging_many_keys_is_linear() {
        let keys: Vec<String> = (0..40_000).map(|i| format!("k{i}: {i}")).collect();
        let text = format!(
            "base: &b {{{}}}\nx:\n  <<: *b\n  k7: own\n",
            keys.join(", ")
        );
        let docs = parse(&text).unwrap();
        let x = docs[0].get("x").unwrap();
        assert_eq!(x.as_map().unwrap().len(), 40_000);
        assert_eq!(x.get("k7").unwrap().as_str(), Some("own"));
    }

    #[test]
    fn a_long_line_is_linear() {
        // one flow collection of 2 MiB on one line, multi-byte text in it: each event's
        // position is found without walking the line from its start
        let item = "’é𝄞x";
        let n = (2 << 20) / (item.len() + 2);
        let text = format!("k: [{}]\n", vec![item; n].join(", "));
        let docs = parse(&text).unwrap();
        let seq = docs[0].get("k").unwrap().as_seq().unwrap();
        assert_eq!(seq.len(), n);
        let last = seq.last().unwrap();
        assert_eq!(&text[last.span.clone()], item);
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let text = "[".repeat(50_000);
        assert!(parse(&text).is_err());
        let text = "a:\n".to_string() + &" - ".repeat(10) + "x";
        assert!(parse(&text).is_ok());
    }

    #[test]
    fn flow_closer_at_parent_indent() {
        let text =
            "svc:\n    command: [\n      \"start\",\n      \"x\"\n    ]\n    ports: [\"1\"]\n";
        let docs = parse(text).unwrap();
        let c = docs[0].get("svc").unwrap().get("command").unwrap();
        assert_eq!(c.as_seq().unwrap().len(), 2);
        let p = docs[0].get("svc").unwrap().get("ports").unwrap();
        assert_eq!(&text[p.span.clone()], "[\"1\"]");
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line_as_for_yaml() {
        // found by fuzzing: saphyr counts a lone CR as a line break, so must the index
        let text = "# note\rkey: value\nother: x\n";
        let docs = parse(text).unwrap();
        let v = docs[0].get("key").unwrap();
        assert_eq!(&text[v.span.clone()], "value");
        let o = docs[0].get("other").unwrap();
        assert_eq!(&text[o.span.clone()], "x");
    }

    #[test]
    fn broken_yaml_is_located() {
        let text = "services:\n  web:\n    image: x\n   bad: [\n";
        let err = parse(text).unwrap_err();
        assert!(err.offset > 10);
    }
}
