//! Every rule has a failing and a passing input. The passing input is a small clean
//! application (`testdata/base.yaml`) or a targeted fix; each failing input breaks one
//! thing in it.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::*;
use crate::object::Origin;

const BASE: &str = include_str!("testdata/base.yaml");

enum Op {
    Set(&'static str, &'static str, Value),
    Del(&'static str, &'static str),
    Add(&'static str),
    Remove(&'static str),
}

use Op::{Add, Del, Remove, Set};

fn docs() -> Vec<Value> {
    parse_str("base.yaml", BASE)
        .expect("base parses")
        .documents
        .into_iter()
        .map(|d| d.value)
        .collect()
}

fn id(v: &Value) -> String {
    format!(
        "{}/{}",
        v["kind"].as_str().unwrap_or_default(),
        v["metadata"]["name"].as_str().unwrap_or_default()
    )
}

fn set_path(v: &mut Value, pointer: &str, new: Value) {
    let mut cur = v;
    let parts: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect();
    for (n, p) in parts.iter().enumerate() {
        let last = n == parts.len() - 1;
        if let Ok(i) = p.parse::<usize>() {
            let arr = cur.as_array_mut().expect("array");
            if i == arr.len() {
                arr.push(Value::Null);
            }
            if last {
                arr[i] = new;
                return;
            }
            cur = &mut arr[i];
        } else {
            if !cur.is_object() {
                *cur = json!({});
            }
            let obj = cur.as_object_mut().expect("object");
            if last {
                obj.insert(p.clone(), new);
                return;
            }
            cur = obj.entry(p.clone()).or_insert(json!({}));
        }
    }
}

fn del_path(v: &mut Value, pointer: &str) {
    let (parent, last) = pointer.rsplit_once('/').expect("pointer");
    let target = v
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("no {parent}"));
    match target {
        Value::Array(a) => {
            a.remove(last.parse::<usize>().expect("index"));
        }
        Value::Object(o) => {
            o.remove(last).unwrap_or_else(|| panic!("no {pointer}"));
        }
        _ => panic!("cannot delete {pointer}"),
    }
}

fn apply(ops: &[Op]) -> String {
    let mut docs = docs();
    for op in ops {
        match op {
            Set(obj, ptr, v) => set_path(
                docs.iter_mut()
                    .find(|d| id(d) == *obj)
                    .unwrap_or_else(|| panic!("no {obj}")),
                ptr,
                v.clone(),
            ),
            Del(obj, ptr) => del_path(
                docs.iter_mut()
                    .find(|d| id(d) == *obj)
                    .unwrap_or_else(|| panic!("no {obj}")),
                ptr,
            ),
            Add(yaml) => docs.extend(
                parse_str("add", yaml)
                    .expect("added doc parses")
                    .documents
                    .into_iter()
                    .map(|d| d.value),
            ),
            Remove(obj) => docs.retain(|d| id(d) != *obj),
        }
    }
    docs.iter().map(|d| format!("---\n{d}\n")).collect()
}

fn lint_text(text: &str, ctx: &Context) -> Report {
    lint(&parse_str("case.yaml", text).expect("case parses"), ctx)
}

fn rules_of(r: &Report) -> BTreeSet<&'static str> {
    r.findings.iter().map(|f| f.rule).collect()
}

const POD: &str = "/spec/template/spec";
const C0: &str = "/spec/template/spec/containers/0";

macro_rules! p {
    ($($s:expr),+) => { Box::leak(format!($($s),+).into_boxed_str()) as &'static str };
}

const JOB: &str = r#"
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      restartPolicy: Never
      securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: migrate
          image: ghcr.io/acme/web:1.2.3
          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 100m, memory: 64Mi}}
          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
"#;

const JOB_OK: &str = r#"
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop}
spec:
  ttlSecondsAfterFinished: 600
  backoffLimit: 1
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web
      restartPolicy: Never
      securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
      containers:
        - name: migrate
          image: ghcr.io/acme/web:1.2.3
          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 100m, memory: 64Mi}}
          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
"#;

const DS_SURGE: &str = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec:
  selector: {matchLabels: {app: agent}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: "ghcr.io/acme/agent:1.0.0", ports: [{name: metrics, containerPort: 9100, hostPort: 9100}]}]
"#;

const DS_NO_SURGE: &str = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop}
spec:
  selector: {matchLabels: {app: agent}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: "ghcr.io/acme/agent:1.0.0", ports: [{name: metrics, containerPort: 9100, hostPort: 9100}]}]
"#;

const DS_NO_PROBES_REASON: &str = r#"
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: shop, annotations: {kairn.dev/no-probes: pushes its results and serves nothing}}
spec:
  selector: {matchLabels: {app: agent}}
  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 1}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: "ghcr.io/acme/agent:1.0.0"}]
"#;

/// `(rule, failing ops, passing ops)`; an empty passing list means the base itself.
fn cases() -> Vec<(&'static str, Vec<Op>, Vec<Op>)> {
    vec![
        ("object-invalid", vec![Set("StatefulSet/db", "/spec/replicas", json!("3"))], vec![]),
        ("deprecated-api-version", vec![Set("Ingress/web", "/apiVersion", json!("extensions/v1beta1"))], vec![]),
        ("required-field", vec![Del("Deployment/web", p!("{C0}/image"))], vec![]),
        ("invalid-value", vec![Set("Deployment/web", p!("{C0}/ports/0/containerPort"), json!(70000))], vec![]),
        ("name-format", vec![Add("{apiVersion: v1, kind: ConfigMap, metadata: {name: Bad_Name, namespace: shop}}")], vec![Add("{apiVersion: v1, kind: ConfigMap, metadata: {name: good-name, namespace: shop}}")]),
        ("label-format", vec![Set("Deployment/web", "/metadata/labels", json!({"app": "-web"}))], vec![Set("Deployment/web", "/metadata/labels", json!({"app": "web"}))]),
        ("port-name-format", vec![Set("Deployment/web", p!("{C0}/ports/1"), json!({"name": "Metrics_Port", "containerPort": 9090}))], vec![Set("Deployment/web", p!("{C0}/ports/1"), json!({"name": "metrics", "containerPort": 9090}))]),
        ("env-name-format", vec![Set("Deployment/web", p!("{C0}/env/2"), json!({"name": "A=B", "value": "x"}))], vec![Set("Deployment/web", p!("{C0}/env/2"), json!({"name": "my.var-1", "value": "x"}))]),
        ("env-name-portable", vec![Set("Deployment/web", p!("{C0}/env/2"), json!({"name": "1BAD", "value": "x"}))], vec![Set("Deployment/web", p!("{C0}/env/2"), json!({"name": "GOOD", "value": "x"}))]),
        ("quantity-format", vec![Set("Deployment/web", p!("{C0}/resources/limits/memory"), json!("512MB"))], vec![]),
        ("duplicate-object", vec![Add("{apiVersion: v1, kind: ConfigMap, metadata: {name: web-config, namespace: shop}}")], vec![]),
        ("duplicate-container", vec![Set("Deployment/web", p!("{POD}/initContainers"), json!([{"name": "web", "image": "busybox:1.36"}]))], vec![Set("Deployment/web", p!("{POD}/initContainers"), json!([{"name": "init", "image": "busybox:1.36"}]))]),
        ("duplicate-port", vec![Set("Service/web", "/spec/ports/1", json!({"name": "http", "port": 81, "targetPort": "http"}))], vec![]),
        ("duplicate-env", vec![Set("Deployment/web", p!("{C0}/env/2"), json!({"name": "DB_PASSWORD", "value": "x"}))], vec![]),
        ("selector-mismatch", vec![Set("Deployment/web", "/spec/selector/matchLabels/app", json!("website"))], vec![]),
        ("volume-mount-undeclared", vec![Set("Deployment/web", p!("{C0}/volumeMounts/0/name"), json!("cache"))], vec![]),
        ("namespace-missing", vec![Del("ConfigMap/web-config", "/metadata/namespace")], vec![]),
        ("service-selects-nothing", vec![Set("Service/web", "/spec/selector/app", json!("webb"))], vec![]),
        ("service-target-port-missing", vec![Set("Service/web", "/spec/ports/0/targetPort", json!("web"))], vec![]),
        ("numeric-port-reference", vec![Set("Service/web", "/spec/ports/0/targetPort", json!(8080))], vec![]),
        ("probe-port-undeclared", vec![Set("Deployment/web", p!("{C0}/livenessProbe/httpGet/port"), json!("health"))], vec![]),
        ("ingress-backend-missing", vec![Set("Ingress/web", "/spec/rules/0/http/paths/0/backend/service/name", json!("shop"))], vec![]),
        ("ingress-backend-port-missing", vec![Set("Ingress/web", "/spec/rules/0/http/paths/0/backend/service/port", json!({"name": "https"}))], vec![Set("Ingress/web", "/spec/rules/0/http/paths/0/backend/service/port", json!({"number": 80}))]),
        ("ingress-tls-host-mismatch", vec![Set("Ingress/web", "/spec/rules/0/host", json!("www.example.com"))], vec![Set("Ingress/web", "/spec/tls/0/hosts", json!(["*.example.com"])), Set("Ingress/web", "/spec/rules/0/host", json!("www.example.com"))]),
        ("hpa-target-missing", vec![Set("HorizontalPodAutoscaler/web", "/spec/scaleTargetRef/name", json!("api"))], vec![]),
        ("hpa-missing-requests", vec![Del("Deployment/web", p!("{C0}/resources/requests/cpu"))], vec![]),
        ("pdb-selects-nothing", vec![Set("PodDisruptionBudget/web", "/spec/selector/matchLabels/app", json!("api"))], vec![]),
        ("networkpolicy-selects-nothing", vec![Set("NetworkPolicy/web", "/spec/podSelector/matchLabels/app", json!("webb"))], vec![Set("NetworkPolicy/web", "/spec/podSelector", json!({}))]),
        ("secret-missing", vec![Set("Deployment/web", p!("{C0}/env/0/valueFrom/secretKeyRef/name"), json!("db-creds"))], vec![]),
        ("secret-key-missing", vec![Set("Deployment/web", p!("{C0}/env/0/valueFrom/secretKeyRef/key"), json!("pass"))], vec![]),
        ("configmap-missing", vec![Set("Deployment/web", p!("{C0}/envFrom/0/configMapRef/name"), json!("settings"))], vec![]),
        ("configmap-key-missing", vec![Set("Deployment/web", p!("{C0}/env/1/valueFrom/configMapKeyRef/key"), json!("LEVEL"))], vec![]),
        ("pvc-missing", vec![
            Set("Deployment/web", p!("{POD}/volumes/1"), json!({"name": "data", "persistentVolumeClaim": {"claimName": "data"}})),
            Add("{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: other, namespace: shop}, spec: {accessModes: [ReadWriteMany], resources: {requests: {storage: 1Gi}}}}"),
        ], vec![
            Set("Deployment/web", p!("{POD}/volumes/1"), json!({"name": "data", "persistentVolumeClaim": {"claimName": "data"}})),
            Add("{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: data, namespace: shop}, spec: {accessModes: [ReadWriteMany], resources: {requests: {storage: 1Gi}}}}"),
        ]),
        ("pvc-rwo-shared", vec![
            Set("Deployment/web", p!("{POD}/volumes/1"), json!({"name": "data", "persistentVolumeClaim": {"claimName": "data"}})),
            Add("{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: data, namespace: shop}, spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}}"),
        ], vec![
            Set("Deployment/web", p!("{POD}/volumes/1"), json!({"name": "data", "persistentVolumeClaim": {"claimName": "data"}})),
            Add("{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: data, namespace: shop}, spec: {accessModes: [ReadWriteMany], resources: {requests: {storage: 1Gi}}}}"),
        ]),
        ("service-account-missing", vec![Set("Deployment/web", p!("{POD}/serviceAccountName"), json!("api"))], vec![]),
        ("statefulset-service", vec![Set("StatefulSet/db", "/spec/serviceName", json!("db"))], vec![]),
        ("servicemonitor-selects-nothing", vec![Set("ServiceMonitor/web", "/spec/selector/matchLabels/app", json!("api"))], vec![]),
        ("servicemonitor-port-missing", vec![Set("ServiceMonitor/web", "/spec/endpoints/0/port", json!("metrics"))], vec![]),
        ("rbac-role-missing", vec![Set("RoleBinding/web", "/roleRef/name", json!("reader"))], vec![]),
        ("rbac-subject-missing", vec![Set("RoleBinding/web", "/subjects/0/name", json!("api"))], vec![]),
        ("rbac-subject-namespace", vec![Del("RoleBinding/web", "/subjects/0/namespace")], vec![]),
        ("reference-unresolved", vec![Remove("ClusterSecretStore/vault")], vec![]),
        ("netpol-dns-missing", vec![Del("NetworkPolicy/web", "/spec/egress/0")], vec![
            Del("NetworkPolicy/web", "/spec/egress/0"),
            Add("{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {name: allow-dns, namespace: shop}, spec: {podSelector: {}, policyTypes: [Egress], egress: [{to: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}], ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]}]}}"),
        ]),
        ("netpol-dns-tcp", vec![Del("NetworkPolicy/web", "/spec/egress/0/ports/1")], vec![]),
        ("netpol-namespace-name-label", vec![Set("NetworkPolicy/web", "/spec/ingress/0/from/0/namespaceSelector/matchLabels", json!({"name": "ingress-nginx"}))], vec![
            Set("NetworkPolicy/web", "/spec/ingress/0/from/0/namespaceSelector/matchLabels", json!({"name": "ingress-nginx"})),
            Add("{apiVersion: v1, kind: Namespace, metadata: {name: ingress-nginx, labels: {name: ingress-nginx, pod-security.kubernetes.io/enforce: restricted}}}"),
        ]),
        ("netpol-blocks-scrape", vec![Del("NetworkPolicy/web", "/spec/ingress/0/from/1")], vec![]),
        ("netpol-blocks-load-balancer", vec![Set("Service/web", "/spec/type", json!("LoadBalancer"))], vec![
            Set("Service/web", "/spec/type", json!("LoadBalancer")),
            Set("NetworkPolicy/web", "/spec/ingress/1", json!({"from": [{"ipBlock": {"cidr": "10.0.0.0/8"}}], "ports": [{"port": "http"}]})),
        ]),
        ("netpol-blocks-peers", vec![Del("NetworkPolicy/db", "/spec/ingress/1")], vec![]),
        ("metrics-exposed-by-ingress", vec![Set("Ingress/web", "/spec/rules/0/http/paths/0/path", json!("/"))], vec![]),
        ("secret-unused", vec![Add("{apiVersion: v1, kind: Secret, metadata: {name: spare, namespace: shop}}")], vec![Add("{apiVersion: v1, kind: Secret, metadata: {name: web-tls, namespace: shop}, type: kubernetes.io/tls}")]),
        ("service-account-unused", vec![Add("{apiVersion: v1, kind: ServiceAccount, metadata: {name: api, namespace: shop}, automountServiceAccountToken: false}")], vec![]),
        ("pss-privileged", vec![Set("Deployment/web", p!("{C0}/securityContext/privileged"), json!(true))], vec![]),
        ("pss-host-namespaces", vec![Set("Deployment/web", p!("{POD}/hostNetwork"), json!(true))], vec![]),
        ("pss-host-ports", vec![Set("Deployment/web", p!("{C0}/ports/0/hostPort"), json!(8080))], vec![]),
        ("pss-volume-types", vec![Set("Deployment/web", p!("{POD}/volumes/0"), json!({"name": "tmp", "hostPath": {"path": "/tmp"}}))], vec![]),
        ("pss-privilege-escalation", vec![Del("Deployment/web", p!("{C0}/securityContext/allowPrivilegeEscalation"))], vec![]),
        ("pss-capabilities", vec![Set("Deployment/web", p!("{C0}/securityContext/capabilities/add"), json!(["NET_ADMIN"]))], vec![Set("Deployment/web", p!("{C0}/securityContext/capabilities/add"), json!(["NET_BIND_SERVICE"]))]),
        ("pss-run-as-non-root", vec![Del("Deployment/web", p!("{POD}/securityContext/runAsNonRoot"))], vec![]),
        ("pss-seccomp", vec![Del("Deployment/web", p!("{POD}/securityContext/seccompProfile"))], vec![]),
        ("read-only-root-filesystem", vec![Del("Deployment/web", p!("{C0}/securityContext/readOnlyRootFilesystem"))], vec![]),
        ("resources-missing", vec![Del("Deployment/web", p!("{C0}/resources/limits"))], vec![]),
        ("requests-exceed-limits", vec![Set("Deployment/web", p!("{C0}/resources/requests/memory"), json!("1Gi"))], vec![]),
        ("image-latest", vec![Set("Deployment/web", p!("{C0}/image"), json!("ghcr.io/acme/web:latest"))], vec![]),
        ("hpa-min-max", vec![Set("HorizontalPodAutoscaler/web", "/spec/minReplicas", json!(6))], vec![]),
        ("replicas-with-hpa", vec![Set("Deployment/web", "/spec/replicas", json!(2))], vec![]),
        ("pdb-blocks-eviction", vec![Del("PodDisruptionBudget/web", "/spec/maxUnavailable"), Set("PodDisruptionBudget/web", "/spec/minAvailable", json!(2))], vec![Del("PodDisruptionBudget/web", "/spec/maxUnavailable"), Set("PodDisruptionBudget/web", "/spec/minAvailable", json!(1))]),
        ("pdb-missing", vec![Remove("PodDisruptionBudget/web")], vec![]),
        ("liveness-without-readiness", vec![Del("Deployment/web", p!("{C0}/readinessProbe"))], vec![]),
        ("deprecated-annotation", vec![Set("Ingress/web", "/metadata/annotations", json!({"kubernetes.io/ingress.class": "nginx"}))], vec![]),
        ("deprecated-field", vec![Set("Deployment/web", p!("{POD}/serviceAccount"), json!("web"))], vec![]),
        ("secret-literal-data", vec![Add("{apiVersion: v1, kind: Secret, metadata: {name: web-tls, namespace: shop}, stringData: {tls.key: secret}}")], vec![Add("{apiVersion: v1, kind: Secret, metadata: {name: web-tls, namespace: shop}}")]),
        ("namespace-pss-not-enforced", vec![Set("Namespace/shop", "/metadata/labels/pod-security.kubernetes.io~1enforce", json!("baseline"))], vec![]),
        ("service-account-token-automount", vec![Set("ServiceAccount/db", "/automountServiceAccountToken", json!(true))], vec![]),
        ("pod-token-automount", vec![Remove("RoleBinding/web")], vec![]),
        ("pod-default-service-account", vec![Del("StatefulSet/db", p!("{POD}/serviceAccountName"))], vec![]),
        ("rbac-secrets-read", vec![Set("Role/web", "/rules/0", json!({"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}))], vec![Set("Role/web", "/rules/0", json!({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"], "resourceNames": ["shop-db"]}))]),
        ("cloud-identity-placeholder", vec![Set("ServiceAccount/web", "/metadata/annotations", json!({"eks.amazonaws.com/role-arn": "arn:aws:iam::ACCOUNT_ID:role/web"}))], vec![Set("ServiceAccount/web", "/metadata/annotations", json!({"eks.amazonaws.com/role-arn": "arn:aws:iam::210987654321:role/web", "iam.gke.io/gcp-service-account": "web-sa@acme-prod.iam.gserviceaccount.com", "azure.workload.identity/client-id": "01234567-89ab-cdef-0123-456789abcdef"}))]),
        ("cloud-identity-placeholder", vec![Set("ServiceAccount/web", "/metadata/annotations", json!({"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/web"}))], vec![]),
        ("cloud-identity-placeholder", vec![Set("ServiceAccount/web", "/metadata/annotations", json!({"iam.gke.io/gcp-service-account": "web@your-project.iam.gserviceaccount.com"}))], vec![]),
        ("config-placeholder", vec![Set("ConfigMap/web-config", "/data/config.yaml", json!("oidc:\n  client_id: your-client-id\n"))], vec![Set("ConfigMap/web-config", "/data/config.yaml", json!("oidc:\n  client_id: 0oa1b2c3d4e5f6g7h8i9\n"))]),
        ("config-placeholder", vec![Set("Deployment/web", p!("{C0}/env/2"), json!({"name": "ROLE", "value": "arn:aws:iam::123456789012:role/web"}))], vec![Set("Deployment/web", p!("{C0}/env/2"), json!({"name": "ROLE", "value": "arn:aws:iam::210987654321:role/web"}))]),
        ("config-placeholder", vec![Set("Deployment/web", p!("{C0}/env/2"), json!({"name": "CLIENT_ID", "value": "<client-id>"}))], vec![Set("ConfigMap/web-config", "/data/logback.xml", json!("<configuration>\n  <root level=\"INFO\"/>\n</configuration>\n"))]),
        ("oidc-issuer-example-domain", vec![Set("ConfigMap/web-config", "/data/OIDC_ISSUER", json!("https://sso.example.com/oauth2/default"))], vec![Set("ConfigMap/web-config", "/data/OIDC_ISSUER", json!("https://acme.okta.com/oauth2/default")), Set("ConfigMap/web-config", "/data/BASE_URL", json!("https://shop.example.com"))]),
        ("service-external-load-balancer", vec![Set("Service/web", "/spec/type", json!("LoadBalancer"))], vec![Set("Service/web", "/spec/type", json!("LoadBalancer")), Set("Service/web", "/metadata/annotations", json!({"networking.gke.io/load-balancer-type": "Internal"}))]),
        ("statefulset-headless-not-ready", vec![Del("Service/db-peers", "/spec/publishNotReadyAddresses")], vec![]),
        ("statefulset-ordered-ready", vec![Del("StatefulSet/db", "/spec/podManagementPolicy")], vec![]),
        ("statefulset-no-spread", vec![Del("StatefulSet/db", p!("{POD}/affinity"))], vec![]),
        ("netpol-dns-too-broad", vec![Set("NetworkPolicy/web", "/spec/egress/0/to", json!([{"namespaceSelector": {}}]))], vec![]),
        ("netpol-missing", vec![Remove("NetworkPolicy/db")], vec![]),
        ("prometheus-scrape-annotations", vec![Set("Service/db", "/metadata/annotations", json!({"prometheus.io/scrape": "true"}))], vec![]),
        ("alert-up-without-absent", vec![Set("PrometheusRule/web", "/spec/groups/0/rules/0/expr", json!("up{job=\"web\"} == 0"))], vec![]),
        ("alert-error-rate-not-ratio", vec![Set("PrometheusRule/web", "/spec/groups/0/rules/1/expr", json!("rate(http_requests_total{status=~\"5..\"}[5m]) > 0.05"))], vec![]),
        ("daemonset-surge-host-port", vec![Add(DS_SURGE)], vec![Add(DS_NO_SURGE)]),
        ("daemonset-probes-missing", vec![Add(DS_NO_SURGE)], vec![Add(DS_NO_PROBES_REASON)]),
        ("host-path-unreadable", vec![Set("Deployment/web", p!("{POD}/volumes/0"), json!({"name": "tmp", "hostPath": {"path": "/var/log"}}))], vec![Set("Deployment/web", p!("{POD}/volumes/0"), json!({"name": "tmp", "hostPath": {"path": "/var/log"}})), Set("Deployment/web", p!("{C0}/securityContext/runAsUser"), json!(0))]),
        ("host-path-unreadable", vec![Set("Deployment/web", p!("{POD}/volumes/0"), json!({"name": "tmp", "hostPath": {"path": "/var/lib/agent"}}))], vec![Set("Deployment/web", p!("{POD}/volumes/0"), json!({"name": "tmp", "hostPath": {"path": "/var/lib/agent"}})), Set("Deployment/web", p!("{C0}/securityContext/capabilities/add"), json!(["DAC_READ_SEARCH"]))]),
        ("pre-stop-beyond-grace", vec![Set("Deployment/web", p!("{C0}/lifecycle"), json!({"preStop": {"sleep": {"seconds": 30}}}))], vec![Set("Deployment/web", p!("{C0}/lifecycle"), json!({"preStop": {"sleep": {"seconds": 30}}})), Set("Deployment/web", p!("{POD}/terminationGracePeriodSeconds"), json!(60))]),
        ("job-ttl-missing", vec![Add(JOB)], vec![Add(JOB_OK)]),
        ("job-backoff-limit-missing", vec![Add(JOB)], vec![Add(JOB_OK)]),
        ("admission-policy", vec![Add(ADMISSION_DENY), Add(ADMISSION_BINDING)], vec![Add(ADMISSION_ALLOW), Add(ADMISSION_BINDING)]),
    ]
}

const ADMISSION_DENY: &str = "{apiVersion: admissionregistration.k8s.io/v1, kind: ValidatingAdmissionPolicy, metadata: {name: no-web}, spec: {matchConstraints: {resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]}, validations: [{expression: \"object.metadata.name != 'web'\"}]}}";
const ADMISSION_ALLOW: &str = "{apiVersion: admissionregistration.k8s.io/v1, kind: ValidatingAdmissionPolicy, metadata: {name: no-web}, spec: {matchConstraints: {resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]}, validations: [{expression: \"object.metadata.name != 'api'\"}]}}";
const ADMISSION_BINDING: &str = "{apiVersion: admissionregistration.k8s.io/v1, kind: ValidatingAdmissionPolicyBinding, metadata: {name: no-web}, spec: {policyName: no-web, validationActions: [Deny]}}";

#[test]
fn base_is_clean() {
    let report = lint_text(BASE, &Context::lint());
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn every_rule_fails_and_passes() {
    let ctx = Context::lint();
    let mut covered = BTreeSet::new();
    for (rule, bad, good) in cases().into_iter().chain(coverage::cases()) {
        assert!(registry::rule(rule).is_some(), "unregistered rule {rule}");
        let failing = lint_text(&apply(&bad), &ctx);
        assert!(
            rules_of(&failing).contains(rule),
            "{rule}: the failing input did not trigger it; got {:?}",
            rules_of(&failing)
        );
        let passing = lint_text(&apply(&good), &ctx);
        assert!(
            !rules_of(&passing).contains(rule),
            "{rule}: the passing input triggered it: {:#?}",
            passing.findings
        );
        covered.insert(rule);
    }
    // Rules that need a declared app's context are covered by the tests below.
    for r in [
        "netpol-egress-dependency",
        // Checks of the declaration itself: `validate::declaration` tests.
        "dangling-reference",
        "pod-containers",
        "legacy-sidecar-job",
        "annotation-overridden",
        "node-agent-shares-namespace",
        "kept-identity",
        "waiver-invalid",
        "waiver-unmatched",
    ] {
        covered.insert(r);
    }
    let missing: Vec<&str> = RULES
        .iter()
        .map(|r| r.id)
        .filter(|r| !covered.contains(r))
        .collect();
    assert!(missing.is_empty(), "rules without a case: {missing:?}");
}

fn manifests(text: &str) -> Vec<Manifest> {
    parse_str("m.yaml", text)
        .expect("parses")
        .documents
        .into_iter()
        .filter_map(|d| {
            let component = d
                .value
                .pointer("/spec/template/metadata/labels/app")
                .or(d.value.pointer("/metadata/name"))
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            d.object.map(|object| Manifest {
                origin: Origin {
                    app: "shop".into(),
                    environment: "production".into(),
                    component,
                    declared_at: None,
                    ..Origin::default()
                },
                object,
            })
        })
        .collect()
}

fn app_ctx() -> Context {
    let mut ctx = Context::lint();
    ctx.complete = true;
    ctx.environment = Some("production".into());
    ctx.external_secrets.push(DeclaredSecret {
        name: "shop-db".into(),
        keys: Some(vec!["password".into()]),
    });
    ctx
}

#[test]
fn netpol_egress_dependency() {
    let mut ctx = app_ctx();
    ctx.egress.push(EgressNeed {
        component: "web".into(),
        dependency: "db".into(),
        endpoint: Endpoint::InCluster {
            namespace: None,
            pod_labels: [("app".to_owned(), "db".to_owned())].into(),
            port: 5432,
        },
    });
    let good = validate(&manifests(BASE), &ctx);
    assert!(
        !rules_of(&good).contains("netpol-egress-dependency"),
        "{:#?}",
        good.findings
    );
    let bad = validate(
        &manifests(&apply(&[Del("NetworkPolicy/web", "/spec/egress/1")])),
        &ctx,
    );
    assert!(rules_of(&bad).contains("netpol-egress-dependency"));
    ctx.egress[0].endpoint = Endpoint::PublicInternet { port: 443 };
    let bad = validate(&manifests(BASE), &ctx);
    assert!(rules_of(&bad).contains("netpol-egress-dependency"));
}

#[test]
fn waivers_in_code() {
    let text = apply(&[Set(
        "Ingress/web",
        "/spec/rules/0/http/paths/0/path",
        json!("/"),
    )]);
    let mut ctx = app_ctx();
    ctx.waivers.push(Waiver::new(
        "metrics-exposed-by-ingress",
        "Ingress",
        "web",
        "nginx denies /metrics",
    ));
    let report = validate(&manifests(&text), &ctx);
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "metrics-exposed-by-ingress")
        .expect("still reported");
    assert!(
        f.waived
            .as_deref()
            .is_some_and(|w| w.starts_with("nginx denies /metrics (waived at ")),
        "{f:?}"
    );
    assert!(!rules_of(&report).contains("waiver-unmatched"));
    assert_eq!(report.counts(), (0, 0, 1));

    // A waiver that matches nothing, one without a reason and one for an unknown rule.
    let mut ctx = app_ctx();
    ctx.waivers.push(Waiver::new(
        "metrics-exposed-by-ingress",
        "Ingress",
        "web",
        "reason",
    ));
    ctx.waivers
        .push(Waiver::new("image-latest", "Deployment", "web", " "));
    ctx.waivers
        .push(Waiver::new("no-such-rule", "Deployment", "web", "reason"));
    let report = validate(&manifests(BASE), &ctx);
    let got: Vec<&str> = report.findings.iter().map(|f| f.rule).collect();
    assert_eq!(
        got.iter().filter(|r| **r == "waiver-unmatched").count(),
        1,
        "{got:?}"
    );
    assert_eq!(
        got.iter().filter(|r| **r == "waiver-invalid").count(),
        2,
        "{got:?}"
    );
    // Waivers are per object: another object's finding stays.
    let text = apply(&[Set(
        "Deployment/web",
        p!("{C0}/image"),
        json!("ghcr.io/acme/web:latest"),
    )]);
    let mut ctx = app_ctx();
    ctx.waivers
        .push(Waiver::new("image-latest", "Deployment", "other", "reason"));
    let report = validate(&manifests(&text), &ctx);
    assert!(report
        .findings
        .iter()
        .any(|f| f.rule == "image-latest" && f.waived.is_none()));
}

#[test]
fn waiver_annotation_in_yaml() {
    let text = apply(&[
        Set("Ingress/web", "/spec/rules/0/http/paths/0/path", json!("/")),
        Set(
            "Ingress/web",
            "/metadata/annotations",
            json!({"kairn.dev/waive.metrics-exposed-by-ingress": "metrics need no secrecy here"}),
        ),
    ]);
    let report = lint_text(&text, &Context::lint());
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "metrics-exposed-by-ingress")
        .expect("reported");
    assert_eq!(
        f.waived.as_deref(),
        Some(
            "metrics need no secrecy here (annotation kairn.dev/waive.metrics-exposed-by-ingress)"
        )
    );
    assert!(!report.has_errors());
}

#[test]
fn latest_is_allowed_in_development_only() {
    let text = apply(&[Set("Deployment/web", p!("{C0}/image"), json!("nginx"))]);
    let mut ctx = Context::lint();
    assert!(rules_of(&lint_text(&text, &ctx)).contains("image-latest"));
    ctx.environment = Some("development".into());
    assert!(!rules_of(&lint_text(&text, &ctx)).contains("image-latest"));
}

#[test]
fn malformed_image_references_are_invalid_values() {
    let digest = format!("sha256:{}", "ab".repeat(32));
    let bad = [
        (
            "ghcr.io/acme/web:12:30".to_owned(),
            "':' may only appear once",
        ),
        (format!("@{digest}"), "needs a repository"),
        ("ghcr.io/Acme/web:1".to_owned(), "lowercase"),
        ("ghcr.io//web:1".to_owned(), "empty parts"),
        ("ghcr.io/acme/web-:1".to_owned(), "start and end"),
        ("ghcr.io/acme/web@sha256:abc".to_owned(), "64 lowercase hex"),
    ];
    for (image, reason) in bad {
        let text = apply(&[Set("Deployment/web", p!("{C0}/image"), json!(image))]);
        for env in [None, Some("development")] {
            let mut ctx = Context::lint();
            ctx.environment = env.map(str::to_owned);
            let report = lint_text(&text, &ctx);
            let f = report
                .findings
                .iter()
                .find(|f| f.rule == "invalid-value")
                .unwrap_or_else(|| panic!("{image}: not reported: {:?}", rules_of(&report)));
            assert_eq!(f.field, "spec.template.spec.containers[0].image");
            assert!(
                f.message.contains(&image) && f.message.contains(reason),
                "{image}: {}",
                f.message
            );
            assert!(f.fix.contains("@sha256:"), "{}", f.fix);
            assert!(
                !rules_of(&report).contains("image-latest"),
                "{image}: one finding, not also image-latest"
            );
        }
    }
    for good in [
        "localhost:5000/web:1".to_owned(),
        format!("ghcr.io/acme/web:1.2.3@{digest}"),
        format!("ghcr.io/acme/web@{digest}"),
    ] {
        let text = apply(&[Set("Deployment/web", p!("{C0}/image"), json!(good))]);
        let report = lint_text(&text, &Context::lint());
        assert!(report.findings.is_empty(), "{good}: {:#?}", report.findings);
    }
}

#[test]
fn complete_sets_do_not_downgrade_missing_references() {
    let text = apply(&[
        Remove("ClusterSecretStore/vault"),
        Remove("ExternalSecret/shop-db"),
    ]);
    let lint_rules = rules_of(&lint_text(&text, &Context::lint()));
    assert!(
        lint_rules.contains("reference-unresolved") && !lint_rules.contains("secret-missing"),
        "{lint_rules:?}"
    );
    let mut ctx = app_ctx();
    ctx.external_secrets.clear();
    let emit_rules = rules_of(&validate(&manifests(&text), &ctx));
    assert!(emit_rules.contains("secret-missing"), "{emit_rules:?}");
}

#[test]
fn findings_carry_location_and_fix() {
    let text = apply(&[Set(
        "Deployment/web",
        p!("{C0}/image"),
        json!("ghcr.io/acme/web:latest"),
    )]);
    let report = lint_text(&text, &Context::lint());
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "image-latest")
        .expect("reported");
    assert_eq!(f.field, "spec.template.spec.containers[0].image");
    assert_eq!(
        (f.kind.as_str(), f.name.as_str(), f.namespace.as_deref()),
        ("Deployment", "web", Some("shop"))
    );
    assert_eq!(f.file.as_deref(), Some("case.yaml"));
    assert!(f.line.is_some_and(|l| l > 1));
    assert!(!f.fix.is_empty() && !f.message.is_empty());
}

#[test]
fn lines_point_at_the_field() {
    let yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: ns\nspec:\n  selector: {app: x}\n  ports:\n    - name: http\n      port: 80\n      targetPort: 99999\n";
    let report = lint_text(yaml, &Context::lint());
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "invalid-value")
        .expect("reported");
    assert_eq!(f.line, Some(11));
}

#[test]
fn wrong_types_are_findings_with_lines() {
    let yaml = "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: \"3\"\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers: []\n";
    let loaded = parse_str("d.yaml", yaml).expect("parses");
    let err = loaded.documents[0]
        .error
        .as_ref()
        .expect("typed parse fails");
    assert_eq!((err.line, err.field.as_str()), (7, "spec.replicas"));
    let report = lint(&loaded, &Context::lint());
    let f = report
        .findings
        .iter()
        .find(|f| f.rule == "object-invalid")
        .expect("reported");
    assert_eq!(f.line, Some(7));
    assert!(f.message.contains("invalid type"), "{}", f.message);
}

#[test]
fn malformed_yaml_names_the_line() {
    let err = parse_str("bad.yaml", "a: 1\nb: [1, 2\nc: 3\n").expect_err("malformed");
    assert_eq!(err.file, "bad.yaml");
    assert!(err.line.is_some());
    assert!(err.to_string().starts_with("bad.yaml:"), "{err}");
}

#[test]
fn hostile_input_does_not_panic() {
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 0..12 {
        let prev = if i == 0 {
            "a".to_owned()
        } else {
            format!("l{}", i - 1)
        };
        bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let inputs = [
        deep.as_str(),
        bomb.as_str(),
        "\u{0}\u{1}",
        "kind: Deployment\napiVersion: apps/v1\nspec: 3\n",
        "kind: [1]\napiVersion: {a: b}\n",
        "apiVersion: v1\nkind: List\nitems:\n  - 1\n  - {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {ports: [{port: -1}]}}\n",
        "apiVersion: v1\nkind: Service\nmetadata: {name: \"\"}\nspec: {ports: [{port: 1, targetPort: \"\"}], selector: {\"\": \"\"}}\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {selector: {}, template: {}}\n",
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n, namespace: x}\nspec: {podSelector: {}, egress: [{ports: [{port: 53, endPort: 1}]}]}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: i, resources: {limits: {cpu: \"1e999\"}}}]}\n",
    ];
    for input in inputs {
        if let Ok(loaded) = parse_str("h.yaml", input) {
            let _ = lint(&loaded, &Context::lint());
        }
    }
}

#[test]
fn unknown_kinds_are_noted() {
    let report = lint_text(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n---\nfoo: bar\n",
        &Context::lint(),
    );
    assert!(report.findings.is_empty());
    assert_eq!(report.notes.len(), 2, "{:?}", report.notes);
}

#[test]
fn rules_doc_lists_exactly_the_registered_rules() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules.md");
    let generated = registry::markdown_table();
    let doc = std::fs::read_to_string(path).unwrap_or_default();
    let (begin, end) = ("<!-- rules:begin -->\n", "<!-- rules:end -->");
    let section = doc
        .split_once(begin)
        .and_then(|(_, rest)| rest.split_once(end))
        .map(|(s, _)| s.to_owned());
    if std::env::var_os("KAIRN_UPDATE_DOCS").is_some() {
        if let (Some((head, rest)), Some(_)) = (doc.split_once(begin), &section) {
            let tail = rest.split_once(end).map(|(_, t)| t).unwrap_or_default();
            std::fs::write(path, format!("{head}{begin}{generated}{end}{tail}"))
                .expect("write docs/rules.md");
            return;
        }
    }
    assert_eq!(
        section.as_deref(),
        Some(generated.as_str()),
        "docs/rules.md is stale: run `KAIRN_UPDATE_DOCS=1 cargo test -p lint rules_doc`"
    );
}

#[test]
fn external_secrets_annotation_declares_secrets_for_lint() {
    let without = apply(&[
        Remove("ClusterSecretStore/vault"),
        Remove("ExternalSecret/shop-db"),
    ]);
    assert!(rules_of(&lint_text(&without, &Context::lint())).contains("reference-unresolved"));
    let with = apply(&[
        Remove("ClusterSecretStore/vault"),
        Remove("ExternalSecret/shop-db"),
        Set(
            "Deployment/web",
            "/metadata/annotations",
            json!({"kairn.dev/external-secrets": "shop-db"}),
        ),
    ]);
    let report = lint_text(&with, &Context::lint());
    assert!(
        !rules_of(&report).contains("reference-unresolved"),
        "{:#?}",
        report.findings
    );
}

// ---- the open world (issue 11) -----------------------------------------------------------

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
        web.value
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

// After the helpers and `p!`, which it uses.
#[path = "tests_coverage.rs"]
mod coverage;

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
    assert!(loaded.documents[0].value["spec"].get("strategy").is_none());
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

#[path = "tests_real_sets.rs"]
mod real_sets;
