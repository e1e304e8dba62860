//! Thousands of workloads, services and apps: every cross-file lookup of the model is by key,
//! so this runs in about the time of reading the files (a lookup that scans every object once
//! per object would make it minutes). No time is asserted; the links are.

use twelve::engine;
use twelve::settings::Settings;

#[test]
fn thousands_of_apps_and_workloads_are_linked_one_to_one() {
    const APPS: usize = 1500;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut k8s = String::new();
    let mut compose = String::from("services:\n");
    for i in 0..APPS {
        let d = root.join(format!("services/svc{i}"));
        std::fs::create_dir_all(&d).unwrap();
        let port = 8000 + i % 1000;
        // every tenth app binds another port in its start command than it exposes
        let bind = if i % 10 == 0 { port + 1 } else { port };
        std::fs::write(
            d.join("Dockerfile"),
            format!(
                "FROM python:3.12-slim\nCOPY . .\nEXPOSE {port}\n\
                 CMD [\"gunicorn\", \"-b\", \"0.0.0.0:{bind}\", \"app:app\"]\n"
            ),
        )
        .unwrap();
        std::fs::write(d.join("requirements.txt"), "flask==3.0.3\n").unwrap();
        std::fs::write(d.join("requirements.lock"), "flask==3.0.3\n").unwrap();
        std::fs::write(d.join(".dockerignore"), ".git\n").unwrap();
        std::fs::write(
            d.join("app.py"),
            "import os\nfrom flask import Flask\napp = Flask(__name__)\nURL = os.environ.get('UPSTREAM_URL', '')\n",
        )
        .unwrap();
        k8s.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: svc{i}}}\nspec:\n  \
             selector: {{matchLabels: {{app: svc{i}}}}}\n  template:\n    metadata: {{labels: {{app: svc{i}, tier: web}}}}\n    \
             spec:\n      containers:\n        - name: svc{i}\n          image: registry.example.com/svc{i}:1.0.0\n          \
             ports: [{{containerPort: {port}}}]\n---\napiVersion: v1\nkind: Service\nmetadata: {{name: svc{i}}}\n\
             spec:\n  selector: {{app: svc{i}}}\n  ports: [{{port: 80, targetPort: {port}}}]\n"
        ));
        if i % 3 == 0 {
            compose.push_str(&format!(
                "  svc{i}:\n    build: services/svc{i}\n    ports: [\"{port}:{port}\"]\n"
            ));
        }
    }
    std::fs::create_dir_all(root.join("deploy")).unwrap();
    std::fs::write(root.join("deploy/all.yaml"), k8s).unwrap();
    std::fs::write(root.join("compose.yaml"), compose).unwrap();
    let settings = Settings {
        select: Some(vec!["TF0702".into()]),
        ..Settings::default()
    };
    // the model is inspected: kept whole, as `twelve model` keeps it
    let o = engine::run_keeping_model(root, &settings);
    let p = &o.project;
    assert_eq!(p.apps.len(), APPS, "one app per build context");
    let workloads: Vec<usize> = (0..p.k8s.len())
        .filter(|oi| p.k8s[*oi].object.pod.is_some())
        .collect();
    assert_eq!(workloads.len(), APPS);
    for oi in workloads {
        assert_eq!(p.services_selecting(oi).len(), 1, "workload {oi}");
    }
    for ai in 0..APPS {
        assert_eq!(p.sources_of_app(ai).count(), 1);
    }
    let mismatches = o.diagnostics.iter().filter(|d| d.code == "TF0702").count();
    assert_eq!(mismatches, APPS / 10, "each tenth app binds another port");
}

#[test]
fn code_keeps_only_its_facts_and_files_with_findings_are_read_again() {
    let o = engine::run(
        std::path::Path::new("fixtures/projects/django-shop"),
        &Settings::default(),
    );
    let p = &o.project;
    let with_findings: std::collections::HashSet<_> = o
        .diagnostics
        .iter()
        .flat_map(|d| d.primary.iter().chain(&d.secondary))
        .map(|l| l.origin.file)
        .collect();
    let code: Vec<_> = p.sources.iter().map(|s| s.file).collect();
    assert!(
        code.iter().any(|f| with_findings.contains(f)),
        "the sample has findings in its code"
    );
    for f in &code {
        let file = p.file(*f);
        if with_findings.contains(f) {
            assert!(
                !file.is_unloaded() && !file.text().is_empty(),
                "{}",
                file.rel
            );
        }
    }
    assert!(
        code.iter()
            .any(|f| !with_findings.contains(f) && p.file(*f).is_unloaded()),
        "code without findings keeps no text"
    );
}

/// A check's outcome holds what its report reads, not what only the rules read: the facts of
/// code, pod specs and Dockerfile instructions are gone before the texts of reported files are
/// read again (the two were the run's peak together). `twelve model` keeps them, and both runs
/// find the same.
#[test]
fn a_checks_outcome_drops_what_only_rules_read() {
    let dir = std::path::Path::new("fixtures/projects/django-shop");
    let kept = engine::run_keeping_model(dir, &Settings::default());
    let released = engine::run(dir, &Settings::default());
    let has_facts = |p: &twelve::model::Project| {
        p.sources
            .iter()
            .any(|s| !p.code(s).imports.is_empty() || !p.code(s).env_reads.is_empty())
    };
    assert!(
        has_facts(&kept.project),
        "the sample's code imports and reads env"
    );
    assert!(!has_facts(&released.project));
    assert!(kept.project.k8s.iter().any(|k| k.object.pod.is_some()));
    assert!(released.project.k8s.iter().all(|k| k.object.pod.is_none()));
    assert!(
        released
            .project
            .dockerfiles
            .iter()
            .all(|d| d.df.instructions.is_empty())
    );
    assert_eq!(
        format!("{:?}", kept.diagnostics),
        format!("{:?}", released.diagnostics)
    );
    assert!(!released.diagnostics.is_empty());
    // what a report still asks of the project: owners, paths
    for d in &released.diagnostics {
        if let Some(l) = &d.primary {
            assert_eq!(
                released.project.owner_of(&l.origin),
                kept.project.owner_of(&l.origin),
                "{}",
                d.message
            );
        }
    }
    for (rel, _) in &kept.project.paths {
        assert!(released.project.has_path(rel));
    }
}

/// Memory stays flat as files grow: once the model is built, a file keeps its text only if
/// the report shows it (a finding, or a finding's other end, lands in it), it holds a secret
/// (messages are masked with its values) or suppressions are read from it; every other text
/// was dropped. The shown files answer with their real text.
#[test]
fn only_the_files_a_report_shows_keep_their_text() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/projects");
    let mut dropped = 0;
    for e in std::fs::read_dir(&root).unwrap() {
        let dir = e.unwrap().path();
        let o = engine::run(&dir, &Settings::default());
        let p = &o.project;
        let mut shown: std::collections::HashSet<twelve::source::FileId> = o
            .diagnostics
            .iter()
            .chain(o.suppressed.iter().map(|s| &s.diagnostic))
            .flat_map(|d| {
                d.primary
                    .iter()
                    .chain(&d.secondary)
                    .map(|l| l.origin.file)
                    .chain(d.secrets.iter().map(|o| o.file))
            })
            .chain(p.secrets.iter().map(|s| s.origin.file))
            .collect();
        shown.extend(
            o.suppressed
                .iter()
                .filter_map(|s| s.origin.as_ref().map(|o| o.file)),
        );
        for f in &p.files {
            if f.is_unloaded() {
                dropped += 1;
                continue;
            }
            let on_disk = std::fs::read_to_string(f.abs()).unwrap_or_default();
            assert!(
                shown.contains(&f.id)
                    || on_disk.contains("twelve:")
                    || on_disk.contains("twelve/ignore"),
                "{}: {} keeps its text, which no report shows",
                dir.display(),
                f.rel
            );
        }
        for id in &shown {
            let f = p.file(*id);
            let on_disk = std::fs::read_to_string(f.abs()).unwrap_or_default();
            assert_eq!(
                f.text(),
                on_disk.trim_start_matches('\u{feff}'),
                "{}",
                f.rel
            );
        }
    }
    assert!(dropped > 20, "{dropped} texts dropped");
}
