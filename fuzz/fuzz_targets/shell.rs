#![no_main]
//! Shell scripts: command and word spans inside the text; `${NAME:?}` spans hold the
//! expansion; word splitting and secret flags stay inside their words.
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use twelve::parse::shell;

fuzz_target!(|data: &[u8]| {
    let text = common::text(data);
    let s = shell::parse(&text);
    for c in &s.commands {
        common::span(&text, &c.span, "command");
        for (_, w) in &c.words {
            common::span(&text, w, "word");
        }
        let words: Vec<&str> = c.words.iter().map(|(w, _)| w.as_str()).collect();
        for (wi, r) in twelve::secrets::secret_args(&words) {
            common::span(words[wi], &r, "secret in a word");
        }
        let _ = twelve::secrets::masked_command(&words);
    }
    for (name, r) in shell::required_vars(&text) {
        let held = common::span(&text, &r, "required var");
        assert_eq!(held, format!("${{{name}"));
    }
    for (_, r) in shell::split_words(&text) {
        common::span(&text, &r, "split word");
    }
    for r in twelve::secrets::assignments(&text) {
        common::span(&text, &r, "assignment");
    }
});
