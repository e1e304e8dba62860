//! twelve's Helm rendering against real Helm. `.ci/run` renders every chart of the shared
//! corpora and of `fixtures/` with Helm's own engine (`.ci/helm_oracle.py`, through the
//! helm-python-sdk package) into the JSON file `TWELVE_HELM_ORACLE` names; this test renders
//! the same charts with twelve and compares them manifest by manifest, after reading both as
//! YAML. Without the file (the package could not be installed) it says so and passes.

use std::collections::BTreeMap;
use std::path::Path;
use twelve::model::Project;
use twelve::parse::helm::value;
use twelve::walk::WalkOptions;

/// Functions whose output Helm draws from a clock, a random source or a cluster: twelve gives
/// fixed values there, so templates that call them cannot match byte for byte.
const UNREPEATABLE: &[&str] = &[
    "randAlpha",
    "randNumeric",
    "randAscii",
    "uuidv4",
    "now",
    "genCA",
    "genSelfSigned",
    "genSigned",
    "genPrivateKey",
    "derivePassword",
    "htpasswd",
    "bcrypt",
    "lookup",
];

/// A rendered template as a list of documents, each normalised to JSON text.
fn normalise(text: &str) -> Result<Vec<String>, String> {
    let docs = twelve::parse::yaml::parse(text).map_err(|e| e.message)?;
    Ok(docs
        .iter()
        .map(value::from_yaml)
        .filter(|v| !matches!(v, value::V::Nil))
        .map(|v| value::to_json(&v))
        .collect())
}

#[test]
fn twelve_renders_charts_as_helm_does() {
    let Ok(path) = std::env::var("TWELVE_HELM_ORACLE") else {
        eprintln!(
            "skipped: TWELVE_HELM_ORACLE is not set (`.ci/run` sets it when helm-python-sdk installs)"
        );
        return;
    };
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: no Helm oracle output at {path}");
        return;
    };
    let oracle: BTreeMap<String, BTreeMap<String, serde_json::Value>> =
        serde_json::from_str(&text).expect("the oracle writes JSON");
    let mut compared = 0;
    let mut skipped = Vec::new();
    let mut wrong = Vec::new();
    for (chart_dir, runs) in &oracle {
        let p = Project::load(Path::new(chart_dir), &WalkOptions::default());
        for (values_file, helm) in runs {
            if let Some(err) = helm.get("error") {
                skipped.push(format!("{chart_dir} with {values_file}: Helm fails: {err}"));
                continue;
            }
            let env = (values_file != "values.yaml").then_some(values_file.as_str());
            let ours: BTreeMap<&str, &str> = p
                .helm_renders
                .iter()
                .filter(|r| r.values.as_deref() == env)
                .map(|r| (r.name.as_str(), r.text.as_str()))
                .collect();
            let helm = helm.as_object().expect("template name to text");
            // nor does twelve render what Helm leaves out (a disabled subchart); with an
            // environment's file the package decides conditions on the chart's own values,
            // where `helm template -f` uses the file's, so only the defaults are checked
            if env.is_none() {
                for name in ours.keys().filter(|n| !helm.contains_key(**n)) {
                    if !name.ends_with("NOTES.txt") {
                        wrong.push(format!(
                            "{chart_dir} {values_file} {name}: twelve renders it, Helm does not"
                        ));
                    }
                }
            }
            for (name, text) in helm {
                if name.ends_with("NOTES.txt") {
                    continue;
                }
                let text = text.as_str().unwrap_or_default();
                // the template's own text, to see whether it calls what cannot repeat
                let rel = name
                    .split_once("/templates/")
                    .map(|(_, t)| t)
                    .unwrap_or(name);
                let source =
                    std::fs::read_to_string(Path::new(chart_dir).join("templates").join(rel))
                        .unwrap_or_default();
                if UNREPEATABLE.iter().any(|f| source.contains(f)) {
                    skipped.push(format!(
                        "{name}: calls a function whose output cannot repeat"
                    ));
                    continue;
                }
                let Some(mine) = ours.get(name.as_str()) else {
                    // twelve's reason, when it gave one
                    let why: Vec<&str> = p
                        .notices
                        .iter()
                        .filter(|n| n.path.ends_with(rel))
                        .map(|n| n.message.as_str())
                        .collect();
                    wrong.push(format!(
                        "{chart_dir} {values_file} {name}: Helm renders it, twelve does not ({})",
                        why.join("; ")
                    ));
                    continue;
                };
                compared += 1;
                match (normalise(text), normalise(mine)) {
                    (Ok(a), Ok(b)) if a == b => {
                        // the same objects; byte for byte too, since charts hash their own
                        // output (`checksum/config: {{ include … | sha256sum }}`)
                        if text.trim_end() != mine.trim_end() {
                            let at = text
                                .bytes()
                                .zip(mine.bytes())
                                .position(|(x, y)| x != y)
                                .unwrap_or(text.len().min(mine.len()));
                            let around = |t: &str| {
                                let from = at.saturating_sub(40);
                                String::from_utf8_lossy(
                                    t.as_bytes()
                                        .get(from..(at + 40).min(t.len()))
                                        .unwrap_or(&[]),
                                )
                                .into_owned()
                            };
                            wrong.push(format!(
                                "{chart_dir} {values_file} {name}: same objects, other text at byte {at}:\n--- helm\n{:?}\n--- twelve\n{:?}",
                                around(text),
                                around(mine)
                            ));
                        }
                    }
                    (Ok(a), Ok(b)) => wrong.push(format!(
                        "{chart_dir} {values_file} {name}: differs\n--- helm\n{}\n--- twelve\n{}",
                        a.join("\n"),
                        b.join("\n")
                    )),
                    (Err(_), _) => skipped.push(format!("{name}: Helm's output is not YAML")),
                    (_, Err(e)) => wrong.push(format!(
                        "{chart_dir} {values_file} {name}: twelve's output is not YAML: {e}"
                    )),
                }
            }
        }
    }
    for s in &skipped {
        eprintln!("not compared: {s}");
    }
    eprintln!("compared {compared} rendered templates with Helm's");
    assert!(
        wrong.is_empty(),
        "{} templates differ from Helm:\n{}",
        wrong.len(),
        wrong.join("\n\n")
    );
    assert!(compared > 0, "the oracle file holds no template to compare");
}
