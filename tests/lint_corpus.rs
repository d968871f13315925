//! `lint` on real manifest sets published by other projects: no crash, no error that is not
//! a real defect of the set (each expected error is listed below with its reason), findings
//! that point at a file and line, and `--format json` output that parses, and
//! `--format sarif` output that is valid SARIF 2.1.0 (`fixtures/sarif/`).
//!
//! The sets are `../shared/corpus/` beside the workspace (see its README; required when
//! `CI=true`) and `fixtures/corpus/` (see its README and each set's SOURCE.md).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use dsl::validate::{self, Context, Report};
use integration::support;

/// `(set, [(rule, kind/name, why it is a real defect)])`.
type Expected = (
    &'static str,
    &'static [(&'static str, &'static str, &'static str)],
);

/// Sets in `../shared/corpus`.
const SHARED: &[Expected] = &[
    ("bookinfo", &[]),
    ("cassandra", &[]),
    ("guestbook", &[]),
    ("metrics-server-ha", &[]),
];

/// Sets in `fixtures/corpus`.
const LOCAL: &[Expected] = &[
    ("ingress-nginx", &[]),
    ("kube-prometheus-node-exporter", &[]),
    (
        "dask-kubernetes-operator",
        &[(
            "rbac-api-group-invalid",
            "ClusterRole/release-dask-kubernetes-operator-role-cluster",
            "apiGroups `admissionregistration.k8s.io/v1` and `.../v1beta1` carry a version, so the \
             webhook-configuration rule grants nothing (kopf cannot manage its admission webhooks)",
        )],
    ),
    ("flannel", &[]),
    ("calico", &[]),
    ("kubernetes-dashboard", &[]),
    ("emojivoto", &[]),
    ("local-path-provisioner", &[]),
    ("nvidia-device-plugin", &[]),
    (
        "sock-shop",
        &[
            ("image-latest", "Deployment/carts-db", UNTAGGED),
            ("image-latest", "Deployment/orders-db", UNTAGGED),
            ("image-latest", "Deployment/rabbitmq", UNTAGGED),
        ],
    ),
    (
        "stash-statefulset-guide",
        &[
            ("image-latest", "StatefulSet/stash-demo", UNTAGGED),
            ("image-latest", "StatefulSet/stash-recovered", UNTAGGED),
        ],
    ),
];

/// Why an untagged image (`mongo`, `busybox`, `kbudde/rabbitmq-exporter`) is a real defect.
const UNTAGGED: &str = "the image has no tag, so it is `latest`: each pull may run another build, \
     and the replicas of one workload can run different versions";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_owned()
}

fn shared_corpus() -> Option<PathBuf> {
    let dir = workspace().join("../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{} is missing: CI must check out ../shared beside the repository",
        dir.display()
    );
    eprintln!("skipping the shared corpus: {} is missing", dir.display());
    None
}

fn lint(dir: &Path) -> (usize, Report) {
    let found = validate::collect_files(&[dir.to_owned()]);
    assert!(
        found.errors.is_empty(),
        "{}: {:?}",
        dir.display(),
        found.errors
    );
    assert!(!found.files.is_empty(), "{}: no YAML files", dir.display());
    let (loaded, errors) = validate::load_files(&found.files);
    assert!(errors.is_empty(), "{}: {errors:?}", dir.display());
    let objects = loaded.documents.len();
    (objects, validate::lint(&loaded, &Context::lint()))
}

/// The `kairn` binary next to this test, if it was built (`cargo test --workspace` builds it).
fn kairn() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?.parent()?;
    let bin = dir.join(format!("kairn{}", std::env::consts::EXE_SUFFIX));
    bin.is_file().then_some(bin)
}

fn check(dir: &Path, name: &str, expected: &[(&str, &str, &str)]) -> String {
    let (objects, report) = lint(dir);
    for f in &report.findings {
        assert!(
            f.file.is_some() && f.line.is_some(),
            "{name}: finding without a location: {f:?}"
        );
    }
    let errors: BTreeSet<(String, String)> = report
        .findings
        .iter()
        .filter(|f| f.is_error())
        .map(|f| (f.rule.to_owned(), format!("{}/{}", f.kind, f.name)))
        .collect();
    let want: BTreeSet<(String, String)> = expected
        .iter()
        .map(|(rule, object, _why)| ((*rule).to_owned(), (*object).to_owned()))
        .collect();
    let detail: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.is_error())
        .map(|f| {
            format!(
                "{} {}/{} {}: {}",
                f.rule, f.kind, f.name, f.field, f.message
            )
        })
        .collect();
    assert_eq!(errors, want, "{name}: errors\n{}", detail.join("\n"));

    // The JSON the CLI writes (`report::write_json`: the findings) parses back.
    let json = serde_json::to_string_pretty(&report.findings).expect("serializes");
    let back: serde_json::Value = serde_json::from_str(&json).expect("JSON parses");
    assert_eq!(back.as_array().map(Vec::len), Some(report.findings.len()));

    if let Some(bin) = kairn() {
        let out = Command::new(&bin)
            .args(["lint", "--format", "json"])
            .arg(dir)
            .output()
            .expect("kairn runs");
        let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "{name}: `kairn lint --format json` output does not parse: {e}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        let findings = parsed.as_array().expect("an array of findings");
        assert!(
            findings
                .iter()
                .all(|f| f.get("rule").is_some() && f.get("severity").is_some()),
            "{name}: {parsed}"
        );
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{name}: exit status {:?}",
            out.status
        );
        check_sarif(&bin, dir, name, findings.len());
    }
    let (e, w, _) = report.counts();
    format!("{name}: {objects} objects, {e} errors, {w} warnings")
}

/// `kairn lint --format sarif` on `dir`: one result per finding, each with a file and line,
/// and the log valid against the SARIF 2.1.0 schema.
fn check_sarif(bin: &Path, dir: &Path, name: &str, findings: usize) {
    let out = Command::new(bin)
        .args(["lint", "--format", "sarif"])
        .arg(dir)
        .output()
        .expect("kairn runs");
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{name}: `kairn lint --format sarif` output does not parse: {e}")
    });
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert_eq!(results.len(), findings, "{name}: one result per finding");
    for r in results {
        let p = &r["locations"][0]["physicalLocation"];
        assert!(
            p["artifactLocation"]["uri"].is_string() && p["region"]["startLine"].is_u64(),
            "{name}: result without file and line: {r}"
        );
    }
    let fixtures = workspace().join("tests/fixtures/sarif");
    let input = serde_json::json!([{"name": name, "log": log}]).to_string();
    let ran = support::run(
        &support::python(),
        &[
            fixtures.join("validate_sarif.py").to_str().expect("UTF-8"),
            fixtures
                .join("sarif-schema-2.1.0.json")
                .to_str()
                .expect("UTF-8"),
        ],
        Some(&input),
    );
    ran.expect_success();
}

#[test]
fn shared_corpus_has_no_false_errors() {
    let Some(root) = shared_corpus() else { return };
    for (name, expected) in SHARED {
        let dir = root.join(name);
        assert!(dir.is_dir(), "{} is missing", dir.display());
        eprintln!("{}", check(&dir, name, expected));
    }
}

#[test]
fn local_corpus_has_no_false_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus");
    for (name, expected) in LOCAL {
        eprintln!("{}", check(&root.join(name), name, expected));
    }
}

#[test]
fn every_local_set_records_its_source() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/corpus");
    let mut total = 0u64;
    for (name, _) in LOCAL {
        let source = std::fs::read_to_string(root.join(name).join("SOURCE.md"))
            .unwrap_or_else(|_| panic!("{name}/SOURCE.md"));
        assert!(
            source.contains("Repository") && source.contains("Licence"),
            "{name}/SOURCE.md names the repository and licence"
        );
        for entry in std::fs::read_dir(root.join(name)).expect("set dir") {
            total += entry.expect("entry").metadata().expect("metadata").len();
        }
    }
    assert!(total < 3 << 20, "the corpus fixtures total {total} bytes");
}

/// The findings of a local set (`fixtures/corpus/NAME`) on one object, and that object's JSON.
fn on_object(
    set: &str,
    kind: &str,
    name: &str,
) -> (Vec<dsl::validate::Finding>, serde_json::Value) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/corpus")
        .join(set);
    let found = validate::collect_files(&[dir]);
    let (loaded, errors) = validate::load_files(&found.files);
    assert!(errors.is_empty(), "{set}: {errors:?}");
    let doc = loaded
        .documents
        .iter()
        .find(|d| d.kind == kind && d.name == name)
        .unwrap_or_else(|| panic!("{set}: no {kind}/{name}"));
    let value = doc.value().clone();
    let report = validate::lint(&loaded, &Context::lint());
    let findings = report
        .findings
        .into_iter()
        .filter(|f| f.kind == kind && f.name == name)
        .collect();
    (findings, value)
}

fn rules(findings: &[dsl::validate::Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule).collect()
}

/// Each precision class of issue 18 on a real released set that has its shape (the planted
/// fail and pass cases are in `crates/lint/src/tests/`). Each case first checks that the
/// real object still has the shape, so it cannot pass on a changed fixture.
#[test]
fn precision_classes_hold_on_real_sets() {
    // (1) Service `targetPort: 0`: the API server defaults it to `port` (Stash's guide).
    let (f, svc) = on_object("stash-statefulset-guide", "Service", "headless");
    assert_eq!(svc["spec"]["ports"][0]["targetPort"], 0);
    assert!(
        f.iter().all(|f| !f.is_error()) && !rules(&f).contains(&"invalid-value"),
        "{f:?}"
    );

    // (2) A Secret whose only value is "" is a placeholder the dashboard fills at run time.
    let (f, secret) = on_object(
        "kubernetes-dashboard",
        "Secret",
        "kubernetes-dashboard-csrf",
    );
    assert_eq!(secret["data"], serde_json::json!({"csrf": ""}));
    assert!(!rules(&f).contains(&"secret-literal-data"), "{f:?}");

    // (3) A deprecated annotation kept beside its replacement field is a warning (the NVIDIA
    // device plugin's DaemonSet: `critical-pod` beside `priorityClassName`).
    let (f, ds) = on_object(
        "nvidia-device-plugin",
        "DaemonSet",
        "nvidia-device-plugin-daemonset",
    );
    assert_eq!(
        ds["spec"]["template"]["spec"]["priorityClassName"],
        "system-node-critical"
    );
    let deprecated: Vec<_> = f
        .iter()
        .filter(|f| f.rule == "deprecated-annotation")
        .map(|f| (f.is_error(), f.line, f.field.as_str()))
        .collect();
    assert_eq!(
        deprecated,
        [(
            false,
            Some(31),
            "spec.template.metadata.annotations[\"scheduler.alpha.kubernetes.io/critical-pod\"]"
        )],
        "{f:?}"
    );

    // (4) A ServiceAccount no pod runs as, whose tokens a ClusterRole lets calico-node mint
    // by name (`serviceaccounts/token` create, resourceNames), is used.
    let (f, _) = on_object("calico", "ServiceAccount", "calico-cni-plugin");
    let (_, role) = on_object("calico", "ClusterRole", "calico-node");
    assert!(
        role["rules"].as_array().expect("rules").iter().any(|r| {
            r["resources"] == serde_json::json!(["serviceaccounts/token"])
                && r["resourceNames"] == serde_json::json!(["calico-cni-plugin"])
        }),
        "{role}"
    );
    assert!(!rules(&f).contains(&"service-account-unused"), "{f:?}");

    // (5) Secrets a Role names in resourceNames for the app to get and update are used,
    // though no pod mounts them (the dashboard's key holder and CSRF token).
    for name in [
        "kubernetes-dashboard-key-holder",
        "kubernetes-dashboard-csrf",
    ] {
        let (f, _) = on_object("kubernetes-dashboard", "Secret", name);
        assert!(!rules(&f).contains(&"secret-unused"), "{name}: {f:?}");
    }
    let (_, role) = on_object("kubernetes-dashboard", "Role", "kubernetes-dashboard");
    assert!(
        role["rules"][0]["resourceNames"]
            .as_array()
            .is_some_and(|n| n.contains(&serde_json::json!("kubernetes-dashboard-key-holder"))),
        "{role}"
    );

    // (6) A Secret missing from the set and mounted as a volume: the pod waits on the mount
    // (ingress-nginx's admission certificate, which a Job creates at run time).
    let (f, _) = on_object("ingress-nginx", "Deployment", "ingress-nginx-controller");
    let missing: Vec<_> = f
        .iter()
        .filter(|f| f.message.contains("`ingress-nginx-admission`"))
        .collect();
    assert_eq!(missing.len(), 1, "{f:?}");
    assert_eq!(
        missing[0].field,
        "spec.template.spec.volumes[0].secret.secretName"
    );
    assert!(
        missing[0].message.contains("ContainerCreating")
            && missing[0].message.contains("FailedMount")
            && !missing[0].message.contains("CreateContainerConfigError"),
        "{:?}",
        missing[0]
    );

    // A StatefulSet without a readiness probe behind a headless Service that does not publish
    // not-ready addresses: its pods are Ready once they run, so peers find each other.
    let (f, sts) = on_object("stash-statefulset-guide", "StatefulSet", "stash-demo");
    assert!(sts["spec"]["template"]["spec"]["containers"][0]
        .get("readinessProbe")
        .is_none());
    let (svc_findings, _) = on_object("stash-statefulset-guide", "Service", "headless");
    assert!(
        !rules(&svc_findings).contains(&"statefulset-headless-not-ready"),
        "{f:?} {svc_findings:?}"
    );
}
