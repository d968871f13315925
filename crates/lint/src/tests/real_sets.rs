//! Precision classes found by linting real released sets (`tests/fixtures/corpus/`), each
//! with a failing and a passing case; `tests/lint_corpus.rs` checks the real objects.

use super::*;

/// Precision class (issue 18), found on a real set (the NVIDIA device plugin's DaemonSet):
/// the annotations of every pod template are read, a DaemonSet's and a CronJob's too, so a
/// deprecated one beside its replacement is a warning and alone an error there as well.
#[test]
fn deprecated_annotation_in_any_pod_template() {
    let daemon_set = |priority: &str| {
        format!("apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: d, namespace: ns}}\nspec:\n  selector: {{matchLabels: {{a: b}}}}\n  template:\n    metadata:\n      labels: {{a: b}}\n      annotations: {{scheduler.alpha.kubernetes.io/critical-pod: \"\"}}\n    spec:\n{priority}      containers: [{{name: c, image: \"ghcr.io/acme/c:1.0.0\"}}]\n")
    };
    let cron_job = |priority: &str| {
        format!("apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: j, namespace: ns}}\nspec:\n  schedule: \"0 * * * *\"\n  jobTemplate:\n    spec:\n      backoffLimit: 2\n      template:\n        metadata:\n          annotations: {{scheduler.alpha.kubernetes.io/critical-pod: \"\"}}\n        spec:\n          restartPolicy: Never\n{priority}          containers: [{{name: c, image: \"ghcr.io/acme/c:1.0.0\"}}]\n")
    };
    let deprecated = |yaml: String| {
        lint_text(&yaml, &Context::lint())
            .findings
            .into_iter()
            .filter(|f| f.rule == "deprecated-annotation")
            .map(|f| (f.is_error(), f.line, f.field))
            .collect::<Vec<_>>()
    };
    let found = deprecated(daemon_set(""));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1), (true, Some(9)));
    assert!(found[0].2.contains("critical-pod"), "{found:?}");
    let beside = deprecated(daemon_set(
        "      priorityClassName: system-node-critical\n",
    ));
    assert_eq!(beside.len(), 1, "{beside:?}");
    assert_eq!((beside[0].0, beside[0].1), (false, Some(9)));
    let found = deprecated(cron_job(""));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0, found[0].1), (true, Some(11)));
    assert!(
        found[0]
            .2
            .starts_with("spec.jobTemplate.spec.template.metadata.annotations"),
        "{found:?}"
    );
    let beside = deprecated(cron_job("          priorityClassName: high\n"));
    assert_eq!(beside.len(), 1, "{beside:?}");
    assert!(!beside[0].0, "{beside:?}");
}

/// Precision class (issue 18), found on a real set (Stash's StatefulSet backup guide): a
/// pod without a readiness probe is Ready as soon as its containers run, so peers find it
/// through a headless Service without `publishNotReadyAddresses`; with a probe they may not.
#[test]
fn headless_service_needs_not_ready_addresses_only_behind_a_readiness_probe() {
    let set = |probe: &str| {
        format!("apiVersion: v1\nkind: Service\nmetadata: {{name: peers, namespace: ns}}\nspec:\n  clusterIP: None\n  selector: {{a: b}}\n  ports: [{{name: p, port: 7000, targetPort: p}}]\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: db, namespace: ns}}\nspec:\n  replicas: 3\n  serviceName: peers\n  selector: {{matchLabels: {{a: b}}}}\n  template:\n    metadata: {{labels: {{a: b}}}}\n    spec:\n      containers:\n        - name: c\n          image: \"ghcr.io/acme/c:1.0.0\"\n          ports: [{{name: p, containerPort: 7000}}]\n{probe}")
    };
    let headless = |yaml: String| {
        lint_text(&yaml, &Context::lint())
            .findings
            .into_iter()
            .filter(|f| f.rule == "statefulset-headless-not-ready")
            .map(|f| (f.name, f.line))
            .collect::<Vec<_>>()
    };
    let probe = "          readinessProbe: {tcpSocket: {port: p}}\n";
    assert_eq!(headless(set(probe)), [("peers".to_owned(), Some(4))]);
    assert!(headless(set("")).is_empty());
}

/// A container with a non-zero `runAsUser` and no `runAsNonRoot` does not run as root; the
/// restricted profile still asks for the flag, and the message says which UID it runs as
/// (found on the Kubernetes dashboard, whose containers set `runAsUser: 1001`).
#[test]
fn run_as_non_root_names_a_non_zero_uid() {
    let deployment = |security: &str| {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d, namespace: ns}}\nspec:\n  selector: {{matchLabels: {{a: b}}}}\n  template:\n    metadata: {{labels: {{a: b}}}}\n    spec:\n      containers:\n        - name: c\n          image: \"ghcr.io/acme/c:1.0.0\"\n          securityContext: {{{security}}}\n")
    };
    let non_root = |yaml: String| {
        lint_text(&yaml, &Context::lint())
            .findings
            .into_iter()
            .filter(|f| f.rule == "pss-run-as-non-root")
            .map(|f| f.message)
            .collect::<Vec<_>>()
    };
    let uid = non_root(deployment("runAsUser: 1001"));
    assert_eq!(uid.len(), 1, "{uid:?}");
    assert!(
        uid[0].contains("runs as UID 1001") && !uid[0].contains("may run as root"),
        "{uid:?}"
    );
    let unset = non_root(deployment("allowPrivilegeEscalation: false"));
    assert_eq!(unset.len(), 1, "{unset:?}");
    assert!(unset[0].contains("may run as root"), "{unset:?}");
    assert!(non_root(deployment("runAsUser: 1001, runAsNonRoot: true")).is_empty());
}

/// Messages name what the object has: an unnamed Service port by its number (sock-shop's
/// Services), a hostPath volume with the profile that forbids it said once (flannel).
#[test]
fn messages_name_unnamed_ports_and_the_forbidding_profile_once() {
    let yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: ns}\nspec:\n  selector: {a: b}\n  ports: [{port: 27017, targetPort: 27017}]\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db, namespace: ns}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers:\n        - name: c\n          image: \"ghcr.io/acme/c:1.0.0\"\n          ports: [{name: mongo, containerPort: 27017}]\n          volumeMounts: [{name: run, mountPath: /run}]\n      volumes: [{name: run, hostPath: {path: /run}}]\n";
    let report = lint_text(yaml, &Context::lint());
    let message = |rule: &str| {
        report
            .findings
            .iter()
            .find(|f| f.rule == rule)
            .map(|f| f.message.clone())
            .unwrap_or_else(|| panic!("{rule}: {:?}", report.findings))
    };
    let port = message("numeric-port-reference");
    assert!(
        port.starts_with("Service port 27017 targets port 27017 by number"),
        "{port}"
    );
    let volume = message("pss-volume-types");
    assert!(
        volume.starts_with("volume `run` is of type hostPath; the baseline Pod Security Standard"),
        "{volume}"
    );
    assert!(!volume.contains("restricted"), "{volume}");
}

/// Precision class (issue 18) on the path of typed objects (`validate`, which `emit` and
/// `kairn import` run): the API server's defaults apply there too, so a Service
/// `targetPort: 0` kept from an imported source (Stash's guide) is its port, not an error.
#[test]
fn validate_applies_the_api_server_defaults() {
    let manifest = |target: i64| {
        let service: k8s_openapi::api::core::v1::Service = crate::source::from_json(
            serde_json::json!({"metadata": {"name": "headless", "namespace": "demo"}, "spec": {"clusterIP": "None", "selector": {"app": "a"}, "ports": [{"name": "http", "port": 80, "targetPort": target}]}}),
        )
        .expect("a Service");
        crate::object::Manifest {
            origin: crate::object::Origin {
                app: "demo".into(),
                environment: "default".into(),
                ..crate::object::Origin::default()
            },
            object: crate::object::Object::Service(Box::new(service)),
        }
    };
    let invalid = |target| {
        crate::validate(&[manifest(target)], &Context::lint())
            .findings
            .into_iter()
            .filter(|f| f.rule == "invalid-value")
            .count()
    };
    assert_eq!(invalid(0), 0);
    assert_eq!(invalid(70000), 1);
}
