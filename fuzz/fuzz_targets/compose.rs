#![no_main]
//! Compose lowering of any YAML: service, environment, port and volume spans inside the
//! text, names where they are written; interpolation bounded.
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use std::collections::HashMap;
use twelve::parse::{compose, yaml};

fuzz_target!(|data: &[u8]| {
    let text = common::text(data);
    let Ok(docs) = yaml::parse(&text) else { return };
    let vars: HashMap<String, String> =
        [("A".to_string(), "x".repeat(64)), ("TAG".to_string(), "1.0".into())].into();
    for d in &docs {
        let c = compose::lower(d, &vars);
        for s in &c.services {
            common::span(&text, &s.span, "service");
            common::span(&text, &s.name_span, "service name");
            for e in &s.environment {
                common::span(&text, &e.key_span, "env key");
                common::span(&text, &e.value_span, "env value");
            }
            for p in &s.ports {
                common::span(&text, &p.span, "port");
            }
            for (_, sp) in &s.expose {
                common::span(&text, sp, "expose");
            }
            for (_, _, sp) in &s.depends_on {
                common::span(&text, sp, "depends_on");
            }
            for f in &s.env_files {
                common::span(&text, &f.span, "env_file");
            }
        }
        for (_, sp) in &c.missing_vars {
            common::span(&text, sp, "missing var");
        }
        for i in &c.includes {
            common::span(&text, &i.span, "include");
        }
    }
    let (out, _) = compose::interpolate(&text, &vars);
    assert!(out.len() <= compose::MAX_INTERPOLATED + text.len() + 64);
});
