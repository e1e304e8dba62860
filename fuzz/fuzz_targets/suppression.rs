#![no_main]
//! Suppression comments: every selector's span holds exactly the selector, on any line.
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = common::text(data);
    for line in text.split('\n') {
        for markers in [&["#"][..], &["//"][..], &["#", "//"][..]] {
            if let Some(d) = twelve::suppress::parse_directive(line, markers) {
                assert!(d.marker_at < line.len().max(1));
                for (sel, r) in &d.selectors {
                    assert_eq!(common::span(line, r, "selector"), sel);
                }
            }
        }
    }
});
