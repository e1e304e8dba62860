//! Property tests: whatever the text, no parser or lowering step panics, and every span it
//! returns lies inside the text on char boundaries (so reports can always slice it).
//!
//! Two generators: the characters that matter to these formats, and the same mixed with
//! multi-byte text of every width at every place (2-, 3- and 4-byte characters, combining
//! marks, zero-width joiners, bidirectional marks, full-width digits, emoji, a BOM, a
//! non-character), so that no byte offset computed on ASCII assumptions survives.

use proptest::prelude::*;
use std::collections::HashMap;
use twelve::model::images::ImageRef;
use twelve::parse::code::CodeFacts;
use twelve::parse::manifest::{self, ManifestKind};
use twelve::parse::{compose, dockerfile, dotenv, k8s, python, shell, yaml};

const SYNTAX: &str = "[]{}:,-#&*!|>'\"\\\n \tabcxyzAZ019$=@./()<;`%_~";

/// Characters that are more than one byte, or invisible, or reorder text.
const WIDE: &[&str] = &[
    "é",
    "ß",
    "İ",
    "ẞ",
    "’",
    "€",
    "—",
    "中",
    "ế",
    "１",
    "e\u{301}",
    "\u{200d}",
    "\u{200f}",
    "\u{202e}",
    "\u{2028}",
    "\u{85}",
    "\u{feff}",
    "\u{fffe}",
    "𝄞",
    "😀",
    "👩\u{200d}💻",
];

fn syntax_char() -> impl Strategy<Value = String> {
    prop::sample::select(SYNTAX.chars().collect::<Vec<_>>()).prop_map(String::from)
}

fn wide_char() -> impl Strategy<Value = String> {
    prop::sample::select(WIDE.to_vec()).prop_map(String::from)
}

/// Syntax characters, words, and multi-byte characters at any place.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        6 => syntax_char(),
        2 => wide_char(),
        1 => prop::sample::select(vec![
            "services:", "image: ", "FROM ", "ENV ", "ARG ", "RUN ", "${", ":-", "://",
            "password", "os.environ[", "process.env.", "import ", "- ", "\n  ", "# twelve: ignore[",
            "apiVersion: v1\nkind: ", "{{", "\"", "C:\\", "/home/", "export ", "sh -c ",
            "ENV.fetch(\"", "ENV[\"", "System.getenv(\"", "@Value(\"${", ":", "getenv('", "$_ENV['",
            "<?php ", "Environment.GetEnvironmentVariable(\"", "new StreamHandler('", "Logger.new(",
            " ?? ", "(", ")", "{", "}", ";", "password: ", "host: ", "'", ".migrate()",
        ])
        .prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..200).prop_map(|v| v.concat())
}

/// Template actions and the functions charts call, with multi-byte text between and inside.
fn helm_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => prop::sample::select(vec![
            "{{", "}}", "{{- ", " -}}", "{{/* c */}}", " if ", " else ", " end ", " with ", " range ",
            ".Values.a", ".Values.l", "$", "$x", " := ", " = ", " | ", "quote", "squote", "upper",
            "include \"t\" .", "define \"t\"", "template \"t\" .", "tpl", "printf \"%s-%5.2q\"",
            "trunc 3", "trunc -2", "substr 1 3", "nindent 2", "indent 1", "toYaml", "toJson",
            "default \"d\"", "replace \"a\" \"é\"", "trimSuffix \"-\"", "regexReplaceAll \".\" ",
            "b64enc", "b64dec", "sha256sum", "split \"/\"", "splitList \",\"", "join \"-\"", "(", ")",
            "\"", "`", "1", "-1", "2.5", "\n", "  ", ": ", "- ", "kind: Pod\n",
        ])
        .prop_map(String::from),
        2 => wide_char(),
        1 => syntax_char(),
    ];
    prop::collection::vec(piece, 0..120).prop_map(|v| v.concat())
}

fn ok_span(r: &std::ops::Range<usize>, text: &str) -> bool {
    r.start <= r.end
        && r.end <= text.len()
        && text.is_char_boundary(r.start)
        && text.is_char_boundary(r.end)
}

fn check_yaml_spans(y: &yaml::Yaml, text: &str) -> bool {
    ok_span(&y.span, text)
        && match &y.value {
            yaml::Value::Seq(items) => items.iter().all(|i| check_yaml_spans(i, text)),
            yaml::Value::Map(es) => es
                .iter()
                .all(|(k, v)| check_yaml_spans(k, text) && check_yaml_spans(v, text)),
            _ => true,
        }
}

/// Every span of a language's facts.
fn facts_ok(f: &CodeFacts, text: &str) -> bool {
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    spans.extend(f.imports.iter().map(|(_, s)| s.range()));
    spans.extend(f.test_spans.iter().map(|s| s.range()));
    for r in &f.env_reads {
        spans.push(r.span.range());
        spans.extend(r.default_span.map(|s| s.range()));
    }
    for c in &f.rare.calls {
        spans.push(c.span.clone());
        for a in &c.args {
            spans.push(a.span.clone());
            spans.push(a.value_span.clone());
        }
    }
    spans.extend(f.bindings.iter().map(|b| b.value_span.range()));
    spans.extend(f.urls.iter().map(|u| u.span.range()));
    spans.extend(f.rare.abs_paths.iter().map(|(_, s)| s.clone()));
    spans.extend(f.rare.env_branches.iter().map(|(_, _, s)| s.clone()));
    spans.extend(f.rare.programs.iter().map(|(_, s)| s.clone()));
    for l in &f.rare.listens {
        spans.push(l.span.clone());
        spans.extend(l.host.iter().map(|(_, s)| s.clone()));
        spans.extend(l.port.iter().map(|(_, s)| s.clone()));
    }
    spans.extend(f.rare.file_logs.iter().map(|l| l.span.clone()));
    spans.extend(f.rare.local_sessions.iter().map(|(_, s)| s.clone()));
    spans.extend(f.rare.migrations.iter().map(|(_, s)| s.clone()));
    spans.iter().all(|s| ok_span(s, text))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 768, ..ProptestConfig::default() })]

    #[test]
    fn helm_templates_render_or_fail_with_spans_inside(tpl in helm_text(), values in helm_text()) {
        use twelve::parse::helm::{self, value, ChartSource};
        let vals = yaml::parse(&format!("a: {values}\nl: [x, é, 3]\n"))
            .ok()
            .and_then(|d| d.first().map(value::from_yaml))
            .unwrap_or_default();
        let chart = ChartSource {
            name: "c".into(),
            meta: helm::chart_meta(None, "c"),
            values: vals,
            templates: vec![
                ("templates/t.yaml".into(), std::rc::Rc::from(tpl.as_str()), 0),
                ("templates/_h.tpl".into(), std::rc::Rc::from("{{ define \"t\" }}é{{ .Values.a }}{{ end }}"), 1),
            ],
            files: Default::default(),
            subcharts: Vec::new(),
        };
        let (rendered, failures) = helm::render(&chart, None);
        for f in &failures {
            if f.file == 0 {
                prop_assert!(ok_span(&(f.span.0..f.span.1), &tpl), "{:?}", f);
            }
        }
        for r in rendered.iter().filter(|r| r.file == 0) {
            let out = &r.output.text;
            let bounds: Vec<usize> = out.char_indices().map(|(i, _)| i).chain([out.len()]).collect();
            for w in bounds.windows(2).step_by(3) {
                let (a, b) = r.output.source_span(w[0], w[1]);
                prop_assert!(ok_span(&(a..b), &tpl), "{a}..{b} of {tpl:?}");
            }
            for v in &r.values_refs {
                prop_assert!(ok_span(&(v.span.0..v.span.1), &tpl));
            }
        }
    }

    #[test]
    fn config_settings_of_every_format(text in text()) {
        use twelve::parse::settings::{self, Format};
        for format in [Format::Toml, Format::Json, Format::Ini, Format::Properties, Format::Hjson] {
            if let Ok(found) = settings::parse(format, &text) {
                for st in &found {
                    prop_assert!(ok_span(&st.key_span, &text), "{format:?} key {:?}", st.key_span);
                    prop_assert!(ok_span(&st.value_span, &text), "{format:?} value {:?}", st.value_span);
                }
            }
        }
    }

    #[test]
    fn yaml_compose_k8s(text in text()) {
        match yaml::parse(&text) {
            Ok(docs) => {
                for d in &docs {
                    prop_assert!(check_yaml_spans(d, &text));
                    let c = compose::lower(d, &HashMap::new());
                    for s in &c.services {
                        prop_assert!(ok_span(&s.name_span, &text));
                        for e in &s.environment {
                            prop_assert!(ok_span(&e.key_span, &text));
                            prop_assert!(ok_span(&e.value_span, &text));
                        }
                        for p in &s.ports {
                            prop_assert!(ok_span(&p.span, &text));
                        }
                    }
                    let mut objs = Vec::new();
                    k8s::lower(d, &mut objs);
                    for o in &objs {
                        prop_assert!(ok_span(&o.span.range(), &text));
                    }
                }
            }
            Err(e) => prop_assert!(e.offset <= text.len() && text.is_char_boundary(e.offset)),
        }
    }

    #[test]
    fn dockerfile(body in text()) {
        let text = format!("FROM x\n{body}");
        match dockerfile::parse(&text) {
            Ok(df) => {
                for i in &df.instructions {
                    prop_assert!(ok_span(&i.span.range(), &text));
                    match &i.kind {
                        dockerfile::Kind::Run(spec) | dockerfile::Kind::Cmd(spec) => {
                            if let dockerfile::Form::Shell { text: t, .. } = &spec.form {
                                prop_assert!(ok_span(&spec.file_span(&(0..t.len())), &text));
                            }
                        }
                        dockerfile::Kind::Env(kvs) | dockerfile::Kind::Arg(kvs) => {
                            for kv in kvs {
                                prop_assert!(ok_span(&kv.key_span.range(), &text));
                                prop_assert!(ok_span(&kv.value_span.range(), &text));
                            }
                        }
                        _ => {}
                    }
                }
            }
            Err(e) => prop_assert!(e.offset <= text.len() && text.is_char_boundary(e.offset)),
        }
    }

    #[test]
    fn manifests(text in text()) {
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
                        prop_assert!(ok_span(&d.span, &text));
                    }
                }
                Err(e) => prop_assert!(e.offset <= text.len()),
            }
        }
    }

    #[test]
    fn source_facts_of_every_language(text in text()) {
        prop_assert!(facts_ok(&python::parse(&text), &text));
        // every language this build has, through the one entry point the loader uses
        for spec in twelve::parse::code::LANGS {
            for ext in spec.lang.extensions() {
                if let Ok(facts) = twelve::parse::code::parse_source(spec.lang, &format!("a.{ext}"), &text) {
                    prop_assert!(facts_ok(&facts, &text));
                }
            }
        }
    }

    #[test]
    fn shell_and_small_formats(text in text()) {
        let s = shell::parse(&text);
        for c in &s.commands {
            prop_assert!(ok_span(&c.span, &text));
            for (_, w) in &c.words {
                prop_assert!(ok_span(w, &text));
            }
        }
        for (_, r) in shell::required_vars(&text) {
            prop_assert!(ok_span(&r, &text));
        }
        for (_, r) in shell::split_words(&text) {
            prop_assert!(ok_span(&r, &text));
        }
        for e in dotenv::parse(&text) {
            prop_assert!(ok_span(&e.key_span, &text));
            prop_assert!(ok_span(&e.value_span, &text));
        }
        for (_, _, span) in dotenv::parse_procfile(&text) {
            prop_assert!(ok_span(&span, &text));
        }
        let _ = compose::short_port(&text, 0..0);
        let vars: HashMap<String, String> = [("A".to_string(), text.clone())].into();
        let _ = compose::interpolate(&text, &vars);
        let _ = dockerfile::substitute(&text, &vars);
        let (t, map) = dockerfile::strip_continuations(&text, 0, '\\');
        prop_assert_eq!(t.len(), map.len());
        prop_assert!(map.iter().all(|o| o < text.len().max(1)));
        // each byte kept comes from where the map says, in the file's order
        let offsets: Vec<usize> = map.iter().collect();
        prop_assert_eq!(offsets.len(), t.len());
        prop_assert!(offsets.windows(2).all(|w| w[0] < w[1]));
        for (k, o) in offsets.iter().enumerate() {
            prop_assert_eq!(text.as_bytes().get(*o), t.as_bytes().get(k));
        }
        let mut cut = map.clone();
        cut.truncate(t.len() / 2);
        prop_assert_eq!(cut.iter().collect::<Vec<_>>(), offsets[..t.len() / 2].to_vec());
        let _ = ImageRef::parse(&text);
        let _ = twelve::walk::classify(&text);
        let _ = twelve::walk::join("a/b", &text);
        let _ = twelve::parse::code::is_machine_path(&text);
        let _ = twelve::parse::code::split_address(&text);
        let _ = twelve::secrets::is_secret_key(&text);
        let _ = twelve::secrets::is_placeholder(&text);
        let _ = twelve::config::suggest(&text, ["select", "ignore"]);
        let _ = twelve::config::parse(std::path::Path::new("twelve.toml"), &text);
        for (r, _) in twelve::secrets::scan(&text) {
            prop_assert!(ok_span(&r, &text));
        }
        let words: Vec<&str> = text.split(' ').collect();
        for (wi, r) in twelve::secrets::secret_args(&words) {
            prop_assert!(ok_span(&r, words[wi]));
        }
        let _ = twelve::secrets::masked_command(&words);
        let _ = twelve::secrets::mask_url_credentials(&text);
    }

    /// Line and column lookups agree with a walk of the text, in both directions.
    #[test]
    fn lines_and_columns(text in text(), at in 0usize..2000) {
        let f = twelve::source::SourceFile::new(
            twelve::source::FileId(0), "x".into(), twelve::walk::Location::at(std::path::PathBuf::from("x")), text.clone());
        let (line, col) = f.line_col(at);
        let b = twelve::text::floor_boundary(&text, at);
        let before = &text[..b];
        prop_assert_eq!(line, before.matches('\n').count() + 1);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        prop_assert_eq!(col, text[line_start..b].chars().count() + 1);
        prop_assert_eq!(f.offset_of(line, col - 1), b);
        prop_assert!(ok_span(&f.line_span(line), &text));
    }

    /// The text helpers keep their promises on any text.
    #[test]
    fn text_helpers(text in text(), a in 0usize..1000, b in 0usize..1000) {
        let r = twelve::text::widen(&text, &(a.min(b)..a.max(b)));
        prop_assert!(ok_span(&r, &text));
        let _ = twelve::text::cut(&text, &(a..b));
        let t = twelve::text::truncate(&text, a);
        prop_assert!(t.len() <= a + '…'.len_utf8() || t.len() == text.len());
        let safe = twelve::text::terminal_safe(&text);
        prop_assert!(!safe.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
        let line = twelve::text::terminal_line(&text);
        prop_assert!(!line.contains('\n'));
        let xml = twelve::text::xml_safe(&text);
        let doc = format!(
            "<a>{}</a>",
            xml.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
        );
        prop_assert!(roxmltree::Document::parse(&doc).is_ok(), "{:?}", doc);
    }
}
