//! Helm charts rendered into Kubernetes objects. Each chart renders with its `values.yaml`,
//! and again with each `values-<env>.yaml` over it as an environment; subcharts under
//! `charts/` render with their parent's values. Every object lands on the template lines that
//! produced it. A template that cannot be rendered is a located notice, and the chart's
//! values are still read as before.

use super::{K8sModel, Project};
use crate::parse::helm::{self, ChartSource, value::V};
use crate::parse::{k8s, yaml, yaml::Yaml};
use crate::source::FileId;
use crate::walk::{self, FileKind, Found, Notice, WalkOptions};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Where a rendered object came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelmOrigin {
    /// The chart's directory.
    pub chart: String,
    /// The environment's values file it was rendered with (`None`: the chart's defaults).
    pub env_values: Option<FileId>,
}

/// One rendered template, kept for `twelve model` and the oracle comparison.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RenderedTemplate {
    /// The chart's directory.
    pub chart: String,
    /// The values file over the defaults, when an environment's.
    pub values: Option<String>,
    /// Helm's name for the template (`chart/templates/x.yaml`).
    pub name: String,
    pub text: String,
}

/// Most bytes of chart files (`.Files.Get`) read per chart.
const MAX_CHART_FILES: u64 = 16 * 1024 * 1024;

impl Project {
    /// Render every chart of the repository (subcharts through their parents).
    pub(super) fn render_charts(
        &mut self,
        found: &[Found],
        opts: &WalkOptions,
        notices: &mut Vec<Notice>,
    ) {
        let mut charts: Vec<String> = self.charts.clone();
        charts.sort();
        // a chart under another chart's `charts/` renders as that chart's subchart
        let is_sub = |c: &str| {
            charts.iter().any(|p| {
                p != c && walk::is_within(c, format!("{p}/charts").trim_start_matches('/'))
            })
        };
        let tops: Vec<String> = charts.iter().filter(|c| !is_sub(c)).cloned().collect();
        for dir in tops {
            let Some(source) = self.chart_source(&dir, &charts, found, opts, 0) else {
                continue;
            };
            let envs: Vec<(FileId, V)> = self
                .helm_values
                .iter()
                .filter(|(f, _)| {
                    let rel = self.rel(*f);
                    let name = walk::file_name(rel);
                    walk::parent_dir(rel) == dir
                        && name != "values.yaml"
                        && name != "values.yml"
                        && (name.ends_with(".yaml") || name.ends_with(".yml"))
                })
                .map(|(f, docs)| {
                    (
                        *f,
                        docs.first().map(helm::value::from_yaml).unwrap_or_default(),
                    )
                })
                .collect();
            let runs =
                std::iter::once((None, None)).chain(envs.iter().map(|(f, v)| (Some(*f), Some(v))));
            for (env_file, overrides) in runs {
                let result = crate::fault::catch(|| helm::render(&source, overrides));
                let (rendered, failures) = match result {
                    Ok(r) => r,
                    Err(m) => {
                        self.internal_errors
                            .push((crate::source::Origin::new(self.charts_file(&dir), 0..0), m));
                        continue;
                    }
                };
                // a chart whose every template rendered is judged from its objects alone;
                // its values files are not read again for what the objects already say
                if env_file.is_none() && failures.is_empty() && !rendered.is_empty() {
                    let values: Vec<FileId> = self
                        .helm_values
                        .iter()
                        .map(|(f, _)| *f)
                        .filter(|f| walk::is_within(self.rel(*f), &dir))
                        .collect();
                    self.rendered_values.extend(values);
                }
                // failures are said once, for the defaults
                if env_file.is_none() {
                    for f in failures {
                        let id = FileId(f.file as u32);
                        let file = &self.files[f.file];
                        let (line, _) = file.line_col(f.span.0);
                        notices.push(Notice {
                            path: file.rel.to_string(),
                            message: format!(
                                "line {}: not rendered: {}; the chart's values are read instead",
                                line,
                                crate::model::load::one_line(&f.message)
                            ),
                        });
                        let _ = id;
                    }
                }
                for r in rendered {
                    self.lower_rendered(&dir, env_file, r, notices);
                }
            }
        }
    }

    /// Where the values a template prints were set: for each action printing `.Values.<path>`,
    /// the line of the environment's values file that sets the path, else the chart's
    /// `values.yaml` line (a subchart's path also under its name in its parents' values).
    fn record_values_sites(&mut self, chart: &str, env_values: Option<FileId>, r: &helm::Rendered) {
        if r.values_refs.is_empty() {
            return;
        }
        let file = FileId(r.file as u32);
        // the subcharts between the chart and the template: `charts/a/charts/b/templates/x`
        let mut chain: Vec<&str> = Vec::new();
        let mut rest = self
            .rel(file)
            .strip_prefix(chart)
            .map(|r| r.trim_start_matches('/'))
            .unwrap_or_default();
        while let Some(after) = rest.strip_prefix("charts/") {
            let Some((name, tail)) = after.split_once('/') else {
                break;
            };
            chain.push(name);
            rest = tail;
        }
        // (values file, the path prefix under which this template's `.Values` sits there)
        let mut candidates: Vec<(FileId, Vec<&str>)> = Vec::new();
        let values_of = |dir: &str| {
            ["values.yaml", "values.yml"]
                .iter()
                .find_map(|n| self.file_at(walk::join(dir, n)?.as_str()))
        };
        if let Some(e) = env_values {
            candidates.push((e, chain.clone()));
        }
        let mut dir = chart.to_string();
        for i in 0..=chain.len() {
            if let Some(v) = values_of(&dir) {
                candidates.push((v, chain[i..].to_vec()));
            }
            if let Some(sub) = chain.get(i) {
                dir = format!("{dir}/charts/{sub}")
                    .trim_start_matches('/')
                    .to_string();
            }
        }
        let mut sites = Vec::new();
        for vr in &r.values_refs {
            let found = candidates.iter().find_map(|(f, prefix)| {
                let docs = &self.helm_values.iter().find(|(id, _)| id == f)?.1;
                let path = prefix
                    .iter()
                    .copied()
                    .chain(vr.path.iter().map(String::as_str));
                let span = values_span(docs.first()?, path)?;
                Some(crate::source::Origin::new(*f, span))
            });
            if let Some(o) = found {
                let by_env = Some(o.file) == env_values;
                sites.push((vr.span.0..vr.span.1, o, by_env));
            }
        }
        let known = self.helm_sites.entry(file).or_default();
        for (span, o, by_env) in sites {
            // an environment's render adds the lines its own file sets; the defaults' lines
            // come from the default render (or the first render that printed them at all)
            let seen = known
                .iter()
                .any(|(s, o2, e)| *s == span && (*o2 == o || (!by_env && !e)));
            if !seen {
                known.push((span, o, by_env));
            }
        }
    }

    /// Whether the values file `file` belongs to a chart that rendered whole, so its objects
    /// (on the template lines, or on the values lines they print) say what it deploys.
    pub fn values_rendered(&self, file: FileId) -> bool {
        self.rendered_values.contains(&file)
    }

    /// The values lines that set what a rendered finding at `at` shows, when the template
    /// printed values fields there (`image: {{ .Values.repo }}:{{ .Values.tag }}` has two),
    /// each with whether an environment's values file set it.
    pub fn values_sites(&self, at: &crate::source::Origin) -> Vec<(&crate::source::Origin, bool)> {
        let Some(sites) = self.helm_sites.get(&at.file) else {
            return Vec::new();
        };
        sites
            .iter()
            .filter(|(s, _, _)| {
                let inside = at.span.start() <= s.start && s.end <= at.span.end();
                let around = s.start <= at.span.start() && at.span.end() <= s.end;
                inside || around
            })
            .map(|(_, o, by_env)| (o, *by_env))
            .collect()
    }

    /// Any file of the chart, for a located internal error.
    fn charts_file(&self, dir: &str) -> FileId {
        self.files
            .iter()
            .find(|f| walk::parent_dir(&f.rel) == dir)
            .map(|f| f.id)
            .unwrap_or(FileId(0))
    }

    fn lower_rendered(
        &mut self,
        chart: &str,
        env_values: Option<FileId>,
        r: helm::Rendered,
        notices: &mut Vec<Notice>,
    ) {
        let file = FileId(r.file as u32);
        self.record_values_sites(chart, env_values, &r);
        let out = &r.output;
        self.helm_renders.push(RenderedTemplate {
            chart: chart.to_string(),
            values: env_values.map(|f| self.rel(f).to_string()),
            name: r.name.clone(),
            text: out.text.clone(),
        });
        if out.text.trim().is_empty() {
            return;
        }
        let docs = match yaml::parse(&out.text) {
            Ok(d) => d,
            Err(e) => {
                if env_values.is_none() {
                    let (s, _) = out.source_span(e.offset, e.offset + 1);
                    let (line, _) = self.files[r.file].line_col(s);
                    notices.push(Notice {
                        path: self.rel(file).to_string(),
                        message: format!(
                            "line {}: rendered, but the output is not YAML: {}",
                            line,
                            crate::model::load::one_line(&e.message)
                        ),
                    });
                }
                return;
            }
        };
        let map = |s: &crate::source::Span| {
            let (a, b) = out.source_span(s.start, s.end);
            a..b
        };
        let mut objects = Vec::new();
        for mut d in docs {
            if !k8s::is_object(&d) {
                continue;
            }
            yaml::map_spans(&mut d, &map);
            k8s::lower(&d, &mut objects);
        }
        let origin = HelmOrigin {
            chart: chart.to_string(),
            env_values,
        };
        self.k8s.extend(objects.into_iter().map(|object| K8sModel {
            file,
            object,
            helm: Some(origin.clone()),
        }));
    }

    /// The chart at `dir` with its templates, values, files and subcharts.
    fn chart_source(
        &self,
        dir: &str,
        charts: &[String],
        found: &[Found],
        opts: &WalkOptions,
        depth: usize,
    ) -> Option<ChartSource> {
        if depth > 8 {
            return None;
        }
        let within = |rel: &str| walk::is_within(rel, dir) && rel != dir;
        let chart_yaml = ["Chart.yaml", "Chart.yml", "chart.yaml"]
            .iter()
            .find_map(|n| self.file_at(walk::join(dir, n)?.as_str()))?;
        let meta_docs = yaml::parse(self.files[chart_yaml.0 as usize].text()).ok();
        let dir_name = walk::file_name(dir);
        let meta = helm::chart_meta(meta_docs.as_ref().and_then(|d| d.first()), dir_name);
        let name = meta.get("Name").as_str().unwrap_or(dir_name).to_string();
        let values = ["values.yaml", "values.yml"]
            .iter()
            .filter_map(|n| walk::join(dir, n))
            .find_map(|rel| self.helm_values.iter().find(|(f, _)| self.rel(*f) == rel))
            .and_then(|(_, docs)| docs.first().map(helm::value::from_yaml))
            .unwrap_or_else(|| V::map(BTreeMap::new()));
        // the charts nested directly under `charts/`
        let sub_dirs: Vec<&String> = charts
            .iter()
            .filter(|c| walk::parent_dir(c) == walk::join(dir, "charts").unwrap_or_default())
            .collect();
        let in_sub = |rel: &str| sub_dirs.iter().any(|s| walk::is_within(rel, s));
        let mut templates = Vec::new();
        for &id in &self.helm_templates {
            let rel = self.rel(id);
            if !within(rel) || in_sub(rel) {
                continue;
            }
            let path = rel.get(dir.len()..).unwrap_or(rel).trim_start_matches('/');
            let path = if dir.is_empty() { rel } else { path };
            templates.push((
                path.to_string(),
                Rc::from(self.files[id.0 as usize].text()),
                id.0 as usize,
            ));
        }
        if templates.is_empty() {
            return None;
        }
        let mut files = BTreeMap::new();
        let mut budget = MAX_CHART_FILES;
        for f in found {
            if !within(&f.rel) || in_sub(&f.rel) || f.kind == FileKind::HelmTemplate {
                continue;
            }
            let path = if dir.is_empty() {
                f.rel.as_ref()
            } else {
                f.rel.get(dir.len() + 1..).unwrap_or_default()
            };
            let text = match self.file_at(&f.rel) {
                Some(id) => Some(self.files[id.0 as usize].text().to_string()),
                None if budget > 0 => walk::read(f, opts.max_file_size.min(budget)).ok(),
                None => None,
            };
            if let Some(text) = text {
                budget = budget.saturating_sub(text.len() as u64);
                files.insert(path.to_string(), Rc::from(text.as_str()));
            }
        }
        let subcharts = sub_dirs
            .iter()
            .filter_map(|s| {
                let mut c = self.chart_source(s, charts, found, opts, depth + 1)?;
                // a subchart is known to its parent by its directory's name
                c.name = walk::file_name(s).to_string();
                Some(c)
            })
            .collect();
        Some(ChartSource {
            name,
            meta,
            values,
            templates,
            files,
            subcharts,
        })
    }
}

/// The span of the node at `path` in a values document: a scalar's value, a mapping's key.
fn values_span<'a>(doc: &Yaml, path: impl Iterator<Item = &'a str>) -> Option<crate::source::Span> {
    let mut node = doc;
    let mut key_span = None;
    for k in path {
        let (key, v) = node.entry(k)?;
        key_span = Some(key.span.clone());
        node = v;
    }
    match node.value {
        yaml::Value::Scalar { .. } => Some(node.span.clone()),
        _ => key_span,
    }
}
