#![no_main]
//! The YAML tree: any text parses or gives a located error; every node's span is inside the
//! text, and a one-line plain scalar's span ends with its text (after any tag or anchor).
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use twelve::parse::yaml::{self, Value, Yaml};

fn walk(y: &Yaml, text: &str, depth: usize) {
    let s = common::span(text, &y.span, "node");
    if let Value::Scalar { text: v, quoted: false } = &y.value
        && !s.contains(['\n', '\r'])
        && !s.starts_with('*')
        && !v.contains('\n')
        && !s.is_empty()
    {
        // a tag (`!x`) or an anchor (`&a`) may stand before it
        assert!(
            s.trim_end().ends_with(v.trim_end()),
            "plain scalar {v:?} at {:?} holds {s:?}",
            y.span
        );
    }
    if depth > 300 {
        return;
    }
    match &y.value {
        Value::Seq(items) => items.iter().for_each(|i| walk(i, text, depth + 1)),
        Value::Map(es) => es.iter().for_each(|(k, v)| {
            walk(k, text, depth + 1);
            walk(v, text, depth + 1)
        }),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let text = common::text(data);
    match yaml::parse(&text) {
        Ok(docs) => docs.iter().for_each(|d| walk(d, &text, 0)),
        Err(e) => {
            common::span(&text, &(e.offset..e.offset), "error");
        }
    }
});
