//! Components as a user sees them: `twelve model` names each compose service, Kubernetes
//! workload, Dockerfile and Procfile entry with its kind and evidence; `[components]` in
//! `twelve.toml` overrides a kind, and a key or kind that means nothing is a located error.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

const STACK: &str = "fixtures/projects/platform-stack";

fn twelve(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("twelve").unwrap();
    c.current_dir(dir);
    c
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// key → (kind, evidence) from `twelve model`.
fn kinds(dir: &Path, path: &str) -> BTreeMap<String, (String, String)> {
    let out = twelve(dir).args(["model", path]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["key"].as_str().unwrap().to_string(),
                (
                    c["kind"].as_str().unwrap().to_string(),
                    c["evidence"].as_str().unwrap().to_string(),
                ),
            )
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            fs::copy(&p, &target).unwrap();
        }
    }
}

#[test]
fn the_model_names_every_kind_of_component() {
    let got = kinds(repo(), STACK);
    let expected = [
        ("compose.yaml:api", "app"),
        ("compose.watch.yaml:api", "app"),
        ("compose.yaml:worker", "app"),
        ("compose.yaml:migrate", "app"),
        ("compose.yaml:db", "backing"),
        ("compose.yaml:dashboards", "product"),
        ("tests/compose.yaml:e2e", "tooling"),
        ("Dockerfile", "app"),
        ("db/Dockerfile", "backing"),
        ("deploy/base/deployment.yaml:storefront", "app"),
        ("k8s/cache.yaml:cache", "backing"),
        ("k8s/deployment.yaml:api", "app"),
        ("k8s/node-agent.yaml:log-shipper", "node-agent"),
        ("k8s/smoke-test.yaml:api-smoke-test", "tooling"),
        ("k8s/volume-demo.yaml:volume-demo", "placeholder"),
    ];
    let got_kinds: BTreeMap<&str, &str> = got
        .iter()
        .map(|(k, (kind, _))| (k.as_str(), kind.as_str()))
        .collect();
    assert_eq!(got_kinds, expected.into_iter().collect(), "{got:#?}");
    // the evidence says why, in words a user can check
    assert!(got["compose.yaml:db"].1.contains("postgres"), "{got:?}");
    assert!(got["k8s/cache.yaml:cache"].1.contains("redis"), "{got:?}");
    assert!(
        got["deploy/base/deployment.yaml:storefront"]
            .1
            .contains("Skaffold artifact"),
        "{got:?}"
    );
    assert!(
        got["k8s/node-agent.yaml:log-shipper"]
            .1
            .contains("DaemonSet")
    );
}

#[test]
fn the_stack_of_non_app_components_gives_no_finding() {
    // a database built FROM postgres, a dashboard, a node agent, a broker with an exporter
    // sidecar, a pause pod and a test hook: none of them is the app, none is reported; nor
    // is the kustomize base (a Skaffold artifact, one replica patched to three in prod) and
    // its rendered bundle, nor the development compose file with its reloader
    // and mounted source
    let out = twelve(repo())
        .args(["check", STACK, "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().map(Vec::len).unwrap_or(0);
    assert_eq!(findings, 0, "{v:#}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_kind_set_in_the_config_wins() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join(STACK), tmp.path());
    fs::write(
        tmp.path().join("twelve.toml"),
        "[components]\n\"compose.yaml:dashboards\" = \"app\"\n\"k8s/cache.yaml:cache\" = \"app\"\n",
    )
    .unwrap();
    let got = kinds(tmp.path(), ".");
    assert_eq!(
        got["compose.yaml:dashboards"],
        ("app".to_string(), "set in twelve.toml".to_string())
    );
    assert_eq!(got["k8s/cache.yaml:cache"].0, "app");
    // and `check` judges it as an app now: one replica, nothing scales it
    let out = twelve(tmp.path())
        .args(["check", ".", "--format", "concise", "--select", "TF0801"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("k8s/cache.yaml"), "{text}");
}

#[test]
fn an_unknown_component_key_is_a_located_error_with_a_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join(STACK), tmp.path());
    fs::write(
        tmp.path().join("twelve.toml"),
        "# kinds twelve got wrong\n[components]\n\"compose.yaml:dashbords\" = \"app\"\n",
    )
    .unwrap();
    for cmd in ["check", "model"] {
        let out = twelve(tmp.path()).args([cmd, "."]).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{cmd}: {err}");
        assert!(err.contains("twelve.toml:3"), "{cmd}: {err}");
        assert!(err.contains("names no component"), "{cmd}: {err}");
        assert!(err.contains("compose.yaml:dashboards"), "{cmd}: {err}");
    }
}

#[test]
fn an_unknown_component_kind_is_a_located_error() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&repo().join(STACK), tmp.path());
    fs::write(
        tmp.path().join("twelve.toml"),
        "[components]\n\"compose.yaml:db\" = \"backng\"\n",
    )
    .unwrap();
    let out = twelve(tmp.path()).args(["check", "."]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("twelve.toml:2"), "{err}");
    assert!(err.contains("did you mean `backing`"), "{err}");
}

#[test]
fn the_model_shows_kustomizations_their_patches_and_copies() {
    let out = twelve(repo()).args(["model", STACK]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ks = v["kustomizations"].as_array().unwrap();
    let prod = ks
        .iter()
        .find(|k| {
            k["path"]
                .as_str()
                .unwrap()
                .ends_with("deploy/overlays/prod/kustomization.yaml")
        })
        .unwrap();
    assert_eq!(prod["environment"], "prod");
    let includes: Vec<&str> = prod["includes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["at"]["path"].as_str().unwrap())
        .collect();
    assert!(
        includes.iter().all(|p| p.contains("deploy/base/")) && includes.len() == 2,
        "{includes:?}"
    );
    assert_eq!(prod["patches"][0]["name"], "storefront");
    let copies = v["copies"].as_array().unwrap();
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert!(
        copies[0]["copy"]["at"]["path"]
            .as_str()
            .unwrap()
            .ends_with("deploy/release/prod.yaml")
    );
    assert!(
        copies[0]["of"]["at"]["path"]
            .as_str()
            .unwrap()
            .ends_with("deploy/base/deployment.yaml")
    );
}

#[test]
fn the_model_names_each_process_with_its_kind() {
    let out = twelve(repo()).args(["model", STACK]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut got: Vec<(String, String, String)> = Vec::new();
    for a in v["apps"].as_array().unwrap() {
        for pr in a["processes"].as_array().unwrap() {
            got.push((
                pr["at"]["path"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches(&format!("{STACK}/"))
                    .to_string(),
                pr["name"].as_str().unwrap().to_string(),
                pr["kind"].as_str().unwrap().to_string(),
            ));
        }
    }
    got.sort();
    let want = [
        ("compose.watch.yaml", "api", "dev"),
        ("compose.yaml", "api", "web"),
        ("compose.yaml", "migrate", "one-off"),
        ("compose.yaml", "worker", "worker"),
        (
            "deploy/base/deployment.yaml",
            "storefront/storefront",
            "web",
        ),
        ("k8s/deployment.yaml", "api/api", "web"),
    ];
    let want: Vec<(String, String, String)> = want
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn the_model_lists_each_deployment_with_its_environment() {
    let out = twelve(repo()).args(["model", STACK]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(String, String, Value, bool)> = v["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().unwrap().to_string(),
                d["path"]
                    .as_str()
                    .unwrap()
                    .trim_start_matches(&format!("{STACK}/"))
                    .to_string(),
                d["environment"].clone(),
                d["dev"].as_bool().unwrap(),
            )
        })
        .collect();
    let want = vec![
        ("compose", "compose.watch.yaml", Value::Null, true),
        ("compose", "compose.yaml", Value::Null, false),
        (
            "kustomization",
            "deploy/base/kustomization.yaml",
            Value::Null,
            false,
        ),
        (
            "kustomization",
            "deploy/overlays/prod/kustomization.yaml",
            "prod".into(),
            false,
        ),
        ("manifests", "deploy/release", "prod".into(), false),
        ("manifests", "k8s", Value::Null, false),
        // Skaffold deploys the prod overlay
        ("skaffold", "skaffold.yaml", "prod".into(), false),
    ];
    let want: Vec<(String, String, Value, bool)> = want
        .into_iter()
        .map(|(a, b, c, d)| (a.to_string(), b.to_string(), c, d))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn the_model_lists_each_apps_ports_with_where_they_are_stated() {
    let out = twelve(repo())
        .args(["model", "fixtures/projects/django-shop"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let web = v["apps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "web")
        .unwrap();
    let ports: Vec<(u64, String)> = web["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["port"].as_u64().unwrap(),
                p["from"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // the port-mismatch finding's two sides, as the model holds them
    assert!(ports.contains(&(5000, "EXPOSE".into())), "{ports:?}");
    assert!(
        ports.contains(&(8000, "compose container port".into())),
        "{ports:?}"
    );
    assert!(ports.contains(&(8000, "containerPort".into())), "{ports:?}");
    assert!(
        ports.contains(&(8000, "the start command".into())),
        "{ports:?}"
    );
}

#[test]
fn each_process_runs_the_code_its_entry_imports() {
    // gunicorn `api.app:app` runs api/app.py and what it imports; `python worker.py` runs
    // worker.py: the web processes do not run the worker's file, nor the worker the web's
    let out = twelve(repo())
        .args(["model", "fixtures/rules/TF0308/pass/procs2"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let code = |name: &str| -> Vec<String> {
        v["apps"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|a| a["processes"].as_array().unwrap().iter())
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("no process {name}: {v:#}"))["code"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                f.as_str()
                    .unwrap()
                    .rsplit("procs2/")
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    assert_eq!(code("web"), ["api/__init__.py", "api/app.py", "api/db.py"]);
    assert_eq!(
        code("api/api"),
        ["api/__init__.py", "api/app.py", "api/db.py"]
    );
    assert_eq!(
        code("worker"),
        ["api/__init__.py", "api/db.py", "worker.py"]
    );
}

#[test]
fn an_override_is_merged_onto_its_compose_file() {
    // svix's shape: docker-compose.override.yml adds a secret to the app and ports to the
    // database and cache, which have no image of their own there
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join(".git")).unwrap();
    fs::write(
        tmp.path().join("docker-compose.yml"),
        "services:\n  backend:\n    build: .\n    ports: [\"8071:8071\"]\n    environment:\n      DB_DSN: ${DB_DSN}\n  redis:\n    image: redis:7-alpine\n",
    )
    .unwrap();
    fs::write(
        tmp.path().join("docker-compose.override.yml"),
        "services:\n  backend:\n    environment:\n      JWT_SECRET: ${JWT_SECRET}\n  redis:\n    ports: [\"8078:6379\"]\n",
    )
    .unwrap();
    fs::write(
        tmp.path().join("Dockerfile"),
        "FROM python:3.12-slim\nCOPY . .\nEXPOSE 8071\nCMD [\"python\", \"app.py\"]\n",
    )
    .unwrap();
    fs::write(
        tmp.path().join("app.py"),
        "import os\nSECRET = os.environ[\"JWT_SECRET\"]\nDSN = os.environ[\"DB_DSN\"]\n",
    )
    .unwrap();
    let got = kinds(tmp.path(), ".");
    assert_eq!(
        got["docker-compose.override.yml:redis"].0, "backing",
        "{got:?}"
    );
    assert!(
        got["docker-compose.override.yml:redis"]
            .1
            .contains("merged onto `docker-compose.yml`'s `redis`"),
        "{got:?}"
    );
    let out = twelve(tmp.path()).args(["model", "."]).output().unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let compose: Vec<&Value> = v["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "compose")
        .collect();
    assert_eq!(compose.len(), 1, "{compose:?}");
    assert_eq!(compose[0]["path"], "docker-compose.yml");
    assert_eq!(compose[0]["with"][0], "docker-compose.override.yml");
    // the override provides JWT_SECRET to the project `docker compose up` runs
    let out = twelve(tmp.path())
        .args(["check", ".", "--select", "TF0308", "--format", "concise"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("JWT_SECRET"), "{text}");
}

#[test]
fn the_model_lists_what_each_skaffold_profile_deploys() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("skaffold.yaml"),
        "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts: [{image: web}]\nmanifests:\n  rawYaml: [k8s/*.yaml]\nprofiles:\n  - name: staging\n    manifests:\n      kustomize:\n        paths: [deploy/overlays/staging]\n  - name: local\n    deploy:\n      helm:\n        releases: [{name: web, chartPath: charts/web}]\n  - name: debug\n    activation: [{command: debug}]\n",
    )
    .unwrap();
    let out = twelve(dir.path()).args(["model", "."]).output().unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(String, Value, bool, Vec<String>)> = json["deployments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "skaffold")
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["environment"].clone(),
                d["dev"].as_bool().unwrap(),
                d["with"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|w| w.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "skaffold.yaml".to_string(),
                Value::Null,
                false,
                vec!["k8s/*.yaml".to_string()]
            ),
            (
                "skaffold.yaml (profile `local`)".to_string(),
                Value::from("local"),
                true,
                vec!["charts/web".to_string()]
            ),
            (
                "skaffold.yaml (profile `staging`)".to_string(),
                Value::from("staging"),
                false,
                vec!["deploy/overlays/staging".to_string()]
            ),
        ]
    );
}
