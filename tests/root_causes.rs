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
