//! `from_json` against `serde_json::from_value`: the same value or the same message, for
//! well-formed and broken objects of several kinds.

use std::fmt::Debug;

use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Secret, Service};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use super::{from_json, Node};
use crate::crd::monitoring::ServiceMonitor;
use crate::object::Object;

/// Asserts that `from_json` and `serde_json::from_value` agree on `value` (and returns
/// whether it read, so a case list can be checked to hold both outcomes).
fn agree<T: DeserializeOwned + PartialEq + Debug>(value: Value) -> bool {
    let ours = from_json::<T>(value.clone());
    let theirs = serde_json::from_value::<T>(value.clone());
    match (ours, theirs) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "{value}");
            true
        }
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string(), "{value}");
            assert_eq!(a.classify(), b.classify(), "{value}");
            assert_eq!((a.line(), a.column()), (b.line(), b.column()), "{value}");
            false
        }
        (a, b) => panic!("{value}: from_json gave {a:?}, serde_json gave {b:?}"),
    }
}

#[test]
fn metadata_reads_and_fails_as_serde_json_does() {
    let cases = [
        json!({"name": "a", "labels": {"x": "y"}, "creationTimestamp": "2024-01-01T00:00:00Z"}),
        json!({"name": null, "labels": null, "annotations": {}}),
        json!({"name": 1.5}),
        json!({"name": 1e300}),
        json!({"name": -0.0}),
        json!({"name": true}),
        json!({"name": ["a"]}),
        json!({"name": {"a": 1}}),
        json!({"labels": {"a": null}}),
        json!({"labels": 3}),
        json!({"labels": [["a", "b"]]}),
        json!({"generation": -3}),
        json!({"generation": u64::MAX}),
        json!({"generation": 2.0}),
        json!({"generation": "2"}),
        json!({"creationTimestamp": "yesterday"}),
        json!({"creationTimestamp": 5}),
        json!({"creationTimestamp": null}),
        json!({"ownerReferences": [{"apiVersion": "v1", "kind": "X", "name": "n"}]}),
        json!({"ownerReferences": [{"kind": "X", "name": "n", "uid": "u"}]}),
        json!({"unknown": {"deep": [1, -2, 3.5, null, "s"]}}),
        json!([]),
        json!("metadata"),
        json!(null),
        json!(7),
    ];
    let read: Vec<bool> = cases.into_iter().map(agree::<ObjectMeta>).collect();
    assert!(read.contains(&true) && read.contains(&false), "{read:?}");
}

#[test]
fn objects_read_and_fail_as_serde_json_does() {
    let read = [
        agree::<Service>(json!({
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
            "spec": {"ports": [{"port": 80, "targetPort": "http"}, {"port": 81, "targetPort": 8081}]}
        })),
        agree::<Service>(json!({"apiVersion": "v2", "kind": "Service"})),
        agree::<Service>(json!({"apiVersion": "v1", "kind": "Pod"})),
        agree::<Service>(json!({"spec": {"ports": [{"port": "80"}]}})),
        agree::<Service>(json!({"spec": {"ports": [{}]}})),
        agree::<Service>(json!({"spec": {"ports": [{"port": 80, "targetPort": -1}]}})),
        agree::<Service>(json!({"spec": {"ports": [{"port": 80, "targetPort": 1.5}]}})),
        agree::<Service>(json!({"spec": {"ports": [{"port": 80, "targetPort": 4294967296u64}]}})),
        agree::<Service>(json!({"spec": {"ports": {"port": 80}}})),
        agree::<Secret>(json!({"data": {"k": "aGk="}, "stringData": {"s": "t"}})),
        agree::<Secret>(json!({"data": {"k": "not base64!"}})),
        agree::<Secret>(json!({"data": {"k": null}})),
        agree::<Secret>(json!({"data": {"k": 1}})),
        agree::<Secret>(json!({"immutable": "yes"})),
        agree::<PodDisruptionBudget>(json!({"spec": {"minAvailable": "50%"}})),
        agree::<PodDisruptionBudget>(json!({"spec": {"maxUnavailable": 1}})),
        agree::<PodDisruptionBudget>(json!({"spec": {"maxUnavailable": true}})),
        agree::<PersistentVolumeClaim>(
            json!({"spec": {"resources": {"requests": {"storage": "5Gi"}}}}),
        ),
        agree::<PersistentVolumeClaim>(
            json!({"spec": {"resources": {"requests": {"storage": 5}}}}),
        ),
        agree::<PersistentVolumeClaim>(
            json!({"spec": {"resources": {"requests": {"storage": null}}}}),
        ),
        agree::<ServiceMonitor>(
            json!({"spec": {"endpoints": [{"port": "metrics", "interval": "30s"}]}}),
        ),
        agree::<ServiceMonitor>(json!({"spec": {"endpoints": [{"port": 9090}]}})),
        agree::<ServiceMonitor>(json!({"spec": {"endpoints": "metrics"}})),
        agree::<Value>(json!({"a": [1, -1, 1.5, null, true, "s", {"b": {}}]})),
    ];
    assert!(read.contains(&true) && read.contains(&false), "{read:?}");
}

/// `Object::from_value` gives the typed object `serde_json` gives, and its message.
#[test]
fn object_from_value_matches_serde_json() {
    let good = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"clusterIP": "None"}});
    let typed: Service = serde_json::from_value(good.clone()).expect("a Service");
    assert_eq!(
        Object::from_value(good).unwrap(),
        Some(Object::Service(Box::new(typed)))
    );
    let bad = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"labels": {"a": null}}});
    let theirs = serde_json::from_value::<Service>(bad.clone()).unwrap_err();
    assert_eq!(
        Object::from_value(bad).unwrap_err().to_string(),
        theirs.to_string()
    );
    assert_eq!(theirs.to_string(), "invalid type: null, expected a string");
    assert_eq!(Object::from_value(json!({"kind": "Widget"})).unwrap(), None);
    assert_eq!(Object::from_value(json!({"spec": 1})).unwrap(), None);
}

/// Numbers keep the visitor call `serde_json` makes: `u64` from 0 up, `i64` below, `f64`.
#[test]
fn json_numbers_become_the_same_nodes() {
    let node = Node::from_json(json!([0, 5, -5, 1.5, u64::MAX, i64::MIN]));
    assert_eq!(node.to_json(), json!([0, 5, -5, 1.5, u64::MAX, i64::MIN]));
    let super::NodeValue::Seq(items) = node.value else {
        panic!("a sequence")
    };
    let kinds: Vec<&str> = items
        .iter()
        .map(|n| match n.value {
            super::NodeValue::U64(_) => "u64",
            super::NodeValue::I64(_) => "i64",
            super::NodeValue::F64(_) => "f64",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["u64", "u64", "i64", "f64", "u64", "i64"]);
}
