//! What counts as code the app runs (issue 10): test modules inside source files, build
//! scripts and ephemeral test listeners are not the app, and variables the code tests for
//! before use are optional.

mod common;
use common::findings;

const CARGO: &str = "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";

#[test]
fn a_build_script_reads_the_build_environment_not_the_apps() {
    let build = "fn main() { let sha = std::env::var(\"GITHUB_SHA\").unwrap(); }\n";
    let main = "fn main() {}\n";
    let files = [
        ("Cargo.toml", CARGO),
        ("build.rs", build),
        ("src/main.rs", main),
    ];
    assert!(findings(&files, "TF0309").is_empty());
    // the same read in the app's own code is one the deploy must provide
    let files = [("Cargo.toml", CARGO), ("src/main.rs", build)];
    let got = findings(&files, "TF0309");
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].message.contains("GITHUB_SHA"), "{got:?}");
}

#[test]
fn test_modules_and_ephemeral_ports_are_not_the_apps_listener() {
    let main = r#"
fn main() {
    let l = std::net::TcpListener::bind(("0.0.0.0", port())).unwrap();
}

#[cfg(test)]
mod tests {
    #[test]
    fn serves() {
        let l = std::net::TcpListener::bind("127.0.0.1:8081").unwrap();
    }
}

#[tokio::test]
async fn client() {
    let l = tokio::net::TcpListener::bind("127.0.0.1:3000").await.unwrap();
}

pub async fn spawn_mock() {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
}
"#;
    let files = [
        ("Cargo.toml", CARGO),
        ("Dockerfile", "FROM rust:1.90\nCMD [\"svc\"]\n"),
        ("src/main.rs", main),
    ];
    for code in ["TF0703", "TF0704"] {
        let got = findings(&files, code);
        assert!(got.is_empty(), "{code}: {got:?}");
    }
    // the same bind outside a test module is the app's
    let app = main
        .replace("#[cfg(test)]\n", "")
        .replace("    #[test]\n", "");
    let files = [
        ("Cargo.toml", CARGO),
        ("Dockerfile", "FROM rust:1.90\nCMD [\"svc\"]\n"),
        ("src/main.rs", app.as_str()),
    ];
    let got = findings(&files, "TF0703");
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].message.contains("8081"), "{got:?}");
    assert_eq!(findings(&files, "TF0704").len(), 1);
}
