#![no_main]
//! Kubernetes lowering of any YAML: object, container, env, port, probe, mount and data
//! spans inside the text; env names where they are written.
#[path = "common.rs"]
mod common;

use libfuzzer_sys::fuzz_target;
use twelve::parse::{k8s, yaml};

fuzz_target!(|data: &[u8]| {
    let text = common::text(data);
    let Ok(docs) = yaml::parse(&text) else { return };
    let mut objs = Vec::new();
    for d in &docs {
        k8s::lower(d, &mut objs);
    }
    for o in &objs {
        common::span(&text, &o.span, "object");
        common::span(&text, &o.kind_span, "kind");
        for (k, v) in &o.data {
            common::span(&text, &k.span, "data key");
            common::span(&text, &v.span, "data value");
        }
        if let Some(pod) = &o.pod {
            for c in pod.containers.iter().chain(&pod.init_containers) {
                common::span(&text, &c.span, "container");
                for e in &c.env {
                    common::span(&text, &e.name_span, "env name");
                    if let Some(v) = &e.value {
                        common::span(&text, &v.span, "env value");
                    }
                }
                for p in &c.ports {
                    common::span(&text, &p.span, "container port");
                }
                for p in &c.probes {
                    common::span(&text, &p.span, "probe");
                }
                for (_, _, _, sp) in &c.mounts {
                    common::span(&text, sp, "mount");
                }
                for w in c.command.iter().chain(&c.args) {
                    common::span(&text, &w.span, "command word");
                }
            }
        }
    }
});
