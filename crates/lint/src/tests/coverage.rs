//! Planted faults for the coverage rules (`rules/api_server.rs`,
//! `rules/pod_security_baseline.rs`, `rules/rbac_escalation.rs`, `rules/kube_linter.rs`):
//! each breaks one thing in `testdata/base.yaml`, and a targeted fix does not trigger the
//! rule. `super::every_rule_fails_and_passes` runs these cases with its own.

use serde_json::json;

use super::*;

const CRON_JOB: &str = r#"
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "@SCHEDULE@"
  jobTemplate:
    spec:
      ttlSecondsAfterFinished: 600
      backoffLimit: 1
      template:
        spec:
          serviceAccountName: web
          restartPolicy: Never
          securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
          containers:
            - name: report
              image: ghcr.io/acme/web:1.2.3
              resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 100m, memory: 64Mi}}
              securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
"#;

fn cron_job(schedule: &str) -> &'static str {
    Box::leak(CRON_JOB.replace("@SCHEDULE@", schedule).into_boxed_str())
}

fn role_rule(rule: serde_json::Value) -> Op {
    Set("Role/web", "/rules/0", rule)
}

const NODE_PROXY: &str = "{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: metrics-reader}, rules: [{apiGroups: [''], resources: [nodes/proxy], verbs: [get]}]}";
const NODE_METRICS: &str = "{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: metrics-reader}, rules: [{apiGroups: [''], resources: [nodes/metrics], verbs: [get]}]}";

/// `(rule, failing ops, passing ops)`, as `super::cases`.
pub(super) fn cases() -> Vec<(&'static str, Vec<Op>, Vec<Op>)> {
    let tsc = p!("{POD}/topologySpreadConstraints/0");
    vec![
        // API server rejections.
        ("topology-spread-invalid", vec![Set("Deployment/web", p!("{tsc}/maxSkew"), json!(0))], vec![]),
        ("topology-spread-invalid", vec![Set("Deployment/web", p!("{tsc}/minDomains"), json!(2))], vec![Set("Deployment/web", p!("{tsc}/minDomains"), json!(2)), Set("Deployment/web", p!("{tsc}/whenUnsatisfiable"), json!("DoNotSchedule"))]),
        ("topology-spread-invalid", vec![Set("Deployment/web", p!("{tsc}/whenUnsatisfiable"), json!("Never"))], vec![]),
        ("init-container-probe", vec![Set("Deployment/web", p!("{POD}/initContainers"), json!([{"name": "proxy", "image": "busybox:1.36", "readinessProbe": {"exec": {"command": ["true"]}}}]))], vec![Set("Deployment/web", p!("{POD}/initContainers"), json!([{"name": "proxy", "image": "busybox:1.36", "restartPolicy": "Always", "readinessProbe": {"exec": {"command": ["true"]}}}]))]),
        ("rollout-invalid", vec![Set("Deployment/web", "/spec/strategy", json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": "0%"}}))], vec![Set("Deployment/web", "/spec/strategy", json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}}))]),
        ("rollout-invalid", vec![Set("Deployment/web", "/spec/minReadySeconds", json!(30)), Set("Deployment/web", "/spec/progressDeadlineSeconds", json!(30))], vec![Set("Deployment/web", "/spec/minReadySeconds", json!(30)), Set("Deployment/web", "/spec/progressDeadlineSeconds", json!(600))]),
        ("cronjob-schedule-invalid", vec![Add(cron_job("TZ=Europe/Berlin 0 3 * * *"))], vec![Add(cron_job("0 3 * * *"))]),
        ("cronjob-schedule-invalid", vec![Add(cron_job("0 3 * * 7"))], vec![Add(cron_job("0 3 * * sun"))]),
        ("cronjob-schedule-invalid", vec![Add(cron_job("0 3 * *"))], vec![Add(cron_job("@daily"))]),
        ("cronjob-schedule-invalid", vec![Add(cron_job("0 3 * * *")), Set("CronJob/report", "/spec/timeZone", json!("Local"))], vec![Add(cron_job("0 3 * * *")), Set("CronJob/report", "/spec/timeZone", json!("America/Argentina/Buenos_Aires"))]),
        ("cidr-invalid", vec![Set("NetworkPolicy/web", "/spec/ingress/1", json!({"from": [{"ipBlock": {"cidr": "10.0.0.0/33"}}], "ports": [{"port": "http"}]}))], vec![Set("NetworkPolicy/web", "/spec/ingress/1", json!({"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}}], "ports": [{"port": "http"}]}))]),
        ("cidr-invalid", vec![Set("Service/web", "/spec/type", json!("LoadBalancer")), Set("Service/web", "/spec/loadBalancerSourceRanges", json!(["203.0.113.0"]))], vec![Set("Service/web", "/spec/type", json!("LoadBalancer")), Set("Service/web", "/spec/loadBalancerSourceRanges", json!([" 203.0.113.0/24"]))]),
        ("netpol-peer-invalid", vec![Set("NetworkPolicy/web", "/spec/ingress/1", json!({"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}, "podSelector": {}}], "ports": [{"port": "http"}]}))], vec![Set("NetworkPolicy/web", "/spec/ingress/1", json!({"from": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}], "ports": [{"port": "http"}]}))]),
        ("netpol-peer-invalid", vec![Set("NetworkPolicy/web", "/spec/ingress/1", json!({"from": [{"ipBlock": {"cidr": "10.0.0.0/16", "except": ["10.0.0.0/8"]}}], "ports": [{"port": "http"}]}))], vec![]),
        ("netpol-peer-invalid", vec![Set("NetworkPolicy/web", "/spec/egress/1/ports/0/endPort", json!(5000))], vec![Set("NetworkPolicy/web", "/spec/egress/1/ports/0/endPort", json!(5433))]),
        ("toleration-invalid", vec![Set("Deployment/web", p!("{POD}/tolerations"), json!([{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 300}]))], vec![Set("Deployment/web", p!("{POD}/tolerations"), json!([{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}]))]),
        ("toleration-invalid", vec![Set("Deployment/web", p!("{POD}/tolerations"), json!([{"operator": "Equal", "value": "x"}]))], vec![Set("Deployment/web", p!("{POD}/tolerations"), json!([{"operator": "Exists"}]))]),
        ("affinity-invalid", vec![Set("StatefulSet/db", p!("{POD}/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/0/weight"), json!(101))], vec![]),
        ("affinity-invalid", vec![Set("Deployment/web", p!("{POD}/affinity"), json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In"}]}]}}}))], vec![Set("Deployment/web", p!("{POD}/affinity"), json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"]}]}]}}}))]),
        ("dns-config-invalid", vec![Set("Deployment/web", p!("{POD}/dnsConfig"), json!({"nameservers": ["10.0.0.10", "1.1.1.1", "8.8.8.8", "9.9.9.9"]}))], vec![Set("Deployment/web", p!("{POD}/dnsConfig"), json!({"nameservers": ["10.0.0.10", "1.1.1.1", "8.8.8.8"], "searches": ["shop.svc.cluster.local."]}))]),
        ("dns-config-invalid", vec![Set("Deployment/web", p!("{POD}/dnsPolicy"), json!("None"))], vec![Set("Deployment/web", p!("{POD}/dnsPolicy"), json!("None")), Set("Deployment/web", p!("{POD}/dnsConfig"), json!({"nameservers": ["10.0.0.10"]}))]),
        ("ingress-invalid", vec![Del("Ingress/web", "/spec/rules")], vec![Del("Ingress/web", "/spec/rules"), Set("Ingress/web", "/spec/defaultBackend", json!({"service": {"name": "web", "port": {"name": "http"}}}))]),
        ("ingress-invalid", vec![Set("Ingress/web", "/spec/rules/0/http/paths/0/backend/service/port", json!({"name": "http", "number": 80}))], vec![]),
        ("service-invalid", vec![Set("Service/db", "/spec", json!({"type": "ExternalName"}))], vec![Set("Service/db", "/spec", json!({"type": "ExternalName", "externalName": "db.example.com."}))]),
        ("service-invalid", vec![Set("Service/web", "/spec/ports/0/nodePort", json!(30080))], vec![Set("Service/web", "/spec/ports/0/nodePort", json!(30080)), Set("Service/web", "/spec/type", json!("NodePort"))]),
        ("hpa-behavior-invalid", vec![Set("HorizontalPodAutoscaler/web", "/spec/behavior", json!({"scaleDown": {"stabilizationWindowSeconds": 4000}}))], vec![Set("HorizontalPodAutoscaler/web", "/spec/behavior", json!({"scaleDown": {"stabilizationWindowSeconds": 300}}))]),
        ("hpa-behavior-invalid", vec![Set("HorizontalPodAutoscaler/web", "/spec/behavior", json!({"scaleUp": {"policies": [{"type": "Pods", "value": 0, "periodSeconds": 1801}]}}))], vec![Set("HorizontalPodAutoscaler/web", "/spec/behavior", json!({"scaleUp": {"policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}], "selectPolicy": "Max"}}))]),
        // Pod Security baseline.
        ("pss-sysctls", vec![Set("Deployment/web", p!("{POD}/securityContext/sysctls"), json!([{"name": "net.core.somaxconn", "value": "1024"}]))], vec![Set("Deployment/web", p!("{POD}/securityContext/sysctls"), json!([{"name": "net.ipv4.ip_local_port_range", "value": "1024 65535"}]))]),
        ("pss-proc-mount", vec![Set("Deployment/web", p!("{C0}/securityContext/procMount"), json!("Unmasked"))], vec![Set("Deployment/web", p!("{C0}/securityContext/procMount"), json!("Default"))]),
        ("pss-apparmor", vec![Set("Deployment/web", p!("{C0}/securityContext/appArmorProfile"), json!({"type": "Unconfined"}))], vec![Set("Deployment/web", p!("{C0}/securityContext/appArmorProfile"), json!({"type": "RuntimeDefault"}))]),
        ("pss-apparmor", vec![Set("Deployment/web", "/spec/template/metadata/annotations", json!({"container.apparmor.security.beta.kubernetes.io/web": "unconfined"}))], vec![Set("Deployment/web", "/spec/template/metadata/annotations", json!({"container.apparmor.security.beta.kubernetes.io/web": "localhost/web"}))]),
        ("pss-selinux", vec![Set("Deployment/web", p!("{POD}/securityContext/seLinuxOptions"), json!({"type": "spc_t"}))], vec![Set("Deployment/web", p!("{POD}/securityContext/seLinuxOptions"), json!({"type": "container_t", "level": "s0:c123,c456"}))]),
        ("pss-selinux", vec![Set("Deployment/web", p!("{C0}/securityContext/seLinuxOptions"), json!({"user": "system_u"}))], vec![]),
        ("pss-host-process", vec![Set("Deployment/web", p!("{C0}/securityContext/windowsOptions"), json!({"hostProcess": true}))], vec![Set("Deployment/web", p!("{C0}/securityContext/windowsOptions"), json!({"hostProcess": false}))]),
        // RBAC escalation.
        ("rbac-cluster-admin-binding", vec![Set("RoleBinding/web", "/roleRef", json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"}))], vec![Set("RoleBinding/web", "/roleRef", json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}))]),
        ("rbac-api-group-invalid", vec![role_rule(json!({"apiGroups": ["coordination.k8s.io/v1"], "resources": ["leases"], "verbs": ["get"]}))], vec![]),
        ("rbac-wildcard", vec![Set("Role/web", "/rules/0/verbs", json!(["*"]))], vec![]),
        ("rbac-pod-exec", vec![role_rule(json!({"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}))], vec![role_rule(json!({"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]}))]),
        ("rbac-escalate-verbs", vec![role_rule(json!({"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles"], "verbs": ["escalate"]}))], vec![role_rule(json!({"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles"], "verbs": ["get"]}))]),
        ("rbac-nodes-proxy", vec![Add(NODE_PROXY)], vec![Add(NODE_METRICS)]),
        ("rbac-token-create", vec![role_rule(json!({"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"]}))], vec![role_rule(json!({"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["get"]}))]),
        // kube-linter defaults.
        ("host-runtime-socket", vec![Set("Deployment/web", p!("{POD}/volumes/0"), json!({"name": "tmp", "hostPath": {"path": "/var/run/docker.sock"}}))], vec![Set("Deployment/web", p!("{POD}/volumes/0"), json!({"name": "tmp", "hostPath": {"path": "/var/log/web"}}))]),
        ("sensitive-host-mount", vec![Set("Deployment/web", p!("{POD}/volumes/0"), json!({"name": "tmp", "hostPath": {"path": "/etc/"}}))], vec![Set("Deployment/web", p!("{POD}/volumes/0"), json!({"name": "tmp", "hostPath": {"path": "/var/log/web"}}))]),
        ("env-literal-secret", vec![Set("Deployment/web", p!("{C0}/env/2"), json!({"name": "API_TOKEN", "value": "s3cr3t-abc"}))], vec![Set("Deployment/web", p!("{C0}/env/2"), json!({"name": "API_TOKEN_FILE", "value": "/run/secrets/token"}))]),
        ("ssh-port", vec![Set("Deployment/web", p!("{C0}/ports/1"), json!({"name": "ssh", "containerPort": 22}))], vec![Set("Deployment/web", p!("{C0}/ports/1"), json!({"name": "ssh", "containerPort": 2222}))]),
        ("deployment-no-spread", vec![Del("Deployment/web", p!("{POD}/topologySpreadConstraints"))], vec![]),
        ("pdb-unhealthy-eviction-policy", vec![Del("PodDisruptionBudget/web", "/spec/unhealthyPodEvictionPolicy")], vec![]),
    ]
}

fn severities(text: &str, rule: &str) -> Vec<Severity> {
    lint_text(text, &Context::lint())
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.severity)
        .collect()
}

#[test]
fn api_server_rejections_are_errors() {
    for (rule, bad, _) in cases() {
        let info = registry::rule(rule).expect("registered");
        if info.family == registry::Family::Api {
            assert_eq!(info.severity, Severity::Error, "{rule}");
            let found = severities(&apply(&bad), rule);
            assert!(
                found.iter().all(|s| *s == Severity::Error),
                "{rule}: {found:?}"
            );
        }
    }
}

#[test]
fn rbac_and_kube_linter_findings_are_warnings() {
    for rule in [
        "rbac-cluster-admin-binding",
        "rbac-wildcard",
        "rbac-pod-exec",
        "rbac-escalate-verbs",
        "rbac-nodes-proxy",
        "rbac-token-create",
        "host-runtime-socket",
        "sensitive-host-mount",
        "env-literal-secret",
        "ssh-port",
        "deployment-no-spread",
        "pdb-unhealthy-eviction-policy",
    ] {
        assert_eq!(
            registry::rule(rule).map(|r| r.severity),
            Some(Severity::Warning),
            "{rule}"
        );
    }
}

#[test]
fn baseline_checks_are_errors_only_where_enforced() {
    let sysctl = Set(
        "Deployment/web",
        p!("{POD}/securityContext/sysctls"),
        json!([{"name": "kernel.msgmax", "value": "65536"}]),
    );
    let enforced = apply(std::slice::from_ref(&sysctl));
    assert_eq!(severities(&enforced, "pss-sysctls"), vec![Severity::Error]);
    let privileged = Set(
        "Namespace/shop",
        "/metadata/labels/pod-security.kubernetes.io~1enforce",
        json!("privileged"),
    );
    let open = apply(&[sysctl, privileged]);
    assert_eq!(severities(&open, "pss-sysctls"), vec![Severity::Warning]);
}

#[test]
fn daemon_set_rolling_update_counts_its_defaults() {
    let ds = |strategy: &str| {
        format!(
            r#"
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: agent, namespace: shop}}
spec:
  selector: {{matchLabels: {{app: agent}}}}
  updateStrategy: {{type: RollingUpdate, rollingUpdate: {strategy}}}
  template:
    metadata: {{labels: {{app: agent}}}}
    spec:
      containers: [{{name: agent, image: "ghcr.io/acme/agent:1.0.0"}}]
"#
        )
    };
    // maxSurge defaults to 0 for a DaemonSet: maxUnavailable 0 alone is rejected.
    assert_eq!(
        severities(&ds("{maxUnavailable: 0}"), "rollout-invalid"),
        vec![Severity::Error]
    );
    assert!(severities(&ds("{maxUnavailable: 0, maxSurge: 1}"), "rollout-invalid").is_empty());
    assert!(severities(&ds("{maxSurge: 0}"), "rollout-invalid").is_empty());
    assert_eq!(
        severities(&ds("{maxUnavailable: \"150%\"}"), "rollout-invalid"),
        vec![Severity::Error]
    );
}

#[test]
fn daemon_set_surge_with_host_ports_is_an_error() {
    let ds = |strategy: &str, pod: &str| {
        format!(
            r#"
apiVersion: apps/v1
kind: DaemonSet
metadata: {{name: agent, namespace: shop}}
spec:
  selector: {{matchLabels: {{app: agent}}}}
  updateStrategy: {{type: RollingUpdate, rollingUpdate: {strategy}}}
  template:
    metadata: {{labels: {{app: agent}}}}
    spec:
      {pod}
      containers: [{{name: agent, image: "ghcr.io/acme/agent:1.0.0", ports: [{{containerPort: 9100}}]}}]
"#
        )
    };
    let rule = "daemonset-surge-host-port";
    let err = vec![Severity::Error];
    assert_eq!(
        severities(
            &ds("{maxSurge: 1, maxUnavailable: 0}", "hostNetwork: true"),
            rule
        ),
        err
    );
    assert_eq!(
        severities(
            &ds(
                "{maxSurge: \"10%\", maxUnavailable: 0}",
                "hostNetwork: true"
            ),
            rule
        ),
        err
    );
    // A restartable init container (sidecar) keeps its host port for the pod's life.
    let sidecar = r#"initContainers: [{name: proxy, image: "ghcr.io/acme/proxy:1.0.0", restartPolicy: Always, ports: [{containerPort: 80, hostPort: 80}]}]"#;
    assert_eq!(
        severities(&ds("{maxSurge: 1, maxUnavailable: 0}", sidecar), rule),
        err
    );
    // No surge (the DaemonSet default), a zero percentage, or no host port: fine.
    assert!(severities(&ds("{maxUnavailable: 1}", "hostNetwork: true"), rule).is_empty());
    assert!(severities(
        &ds("{maxSurge: \"0%\", maxUnavailable: 1}", "hostNetwork: true"),
        rule
    )
    .is_empty());
    assert!(severities(
        &ds("{maxSurge: 1, maxUnavailable: 0}", "hostNetwork: false"),
        rule
    )
    .is_empty());
}

#[test]
fn secrets_read_by_name_are_not_every_secret() {
    // `rbac-secrets-read` honours resourceNames (list of named Secrets is limited too).
    let named = apply(&[role_rule(
        json!({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch"], "resourceNames": ["shop-db"]}),
    )]);
    assert!(severities(&named, "rbac-secrets-read").is_empty());
    let every = apply(&[role_rule(
        json!({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list", "watch"]}),
    )]);
    assert_eq!(
        severities(&every, "rbac-secrets-read"),
        vec![Severity::Warning]
    );
}

#[test]
fn odd_schedules_and_addresses_are_findings_not_panics() {
    // The grammars themselves are tested exhaustively in `rules/cron.rs` and
    // `rules/addr.rs`; here a sample goes through the whole validator.
    for s in [
        "",
        " ",
        "@",
        "@every ",
        "*/",
        "-",
        "9-",
        ",,",
        "TZ",
        "0/0 * * * *",
        "::/",
        "1.2.3.4/",
        "/8",
        "999.1.1.1/8",
    ] {
        let cron = lint_text(cron_job(s), &Context::lint());
        assert!(
            rules_of(&cron).contains("cronjob-schedule-invalid"),
            "{s:?}"
        );
        let block = apply(&[Set(
            "NetworkPolicy/web",
            "/spec/ingress/1",
            json!({"from": [{"ipBlock": {"cidr": s, "except": [s]}}]}),
        )]);
        assert!(
            rules_of(&lint_text(&block, &Context::lint())).contains("cidr-invalid"),
            "{s:?}"
        );
    }
}

#[test]
fn a_budget_labelled_as_kairn_output_is_checked_like_any_other() {
    // kairn's renderer states the policy on every budget it emits, so its own label
    // exempts nothing: a budget without the field is reported whoever claims to manage it.
    let unlabelled = apply(&[Del(
        "PodDisruptionBudget/web",
        "/spec/unhealthyPodEvictionPolicy",
    )]);
    let labelled = apply(&[
        Del(
            "PodDisruptionBudget/web",
            "/spec/unhealthyPodEvictionPolicy",
        ),
        Set(
            "PodDisruptionBudget/web",
            "/metadata/labels",
            json!({"app.kubernetes.io/managed-by": "kairn"}),
        ),
    ]);
    assert!(!severities(&unlabelled, "pdb-unhealthy-eviction-policy").is_empty());
    assert_eq!(
        severities(&labelled, "pdb-unhealthy-eviction-policy"),
        severities(&unlabelled, "pdb-unhealthy-eviction-policy")
    );
}
