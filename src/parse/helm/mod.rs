//! Helm charts rendered natively: the Go template language (`template`), values as Helm reads
//! and merges them (`value`), the Sprig and Helm functions (`funcs`) and an executor with
//! budgets and a source map (`eval`). A chart renders the way `helm template` renders it with
//! release name `release-name` in namespace `default`, offline: `lookup` finds nothing.

pub mod eval;
mod funcs;
pub mod template;
pub mod value;

pub use eval::Output;
use foldhash::HashMap;
use std::collections::BTreeMap;
use std::rc::Rc;
use template::{Arg, Node, Pipe};
use value::V;

/// One chart as read from the repository.
#[derive(Debug, Clone)]
pub struct ChartSource {
    /// The chart's name (`Chart.yaml` `name:`, else its directory's name).
    pub name: String,
    /// `Chart.yaml` as a values tree, its keys as Helm's `.Chart` spells them.
    pub meta: V,
    /// The chart's own `values.yaml`.
    pub values: V,
    /// Templates under `templates/`: path in the chart (`templates/x.yaml`), text, and the
    /// caller's id for the file.
    pub templates: Vec<(String, Rc<str>, usize)>,
    /// Every other file of the chart, for `.Files`, by path in the chart.
    pub files: BTreeMap<String, Rc<str>>,
    /// Subcharts under `charts/`, by directory name.
    pub subcharts: Vec<ChartSource>,
}

/// One template's output.
#[derive(Debug)]
pub struct Rendered {
    /// The caller's id of the template file.
    pub file: usize,
    /// Helm's name for it: `chart/templates/x.yaml`, `chart/charts/sub/templates/y.yaml`.
    pub name: String,
    pub output: Output,
    /// Actions that print a value straight from `.Values` (`{{ .Values.image.tag | quote }}`):
    /// their span in the template and the path under `.Values`, so a finding on the printed
    /// value can point at the values line that set it.
    pub values_refs: Vec<ValuesRef>,
}

/// An action printing `.Values.<path>`, at `span` in its template.
#[derive(Debug, Clone, PartialEq)]
pub struct ValuesRef {
    pub span: (usize, usize),
    pub path: Vec<String>,
}

/// Functions that print their one argument's value in another form: an action piping a
/// values field through them still shows that field.
const PASS_THROUGH: &[&str] = &[
    "quote",
    "squote",
    "toString",
    "toYaml",
    "toJson",
    "toPrettyJson",
    "int",
    "int64",
    "float64",
    "trim",
    "lower",
    "upper",
];

/// The `.Values` path an action prints, when it prints one field and nothing else.
fn printed_values_path(pipe: &Pipe, at_root: bool) -> Option<Vec<String>> {
    if !pipe.vars.is_empty() {
        return None;
    }
    let first = pipe.cmds.first()?;
    let arg = match first.args.as_slice() {
        [a] => a,
        [Arg::Ident(f), a] if PASS_THROUGH.contains(&f.as_str()) => a,
        // `default "x" .Values.y`
        [Arg::Ident(f), _, a] if f == "default" => a,
        _ => return None,
    };
    let path = match arg {
        Arg::Field(p) if at_root => p,
        Arg::Var(v, p) if v.is_empty() => p,
        _ => return None,
    };
    let rest = match path.split_first() {
        Some((v, rest)) if v == "Values" && !rest.is_empty() => rest,
        _ => return None,
    };
    // later commands may only reshape the value (`| quote`, `| default "x"`, `| nindent 4`)
    let reshapes = pipe.cmds[1..].iter().all(|c| match c.args.first() {
        Some(Arg::Ident(f)) => {
            PASS_THROUGH.contains(&f.as_str())
                || matches!(f.as_str(), "default" | "nindent" | "indent")
        }
        _ => false,
    });
    reshapes.then(|| rest.to_vec())
}

/// Every action of `nodes` printing a `.Values` field; inside `with` and `range` the dot is
/// no longer the root, so only `$.Values` counts there.
fn collect_values_refs(nodes: &[Node], at_root: bool, out: &mut Vec<ValuesRef>) {
    for n in nodes {
        match n {
            Node::Action { span, pipe } => {
                if let Some(path) = printed_values_path(pipe, at_root) {
                    out.push(ValuesRef { span: *span, path });
                }
            }
            Node::If { then, els, .. } => {
                collect_values_refs(then, at_root, out);
                collect_values_refs(els, at_root, out);
            }
            Node::With { then, els, .. } => {
                collect_values_refs(then, false, out);
                collect_values_refs(els, at_root, out);
            }
            Node::Range { body, els, .. } => {
                collect_values_refs(body, false, out);
                collect_values_refs(els, at_root, out);
            }
            _ => {}
        }
    }
}

/// What kept a template from rendering, at its place in the template.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub file: usize,
    pub span: (usize, usize),
    pub message: String,
}

/// `Chart.yaml` as `.Chart`: the keys capitalised as Helm's `Metadata` struct has them; every
/// scalar a string, as Go's struct fields read it.
pub fn chart_meta(doc: Option<&crate::parse::yaml::Yaml>, dir_name: &str) -> V {
    let mut m = BTreeMap::new();
    if let Some(doc) = doc.and_then(|d| d.as_map()) {
        for (k, v) in doc {
            let Some(key) = k.as_str() else { continue };
            let name = match key {
                "apiVersion" => "APIVersion".to_string(),
                "appVersion" => "AppVersion".to_string(),
                "kubeVersion" => "KubeVersion".to_string(),
                other => {
                    let mut c = other.chars();
                    match c.next() {
                        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                        None => continue,
                    }
                }
            };
            let val = match v.as_str() {
                Some(text) if key != "deprecated" => V::str(text),
                _ => value::from_yaml(v),
            };
            m.insert(name, val);
        }
    }
    if !m.contains_key("Name") {
        m.insert("Name".into(), V::str(dir_name));
    }
    V::map(m)
}

fn release() -> V {
    V::map(BTreeMap::from([
        ("Name".to_string(), V::str("release-name")),
        ("Namespace".to_string(), V::str("default")),
        ("Service".to_string(), V::str("Helm")),
        ("Revision".to_string(), V::Int(1)),
        ("IsInstall".to_string(), V::Bool(true)),
        ("IsUpgrade".to_string(), V::Bool(false)),
    ]))
}

fn capabilities() -> V {
    let kube = V::map(BTreeMap::from([
        ("Version".to_string(), V::str("v1.36.0")),
        ("GitVersion".to_string(), V::str("v1.36.0")),
        ("Major".to_string(), V::str("1")),
        ("Minor".to_string(), V::str("36")),
    ]));
    V::map(BTreeMap::from([
        ("KubeVersion".to_string(), kube),
        (
            "APIVersions".to_string(),
            V::map(BTreeMap::from([(
                "Has".to_string(),
                V::Method("APIVersions.Has"),
            )])),
        ),
        (
            "HelmVersion".to_string(),
            V::map(BTreeMap::from([("Version".to_string(), V::str("v4.2"))])),
        ),
    ]))
}

/// A chart with the values it renders with, and where it sits in the parent.
struct Scoped<'c> {
    chart: &'c ChartSource,
    values: V,
    /// `parent/charts/sub` as Helm names template paths.
    prefix: String,
}

/// Whether a dependency is switched off by its `condition:` in the parent's values.
fn condition_off(parent: &ChartSource, parent_values: &V, sub: &str) -> bool {
    let deps = parent.meta.get("Dependencies");
    let V::List(deps) = deps else {
        return false;
    };
    for d in deps.iter() {
        let name = d.get("name");
        let alias = d.get("alias");
        if name.as_str() != Some(sub) && alias.as_str() != Some(sub) {
            continue;
        }
        if let Some(cond) = d.get("condition").as_str() {
            // the first path that resolves to a boolean decides
            for path in cond.split(',') {
                let mut v = parent_values.clone();
                for k in path.trim().split('.') {
                    v = v.get(k);
                }
                if let V::Bool(b) = v {
                    return !b;
                }
            }
        }
    }
    false
}

/// The chart and its enabled subcharts, each with its values: a subchart's values are its own
/// under its parent's `<name>:` block, with the parent's `global:` beside them.
fn scope<'c>(
    chart: &'c ChartSource,
    values: V,
    prefix: String,
    out: &mut Vec<Scoped<'c>>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    for sub in &chart.subcharts {
        if condition_off(chart, &values, &sub.name) {
            continue;
        }
        let mut sv = value::coalesce(&sub.values, &values.get(&sub.name));
        let global = value::coalesce(&sv.get("global"), &values.get("global"));
        if let V::Map(m) = &global
            && !m.borrow().is_empty()
            && let V::Map(sm) = &mut sv
            && let Ok(mut sm) = sm.try_borrow_mut()
        {
            sm.insert("global".into(), global.clone());
        }
        let sub_prefix = format!("{prefix}/charts/{}", sub.name);
        scope(sub, sv, sub_prefix, out, depth + 1);
    }
    out.push(Scoped {
        chart,
        values,
        prefix,
    });
}

/// Render every template of the chart (and its enabled subcharts) with its `values.yaml`,
/// under `overrides` when given (an environment's values file).
pub fn render(chart: &ChartSource, overrides: Option<&V>) -> (Vec<Rendered>, Vec<Failure>) {
    let values = match overrides {
        Some(o) => value::coalesce(&chart.values, o),
        None => value::drop_nulls(&chart.values),
    };
    let mut scoped = Vec::new();
    scope(chart, values, chart.name.clone(), &mut scoped, 0);
    let mut failures = Vec::new();
    // every template of every chart, deepest first then by name: Helm's order, so a parent's
    // `define` wins over a subchart's of the same name
    let mut all: Vec<(usize, &str, &Rc<str>, usize, String)> = Vec::new();
    for (si, s) in scoped.iter().enumerate() {
        for (path, text, id) in &s.chart.templates {
            all.push((si, path.as_str(), text, *id, format!("{}/{path}", s.prefix)));
        }
    }
    all.sort_by(|a, b| {
        let depth = |n: &str| n.matches('/').count();
        depth(&b.4).cmp(&depth(&a.4)).then(a.4.cmp(&b.4))
    });
    let mut defines: HashMap<String, Rc<Vec<Node>>> = HashMap::default();
    let mut parsed: Vec<Option<Rc<Vec<Node>>>> = Vec::with_capacity(all.len());
    for (_, _, text, id, name) in &all {
        match template::parse(text) {
            Ok(p) => {
                defines.extend(p.defines);
                // every file is also a template named by its path, for `include (print
                // $.Template.BasePath "/config.yaml") .`
                let nodes = Rc::new(p.nodes);
                defines.insert(name.clone(), nodes.clone());
                parsed.push(Some(nodes));
            }
            Err(e) => {
                failures.push(Failure {
                    file: *id,
                    span: (e.offset, e.offset),
                    message: e.message,
                });
                parsed.push(None);
            }
        }
    }
    let mut out = Vec::new();
    for ((si, path, _, id, name), nodes) in all.iter().zip(parsed) {
        let Some(nodes) = nodes else { continue };
        let file_name = path.rsplit('/').next().unwrap_or(path);
        if file_name.starts_with('_') || !path.starts_with("templates/") || file_name == "NOTES.txt"
        {
            continue;
        }
        let s = &scoped[*si];
        let files = |p: &str| s.chart.files.get(p).map(|t| t.to_string());
        let paths: Vec<String> = s.chart.files.keys().cloned().collect();
        let world = eval::World {
            defines: &defines,
            files: &files,
            file_paths: &paths,
        };
        let base = format!("{}/templates", s.prefix);
        let files_obj = V::map(BTreeMap::from([
            ("Get".to_string(), V::Method("Files.Get")),
            ("Glob".to_string(), V::Method("Files.Glob")),
            ("Lines".to_string(), V::Method("Files.Lines")),
        ]));
        let dot = V::map(BTreeMap::from([
            ("Values".to_string(), s.values.clone()),
            ("Chart".to_string(), s.chart.meta.clone()),
            ("Release".to_string(), release()),
            ("Capabilities".to_string(), capabilities()),
            ("Files".to_string(), files_obj),
            (
                "Template".to_string(),
                V::map(BTreeMap::from([
                    ("Name".to_string(), V::str(name.as_str())),
                    ("BasePath".to_string(), V::str(base)),
                ])),
            ),
        ]));
        let mut ex = eval::Exec::new(&world);
        match ex.render(&nodes, &dot) {
            Ok(output) => {
                let mut values_refs = Vec::new();
                collect_values_refs(&nodes, true, &mut values_refs);
                out.push(Rendered {
                    file: *id,
                    name: name.clone(),
                    output,
                    values_refs,
                })
            }
            Err(e) => failures.push(Failure {
                file: *id,
                span: e.span,
                message: e.message,
            }),
        }
    }
    (out, failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(values: &str, templates: &[(&str, &str)]) -> ChartSource {
        let v = crate::parse::yaml::parse(values).unwrap();
        ChartSource {
            name: "demo".into(),
            meta: chart_meta(
                crate::parse::yaml::parse("name: demo\nversion: 1.2.3\nappVersion: \"4.5\"\n")
                    .unwrap()
                    .first(),
                "demo",
            ),
            values: v.first().map(value::from_yaml).unwrap_or_default(),
            templates: templates
                .iter()
                .enumerate()
                .map(|(i, (p, t))| (p.to_string(), Rc::from(*t), i))
                .collect(),
            files: BTreeMap::new(),
            subcharts: Vec::new(),
        }
    }

    fn one(values: &str, tpl: &str) -> String {
        let c = chart(values, &[("templates/t.yaml", tpl)]);
        let (r, f) = render(&c, None);
        assert!(f.is_empty(), "{f:?}");
        r[0].output.text.clone()
    }

    #[test]
    fn renders_what_charts_write() {
        let helpers = r#"{{- define "demo.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}{{ .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{ end }}
{{- end }}
{{- define "demo.labels" -}}
app: {{ include "demo.fullname" . }}
version: {{ .Chart.AppVersion | quote }}
{{- end }}"#;
        let tpl = r#"metadata:
  name: {{ include "demo.fullname" . }}
  labels:
    {{- include "demo.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicas }}
  {{- with .Values.resources }}
  resources:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  env:
  {{- range $k, $v := .Values.env }}
  - name: {{ $k }}
    value: {{ $v | quote }}
  {{- end }}
  image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
"#;
        let c = chart(
            "replicas: 2\nresources: {limits: {cpu: 1}}\nenv: {B: 2, A: x}\nimage: {repository: r, tag: ''}\n",
            &[
                ("templates/_helpers.tpl", helpers),
                ("templates/d.yaml", tpl),
            ],
        );
        let (r, f) = render(&c, None);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(r.len(), 1, "partials do not render alone");
        assert_eq!(
            r[0].output.text,
            "metadata:\n  name: release-name-demo\n  labels:\n    app: release-name-demo\n    version: \"4.5\"\nspec:\n  replicas: 2\n  resources:\n    limits:\n      cpu: 1\n  env:\n  - name: A\n    value: \"x\"\n  - name: B\n    value: \"2\"\n  image: \"r:4.5\"\n"
        );
        assert_eq!(r[0].name, "demo/templates/d.yaml");
    }

    #[test]
    fn output_maps_back_to_the_template() {
        let tpl = "a: 1\nimage: {{ .Values.image }}\n{{- if true }}\nb: {{ include \"x\" . }}\n{{- end }}{{ define \"x\" }}X{{ end }}\n";
        let c = chart("image: nginx\n", &[("templates/t.yaml", tpl)]);
        let (r, _) = render(&c, None);
        let out = &r[0].output;
        let at = out.text.find("nginx").unwrap();
        let (s, e) = out.source_span(at, at + 5);
        assert_eq!(&tpl[s..e], "{{ .Values.image }}");
        let at = out.text.find("a: 1").unwrap();
        let (s, e) = out.source_span(at, at + 4);
        assert_eq!(&tpl[s..e], "a: 1");
        let at = out.text.find('X').unwrap();
        let (s, _) = out.source_span(at, at + 1);
        assert!(
            tpl[s..].starts_with("{{ include"),
            "a helper's output lands on the call"
        );
        // a value made of two actions spans both; a whole document spans the template
        let tpl = "kind: Pod\nimage: {{ .Values.repo }}:{{ .Values.tag }}\nend: 1\n";
        let c = chart("repo: nginx\ntag: '1.2'\n", &[("templates/t.yaml", tpl)]);
        let (r, _) = render(&c, None);
        let out = &r[0].output;
        let at = out.text.find("nginx").unwrap();
        let (s, e) = out.source_span(at, at + "nginx:1.2".len());
        assert_eq!(&tpl[s..e], "{{ .Values.repo }}:{{ .Values.tag }}");
        let (s, e) = out.source_span(0, out.text.len());
        assert_eq!((s, e), (0, tpl.len()));
    }

    #[test]
    fn control_flow_and_variables() {
        assert_eq!(
            one(
                "l: [a, b, c]\n",
                "{{ range $i, $x := .Values.l }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ $x }}{{ end }}"
            ),
            "ac"
        );
        assert_eq!(
            one(
                "",
                "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}"
            ),
            "2"
        );
        assert_eq!(
            one("", "{{ range .Values.none }}x{{ else }}empty{{ end }}"),
            "empty"
        );
        assert_eq!(
            one(
                "m: {a: 1}\n",
                "{{ with .Values.m }}{{ .a }}{{ $.Chart.Name }}{{ end }}"
            ),
            "1demo"
        );
        assert_eq!(
            one(
                "",
                r#"{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ toJson $d }}"#
            ),
            r#"{"a":1,"b":2}"#
        );
        assert_eq!(one("", r#"{{ tpl "{{ .Chart.Version }}" . }}"#), "1.2.3");
        assert_eq!(
            one(
                "",
                r#"{{ if .Capabilities.APIVersions.Has "policy/v1" }}y{{ end }}"#
            ),
            "y"
        );
    }

    #[test]
    fn actions_printing_a_values_field_are_known() {
        let tpl = r#"a: {{ .Values.image.tag | quote }}
b: {{ include "x" . }}
{{- with .Values.pod }}
c: {{ .name }}{{ $.Values.top }}
{{- end }}
d: {{ default "1" .Values.n }}{{ printf "%s" .Values.no }}
{{- define "x" }}{{ .Values.inner }}{{ end }}
"#;
        let c = chart("", &[("templates/t.yaml", tpl)]);
        let (r, _) = render(&c, None);
        let refs: Vec<(&str, String)> = r[0]
            .values_refs
            .iter()
            .map(|v| (&tpl[v.span.0..v.span.1], v.path.join(".")))
            .collect();
        assert_eq!(
            refs,
            [
                ("{{ .Values.image.tag | quote }}", "image.tag".to_string()),
                ("{{ $.Values.top }}", "top".to_string()),
                ("{{ default \"1\" .Values.n }}", "n".to_string()),
            ]
        );
    }

    #[test]
    fn a_template_file_is_a_template_named_by_its_path() {
        let c = chart(
            "",
            &[
                ("templates/config.yaml", "k: v\n"),
                (
                    "templates/d.yaml",
                    r#"sum: {{ include (print $.Template.BasePath "/config.yaml") . | trim }}"#,
                ),
            ],
        );
        let (r, f) = render(&c, None);
        assert!(f.is_empty(), "{f:?}");
        let d = r
            .iter()
            .find(|r| r.name == "demo/templates/d.yaml")
            .unwrap();
        assert_eq!(d.output.text, "sum: k: v");
    }

    #[test]
    fn failures_are_located_and_other_templates_still_render() {
        let c = chart(
            "",
            &[
                ("templates/a.yaml", "ok: 1\n"),
                (
                    "templates/b.yaml",
                    "x: {{ required \"set .Values.x\" .Values.x }}\n",
                ),
                ("templates/c.yaml", "{{ if }}"),
            ],
        );
        let (r, f) = render(&c, None);
        assert_eq!(r.len(), 1);
        assert_eq!(f.len(), 2);
        let b = f.iter().find(|f| f.file == 1).unwrap();
        assert_eq!(b.span.0, 3);
        assert!(b.message.contains("set .Values.x"));
    }

    #[test]
    fn hostile_templates_stop_within_budgets() {
        let bomb = r#"{{ define "a" }}{{ include "a" . }}{{ end }}{{ include "a" . }}"#;
        let c = chart("", &[("templates/t.yaml", bomb)]);
        let (_, f) = render(&c, None);
        assert!(f[0].message.contains("too deeply"), "{f:?}");
        let loop_ = "{{ range until 100000 }}{{ range until 100000 }}x{{ end }}{{ end }}";
        let c = chart("", &[("templates/t.yaml", loop_)]);
        let (_, f) = render(&c, None);
        assert!(!f.is_empty());
        let wide = r#"{{ $s := "xxxxxxxxxxxxxxxx" }}{{ range until 30 }}{{ $s = print $s $s }}{{ end }}{{ $s }}"#;
        let c = chart("", &[("templates/t.yaml", wide)]);
        let (_, f) = render(&c, None);
        assert!(
            !f.is_empty(),
            "doubling a string 30 times must hit a budget"
        );
    }

    #[test]
    fn subcharts_get_their_block_and_globals() {
        let mut parent = chart(
            "global: {env: prod}\nsub: {port: 8080}\nother: {enabled: false}\n",
            &[],
        );
        parent.meta = chart_meta(
            crate::parse::yaml::parse(
                "name: demo\ndependencies:\n- name: other\n  condition: other.enabled\n",
            )
            .unwrap()
            .first(),
            "demo",
        );
        let mut sub = chart(
            "port: 80\nname: s\n",
            &[(
                "templates/s.yaml",
                "{{ .Values.port }} {{ .Values.name }} {{ .Values.global.env }} {{ .Template.Name }}",
            )],
        );
        sub.name = "sub".into();
        let mut other = chart("", &[("templates/o.yaml", "x")]);
        other.name = "other".into();
        parent.subcharts = vec![sub, other];
        let (r, f) = render(&parent, None);
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(
            r.len(),
            1,
            "a subchart switched off by its condition does not render"
        );
        assert_eq!(
            r[0].output.text,
            "8080 s prod demo/charts/sub/templates/s.yaml"
        );
    }
}
