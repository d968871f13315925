//! Property-based robustness tests of the YAML loader and the rules (`kairn lint`'s
//! pipeline): whatever the input, loading and linting never panic, and every input ends
//! as a report whose findings name their file and line, or as a load error naming the
//! file and (for YAML errors) the line. Inputs are bounded in size, so a hang shows as a
//! test that does not finish.
//!
//! 256 cases per property by default; more with e.g. `PROPTEST_CASES=10000 cargo test -p
//! lint --test lint_props`. A failure prints the minimal input; proptest records its seed
//! in `crates/lint/tests/lint_props.proptest-regressions` (commit that file so the case is
//! replayed first on every run).

use lint::{lint, parse_str, Context, Loaded, Severity};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

const FILE: &str = "prop.yaml";

/// Loads and lints `text`, checking what every outcome must carry.
fn check(text: &str) -> Result<(), TestCaseError> {
    match parse_str(FILE, text) {
        Ok(loaded) => check_loaded(&loaded),
        Err(e) => {
            prop_assert_eq!(&e.file, FILE);
            prop_assert!(!e.message.is_empty());
            prop_assert!(e.line.is_some(), "a YAML error without a line: {e}");
            Ok(())
        }
    }
}

fn check_loaded(loaded: &Loaded) -> Result<(), TestCaseError> {
    let report = lint(loaded, &Context::lint());
    for f in &report.findings {
        prop_assert_eq!(f.file.as_deref(), Some(FILE), "{:?}", f);
        prop_assert!(f.line.is_some_and(|l| l >= 1), "{:?}", f);
        prop_assert!(!f.message.is_empty());
    }
    // A document whose typed parse failed is reported, as an error, with its line.
    for d in loaded.documents.iter().filter(|d| d.error.is_some()) {
        prop_assert!(
            report
                .findings
                .iter()
                .any(|f| f.severity == Severity::Error && f.kind == d.kind && f.name == d.name),
            "unreported parse error: {:?}",
            d.error
        );
    }
    Ok(())
}

/// Kinds the validator types, with the apiVersion it reads (and a few it does not).
const KINDS: &[(&str, &str)] = &[
    ("Namespace", "v1"),
    ("ServiceAccount", "v1"),
    ("ConfigMap", "v1"),
    ("Secret", "v1"),
    ("Service", "v1"),
    ("PersistentVolumeClaim", "v1"),
    ("Pod", "v1"),
    ("Deployment", "apps/v1"),
    ("StatefulSet", "apps/v1"),
    ("DaemonSet", "apps/v1"),
    ("Job", "batch/v1"),
    ("CronJob", "batch/v1"),
    ("Ingress", "networking.k8s.io/v1"),
    ("NetworkPolicy", "networking.k8s.io/v1"),
    ("HorizontalPodAutoscaler", "autoscaling/v2"),
    ("PodDisruptionBudget", "policy/v1"),
    ("Role", "rbac.authorization.k8s.io/v1"),
    ("RoleBinding", "rbac.authorization.k8s.io/v1"),
    ("ClusterRole", "rbac.authorization.k8s.io/v1"),
    ("ClusterRoleBinding", "rbac.authorization.k8s.io/v1"),
    ("ServiceMonitor", "monitoring.coreos.com/v1"),
    ("PrometheusRule", "monitoring.coreos.com/v1"),
    ("ExternalSecret", "external-secrets.io/v1beta1"),
    ("Ingress", "extensions/v1beta1"),
    ("Widget", "example.com/v1"),
    ("List", "v1"),
];

/// Field names the rules read, so random documents reach deep into them.
const FIELDS: &[&str] = &[
    "spec",
    "template",
    "metadata",
    "labels",
    "annotations",
    "name",
    "namespace",
    "selector",
    "matchLabels",
    "matchExpressions",
    "key",
    "operator",
    "values",
    "containers",
    "initContainers",
    "image",
    "ports",
    "containerPort",
    "port",
    "targetPort",
    "protocol",
    "env",
    "envFrom",
    "valueFrom",
    "secretKeyRef",
    "configMapRef",
    "volumes",
    "volumeMounts",
    "resources",
    "requests",
    "limits",
    "cpu",
    "memory",
    "replicas",
    "podSelector",
    "ingress",
    "egress",
    "from",
    "to",
    "namespaceSelector",
    "policyTypes",
    "rules",
    "http",
    "paths",
    "backend",
    "service",
    "number",
    "tls",
    "hosts",
    "secretName",
    "scaleTargetRef",
    "kind",
    "minReplicas",
    "maxReplicas",
    "metrics",
    "subjects",
    "roleRef",
    "verbs",
    "resources",
    "apiGroups",
    "resourceNames",
    "endpoints",
    "serviceAccountName",
    "securityContext",
    "livenessProbe",
    "readinessProbe",
    "httpGet",
    "path",
    "data",
    "stringData",
    "type",
    "clusterIP",
    "jobTemplate",
    "schedule",
    "minAvailable",
    "maxUnavailable",
    "items",
];

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<u64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(vec![
            "",
            "web",
            "app",
            "http",
            "8080",
            "-1",
            "1e999",
            "0x1F",
            "0400",
            "yes",
            "on",
            "~",
            "null",
            "500m",
            "64Mi",
            "latest",
            "nginx",
            "nginx:latest",
            "a/b:c@sha256:0",
            "*",
            "None",
            "TCP",
            "In",
            "NotIn",
            "Exists",
            "kube-system",
            "default",
            "é\u{0}\u{7f}",
            "a b",
        ])
        .prop_map(|s| Value::String(s.to_owned())),
        "[a-z0-9./_-]{0,12}".prop_map(Value::String),
        Just(Value::String("x".repeat(300))),
    ]
}

/// JSON values biased towards the fields the rules read, nested up to 8 levels.
fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(8, 96, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(FIELDS), inner), 0..6).prop_map(|pairs| {
                Value::Object(
                    pairs
                        .into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<_, _>>(),
                )
            }),
        ]
    })
}

/// A Kubernetes-like document: a known kind and apiVersion (or a wrong one), metadata
/// that is usually well-formed, and random content under the fields rules read.
fn document() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(KINDS),
        any::<bool>(),
        "[a-z][a-z0-9-]{0,8}",
        prop::option::of(prop::sample::select(vec![
            "shop",
            "kube-system",
            "default",
            "",
        ])),
        prop::collection::btree_map("[a-z]{1,4}", "[a-z0-9]{0,4}", 0..3),
        value(),
        value(),
    )
        .prop_map(|((kind, api), right_api, name, ns, labels, spec, extra)| {
            let mut meta = json!({"name": name, "labels": labels});
            if let Some(ns) = ns {
                meta["namespace"] = json!(ns);
            }
            let mut doc = json!({
                "apiVersion": if right_api { api } else { "v9" },
                "kind": kind,
                "metadata": meta,
                "spec": spec,
            });
            if let Value::Object(extra) = extra {
                for (k, v) in extra {
                    doc[k] = v;
                }
            }
            doc
        })
}

/// YAML spellings of a document: flow (JSON), block with an anchor and alias, or with a
/// duplicated key.
fn yaml_of(doc: &Value, style: u8) -> String {
    let flow = doc.to_string();
    match style % 4 {
        0 => flow,
        1 => format!("x-shared: &shared {flow}\nkind: {}\napiVersion: v1\nmetadata: {{name: alias}}\nspec: *shared\n", doc["kind"]),
        2 => format!("{}\nkind: {}\n", flow.trim_end_matches('}').to_owned() + "}", doc["kind"]),
        _ => {
            // Block style, one top-level key per line, the last key repeated.
            let Value::Object(m) = doc else { return flow };
            let mut out = String::new();
            for (k, v) in m {
                out.push_str(&format!("{k}: {v}\n"));
            }
            if let Some((k, v)) = m.iter().next() {
                out.push_str(&format!("{k}: {v}\n"));
            }
            out
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    /// Any bytes (read as the CLI reads them: invalid UTF-8 replaced).
    #[test]
    fn arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check(&String::from_utf8_lossy(&bytes))?;
    }

    /// Text made of YAML's own punctuation, indentation and keywords.
    #[test]
    fn yaml_ish_text(parts in prop::collection::vec(prop::sample::select(vec![
        "---\n", "...\n", "\n", "  ", "- ", ": ", "? ", "{", "}", "[", "]", ",", "&a ", "*a",
        "!!str ", "!!binary ", "!custom ", "|\n", ">-\n", "#c\n", "'", "\"", "\\", "%YAML 1.2\n",
        "kind", "apiVersion", "metadata", "name", "spec", "Deployment", "Service", "v1",
        "apps/v1", "<<", "0x10", "1e400", "-", "null", "~", "\t", "\u{feff}",
    ]), 0..64)) {
        check(&parts.concat())?;
    }

    /// Streams of Kubernetes-like documents with wrong types, huge numbers, deep nesting,
    /// anchors and aliases, and duplicate keys.
    #[test]
    fn kubernetes_like_streams(docs in prop::collection::vec((document(), any::<u8>()), 1..6)) {
        let text: Vec<String> = docs.iter().map(|(d, style)| yaml_of(d, *style)).collect();
        check(&text.join("\n---\n"))?;
    }
}
