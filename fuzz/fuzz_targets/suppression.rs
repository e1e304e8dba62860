#![no_main]
//! Suppression comments: every selector's span holds exactly the selector, on any line.
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = common::text(data);
    for line in text.split('\n') {
        for markers in [&["#"][..], &["//"][..], &["#", "//"][..]] {
            if let Some((_, selectors, _)) = twelve::suppress::line_directive(line, markers) {
                for (sel, r) in &selectors {
                    assert_eq!(common::span(line, r, "selector"), sel);
                }
            }
        }
    }
});
