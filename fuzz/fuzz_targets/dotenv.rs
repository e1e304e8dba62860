#![no_main]
//! `.env` and Procfile lines: each key's span holds exactly the key, each value's span lies
//! inside the text.
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use twelve::parse::dotenv;

fuzz_target!(|data: &[u8]| {
    let text = common::text(data);
    for e in dotenv::parse(&text) {
        assert_eq!(common::span(&text, &e.key_span, "key"), e.key);
        common::span(&text, &e.value_span, "value");
    }
    for (name, cmd, sp) in dotenv::parse_procfile(&text) {
        assert!(!name.is_empty());
        assert_eq!(common::span(&text, &sp, "process command"), cmd);
    }
});
