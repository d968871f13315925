//! The open world (issue 11): objects the set does not own, kinds it does not type,
//! objects the cluster or its controllers supply.

use std::collections::BTreeSet;

use serde_json::json;

use super::*;

/// `(rule, severity)` of every finding.
fn findings_of(r: &Report) -> BTreeSet<(&'static str, Severity)> {
    r.findings.iter().map(|f| (f.rule, f.severity)).collect()
}

const DAEMON_SET: &str = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: "ghcr.io/acme/agent:1.0.0"}]
"#;

#[test]
fn an_unrelated_daemon_set_does_not_hide_a_broken_selector() {
    let text = apply(&[
        Add(DAEMON_SET),
        Set("Service/web", "/spec/selector/app", json!("webb")),
        Set(
            "PodDisruptionBudget/web",
            "/spec/selector/matchLabels/app",
            json!("api"),
        ),
    ]);
    let found = findings_of(&lint_text(&text, &Context::lint()));
    assert!(
        found.contains(&("service-selects-nothing", Severity::Error)),
        "{found:?}"
    );
    assert!(
        found.contains(&("pdb-selects-nothing", Severity::Error)),
        "{found:?}"
    );
}

#[test]
fn every_workload_kind_is_read() {
    let cron = r#"
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "0 * * * *"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: report}}
        spec:
          restartPolicy: Never
          containers: [{name: report, image: "ghcr.io/acme/report:1.0.0", ports: [{name: http, containerPort: 8080}]}]
"#;
    let svc = |app: &str| {
        format!("apiVersion: v1\nkind: Service\nmetadata: {{name: {app}, namespace: shop}}\nspec:\n  selector: {{app: {app}}}\n  ports: [{{name: http, port: 80, targetPort: http}}]\n")
    };
    let text = format!(
        "{}---\n{cron}---\n{DAEMON_SET}---\n{}---\n{}",
        apply(&[]),
        svc("report"),
        svc("agent")
    );
    let report = lint_text(&text, &Context::lint());
    let selects: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "service-selects-nothing")
        .collect();
    assert!(selects.is_empty(), "{selects:#?}");
    // The DaemonSet's container declares no port `http`: the CronJob's does.
    let ports: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "service-target-port-missing")
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(ports, ["agent"]);
}

#[test]
fn selectors_on_labels_controllers_add_match() {
    let member = |pod: &str| {
        format!("apiVersion: v1\nkind: Service\nmetadata: {{name: db-0, namespace: shop}}\nspec:\n  selector: {{app: db, statefulset.kubernetes.io/pod-name: {pod}}}\n  ports: [{{name: client, port: 5432, targetPort: client}}]\n")
    };
    let ok = format!("{}---\n{}", apply(&[]), member("db-2"));
    assert!(!rules_of(&lint_text(&ok, &Context::lint())).contains("service-selects-nothing"));
    let beyond = format!("{}---\n{}", apply(&[]), member("db-3"));
    assert!(rules_of(&lint_text(&beyond, &Context::lint())).contains("service-selects-nothing"));
    let hash = r#"
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web-rev, namespace: shop}
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: web}
    matchExpressions: [{key: pod-template-hash, operator: Exists}]
"#;
    let text = format!("{}---\n{hash}", apply(&[]));
    assert!(!rules_of(&lint_text(&text, &Context::lint())).contains("pdb-selects-nothing"));
}

#[test]
fn references_outside_an_owned_namespace_are_unresolved() {
    let missing = Set(
        "Deployment/web",
        p!("{C0}/envFrom/0/configMapRef/name"),
        json!("settings"),
    );
    // The set creates namespace `shop`: the ConfigMap cannot exist.
    let owned = rules_of(&lint_text(&apply(&[missing]), &Context::lint()));
    assert!(owned.contains("configmap-missing"), "{owned:?}");
    // Without the Namespace the ConfigMap may be in the cluster.
    let missing = Set(
        "Deployment/web",
        p!("{C0}/envFrom/0/configMapRef/name"),
        json!("settings"),
    );
    let open = rules_of(&lint_text(
        &apply(&[missing, Remove("Namespace/shop")]),
        &Context::lint(),
    ));
    assert!(
        open.contains("reference-unresolved") && !open.contains("configmap-missing"),
        "{open:?}"
    );
    // `kube-root-ca.crt` is in every namespace, with key `ca.crt`.
    let root_ca = Set(
        "Deployment/web",
        p!("{C0}/envFrom/0/configMapRef/name"),
        json!("kube-root-ca.crt"),
    );
    let found = rules_of(&lint_text(&apply(&[root_ca]), &Context::lint()));
    assert!(
        !found.contains("configmap-missing") && !found.contains("reference-unresolved"),
        "{found:?}"
    );
}

#[test]
fn a_secret_a_job_creates_at_run_time_is_unresolved() {
    let creator = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: certgen, namespace: shop}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get, create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: certgen, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: certgen}
subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
"#;
    let secret = Set(
        "Deployment/web",
        p!("{C0}/env/0/valueFrom/secretKeyRef/name"),
        json!("webhook-cert"),
    );
    let without = rules_of(&lint_text(&apply(&[secret]), &Context::lint()));
    assert!(without.contains("secret-missing"), "{without:?}");
    let secret = Set(
        "Deployment/web",
        p!("{C0}/env/0/valueFrom/secretKeyRef/name"),
        json!("webhook-cert"),
    );
    let with = rules_of(&lint_text(
        &apply(&[secret, Add(creator)]),
        &Context::lint(),
    ));
    assert!(
        with.contains("reference-unresolved") && !with.contains("secret-missing"),
        "{with:?}"
    );
    // An image pull Secret is never more than unresolved.
    let pull = Set(
        "Deployment/web",
        p!("{POD}/imagePullSecrets"),
        json!([{"name": "registry"}]),
    );
    let found = findings_of(&lint_text(&apply(&[pull]), &Context::lint()));
    assert!(
        found.contains(&("reference-unresolved", Severity::Warning)),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(r, _)| *r == "secret-missing"),
        "{found:?}"
    );
}

#[test]
fn roles_built_into_the_cluster_resolve() {
    let bindings = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: auth-reader, namespace: kube-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: extension-apiserver-authentication-reader}
subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: web-delegator}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:auth-delegator"}
subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web-view, namespace: shop}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
"#;
    let found = rules_of(&lint_text(&apply(&[Add(bindings)]), &Context::lint()));
    assert!(
        !found.contains("rbac-role-missing") && !found.contains("reference-unresolved"),
        "{found:?}"
    );
    let other = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: web-other}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: someone-elses-role}
subjects: [{kind: ServiceAccount, name: web, namespace: shop}]
"#;
    let found = findings_of(&lint_text(&apply(&[Add(other)]), &Context::lint()));
    assert!(
        found.contains(&("reference-unresolved", Severity::Warning)),
        "{found:?}"
    );
    // A ServiceAccount subject missing from a namespace the set owns.
    let ghost = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: ghost-view}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{kind: ServiceAccount, name: ghost, namespace: shop}]
"#;
    let found = findings_of(&lint_text(&apply(&[Add(ghost)]), &Context::lint()));
    assert!(
        found.contains(&("rbac-subject-missing", Severity::Error)),
        "{found:?}"
    );
}

#[test]
fn a_service_monitor_of_kube_system_is_unresolved() {
    let coredns = r#"
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: coredns, namespace: shop}
spec:
  endpoints: [{port: metrics}]
  namespaceSelector: {matchNames: [kube-system]}
  selector: {matchLabels: {k8s-app: kube-dns}}
"#;
    let found = findings_of(&lint_text(&apply(&[Add(coredns)]), &Context::lint()));
    assert!(
        found.contains(&("reference-unresolved", Severity::Warning)),
        "{found:?}"
    );
    assert!(
        !found
            .iter()
            .any(|(r, _)| *r == "servicemonitor-selects-nothing"),
        "{found:?}"
    );
}

#[test]
fn pod_security_is_an_error_only_where_enforced() {
    let root = Set(
        "Deployment/web",
        p!("{POD}/securityContext/runAsNonRoot"),
        json!(false),
    );
    let enforced = findings_of(&lint_text(&apply(&[root]), &Context::lint()));
    assert!(
        enforced.contains(&("pss-run-as-non-root", Severity::Error)),
        "{enforced:?}"
    );
    for labels in [
        json!({}),
        json!({"pod-security.kubernetes.io/enforce": "baseline"}),
    ] {
        let root = Set(
            "Deployment/web",
            p!("{POD}/securityContext/runAsNonRoot"),
            json!(false),
        );
        let text = apply(&[root, Set("Namespace/shop", "/metadata/labels", labels)]);
        let found = findings_of(&lint_text(&text, &Context::lint()));
        assert!(
            found.contains(&("pss-run-as-non-root", Severity::Warning)),
            "{found:?}"
        );
    }
    // A baseline check under a baseline namespace is an error.
    let host = Set("Deployment/web", p!("{POD}/hostNetwork"), json!(true));
    let baseline = Set(
        "Namespace/shop",
        "/metadata/labels",
        json!({"pod-security.kubernetes.io/enforce": "baseline"}),
    );
    let found = findings_of(&lint_text(&apply(&[host, baseline]), &Context::lint()));
    assert!(
        found.contains(&("pss-host-namespaces", Severity::Error)),
        "{found:?}"
    );
}

#[test]
fn reading_secrets_by_name_is_not_reading_every_secret() {
    let named = Set(
        "Role/web",
        "/rules/0",
        json!({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "watch", "list"], "resourceNames": ["web-tls"]}),
    );
    assert!(!rules_of(&lint_text(&apply(&[named]), &Context::lint())).contains("rbac-secrets-read"));
    let all = Set(
        "Role/web",
        "/rules/0",
        json!({"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}),
    );
    let found = findings_of(&lint_text(&apply(&[all]), &Context::lint()));
    assert!(
        found.contains(&("rbac-secrets-read", Severity::Warning)),
        "{found:?}"
    );
}

#[test]
fn octal_modes_read_as_kubernetes_reads_them() {
    let text = BASE.replace(
        "      volumes:\n",
        "      volumes:\n        - name: certs\n          secret: {secretName: shop-db, defaultMode: 0400}\n",
    );
    assert_ne!(text, BASE, "the base has a volumes list");
    let loaded = parse_str("octal.yaml", &text).expect("parses");
    let web = loaded
        .documents
        .iter()
        .find(|d| d.kind == "Deployment")
        .expect("Deployment");
    assert!(web.error.is_none(), "{:?}", web.error);
    assert_eq!(
        web.value()
            .pointer("/spec/template/spec/volumes/0/secret/defaultMode"),
        Some(&json!(256))
    );
    assert!(!rules_of(&lint(&loaded, &Context::lint())).contains("object-invalid"));
}

#[test]
fn recording_rules_are_valid() {
    let rules = r#"
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: recording, namespace: shop}
spec:
  groups:
    - name: shop.rules
      interval: 1m
      rules:
        - record: job:http_requests:rate5m
          expr: sum by (job) (rate(http_requests_total[5m]))
        - alert: AlwaysFiring
          expr: 1
          keep_firing_for: 5m
"#;
    let found = rules_of(&lint_text(&apply(&[Add(rules)]), &Context::lint()));
    assert!(!found.contains("object-invalid"), "{found:?}");
}

#[test]
fn a_network_policy_that_selects_no_pod_is_named() {
    let rule = "networkpolicy-selects-nothing";
    let on_policy = |r: &Report| -> Vec<(&'static str, Severity, String)> {
        r.findings
            .iter()
            .filter(|f| f.kind == "NetworkPolicy" && f.field == "spec.podSelector")
            .map(|f| (f.rule, f.severity, f.message.clone()))
            .collect()
    };
    // A typo'd label in a namespace the set owns: an error on the policy itself.
    let typo = apply(&[Set(
        "NetworkPolicy/web",
        "/spec/podSelector/matchLabels/app",
        json!("webb"),
    )]);
    let hits = on_policy(&lint_text(&typo, &Context::lint()));
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert_eq!((hits[0].0, hits[0].1), (rule, Severity::Error));
    assert!(hits[0].2.contains("app=webb"), "{}", hits[0].2);
    // The same through matchExpressions.
    let expr = apply(&[Set(
        "NetworkPolicy/web",
        "/spec/podSelector",
        json!({"matchExpressions": [{"key": "app", "operator": "In", "values": ["api", "webb"]}]}),
    )]);
    let hits = on_policy(&lint_text(&expr, &Context::lint()));
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert!(hits[0].2.contains("app In (api, webb)"), "{}", hits[0].2);
    // An empty podSelector selects every pod of the namespace.
    let all = apply(&[Set("NetworkPolicy/web", "/spec/podSelector", json!({}))]);
    assert!(!rules_of(&lint_text(&all, &Context::lint())).contains(rule));
    // A label the controller adds to every pod selects them.
    let hash = apply(&[Set(
        "NetworkPolicy/web",
        "/spec/podSelector",
        json!({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "pod-template-hash", "operator": "Exists"}]}),
    )]);
    assert!(on_policy(&lint_text(&hash, &Context::lint())).is_empty());
    // A namespace the set does not create may hold pods the set does not show: a warning.
    let open = apply(&[
        Set(
            "NetworkPolicy/web",
            "/spec/podSelector/matchLabels/app",
            json!("webb"),
        ),
        Remove("Namespace/shop"),
    ]);
    let hits = on_policy(&lint_text(&open, &Context::lint()));
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert_eq!(
        (hits[0].0, hits[0].1),
        ("reference-unresolved", Severity::Warning)
    );
    assert!(hits[0].2.contains("namespace `shop`"), "{}", hits[0].2);
}

#[test]
fn a_non_scalar_mapping_key_is_a_load_error_with_its_line() {
    // Found by the property tests (tests/lint_props.rs): serde-saphyr reports errors of
    // our own visitor without a location.
    let e = parse_str("k.yaml", "kind: Service\n? [a]\n: b\n").expect_err("rejected");
    assert_eq!(e.file, "k.yaml");
    assert_eq!(e.line, Some(2), "{e}");
    assert!(e.message.contains("a mapping key must be a scalar"), "{e}");
    assert!(!e.message.contains("[at line"), "{e}");
}

#[test]
fn external_claims_annotation_declares_claims_the_set_does_not_hold() {
    let deployment = |annotations: &str| {
        format!(
            r#"
apiVersion: apps/v1
kind: Deployment
metadata: {{name: api, namespace: shop{annotations}}}
spec:
  selector: {{matchLabels: {{app: api}}}}
  template:
    metadata: {{labels: {{app: api}}}}
    spec:
      containers: [{{name: api, image: "ghcr.io/acme/api:1.0.0"}}]
      volumes: [{{name: models, persistentVolumeClaim: {{claimName: ml-models, readOnly: true}}}}]
"#
        )
    };
    let ctx = Context {
        complete: true,
        ..Context::lint()
    };
    let without = lint_text(&deployment(""), &ctx);
    assert!(rules_of(&without).contains("pvc-missing"));
    let with = lint_text(
        &deployment(r#", annotations: {"kairn.dev/external-claims": "ml-models"}"#),
        &ctx,
    );
    assert!(
        !rules_of(&with).contains("pvc-missing"),
        "{:#?}",
        with.findings
    );
    // A declared claim is per namespace: the same name elsewhere is not it.
    let declared = Context {
        complete: true,
        external_claims: vec![("shop".into(), "ml-models".into())],
        ..Context::lint()
    };
    assert!(!rules_of(&lint_text(&deployment(""), &declared)).contains("pvc-missing"));
    let elsewhere = deployment("").replace("namespace: shop", "namespace: other");
    assert!(rules_of(&lint_text(&elsewhere, &declared)).contains("pvc-missing"));
}

/// Precision class (issue 18): the API server defaults a Service's `targetPort` of `0` or
/// `""` to its `port` before validating, so those are no error; a port outside 1-65535 is.
#[test]
fn service_target_port_zero_or_empty_is_the_port() {
    let service = |target: &str| {
        format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: ns\nspec:\n  selector: {{app: x}}\n  ports:\n    - name: http\n      port: 80\n      targetPort: {target}\n")
    };
    for pass in ["0", "\"\""] {
        let report = lint_text(&service(pass), &Context::lint());
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.rule != "invalid-value" && f.rule != "port-name-format"),
            "targetPort {pass}: {:?}",
            report.findings
        );
    }
    let report = lint_text(&service("70000"), &Context::lint());
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "invalid-value")
        .expect("70000 is outside 1-65535");
    assert_eq!(f.line, Some(11));
}

/// The defaults reach the rules: a Deployment whose `minReadySeconds` is at least the
/// defaulted `progressDeadlineSeconds` (600) is rejected by the API server, and by lint.
#[test]
fn defaults_apply_before_the_rules() {
    let deployment = |min_ready: u32| {
        format!("apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d, namespace: ns}}\nspec:\n  minReadySeconds: {min_ready}\n  selector: {{matchLabels: {{a: b}}}}\n  template:\n    metadata: {{labels: {{a: b}}}}\n    spec:\n      containers: [{{name: c, image: \"ghcr.io/acme/c:1.0.0\"}}]\n")
    };
    let rollout = |min_ready| {
        lint_text(&deployment(min_ready), &Context::lint())
            .findings
            .into_iter()
            .filter(|f| f.rule == "rollout-invalid")
            .count()
    };
    assert_eq!(rollout(600), 1);
    assert_eq!(rollout(599), 0);
    // The copy is defaulted, the document's own JSON is not.
    let loaded = parse_str("d.yaml", &deployment(5)).expect("parses");
    assert!(loaded.documents[0].value()["spec"]
        .get("strategy")
        .is_none());
    let Some(crate::object::Object::Deployment(d)) = &loaded.documents[0].object else {
        panic!("typed");
    };
    let spec = d.spec.as_ref().expect("spec");
    assert_eq!(
        spec.strategy.as_ref().and_then(|s| s.type_.as_deref()),
        Some("RollingUpdate")
    );
    assert_eq!(
        spec.template
            .spec
            .as_ref()
            .and_then(|s| s.restart_policy.as_deref()),
        Some("Always")
    );
}

/// Precision class (issue 18): a Secret whose values are all empty is a placeholder the app
/// fills at run time, not committed secret data; one value is enough to be.
#[test]
fn empty_secret_values_are_placeholders() {
    let secret = |data: &str| {
        format!("apiVersion: v1\nkind: Secret\nmetadata: {{name: s, namespace: ns}}\n{data}\n")
    };
    let literal = |yaml: String| {
        lint_text(&yaml, &Context::lint())
            .findings
            .into_iter()
            .filter(|f| f.rule == "secret-literal-data")
            .map(|f| f.message)
            .collect::<Vec<_>>()
    };
    assert!(literal(secret("data: {token: \"\"}")).is_empty());
    assert!(literal(secret("stringData: {token: \"\", ca: \"\"}")).is_empty());
    let found = literal(secret("data: {token: \"\", key: c2VjcmV0}"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("(key)"), "{found:?}");
    assert_eq!(literal(secret("stringData: {token: abc}")).len(), 1);
}

/// Precision class (issue 18): a deprecated annotation kept beside the field that replaces it
/// (for older controllers) is a warning, not an error; alone it stays an error.
#[test]
fn deprecated_annotation_beside_its_replacement_is_a_warning() {
    let ingress = |class_name: &str| {
        format!("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n  namespace: ns\n  annotations: {{kubernetes.io/ingress.class: nginx}}\nspec:\n{class_name}  defaultBackend: {{service: {{name: s, port: {{number: 80}}}}}}\n")
    };
    let deprecated = |yaml: String| {
        lint_text(&yaml, &Context::lint())
            .findings
            .into_iter()
            .filter(|f| f.rule == "deprecated-annotation")
            .map(|f| (f.is_error(), f.line))
            .collect::<Vec<_>>()
    };
    assert_eq!(deprecated(ingress("")), [(true, Some(6))]);
    assert_eq!(
        deprecated(ingress("  ingressClassName: nginx\n")),
        [(false, Some(6))]
    );
    let pvc = |class: &str| {
        format!("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\n  namespace: ns\n  annotations: {{volume.beta.kubernetes.io/storage-class: fast}}\nspec:\n{class}  accessModes: [ReadWriteOnce]\n  resources: {{requests: {{storage: 1Gi}}}}\n")
    };
    assert_eq!(deprecated(pvc("")), [(true, Some(6))]);
    assert_eq!(
        deprecated(pvc("  storageClassName: fast\n")),
        [(false, Some(6))]
    );
}

/// Precision class (issue 18): a missing Secret read into env fails the container
/// (CreateContainerConfigError); mounted as a volume, the pod waits on the mount instead.
#[test]
fn a_missing_secret_names_the_symptom_of_how_it_is_used() {
    let deployment = |pod: &str| {
        // The set owns namespace `ns` and has Secrets, so a missing one is an error.
        format!("apiVersion: v1\nkind: Namespace\nmetadata: {{name: ns}}\n---\napiVersion: v1\nkind: Secret\nmetadata: {{name: other, namespace: ns}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d, namespace: ns}}\nspec:\n  selector: {{matchLabels: {{a: b}}}}\n  template:\n    metadata: {{labels: {{a: b}}}}\n    spec:\n{pod}")
    };
    let missing = |yaml: String| {
        lint_text(&yaml, &Context::lint())
            .findings
            .into_iter()
            .filter(|f| f.rule == "secret-missing")
            .map(|f| f.message)
            .collect::<Vec<_>>()
    };
    let env = missing(deployment("      containers:\n        - name: c\n          image: \"ghcr.io/acme/c:1.0.0\"\n          env: [{name: T, valueFrom: {secretKeyRef: {name: gone, key: t}}}]\n"));
    assert_eq!(env.len(), 1, "{env:?}");
    assert!(env[0].contains("CreateContainerConfigError"), "{env:?}");
    let volume = missing(deployment("      containers:\n        - name: c\n          image: \"ghcr.io/acme/c:1.0.0\"\n          volumeMounts: [{name: v, mountPath: /v}]\n      volumes: [{name: v, secret: {secretName: gone}}]\n"));
    assert_eq!(volume.len(), 1, "{volume:?}");
    assert!(
        volume[0].contains("ContainerCreating")
            && !volume[0].contains("CreateContainerConfigError"),
        "{volume:?}"
    );
}

/// Precision class (issue 18): a ServiceAccount whose token RBAC lets the app mint
/// (`serviceaccounts/token` create, by name), and a Secret a Role names for the app to read
/// and update, are used, though no pod mounts them.
#[test]
fn objects_named_in_rbac_resource_names_are_used() {
    let base = "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: cni, namespace: ns}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: state, namespace: ns}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: ns}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers: [{name: c, image: \"ghcr.io/acme/c:1.0.0\"}]\n";
    let unused = |extra: &str| {
        let mut rules: Vec<&'static str> = lint_text(&format!("{base}{extra}"), &Context::lint())
            .findings
            .into_iter()
            .map(|f| f.rule)
            .filter(|r| *r == "service-account-unused" || *r == "secret-unused")
            .collect();
        rules.sort_unstable();
        rules
    };
    assert_eq!(unused(""), ["secret-unused", "service-account-unused"]);
    let token = "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: mint}\nrules: [{apiGroups: [\"\"], resources: [serviceaccounts/token], verbs: [create], resourceNames: [cni]}]\n";
    assert_eq!(unused(token), ["secret-unused"]);
    let read = "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: state, namespace: ns}\nrules: [{apiGroups: [\"\"], resources: [secrets], verbs: [get, update], resourceNames: [state]}]\n";
    assert_eq!(unused(read), ["service-account-unused"]);
    // Named for another verb or another account, they stay unused.
    let other = "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: mint}\nrules: [{apiGroups: [\"\"], resources: [serviceaccounts/token], verbs: [create], resourceNames: [other]}, {apiGroups: [\"\"], resources: [secrets], verbs: [delete], resourceNames: [state]}]\n";
    assert_eq!(unused(other), ["secret-unused", "service-account-unused"]);
}
