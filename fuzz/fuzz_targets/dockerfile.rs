#![no_main]
//! Dockerfile lowering: instruction, ENV/ARG, command and word spans inside the text; an
//! ENV/ARG key's span holds the key; shell text maps back into the file.
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;
use twelve::parse::dockerfile::{self, Form, Kind};

fuzz_target!(|data: &[u8]| {
    let text = common::text(data);
    let df = match dockerfile::parse(&text) {
        Ok(df) => df,
        Err(e) => {
            common::span(&text, &(e.offset..e.offset), "error");
            return;
        }
    };
    let mut vars: HashMap<String, String> = HashMap::new();
    for i in &df.instructions {
        common::span(&text, &i.span, "instruction");
        common::span(&text, &i.keyword_span, "keyword");
        match &i.kind {
            Kind::Env(kvs) | Kind::Arg(kvs) => {
                for kv in kvs {
                    // the key as written, but for line continuations, the comment lines
                    // inside them, escapes and blanks
                    let held = common::span(&text, &kv.key_span, "ENV/ARG key");
                    let bare = |s: &str| -> String {
                        s.split('\n')
                            .filter(|l| !l.trim_start().starts_with('#'))
                            .flat_map(str::chars)
                            .filter(|c| {
                                !matches!(c, '\\' | '`' | '\r' | ' ' | '\t' | '\x0b' | '\x0c')
                            })
                            .collect()
                    };
                    assert!(
                        bare(held).contains(&bare(&kv.key)),
                        "key {:?} at {:?} holds {held:?}",
                        kv.key,
                        kv.key_span
                    );
                    common::span(&text, &kv.value_span, "ENV/ARG value");
                    if let Some(v) = &kv.value {
                        let v = dockerfile::substitute(v, &vars).unwrap_or_else(|| v.to_string());
                        assert!(v.len() <= dockerfile::MAX_SUBSTITUTED.max(text.len()));
                        vars.insert(kv.key.to_string(), v);
                    }
                }
            }
            Kind::Run(spec) | Kind::Cmd(spec) | Kind::Entrypoint(spec) => {
                common::span(&text, &spec.span, "command");
                match &spec.form {
                    Form::Shell { text: t, map } => {
                        assert_eq!(t.len(), map.len());
                        common::span(&text, &spec.file_span(&(0..t.len())), "shell text");
                    }
                    Form::Exec(words) => {
                        for w in words {
                            common::span(&text, &w.span, "exec word");
                        }
                    }
                }
                for h in &spec.heredocs {
                    common::span(&text, &h.span, "heredoc");
                }
            }
            Kind::From { image, name } => {
                common::span(&text, &image.span, "image");
                if let Some(n) = name {
                    common::span(&text, &n.span, "stage name");
                }
            }
            Kind::Expose(ws) | Kind::Volume(ws) => {
                for w in ws {
                    common::span(&text, &w.span, "word");
                }
            }
            _ => {}
        }
    }
});
