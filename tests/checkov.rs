//! checkov (pinned, installed by `scripts/install-test-tools.sh` into a venv of its own)
//! reports nothing on the committed output roots (`generated/` and
//! `examples/shop/generated/`) beyond the choices in `tests/fixtures/checkov-accepted.yaml`,
//! documented in `docs/security.md`. It runs offline (`--skip-download`), once per root.
//!
//! The test cannot pass vacuously: each root must have passed checks, and every workload
//! manifest (Deployment, StatefulSet, DaemonSet, Job, CronJob) must appear in checkov's
//! report. It cannot go stale either: an accepted entry, or a resource/file glob of one,
//! that accepts no finding fails it.
//!
//! `cargo test -p integration --test suite checkov:: -- --nocapture` prints checkov's time per root.

use std::path::{Path, PathBuf};
use std::time::Duration;

use integration::support::checkov::{parse_report, scan, Accepted, Finding, Report};
use integration::support::{
    display, env_dirs_of, manifest_files, output_roots, parse_yaml_docs, workspace_root,
};
use serde_json::json;

/// The kinds with a pod template, which checkov's Kubernetes checks evaluate.
const WORKLOAD_KINDS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"];

/// The workload manifests under `root`, from the workspace root.
fn workload_files(root: &Path) -> Vec<String> {
    env_dirs_of(root)
        .iter()
        .flat_map(|d| manifest_files(d))
        .filter(|f| {
            let text = std::fs::read_to_string(f).expect("readable manifest");
            parse_yaml_docs(&text)
                .iter()
                .any(|d| WORKLOAD_KINDS.contains(&d["kind"].as_str().unwrap_or_default()))
        })
        .map(|f| display(&f))
        .collect()
}

/// What is wrong with one root's report, apart from the findings themselves.
fn report_problems(root: &Path, report: &Report, accepted: &Accepted) -> Vec<String> {
    let at = display(root);
    let mut out: Vec<String> = report
        .problems
        .iter()
        .map(|p| format!("{at}: {p}"))
        .collect();
    if report.version != accepted.version {
        out.push(format!(
            "{at}: checkov is {}, but {} was measured with {}; re-measure it",
            report.version,
            integration::support::checkov::ACCEPTED_FILE,
            accepted.version
        ));
    }
    if report.passed == 0 || report.resources == 0 {
        out.push(format!(
            "{at}: checkov scanned {} resources and passed {} checks; it looked at nothing",
            report.resources, report.passed
        ));
    }
    for file in workload_files(root) {
        if !report.scanned_files.contains(&file) {
            out.push(format!("{file}: workload not in checkov's report"));
        }
    }
    out
}

#[test]
fn checkov_reports_only_accepted_choices() {
    let accepted = Accepted::load();
    // Every committed output: the seeds', the shop's, and the team template's
    // (examples/standalone, a repository as `kairn new` starts it).
    let mut roots: Vec<PathBuf> = output_roots();
    roots.push(workspace_root().join("examples/standalone/generated"));
    // One checkov run per root, one after the other: each takes 3-4 s, mostly start-up,
    // and running both at once saved nothing on a busy 2-core machine.
    let reports: Vec<Report> = roots.iter().map(|r| scan(r)).collect();
    let mut problems = Vec::new();
    let mut findings: Vec<Finding> = Vec::new();
    for (root, report) in roots.iter().zip(&reports) {
        eprintln!(
            "checkov {}: {:.1}s, {} resources, {} passed, {} failed",
            display(root),
            report.took.as_secs_f64(),
            report.resources,
            report.passed,
            report.failed.len()
        );
        problems.extend(report_problems(root, report, &accepted));
        findings.extend(report.failed.iter().cloned());
    }
    let verdict = accepted.judge(&findings);
    problems.extend(
        verdict
            .unaccepted
            .iter()
            .map(|f| format!("not accepted: {f}")),
    );
    problems.extend(verdict.stale.iter().map(|s| {
        format!(
            "stale in {}: {s}",
            integration::support::checkov::ACCEPTED_FILE
        )
    }));
    assert!(
        problems.is_empty(),
        "checkov on {}:\n  {}\nFix the renderer, or (a deliberate choice) add an entry with \
         its reason to {} and docs/security.md.",
        roots
            .iter()
            .map(|r| display(r))
            .collect::<Vec<_>>()
            .join(", "),
        problems.join("\n  "),
        integration::support::checkov::ACCEPTED_FILE
    );
}

// --- The judging logic, on reports written by hand (no checkov run) -------------------

fn finding(check: &str, resource: &str, file: &str) -> Finding {
    Finding {
        check: check.to_owned(),
        name: "a check".to_owned(),
        resource: resource.to_owned(),
        file: file.to_owned(),
    }
}

const REASON: &str = "a reason long enough to say why a reviewer accepts this finding";

fn accepted(entries: &str) -> Accepted {
    Accepted::parse(&format!("checkov: \"3.3.30\"\naccepted:\n{entries}"))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn unscoped_entry_accepts_its_check_anywhere_and_nothing_else() {
    let a = accepted(&format!("  - check: CKV_K8S_15\n    reason: {REASON}\n"));
    let v = a.judge(&[
        finding("CKV_K8S_15", "Deployment.a.b", "generated/a/prod/x.yaml"),
        finding("CKV_K8S_15", "Job.c.d", "examples/shop/generated/y.yaml"),
        finding("CKV_K8S_40", "Deployment.a.b", "generated/a/prod/x.yaml"),
    ]);
    assert_eq!(
        v.unaccepted,
        ["CKV_K8S_40 (a check) on Deployment.a.b in generated/a/prod/x.yaml"]
    );
    assert!(v.stale.is_empty(), "{:?}", v.stale);
}

#[test]
fn scoped_entry_accepts_only_its_resources_and_files() {
    let a = accepted(&format!(
        "  - check: CKV_K8S_40\n    resources: [Deployment.a.b, Job.a.gen-*]\n    \
         files: [generated/**]\n    reason: {REASON}\n"
    ));
    let v = a.judge(&[
        finding("CKV_K8S_40", "Deployment.a.b", "generated/a/prod/x.yaml"),
        finding(
            "CKV_K8S_40",
            "Job.a.gen-1234abcd",
            "generated/a/prod/j.yaml",
        ),
        // Same resource id, other root: outside the file scope.
        finding(
            "CKV_K8S_40",
            "Deployment.a.b",
            "examples/shop/generated/x.yaml",
        ),
        finding(
            "CKV_K8S_40",
            "Deployment.a.other",
            "generated/a/prod/o.yaml",
        ),
    ]);
    assert_eq!(
        v.unaccepted,
        [
            "CKV_K8S_40 (a check) on Deployment.a.b in examples/shop/generated/x.yaml",
            "CKV_K8S_40 (a check) on Deployment.a.other in generated/a/prod/o.yaml",
        ]
    );
    assert!(v.stale.is_empty(), "{:?}", v.stale);
}

#[test]
fn entries_and_globs_that_accept_nothing_are_stale() {
    let a = accepted(&format!(
        "  - check: CKV_K8S_8\n    reason: {REASON}\n  \
         - check: CKV_K8S_38\n    resources: [Deployment.a.b, StatefulSet.a.gone]\n    reason: {REASON}\n"
    ));
    let v = a.judge(&[finding("CKV_K8S_38", "Deployment.a.b", "generated/x.yaml")]);
    assert!(v.unaccepted.is_empty(), "{:?}", v.unaccepted);
    assert_eq!(
        v.stale,
        [
            "entry 1 (CKV_K8S_8) accepts no finding",
            "entry 2 (CKV_K8S_38): resource glob `StatefulSet.a.gone` accepts no finding",
        ]
    );
}

#[test]
fn accepted_file_refuses_missing_reasons_bad_ids_and_unknown_fields() {
    let parse = |entries: &str| {
        Accepted::parse(&format!("checkov: \"3.3.30\"\naccepted:\n{entries}"))
            .err()
            .unwrap_or_default()
    };
    assert!(parse("  - check: CKV_K8S_15\n    reason: because\n").contains("`reason` must say"));
    assert!(parse(&format!("  - check: K8S_15\n    reason: {REASON}\n")).contains("checkov id"));
    assert!(parse(&format!(
        "  - check: CKV_K8S_15\n    resource: [x]\n    reason: {REASON}\n"
    ))
    .contains("unknown field"));
    assert!(parse(&format!(
        "  - check: CKV_K8S_15\n    files: ['a/[']\n    reason: {REASON}\n"
    ))
    .contains("bad glob"));
}

#[test]
fn report_parsing_flags_parse_errors_skips_and_empty_scans() {
    let root = workspace_root().join("generated");
    let json = json!({
        "check_type": "kubernetes",
        "results": {
            "passed_checks": [],
            "failed_checks": [{
                "check_id": "CKV_K8S_15",
                "check_name": "Image Pull Policy should be Always",
                "resource": "Deployment.a.b",
                "file_path": "/a/production/deployment-b.yaml"
            }],
            "skipped_checks": [],
            "parsing_errors": ["/a/production/broken.yaml"]
        },
        "summary": {"passed": 0, "failed": 1, "skipped": 2, "parsing_errors": 1,
                    "resource_count": 0, "checkov_version": "3.3.30"}
    });
    let report = parse_report(&json, &root, Duration::ZERO);
    assert_eq!(
        report.failed,
        [Finding {
            name: "Image Pull Policy should be Always".to_owned(),
            ..finding(
                "CKV_K8S_15",
                "Deployment.a.b",
                "generated/a/production/deployment-b.yaml"
            )
        }]
    );
    assert_eq!(report.problems.len(), 2, "{:?}", report.problems);
    assert!(report.problems[0].contains("could not be parsed"));
    assert!(report.problems[1].contains("skipped by annotations"));
    let accepted = accepted(&format!("  - check: CKV_K8S_15\n    reason: {REASON}\n"));
    let problems = report_problems(&root, &report, &accepted);
    assert!(
        problems.iter().any(|p| p.contains("it looked at nothing")),
        "{problems:?}"
    );
    // Every seed workload is missing from this made-up report.
    assert!(
        problems
            .iter()
            .any(|p| p.ends_with("workload not in checkov's report")),
        "{problems:?}"
    );
}
