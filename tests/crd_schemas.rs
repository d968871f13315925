//! The typed Prometheus Operator resources accept everything the upstream CRD schemas accept
//! (`fixtures/crds/`, see its SOURCE.md): documents built from each schema — every property
//! it allows, both forms of every int-or-string, and only the required properties — are read
//! by `lint` as typed objects, without `object-invalid`.

use std::path::Path;

use dsl::crd::monitoring::{PrometheusRule, ServiceMonitor};
use dsl::validate::{self, Context};
use serde_json::{json, Map, Value};

fn schema(file: &str) -> (String, Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/crds")
        .join(file);
    let text = std::fs::read_to_string(&path).expect("CRD fixture");
    let crd: Value = dsl::yaml::from_str(&text).expect("CRD parses");
    let kind = crd["spec"]["names"]["kind"]
        .as_str()
        .expect("kind")
        .to_owned();
    let schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"].clone();
    assert!(schema.is_object(), "{file}: no schema");
    (kind, schema)
}

/// Which documents to build.
#[derive(Clone, Copy)]
enum Fill {
    /// Every property; int-or-string as a string.
    All,
    /// Every property; int-or-string as an integer.
    AllInts,
    /// Only required properties (lists empty).
    Required,
}

fn build(s: &Value, fill: Fill) -> Value {
    if s.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true)) {
        return match fill {
            Fill::AllInts => json!(1),
            _ => json!("1"),
        };
    }
    if let Some(e) = s.get("enum").and_then(|e| e.as_array()) {
        return e[0].clone();
    }
    match s.get("type").and_then(|t| t.as_str()).unwrap_or("object") {
        "string" => json!("5m"),
        "integer" => json!(1),
        "number" => json!(1.5),
        "boolean" => json!(true),
        "array" => match (fill, s.get("items")) {
            (Fill::Required, _) | (_, None) => json!([]),
            (_, Some(items)) => json!([build(items, fill)]),
        },
        _ => {
            let mut out = Map::new();
            let required: Vec<&str> = s
                .get("required")
                .and_then(|r| r.as_array())
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_str())
                .collect();
            for (k, v) in s
                .get("properties")
                .and_then(|p| p.as_object())
                .into_iter()
                .flatten()
            {
                if matches!(fill, Fill::Required) && !required.contains(&k.as_str()) {
                    continue;
                }
                out.insert(k.clone(), build(v, fill));
            }
            if let (Some(ap), false) = (
                s.get("additionalProperties"),
                matches!(fill, Fill::Required),
            ) {
                out.insert("key".into(), build(ap, fill));
            }
            Value::Object(out)
        }
    }
}

fn document(kind: &str, schema: &Value, fill: Fill) -> Value {
    let mut doc = build(schema, fill);
    doc["apiVersion"] = json!("monitoring.coreos.com/v1");
    doc["kind"] = json!(kind);
    doc["metadata"] = json!({"name": "sample", "namespace": "sample"});
    doc
}

/// Lints the documents as one set: every one must be read as a typed object.
fn assert_typed(label: &str, docs: &[Value]) {
    let text: String = docs
        .iter()
        .map(|d| format!("---\n{}", dsl::yaml::to_yaml(d).expect("yaml")))
        .collect();
    let loaded = validate::parse_str(label, &text).expect("parses");
    for d in &loaded.documents {
        assert!(
            d.object.is_some(),
            "{label}: {} not read as a typed object: {:?}\n{}",
            d.kind,
            d.error,
            serde_json::to_string_pretty(d.value()).unwrap_or_default()
        );
    }
    let report = validate::lint(&loaded, &Context::lint());
    let invalid: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.rule == "object-invalid")
        .collect();
    assert!(invalid.is_empty(), "{label}: {invalid:#?}");
}

#[test]
fn prometheus_rule_model_accepts_the_upstream_schema() {
    let (kind, s) = schema("monitoring.coreos.com_prometheusrules.yaml");
    assert_eq!(kind, "PrometheusRule");
    let mut docs: Vec<Value> = [Fill::All, Fill::AllInts, Fill::Required]
        .into_iter()
        .map(|f| document(&kind, &s, f))
        .collect();
    // Recording rules (no `alert`), alerting rules (no `record`), a group without rules.
    let mut rules = document(&kind, &s, Fill::Required);
    rules["spec"]["groups"] = json!([
        {"name": "recording", "rules": [{"record": "job:up:sum", "expr": "sum by (job) (up)"}]},
        {"name": "alerting", "interval": "30s", "rules": [
            {"alert": "Down", "expr": "up == 0", "for": "5m", "keep_firing_for": "10m",
             "labels": {"severity": "critical"}, "annotations": {"summary": "down"}},
            {"alert": "AlwaysOn", "expr": 1}
        ]},
        {"name": "empty"}
    ]);
    docs.push(rules);
    assert_typed("prometheusrule.yaml", &docs);
    for d in &docs {
        let typed: PrometheusRule = serde_json::from_value(d.clone()).expect("typed");
        assert_eq!(typed.kind, "PrometheusRule");
    }
    let typed: PrometheusRule = serde_json::from_value(docs[3].clone()).expect("typed");
    let recording = &typed.spec.groups[0].rules[0];
    assert_eq!(recording.alert, None);
    assert_eq!(recording.record.as_deref(), Some("job:up:sum"));
    assert_eq!(typed.spec.groups[1].rules[1].expr_text(), "1");
}

#[test]
fn service_monitor_model_accepts_the_upstream_schema() {
    let (kind, s) = schema("monitoring.coreos.com_servicemonitors.yaml");
    assert_eq!(kind, "ServiceMonitor");
    let docs: Vec<Value> = [Fill::All, Fill::AllInts, Fill::Required]
        .into_iter()
        .map(|f| document(&kind, &s, f))
        .collect();
    assert_typed("servicemonitor.yaml", &docs);
    let typed: ServiceMonitor = serde_json::from_value(docs[0].clone()).expect("typed");
    let selector = typed.spec.namespace_selector.expect("namespaceSelector");
    assert!(selector.any);
    assert!(typed.spec.endpoints[0].target_port.is_some());
}

#[test]
fn the_seeds_monitoring_objects_use_only_schema_fields() {
    // Every field the seeds' ServiceMonitors and PrometheusRules use exists in the schema.
    fn check(value: &Value, schema: &Value, path: &str, errors: &mut Vec<String>) {
        if schema.get("x-kubernetes-int-or-string").is_some() {
            return;
        }
        match value {
            Value::Object(m) => {
                let props = schema.get("properties").and_then(|p| p.as_object());
                let extra = schema.get("additionalProperties");
                for (k, v) in m {
                    match (props.and_then(|p| p.get(k)), extra) {
                        (Some(s), _) | (None, Some(s)) => {
                            check(v, s, &format!("{path}.{k}"), errors)
                        }
                        (None, None) if props.is_none() => {}
                        (None, None) => errors.push(format!("{path}.{k}")),
                    }
                }
            }
            Value::Array(a) => {
                if let Some(items) = schema.get("items") {
                    for (i, v) in a.iter().enumerate() {
                        check(v, items, &format!("{path}[{i}]"), errors);
                    }
                }
            }
            _ => {}
        }
    }
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seeds");
    let found = validate::collect_files(&[seeds]);
    let (loaded, errors) = validate::load_files(&found.files);
    assert!(errors.is_empty(), "{errors:?}");
    let schemas = [
        schema("monitoring.coreos.com_prometheusrules.yaml"),
        schema("monitoring.coreos.com_servicemonitors.yaml"),
    ];
    let mut seen = 0;
    let mut errors = Vec::new();
    for d in &loaded.documents {
        let Some((_, s)) = schemas.iter().find(|(k, _)| *k == d.kind) else {
            continue;
        };
        seen += 1;
        let mut spec_only = d.value().clone();
        spec_only["metadata"] = json!({});
        check(
            &spec_only,
            s,
            &format!("{}:{}", d.file, d.kind),
            &mut errors,
        );
        assert!(d.object.is_some(), "{}: {:?}", d.file, d.error);
    }
    assert!(
        seen >= 3,
        "the seeds have ServiceMonitors and PrometheusRules"
    );
    assert!(
        errors.is_empty(),
        "fields not in the upstream schema: {errors:?}"
    );
}
