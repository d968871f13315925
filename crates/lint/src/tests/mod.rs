//! Every rule has a failing and a passing input. The passing input is a small clean
//! application (`testdata/base.yaml`) or a targeted fix; each failing input breaks one
//! thing in it.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::*;

const BASE: &str = include_str!("../testdata/base.yaml");

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
        .map(|d| d.into_value())
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
                    .map(|d| d.into_value()),
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
        if rule == "admission-policy" && !cfg!(feature = "admission") {
            // Without the CEL interpreter a policy is only noted as not evaluated
            // (admission_off.rs); its case runs with `--features admission`.
            covered.insert(rule);
            continue;
        }
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

// After the helpers and `p!`, which it uses.
mod coverage;
mod open_world;
mod real_sets;
mod sets_and_files;
