//! `twelve model --format json`: what twelve understood of a repository.

use crate::model::commands::Source;
use crate::outcome::Outcome;
use serde_json::{Value, json};

pub fn to_json(o: &Outcome) -> String {
    let p = &o.project;
    let loc = |file: crate::source::FileId, span: &crate::source::Span| {
        let f = p.file(file);
        let (line, column) = f.line_col(span.start);
        json!({"path": o.display_path(&f.rel), "line": line, "column": column})
    };
    let apps: Vec<Value> = p
        .apps
        .iter()
        .enumerate()
        .map(|(ai, a)| {
            let dockerfile = a.dockerfile.map(|d| {
                let df = &p.dockerfiles[d];
                json!({
                    "path": o.display_path(p.rel(df.file)),
                    "context": df.context,
                    "stages": df.stages.iter().map(|s| json!({"base": s.base, "name": s.name})).collect::<Vec<_>>(),
                })
            });
            let compose: Vec<Value> = a
                .compose
                .iter()
                .map(|(ci, si)| {
                    let cm = &p.compose[*ci];
                    let s = &cm.compose.services[*si];
                    json!({
                        "service": s.name,
                        "dev": p.dev_service(cm, &s.name),
                        "at": loc(cm.file, &s.name_span),
                        "ports": s.ports.iter().map(|pm| json!({"host_ip": pm.host_ip, "host": pm.host, "container": pm.container})).collect::<Vec<_>>(),
                        "environment": p.service_env(*ci, *si).0.iter().map(|e| json!({"name": e.key, "at": loc(e.origin.file, &e.origin.span.range())})).collect::<Vec<_>>(),
                        "environment_complete": p.service_env(*ci, *si).1,
                    })
                })
                .collect();
            let k8s: Vec<Value> = a
                .k8s
                .iter()
                .map(|(oi, ci)| {
                    let km = &p.k8s[*oi];
                    let c = km.object.pod.as_ref().map(|pod| &pod.containers[*ci]);
                    json!({
                        "kind": km.object.kind,
                        "name": km.object.name,
                        "container": c.map(|c| c.name.clone()),
                        "image": c.and_then(|c| c.image.as_ref().map(|i| i.text.clone())),
                        "at": loc(km.file, &km.object.kind_span.range()),
                    })
                })
                .collect();
            let start: Vec<Value> = p
                .start_commands(ai)
                .iter()
                .map(|l| {
                    json!({
                        "source": match l.source { Source::DockerfileRun => "dockerfile-run", Source::DockerfileStart => "dockerfile", Source::Compose => "compose", Source::Kubernetes => "kubernetes", Source::Procfile => "procfile", Source::Script => "script", Source::PackageScript => "package-script", Source::Supervisor => "supervisor", Source::Systemd => "systemd" },
                        "at": loc(l.origin.file, &l.origin.span.range()),
                        "commands": l.cmds.iter().map(|c| crate::secrets::masked_command(&c.words.iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>())).collect::<Vec<_>>(),
                        "one_off": l.one_off,
                        "dev": l.dev,
                    })
                })
                .collect();
            // the code each process runs: its files, or null for all of the app's code
            let code = p.process_code(ai);
            let processes: Vec<Value> = p
                .processes
                .iter()
                .enumerate()
                .filter(|(_, pr)| pr.app == ai)
                .map(|(pi, pr)| {
                    let files = code
                        .iter()
                        .find(|(c, _)| *c == pi)
                        .and_then(|(_, set)| set.as_ref())
                        .map(|set| {
                            set.iter()
                                .map(|si| o.display_path(p.rel(p.sources[*si].file)))
                                .collect::<Vec<_>>()
                        });
                    json!({"name": pr.name, "kind": pr.kind, "evidence": pr.evidence, "at": loc(pr.origin.file, &pr.origin.span.range()), "code": files})
                })
                .collect();
            let ports: Vec<Value> = p
                .ports_of(ai)
                .iter()
                .map(|(kind, n, at)| json!({"port": n, "from": kind.label(), "at": loc(at.file, &at.span.range())}))
                .collect();
            json!({"name": a.name, "context": a.context, "dockerfile": dockerfile, "processes": processes, "compose": compose, "kubernetes": k8s, "start_commands": start, "ports": ports})
        })
        .collect();
    let services: Vec<Value> = p
        .services
        .iter()
        .map(|s| json!({"name": s.name, "kind": s.kind, "image": s.image, "at": loc(s.origin.file, &s.origin.span.range())}))
        .collect();
    let components: Vec<Value> = p
        .components
        .iter()
        .map(|c| {
            let site = match c.site {
                crate::model::components::Site::Compose { .. } => "compose",
                crate::model::components::Site::Kubernetes { .. } => "kubernetes",
                crate::model::components::Site::Dockerfile { .. } => "dockerfile",
                crate::model::components::Site::Procfile { .. } => "procfile",
            };
            json!({"key": c.key, "name": c.name, "source": site, "kind": c.kind, "evidence": c.evidence, "at": loc(c.origin.file, &c.origin.span.range())})
        })
        .collect();
    let obj = |oi: usize| {
        let km = &p.k8s[oi];
        json!({"kind": km.object.kind, "name": km.object.name, "at": loc(km.file, &km.object.kind_span.range())})
    };
    let kustomizations: Vec<Value> = p
        .kustomizations
        .iter()
        .enumerate()
        .map(|(ki, k)| {
            let includes: Vec<Value> = (0..p.k8s.len())
                .filter(|&oi| p.k8s_units.included_by[oi].contains(&ki))
                .map(obj)
                .collect();
            let patches: Vec<Value> = (0..p.k8s.len())
                .filter(|&oi| p.k8s_units.patch_of[oi] == Some(ki))
                .map(obj)
                .collect();
            json!({
                "path": o.display_path(p.rel(k.file)),
                "environment": crate::model::units::env_of_path(&k.dir),
                "namespace": k.k.namespace.as_ref().map(|n| n.0.clone()),
                "includes": includes,
                "patches": patches,
            })
        })
        .collect();
    let copies: Vec<Value> = p
        .k8s_units
        .copy_of
        .iter()
        .enumerate()
        .filter_map(|(oi, c)| Some(json!({"copy": obj(oi), "of": obj((*c)?)})))
        .collect();
    let files: Vec<Value> = p
        .paths
        .iter()
        .map(|(r, k)| json!({"path": o.display_path(r), "kind": k}))
        .collect();
    let v = json!({
        "version": 1,
        "components": components,
        "build_artifacts": p.build_artifacts.iter().map(|a| json!({"image": a.image, "tool": a.tool, "at": loc(a.origin.file, &a.origin.span.range())})).collect::<Vec<_>>(),
        "deployments": p.deployments().iter().map(|d| json!({"kind": d.kind, "path": o.display_path(&d.path), "environment": d.environment, "dev": d.dev, "with": d.with.iter().map(|w| o.display_path(w)).collect::<Vec<_>>()})).collect::<Vec<_>>(),
        "kustomizations": kustomizations,
        "copies": copies,
        "apps": apps,
        "services": services,
        "manifests": p.manifests.iter().map(|m| json!({"path": o.display_path(p.rel(m.file)), "kind": m.manifest.kind, "dependencies": m.manifest.deps.len()})).collect::<Vec<_>>(),
        "bundled_code": p.bundled_code.iter().map(|(i, why)| json!({"path": o.display_path(p.rel(p.sources[*i].file)), "why": why})).collect::<Vec<_>>(),
        // where values sit under secret-like names, and what twelve takes them for; never
        // the values themselves
        "secrets": p.secrets.iter().filter(|s| !matches!(s.place, crate::model::secrets::Place::Command | crate::model::secrets::Place::Unmodelled)).map(|s| json!({"key": s.key, "class": s.class, "context": format!("{:?}", s.context).to_ascii_lowercase(), "at": loc(s.origin.file, &s.origin.span.range())})).collect::<Vec<_>>(),
        "env_reads": p.sources.iter().flat_map(|py| p.code(py).env_reads.iter().map(move |r| json!({"name": r.name, "has_default": r.has_default, "at": loc(py.file, &r.span.range())}))).collect::<Vec<_>>(),
        "url_literals": p.sources.iter().flat_map(|py| p.code(py).urls.iter().map(move |u| json!({"at": loc(py.file, &u.span.range()), "env_default": u.env_default, "scheme": u.value.split("://").next()}))).collect::<Vec<_>>(),
        "parse_errors": p.parse_errors.iter().map(|(o2, m)| json!({"at": loc(o2.file, &o2.span.range()), "message": m})).collect::<Vec<_>>(),
        "notices": p.notices,
        "files": files,
    });
    serde_json::to_string_pretty(&v).unwrap_or_default()
}
