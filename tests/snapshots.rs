//! Exact user-visible output of the sample project (human without colour, JSON).

use assert_cmd::Command;

fn run(args: &[&str]) -> String {
    let out = Command::cargo_bin("twelve")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn human_report_of_the_sample_project() {
    insta::assert_snapshot!(run(&[
        "check",
        "fixtures/projects/flask-shop",
        "--color",
        "never"
    ]));
}

#[test]
fn json_report_of_the_sample_project() {
    let text = run(&["check", "fixtures/projects/flask-shop", "--format", "json"]);
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["tool"]["version"] = "[version]".into();
    insta::assert_json_snapshot!(v);
}
