//! One finding per root cause (issue 10): a cause that shows in several places is reported once,
//! naming everything it affects, with the other places as related locations. Fixture markers
//! count lines, not findings, so the counts are asserted here.

mod common;
use common::findings;

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.4.2
          ports:
            - containerPort: 8000
              hostPort: 8000
            - containerPort: 9000
              hostPort: 9000
"#;

#[test]
fn a_container_without_probes_is_one_finding_naming_both() {
    let got = findings(
        &[
            ("Dockerfile", "FROM python:3.12-slim\n"),
            ("k8s/web.yaml", DEPLOYMENT),
        ],
        "TF0902",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].message.contains("readinessProbe") && got[0].message.contains("livenessProbe"),
        "{got:?}"
    );
    // with readiness only, liveness is still named
    let ready = DEPLOYMENT.replace(
        "          ports:\n",
        "          readinessProbe: {httpGet: {path: /ready, port: 8000}}\n          ports:\n",
    );
    let got = findings(
        &[
            ("Dockerfile", "FROM python:3.12-slim\n"),
            ("k8s/web.yaml", &ready),
        ],
        "TF0902",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(
        got[0].message.contains("livenessProbe") && !got[0].message.contains("readinessProbe"),
        "{got:?}"
    );
}

#[test]
fn host_ports_of_one_container_are_one_finding() {
    let got = findings(
        &[
            ("Dockerfile", "FROM python:3.12-slim\n"),
            ("k8s/web.yaml", DEPLOYMENT),
        ],
        "TF0705",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].message.contains("8000, 9000"), "{got:?}");
    assert_eq!(got[0].line, 17, "at the first host port");
    assert_eq!(got[0].related, 1, "the second port is a related location");
    // hostNetwork makes every port a host port: one finding for the pod
    let net = DEPLOYMENT.replace(
        "      containers:\n",
        "      hostNetwork: true\n      containers:\n",
    );
    let got = findings(
        &[
            ("Dockerfile", "FROM python:3.12-slim\n"),
            ("k8s/web.yaml", &net),
        ],
        "TF0705",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].message.contains("hostNetwork"), "{got:?}");
}

#[test]
fn a_volume_shared_through_a_merge_key_is_one_finding_listing_its_services() {
    let compose = r#"x-app: &app
  build: .
  volumes:
    - media:/app/media
services:
  web:
    <<: *app
    command: gunicorn app:app
  worker:
    <<: *app
    command: celery -A app worker
  beat:
    <<: *app
    command: celery -A app beat
volumes:
  media: {}
"#;
    let got = findings(
        &[
            ("Dockerfile", "FROM python:3.12-slim\n"),
            ("compose.yaml", compose),
        ],
        "TF0601",
    );
    assert_eq!(got.len(), 1, "{got:?}");
    let msg = &got[0].message;
    assert!(
        msg.contains("`web`") && msg.contains("`worker`") && msg.contains("`beat`"),
        "{msg}"
    );
    assert_eq!(got[0].line, 4, "at the shared mount");
}

#[test]
fn a_workload_and_the_bundle_rendered_from_it_are_one_finding() {
    let base = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: api
          image: api
          ports:
            - containerPort: 8000
"#;
    let kustomization = "resources: [deployment.yaml]\nimages:\n  - name: api\n    newName: registry.example.com/api\n    newTag: 2.1.0\n";
    // what `kubectl kustomize deploy/base` prints, committed as a release file, with more
    // objects beside it
    let bundle = format!(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: api\n---\n{}",
        base.replace("image: api", "image: registry.example.com/api:2.1.0")
    );
    let files = [
        ("Dockerfile", "FROM python:3.12-slim\n"),
        ("deploy/base/kustomization.yaml", kustomization),
        ("deploy/base/deployment.yaml", base),
        ("deploy/release/all.yaml", bundle.as_str()),
    ];
    let got = findings(&files, "TF0902");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].line, 11, "at the base, the file a user edits");
    assert_eq!(got[0].related, 1, "the bundle's copy is a related location");
    // another app's Deployment of the same name (another image) is no copy
    let other = base.replace("image: api", "image: registry.example.com/other:1.0");
    let files = [
        ("Dockerfile", "FROM python:3.12-slim\n"),
        ("deploy/base/kustomization.yaml", kustomization),
        ("deploy/base/deployment.yaml", base),
        ("other/deployment.yaml", other.as_str()),
    ];
    let got = findings(&files, "TF0902");
    assert_eq!(got.len(), 2, "{got:?}");
}
