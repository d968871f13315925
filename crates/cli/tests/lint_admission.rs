//! `kairn lint --policy`: the cluster's ValidatingAdmissionPolicies evaluated on the
//! linted objects, with the real policies of `tests/fixtures/admission` (the full
//! table of cases is checked in `crates/lint/src/admission/tests.rs`).

use crate::support;

use std::fs;
use std::path::PathBuf;
use std::process::Output;

use serde_json::Value;
use support::*;

fn fixture(path: &str) -> String {
    workspace_root()
        .join("tests/fixtures/admission")
        .join(path)
        .to_string_lossy()
        .into_owned()
}

fn admission_findings(o: &Output) -> Vec<Value> {
    let all: Vec<Value> =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("JSON: {e}\n{}", stderr(o)));
    all.into_iter()
        .filter(|f| f["rule"] == "admission-policy")
        .collect()
}

#[test]
fn policies_from_a_directory_deny_and_warn() {
    // The whole kolteq folder: hostIPC in a namespace that enforces baseline is denied.
    let o = kairn(&[
        "lint",
        "--format",
        "json",
        "--policy",
        &fixture("kolteq-pss"),
        &fixture("cases/hostipc-enforce.yaml"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let found = admission_findings(&o);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["severity"], "error");
    assert_eq!(
        found[0]["message"],
        "ValidatingAdmissionPolicy 'check-hostipc' with binding 'check-hostipc-namespace-optout-deny' denied request: Using hostIPC is disallowed. spec.hostIPC must be undefined or set to false."
    );
    // A namespace that only warns: a warning, exit 0.
    let o = kairn(&[
        "lint",
        "--format",
        "json",
        "--policy",
        &fixture("kolteq-pss/hostipc.yaml"),
        &fixture("cases/hostipc-warn.yaml"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let found = admission_findings(&o);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["severity"], "warning");
    // The policy files are not linted as manifests: no finding points into them.
    assert!(found.iter().all(|f| !f["file"]
        .as_str()
        .unwrap_or_default()
        .contains("kolteq-pss")));
}

#[test]
fn params_present_and_missing() {
    let policy = fixture("kubernetes-website/replicalimit.yaml");
    let param = fixture("kubernetes-website/replicalimit-param.yaml");
    let o = kairn(&[
        "lint",
        "--format",
        "json",
        "--policy",
        &policy,
        "--policy",
        &param,
        &fixture("cases/replicas-4.yaml"),
    ]);
    assert_eq!(admission_findings(&o).len(), 1, "{}", stderr(&o));
    let o = kairn(&[
        "lint",
        "--format",
        "json",
        "--policy",
        &policy,
        "--policy",
        &param,
        &fixture("cases/demo-replicas-3.yaml"),
    ]);
    assert!(admission_findings(&o).is_empty(), "{}", stderr(&o));
    let o = kairn(&[
        "lint",
        "--format",
        "json",
        "--policy",
        &policy,
        &fixture("cases/demo-replicas-3.yaml"),
    ]);
    let found = admission_findings(&o);
    assert_eq!(found.len(), 1);
    assert!(found[0]["message"].as_str().unwrap().ends_with("denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction"));
}

#[test]
fn a_policy_in_the_linted_set_applies() {
    let o = kairn(&[
        "lint",
        "--format",
        "json",
        &fixture("common-admission-policies/block-nodeport-service.yaml"),
        &fixture("cases/service-nodeport.yaml"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let found = admission_findings(&o);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("service-nodeport.yaml"));
}

#[test]
fn a_broken_expression_is_one_error_and_exit_2() {
    let dir = TempDir::new("lint-admission");
    let policy: PathBuf = dir.path().join("policy.yaml");
    let text = fs::read_to_string(fixture(
        "common-admission-policies/block-nodeport-service.yaml",
    ))
    .unwrap();
    fs::write(
        &policy,
        text.replace(
            r#"object.spec.type != "NodePort""#,
            r#"object.spec.type != ("NodePort""#,
        ),
    )
    .unwrap();
    let o = kairn(&[
        "lint",
        "--policy",
        policy.to_str().unwrap(),
        &fixture("cases/service-nodeport.yaml"),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(
        errors[0].contains("policy.yaml:16: ValidatingAdmissionPolicy 'block-nodeport-service': spec.validations[0].expression does not compile: ERROR: <input>:"),
        "{err}"
    );
    // The rest is still linted (the Service's other findings are printed).
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("web"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}
