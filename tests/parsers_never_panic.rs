//! Property tests: whatever the bytes, no parser or lowering step panics, and every span it
//! returns lies inside the text (so reports can always slice it).

use proptest::prelude::*;
use std::collections::HashMap;
use twelve::model::images::ImageRef;
use twelve::parse::manifest::{self, ManifestKind};
use twelve::parse::{compose, dockerfile, dotenv, k8s, python, shell, yaml};

/// Text made of the characters that matter to these formats.
fn structured() -> impl Strategy<Value = String> {
    prop::string::string_regex("[\\[\\]{}:,\\-#&*!|>'\"\\\\\\n \\ta-zA-Z0-9$=@./()<;`%_~]{0,300}")
        .unwrap()
}

fn in_bounds(r: &std::ops::Range<usize>, len: usize) -> bool {
    r.start <= r.end && r.end <= len
}

fn check_yaml_spans(y: &yaml::Yaml, len: usize) -> bool {
    in_bounds(&y.span, len)
        && match &y.value {
            yaml::Value::Seq(items) => items.iter().all(|i| check_yaml_spans(i, len)),
            yaml::Value::Map(es) => es
                .iter()
                .all(|(k, v)| check_yaml_spans(k, len) && check_yaml_spans(v, len)),
            _ => true,
        }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn yaml_compose_k8s(text in structured()) {
        match yaml::parse(&text) {
            Ok(docs) => {
                for d in &docs {
                    prop_assert!(check_yaml_spans(d, text.len()));
                    let c = compose::lower(d, &HashMap::new());
                    for s in &c.services {
                        prop_assert!(in_bounds(&s.name_span, text.len()));
                        for e in &s.environment {
                            prop_assert!(in_bounds(&e.key_span, text.len()));
                        }
                    }
                    let mut objs = Vec::new();
                    k8s::lower(d, &mut objs);
                }
            }
            Err(e) => prop_assert!(e.offset <= text.len()),
        }
    }

    #[test]
    fn dockerfile(text in structured()) {
        let text = format!("FROM x\n{text}");
        match dockerfile::parse(&text) {
            Ok(df) => {
                for i in &df.instructions {
                    prop_assert!(in_bounds(&i.span, text.len()));
                    if let dockerfile::Kind::Run(spec) | dockerfile::Kind::Cmd(spec) = &i.kind
                        && let dockerfile::Form::Shell { text: t, .. } = &spec.form
                    {
                        let r = spec.file_span(&(0..t.len()));
                        prop_assert!(in_bounds(&r, text.len()));
                    }
                }
            }
            Err(e) => prop_assert!(e.offset <= text.len()),
        }
    }

    #[test]
    fn manifests(text in structured()) {
        for kind in [
            ManifestKind::Requirements,
            ManifestKind::Pyproject,
            ManifestKind::Pipfile,
            ManifestKind::PackageJson,
            ManifestKind::CargoToml,
            ManifestKind::GoMod,
        ] {
            match manifest::parse(kind, &text) {
                Ok(m) => {
                    for d in &m.deps {
                        prop_assert!(in_bounds(&d.span, text.len()));
                    }
                }
                Err(e) => prop_assert!(e.offset <= text.len()),
            }
        }
    }

    #[test]
    fn code_shell_and_small_formats(text in structured()) {
        let s = shell::parse(&text);
        for c in &s.commands {
            prop_assert!(in_bounds(&c.span, text.len()));
        }
        let f = python::parse(&text);
        for c in &f.calls {
            prop_assert!(in_bounds(&c.span, text.len()));
        }
        for e in dotenv::parse(&text) {
            prop_assert!(in_bounds(&e.value_span, text.len()));
        }
        for (_, _, span) in dotenv::parse_procfile(&text) {
            prop_assert!(in_bounds(&span, text.len()));
        }
        let _ = compose::short_port(&text, 0..0);
        let _ = compose::interpolate(&text, &HashMap::new());
        let _ = dockerfile::substitute(&text, &HashMap::new());
        let _ = shell::split_words(&text);
        let _ = ImageRef::parse(&text);
        let _ = twelve::walk::classify(&text);
        for (r, _) in twelve::secrets::scan(&text) {
            prop_assert!(in_bounds(&r, text.len()) && text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
    }
}
