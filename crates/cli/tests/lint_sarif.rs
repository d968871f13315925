//! `kairn lint --format sarif` against the official SARIF 2.1.0 JSON schema
//! (`tests/fixtures/sarif/`, validated by the pinned Python `jsonschema` of `.tools/venv`,
//! see `scripts/install-test-tools.sh`), on planted faults, waivers, standard input,
//! unreadable input, the emitted tree and the shared corpus; mutated logs must be rejected,
//! so the check is known to bite.

use crate::support;

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};
use support::*;

fn schema_dir() -> PathBuf {
    workspace_root().join("tests/fixtures/sarif")
}

fn python() -> PathBuf {
    let bin = std::env::var_os("KAIRN_TOOLS_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".tools/venv/bin"));
    let python = bin.join("python");
    assert!(
        python.is_file(),
        "{} is missing: run `bash scripts/install-test-tools.sh`, or point KAIRN_TOOLS_BIN at a venv with jsonschema",
        python.display()
    );
    python
}

/// Validates each `(name, log)`; returns the validator's verdict per log and its output.
fn validate(logs: &[(String, Value)]) -> (bool, String) {
    let input: Vec<Value> = logs
        .iter()
        .map(|(name, log)| json!({"name": name, "log": log}))
        .collect();
    let mut child = Command::new(python())
        .arg(schema_dir().join("validate_sarif.py"))
        .arg(schema_dir().join("sarif-schema-2.1.0.json"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python runs");
    let text = serde_json::to_vec(&input).expect("JSON");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&text));
    let out = child.wait_with_output().expect("python finishes");
    writer.join().expect("writer").expect("written");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), printed)
}

fn sarif(args: &[&str]) -> (Output, Value) {
    let o = kairn(&[&["lint", "--format", "sarif"], args].concat());
    let log = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "`kairn lint --format sarif {}` is not JSON: {e}\n{}",
            args.join(" "),
            stderr(&o)
        )
    });
    (o, log)
}

/// A change to a SARIF log.
type Mutation = fn(&mut Value);

const FAULTS: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\n  \
annotations:\n    kairn.dev/waive.pdb-missing: one replica is enough here\nspec:\n  replicas: 2\n  \
selector: {matchLabels: {app: api}}\n  template:\n    metadata: {labels: {app: api}}\n    spec:\n      \
containers:\n        - name: api\n          image: nginx:latest\n          \
envFrom: [{secretRef: {name: missing}}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\n\
spec:\n  selector: {app: apx}\n  ports: [{port: 80}]\n";

#[test]
fn sarif_output_is_valid_sarif_2_1_0() {
    let dir = TempDir::new("sarif");
    fs::create_dir_all(dir.path().join(".git")).expect(".git");
    fs::create_dir_all(dir.path().join("with space")).expect("dir");
    fs::write(dir.path().join("with space/app.yaml"), FAULTS).expect("write");
    fs::write(dir.path().join("broken.yaml"), "a: [1, 2\n").expect("write");
    fs::write(
        dir.path().join(".kairn-lint.yaml"),
        "waivers:\n  - rule: image-latest\n    kind: Deployment\n    name: api\n    reason: a test\n",
    )
    .expect("write");

    let mut logs = Vec::new();
    let (o, planted) = sarif(&[dir.arg()]);
    assert_eq!(o.status.code(), Some(2), "broken.yaml: {}", stderr(&o));
    let run = &planted["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);
    let results = run["results"].as_array().expect("results");
    let levels: Vec<&str> = results.iter().filter_map(|r| r["level"].as_str()).collect();
    assert!(
        levels.contains(&"error") && levels.contains(&"warning"),
        "{levels:?}"
    );
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for r in results {
        let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[i]["id"], r["ruleId"]);
        let p = &r["locations"][0]["physicalLocation"];
        assert!(
            p["region"]["startLine"].as_u64().is_some_and(|l| l >= 1),
            "{r}"
        );
    }
    let suppressed = |rule: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == rule)
            .map(|r| r["suppressions"][0]["kind"].clone())
    };
    assert_eq!(suppressed("pdb-missing"), Some(json!("inSource")));
    assert_eq!(suppressed("image-latest"), Some(json!("external")));
    assert!(
        run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .is_some_and(|n| n.iter().any(|n| n["level"] == "error")),
        "the unreadable file is a notification"
    );
    logs.push(("planted faults".to_owned(), planted.clone()));

    // Standard input: results without a file, only the object.
    let mut child = kairn_cmd(&["lint", "--format", "sarif", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kairn runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(FAULTS.as_bytes())
        .expect("written");
    let o = child.wait_with_output().expect("kairn finishes");
    logs.push((
        "stdin".to_owned(),
        serde_json::from_slice(&o.stdout).expect("JSON"),
    ));
    logs.push(("generated/".to_owned(), sarif(&["generated"]).1));
    let local = workspace_root().join("tests/fixtures/corpus");
    logs.push((
        "local corpus".to_owned(),
        sarif(&[local.to_str().expect("UTF-8")]).1,
    ));
    // Kustomize overlays rendered (kubectl on PATH): results name their unit.
    let (_, overlays) = sarif(&["tests/fixtures/import/podinfo-kustomize"]);
    assert!(
        overlays["runs"][0]["results"]
            .as_array()
            .is_some_and(|r| !r.is_empty() && r.iter().all(|r| r["properties"]["unit"].is_string())),
        "{overlays}"
    );
    logs.push(("kustomize overlays".to_owned(), overlays));
    let corpus = workspace_root().join("../shared/corpus");
    if corpus.is_dir() {
        logs.push((
            "shared corpus".to_owned(),
            sarif(&[corpus.to_str().expect("UTF-8")]).1,
        ));
    }
    let (ok, printed) = validate(&logs);
    assert!(ok, "SARIF rejected by the 2.1.0 schema:\n{printed}");

    // The check bites: each mutation of a valid log is rejected.
    let mutations: [(&str, Mutation); 4] = [
        ("no driver name", |v| {
            v["runs"][0]["tool"]["driver"]
                .as_object_mut()
                .expect("driver")
                .remove("name");
        }),
        ("unknown level", |v| {
            v["runs"][0]["results"][0]["level"] = json!("fatal")
        }),
        ("line 0", |v| {
            v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
                json!(0)
        }),
        ("unknown suppression kind", |v| {
            v["runs"][0]["results"][0]["suppressions"] = json!([{"kind": "inCode"}])
        }),
    ];
    for (what, mutate) in mutations {
        let mut bad = planted.clone();
        mutate(&mut bad);
        let (ok, printed) = validate(&[(what.to_owned(), bad)]);
        assert!(!ok, "{what}: accepted\n{printed}");
        assert!(printed.contains("ERROR"), "{what}: {printed}");
    }
}

#[test]
fn sarif_output_is_deterministic_and_relative_to_the_current_directory() {
    let (_, a) = sarif(&["generated"]);
    let (_, b) = sarif(&["generated"]);
    assert_eq!(a, b);
    let results = a["runs"][0]["results"].as_array().expect("results");
    assert!(!results.is_empty(), "generated/ has waived findings");
    for r in results {
        let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(artifact["uriBaseId"], "%SRCROOT%");
        assert!(
            artifact["uri"]
                .as_str()
                .is_some_and(|u| u.starts_with("generated/")),
            "{artifact}"
        );
        assert_eq!(r["suppressions"][0]["kind"], "inSource", "{r}");
    }
}
