//! `lint` over the seed fixtures reports their real mistakes and nothing else: the exact
//! set of rule ids per fixture file (see each directory's EXPECTED.md), and the declared
//! apps validate without errors.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use dsl::validate::{self, Context, Severity};

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds")
}

/// Lints one seed directory as a set; rule ids per file name.
fn lint_dir(dir: &str) -> BTreeMap<String, BTreeSet<&'static str>> {
    let root = seeds().join(dir);
    let found = validate::collect_files(std::slice::from_ref(&root));
    assert!(
        found.errors.is_empty() && found.notes.is_empty(),
        "{found:?}"
    );
    let files = found.files;
    let (loaded, errors) = validate::load_files(&files);
    assert!(errors.is_empty(), "{errors:?}");
    let report = validate::lint(&loaded, &Context::lint());
    let mut out: BTreeMap<String, BTreeSet<&'static str>> = files
        .iter()
        .map(|f| {
            (
                f.file_name().unwrap().to_string_lossy().into_owned(),
                BTreeSet::new(),
            )
        })
        .collect();
    for f in &report.findings {
        assert!(f.waived.is_none());
        let file = Path::new(f.file.as_deref().expect("lint findings name a file"));
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        assert!(f.line.is_some(), "{f:?}");
        out.get_mut(&name)
            .expect("finding in a fixture file")
            .insert(f.rule);
    }
    out
}

fn expect(dir: &str, expected: &[(&str, &[&'static str])]) {
    let got = lint_dir(dir);
    let want: BTreeMap<String, BTreeSet<&'static str>> = expected
        .iter()
        .map(|(f, rules)| ((*f).to_owned(), rules.iter().copied().collect()))
        .collect();
    for (file, rules) in &want {
        assert_eq!(got.get(file), Some(rules), "{dir}/{file}");
    }
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "{dir}: fixture files"
    );
}

#[test]
fn seed_000_terrapod_has_no_manifests() {
    assert!(validate::collect_files(&[seeds().join("000-terrapod")])
        .files
        .is_empty());
}

#[test]
fn seed_001_triage_warden() {
    expect(
        "001-triage-warden",
        &[
            ("configmap.yaml", &[]),
            (
                "deployment.yaml",
                &[
                    "image-latest",
                    "pss-seccomp",
                    "replicas-with-hpa",
                    "pod-token-automount",
                    "deployment-no-spread",
                ],
            ),
            ("hpa.yaml", &[]),
            (
                "ingress.yaml",
                &["deprecated-annotation", "metrics-exposed-by-ingress"],
            ),
            ("namespace.yaml", &["namespace-pss-not-enforced"]),
            (
                "networkpolicy.yaml",
                &["netpol-blocks-scrape", "netpol-dns-tcp"],
            ),
            ("pdb.yaml", &["pdb-unhealthy-eviction-policy"]),
            (
                "prometheusrule.yaml",
                &["alert-up-without-absent", "alert-error-rate-not-ratio"],
            ),
            ("secret.yaml", &["secret-literal-data"]),
            ("service.yaml", &[]),
            ("serviceaccount.yaml", &["service-account-token-automount"]),
            ("servicemonitor.yaml", &["netpol-blocks-scrape"]),
        ],
    );
}

#[test]
fn seed_002_caelundas_has_no_manifests() {
    assert!(validate::collect_files(&[seeds().join("002-caelundas")])
        .files
        .is_empty());
}

#[test]
fn seed_003_inquisitor() {
    expect(
        "003-inquisitor",
        &[
            ("configmap.yaml", &[]),
            // The set does not create namespace `inquisitor-system` (the seed creates it
            // with kubectl), so a Deployment outside the set may be the target: the missing
            // target is unresolved (a warning), no longer `hpa-target-missing` (an error).
            ("hpa.yaml", &["reference-unresolved"]),
            (
                "networkpolicy.yaml",
                &[
                    "netpol-namespace-name-label",
                    "netpol-blocks-peers",
                    "netpol-blocks-scrape",
                    "netpol-dns-too-broad",
                ],
            ),
            ("pvc.yaml", &[]),
            (
                "rbac.yaml",
                &[
                    "rbac-secrets-read",
                    "service-account-token-automount",
                    "service-account-unused",
                ],
            ),
            ("secret.yaml", &["secret-literal-data", "secret-unused"]),
            (
                "service-metrics.yaml",
                &[
                    "netpol-blocks-scrape",
                    "prometheus-scrape-annotations",
                    "numeric-port-reference",
                ],
            ),
            (
                "service.yaml",
                &[
                    "service-external-load-balancer",
                    "netpol-blocks-load-balancer",
                    "numeric-port-reference",
                    "statefulset-headless-not-ready",
                ],
            ),
            (
                "statefulset.yaml",
                &[
                    "pvc-rwo-shared",
                    "image-latest",
                    "pss-run-as-non-root",
                    "pss-seccomp",
                    "pss-privilege-escalation",
                    "pss-capabilities",
                    "read-only-root-filesystem",
                    "numeric-port-reference",
                    "pod-default-service-account",
                    "pod-token-automount",
                    "statefulset-ordered-ready",
                    "statefulset-no-spread",
                    "pdb-missing",
                ],
            ),
        ],
    );
}

#[test]
fn seed_004_gorax() {
    expect(
        "004-gorax",
        &[
            (
                "externalsecret.yaml",
                &["deprecated-api-version", "reference-unresolved"],
            ),
            ("namespace.yaml", &[]),
            (
                "networkpolicy.yaml",
                &[
                    "netpol-namespace-name-label",
                    "netpol-dns-missing",
                    "netpol-blocks-scrape",
                    // The podSelector `component=api` matches no pod of this partial set
                    // (it has no workloads): `networkpolicy-selects-nothing`, unresolved.
                    "reference-unresolved",
                ],
            ),
            (
                "rbac.yaml",
                &["rbac-secrets-read", "rbac-subject-namespace"],
            ),
            (
                "serviceaccount-gke.yaml",
                &[
                    "namespace-missing",
                    "service-account-token-automount",
                    "cloud-identity-placeholder",
                ],
            ),
            (
                "serviceaccount-irsa.yaml",
                &[
                    "namespace-missing",
                    "service-account-token-automount",
                    "cloud-identity-placeholder",
                ],
            ),
            (
                "servicemonitor.yaml",
                &["reference-unresolved", "netpol-blocks-scrape"],
            ),
        ],
    );
}

#[test]
fn seed_errors_are_errors() {
    // The EXPECTED.md severities of a few findings, as the registry assigns them.
    for (rule, severity) in [
        ("image-latest", Severity::Error),
        ("pss-seccomp", Severity::Error),
        ("deprecated-annotation", Severity::Error),
        ("netpol-dns-tcp", Severity::Error),
        ("secret-literal-data", Severity::Error),
        ("pvc-rwo-shared", Severity::Error),
        ("hpa-target-missing", Severity::Error),
        ("namespace-pss-not-enforced", Severity::Warning),
        ("replicas-with-hpa", Severity::Warning),
        ("reference-unresolved", Severity::Warning),
    ] {
        assert_eq!(
            validate::rule(rule).map(|r| r.severity),
            Some(severity),
            "{rule}"
        );
    }
}

#[test]
fn declared_apps_validate_without_errors() {
    let mut errors = Vec::new();
    for entry in apps::registry() {
        for env in entry.environments() {
            let app = entry
                .declare(env.as_str(), &apps::Inputs::default())
                .expect("environment")
                .expect("declares");
            let report = dsl::validate(&dsl::render(&app), &dsl::validate::context_for(&app));
            for f in report.findings.iter().filter(|f| f.is_error()) {
                errors.push(format!(
                    "{}/{env}: {} {}/{} {}: {}",
                    entry.id, f.rule, f.kind, f.name, f.field, f.message
                ));
            }
        }
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
