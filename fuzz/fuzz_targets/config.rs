#![no_main]
//! Config loading: any text is a config or an error, and an error's span is inside it.
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = common::text(data);
    match twelve::config::parse(std::path::Path::new("twelve.toml"), &text) {
        Ok(cfg) => {
            let _ = cfg.gates();
        }
        Err(e) => {
            if let Some(r) = &e.span {
                common::span(&text, r, "config error");
            }
            if let Some(h) = &e.help {
                assert!(!h.is_empty());
            }
        }
    }
});
