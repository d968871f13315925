//! Unit tests of the table and of the text `expr` and `assign` write. That the text compiles
//! and builds the objects is proved by `tests/typed_corpus.rs` (every corpus object, the
//! assignment cases, the differences between environments, every field of the table).

use serde_json::json;

use super::lit::str_lit;
use super::*;

pub(super) const DEPLOYMENT: &str = "io.k8s.api.apps.v1.Deployment";

pub(super) fn seg(path: &str) -> Vec<PathSeg> {
    parse_path(path).expect("a path")
}

pub(super) fn flat(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn table_loads_and_names_k8s_openapi_fields() {
    let s = schema();
    assert!(s.source.contains("v1.33.0-local"), "{}", s.source);
    assert_eq!(s.kinds.len(), 96);
    assert_eq!(root_type("apps/v1", "Deployment"), Some(DEPLOYMENT));
    assert_eq!(
        root_type("v1", "ConfigMap"),
        Some("io.k8s.api.core.v1.ConfigMap")
    );
    assert_eq!(
        root_type("apiregistration.k8s.io/v1", "APIService"),
        Some("io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService")
    );
    assert_eq!(
        root_type("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
        Some("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition")
    );
    assert_eq!(
        root_type("apiextensions.k8s.io/v1", "CustomResourceDefinitionList"),
        None
    );
    assert_eq!(root_type("v1", "List"), None);
    let rust = |def: &str, json: &str| {
        definition(def)
            .and_then(|d| d.field(json))
            .map(|f| f.rust.clone())
    };
    let svc = "io.k8s.api.core.v1.ServiceSpec";
    assert_eq!(rust(svc, "clusterIPs").as_deref(), Some("cluster_ips"));
    assert_eq!(rust(svc, "type").as_deref(), Some("type_"));
    assert_eq!(
        rust("io.k8s.api.core.v1.NodeSpec", "podCIDRs").as_deref(),
        Some("pod_cidrs")
    );
    assert_eq!(
        rust("io.k8s.api.rbac.v1.PolicyRule", "nonResourceURLs").as_deref(),
        Some("non_resource_urls")
    );
    assert_eq!(
        rust("io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta", "continue").as_deref(),
        Some("continue_")
    );
    let meta = definition("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").expect("meta");
    assert!(meta.default && meta.fields.iter().all(|f| !f.required));
    let dep = definition(DEPLOYMENT).expect("deployment");
    assert!(dep.field("metadata").is_some_and(|f| f.required));
    assert!(dep.field("apiVersion").is_none());
}

#[test]
fn type_paths() {
    assert_eq!(
        rust_type_path(DEPLOYMENT),
        "dsl::k8s_openapi::api::apps::v1::Deployment"
    );
    assert_eq!(
        rust_type_path("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"),
        "dsl::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta"
    );
    assert_eq!(
        rust_type_path("io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService"),
        "dsl::k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService"
    );
}

#[test]
fn expr_writes_struct_literals_options_and_scalars() {
    let value = json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web"}},
        "data": {"a": "1"},
        "immutable": null
    });
    let e = expr("io.k8s.api.core.v1.ConfigMap", &value).expect("expr");
    assert_eq!(
        e,
        "dsl::k8s_openapi::api::core::v1::ConfigMap {
    metadata: dsl::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
        labels: Some(std::collections::BTreeMap::from([
            (\"app.kubernetes.io/name\".into(), \"web\".into()),
        ])),
        name: Some(\"web\".into()),
        ..Default::default()
    },
    data: Some(std::collections::BTreeMap::from([(\"a\".into(), \"1\".into())])),
    ..Default::default()
}"
    );
}

#[test]
fn expr_typed_scalars() {
    let port = json!({"port": 80, "targetPort": "http", "protocol": "TCP"});
    let e = flat(&expr("io.k8s.api.core.v1.ServicePort", &port).expect("port"));
    assert!(e.contains("port: 80,"), "{e}");
    assert!(
        e.contains("target_port: Some(dsl::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String(\"http\".into()))"),
        "{e}"
    );
    let e = flat(
        &expr(
            "io.k8s.api.core.v1.ServicePort",
            &json!({"port": 80, "targetPort": 8080}),
        )
        .expect("int"),
    );
    assert!(e.contains("IntOrString::Int(8080)"), "{e}");
    // Every field given: no `..Default::default()`.
    let e = expr(
        "io.k8s.api.core.v1.ResourceRequirements",
        &json!({"limits": {"memory": "1Gi"}, "requests": {"cpu": 0.5, "memory": 128}, "claims": []}),
    )
    .expect("resources");
    assert!(!e.contains("..Default::default()"), "{e}");
    assert!(e.contains("claims: Some(Vec::new())"), "{e}");
    let e = flat(&e);
    assert!(e.contains("Quantity(\"1Gi\".into())"), "{e}");
    assert!(e.contains("Quantity(\"0.5\".into())"), "{e}");
    assert!(e.contains("Quantity(\"128\".into())"), "{e}");
    // f64 literals type as floats; i64 stays an integer.
    let e = flat(
        &expr(
            "io.k8s.api.flowcontrol.v1.LimitResponse",
            &json!({"type": "Reject"}),
        )
        .expect("lr"),
    );
    assert!(e.contains("type_: \"Reject\".into()"), "{e}");
    let e = expr(
        "io.k8s.api.core.v1.PodSecurityContext",
        &json!({"runAsUser": 1000, "fsGroup": 2000}),
    )
    .expect("psc");
    assert!(e.contains("run_as_user: Some(1000),"), "{e}");
    // An empty struct value.
    let e = expr("io.k8s.api.core.v1.EmptyDirVolumeSource", &json!({})).expect("empty");
    assert_eq!(
        e,
        "dsl::k8s_openapi::api::core::v1::EmptyDirVolumeSource::default()"
    );
}

#[test]
fn expr_lists_bytes_time_and_json() {
    let e = expr(
        "io.k8s.api.core.v1.Container",
        &json!({"name": "app", "args": ["--port", "8080"]}),
    )
    .expect("container");
    assert!(
        e.contains("args: Some(vec![\"--port\".into(), \"8080\".into()]),"),
        "{e}"
    );
    assert!(e.contains("name: \"app\".into(),"), "{e}");
    let e = expr(
        "io.k8s.api.core.v1.ConfigMap",
        &json!({"metadata": {}, "binaryData": {"a": "aGk=", "b": "/w=="}}),
    )
    .expect("bytes");
    assert!(
        e.contains("dsl::k8s_openapi::ByteString(\"hi\".into())"),
        "{e}"
    );
    assert!(e.contains("dsl::k8s_openapi::ByteString(vec![255])"), "{e}");
    let e = expr(
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        &json!({"creationTimestamp": "2024-01-02T03:04:05Z"}),
    )
    .expect("time");
    assert!(
        e.contains("Time(\"2024-01-02T03:04:05Z\".parse().expect(\"an RFC 3339 time\"))"),
        "{e}"
    );
    let e = expr(
        "io.k8s.api.apps.v1.ControllerRevision",
        &json!({"metadata": {}, "revision": 1, "data": {"a": [1, "x\u{8}"]}}),
    )
    .expect("raw");
    assert!(
        e.contains("RawExtension(dsl::k8s_openapi::serde_json::json!({"),
        "{e}"
    );
    assert!(e.contains("\"x\\u{8}\""), "{e}");
}

#[test]
fn expr_errors_name_the_path() {
    let err = expr(DEPLOYMENT, &json!({"spec": {"replicas": 1, "replicaz": 2}})).unwrap_err();
    assert_eq!(err.kind, TypedErrorKind::UnknownField);
    assert_eq!(err.path, "spec.replicaz");
    assert_eq!(
        err.to_string(),
        "`spec.replicaz`: `DeploymentSpec` has no field `replicaz`"
    );
    let err = expr(DEPLOYMENT, &json!({"spec": {"replicas": 3_000_000_000u64}})).unwrap_err();
    assert_eq!(
        (err.kind, err.path.as_str()),
        (TypedErrorKind::OutOfRange, "spec.replicas")
    );
    let err = expr(DEPLOYMENT, &json!({"spec": {"replicas": "3"}})).unwrap_err();
    assert_eq!(err.kind, TypedErrorKind::TypeMismatch);
    assert_eq!(err.message, "expected an integer, found the string \"3\"");
    let err = expr(
        "io.k8s.api.core.v1.ServicePort",
        &json!({"port": 80, "targetPort": 1.5}),
    )
    .unwrap_err();
    assert_eq!(
        (err.kind, err.path.as_str()),
        (TypedErrorKind::TypeMismatch, "targetPort")
    );
    let err = expr(
        "io.k8s.api.core.v1.Pod",
        &json!({"metadata": {"labels": {"a.b/c": 1}}}),
    )
    .unwrap_err();
    assert_eq!(err.path, "metadata.labels[\"a.b/c\"]");
    let err = expr("io.k8s.api.core.v1.Nope", &json!({})).unwrap_err();
    assert_eq!(err.kind, TypedErrorKind::UnknownDefinition);
    let err = expr(
        "io.k8s.api.core.v1.Secret",
        &json!({"data": {"k": "not base64!"}}),
    )
    .unwrap_err();
    assert_eq!(err.path, "data.k");
    // A required Time without a value cannot be defaulted.
    let err = expr(
        "io.k8s.apimachinery.pkg.apis.meta.v1.Condition",
        &json!({"type": "Ready"}),
    )
    .unwrap_err();
    assert_eq!(
        (err.kind, err.path.as_str()),
        (TypedErrorKind::Unsupported, "lastTransitionTime")
    );
}

#[test]
fn assign_creates_options_on_the_way() {
    let a = assign(DEPLOYMENT, "d", &seg("spec.replicas"), Some(&json!(3))).expect("assign");
    assert_eq!(
        a,
        "d.spec.get_or_insert_with(Default::default).replicas = Some(3);"
    );
    let a = assign(
        DEPLOYMENT,
        "d",
        &seg("spec.template.spec.containers[0].image"),
        Some(&json!("nginx:1")),
    )
    .expect("image");
    assert_eq!(
        a,
        "d.spec.get_or_insert_with(Default::default).template.spec.get_or_insert_with(Default::default).containers[0].image = Some(\"nginx:1\".into());"
    );
    // A required field set whole.
    let a = assign(
        DEPLOYMENT,
        "d",
        &seg("spec.selector"),
        Some(&json!({"matchLabels": {"app": "web"}})),
    )
    .expect("selector");
    assert!(a.starts_with("d.spec.get_or_insert_with(Default::default).selector = dsl::k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector {"), "{a}");
}

#[test]
fn assign_removes() {
    let a = assign(DEPLOYMENT, "d", &seg("spec.strategy"), None).expect("remove");
    assert_eq!(
        a,
        "d.spec.get_or_insert_with(Default::default).strategy = None;"
    );
    let a = assign(DEPLOYMENT, "d", &seg("spec.strategy"), Some(&json!(null))).expect("null");
    assert_eq!(
        a,
        "d.spec.get_or_insert_with(Default::default).strategy = None;"
    );
    let a = assign(DEPLOYMENT, "d", &seg("spec.template.spec.containers"), None).expect("clear");
    assert_eq!(a, "d.spec.get_or_insert_with(Default::default).template.spec.get_or_insert_with(Default::default).containers.clear();");
    let a = assign(
        DEPLOYMENT,
        "d",
        &seg("spec.template.spec.containers[0].name"),
        None,
    )
    .expect("required");
    assert!(
        a.ends_with(".containers[0].name = Default::default();"),
        "{a}"
    );
    let a = assign(
        DEPLOYMENT,
        "d",
        &seg("spec.template.spec.containers[1]"),
        None,
    )
    .expect("element");
    assert!(a.ends_with(".containers.remove(1);"), "{a}");
}

#[test]
fn assign_map_keys_with_dots_and_slashes() {
    let path = seg("metadata.annotations[\"prometheus.io/scrape\"]");
    let a = assign(DEPLOYMENT, "d", &path, Some(&json!("true"))).expect("insert");
    assert_eq!(
        a,
        "d.metadata.annotations.get_or_insert_with(Default::default).insert(\"prometheus.io/scrape\".into(), \"true\".into());"
    );
    let a = assign(DEPLOYMENT, "d", &path, None).expect("remove");
    assert_eq!(
        a,
        "d.metadata.annotations.get_or_insert_with(Default::default).remove(\"prometheus.io/scrape\");"
    );
    // A map entry on the way.
    let a = assign(
        "io.k8s.api.core.v1.Container",
        "c",
        &seg("resources.limits.memory"),
        Some(&json!("1Gi")),
    )
    .expect("quantity");
    assert_eq!(
        a,
        "c.resources.get_or_insert_with(Default::default).limits.get_or_insert_with(Default::default).insert(\"memory\".into(), dsl::k8s_openapi::apimachinery::pkg::api::resource::Quantity(\"1Gi\".into()));"
    );
}

#[test]
fn assign_int_or_string_and_errors() {
    let a = assign(
        "io.k8s.api.core.v1.Service",
        "s",
        &seg("spec.ports[0].targetPort"),
        Some(&json!(8080)),
    )
    .expect("targetPort");
    assert!(a.ends_with(".ports.get_or_insert_with(Default::default)[0].target_port = Some(dsl::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(8080));"), "{a}");
    let err = assign(DEPLOYMENT, "d", &seg("spec.replicas.x"), Some(&json!(1))).unwrap_err();
    assert_eq!(
        (err.kind, err.path.as_str()),
        (TypedErrorKind::TypeMismatch, "spec.replicas.x")
    );
    let err = assign(DEPLOYMENT, "d", &seg("kind"), Some(&json!("X"))).unwrap_err();
    assert_eq!(err.kind, TypedErrorKind::Unsupported);
    let err = assign(DEPLOYMENT, "d", &seg("spec.templates"), None).unwrap_err();
    assert_eq!(
        (err.kind, err.path.as_str()),
        (TypedErrorKind::UnknownField, "spec.templates")
    );
    let err = assign(DEPLOYMENT, "d", &[], None).unwrap_err();
    assert_eq!(err.kind, TypedErrorKind::Unsupported);
    let err = assign(
        DEPLOYMENT,
        "d",
        &seg("spec.replicas"),
        Some(&json!(-3_000_000_000i64)),
    )
    .unwrap_err();
    assert_eq!(err.kind, TypedErrorKind::OutOfRange);
}

#[test]
fn assign_into_raw_json() {
    let a = assign(
        "io.k8s.api.apps.v1.ControllerRevision",
        "r",
        &seg("data.spec.x"),
        Some(&json!(1)),
    )
    .expect("raw");
    assert_eq!(
        a,
        "r.data.get_or_insert_with(Default::default).0[\"spec\"][\"x\"] = dsl::k8s_openapi::serde_json::json!(1);"
    );
}

#[test]
fn string_literals() {
    assert_eq!(str_lit("plain"), "\"plain\"");
    // Several lines: one literal a line, safe under any re-indentation.
    assert_eq!(
        str_lit("a\nb \"c\"\nd"),
        "concat!(\n    \"a\\n\",\n    \"b \\\"c\\\"\\n\",\n    \"d\"\n)"
    );
    assert_eq!(str_lit("a\nb"), "\"a\\nb\"");
    let long = "a long single line that is longer than forty characters";
    assert_eq!(str_lit(long), format!("{long:?}"));
    // A line longer than 100 columns at its indentation: pieces cut after a space, which
    // concatenate to the line.
    let words = "word ".repeat(40);
    let cut = str_lit_at(&words, 8);
    assert!(cut.starts_with("concat!(\n"), "{cut}");
    let pieces: Vec<&str> = cut.lines().skip(1).filter(|l| l.contains('"')).collect();
    assert!(pieces.len() >= 3, "{cut}");
    for p in &pieces {
        assert!(p.len() <= 100, "{p}");
        assert!(p.trim().trim_end_matches(',').ends_with(" \""), "{p}");
    }
    let joined: String = pieces
        .iter()
        .map(|p| p.trim().trim_end_matches(',').trim_matches('"'))
        .collect();
    assert_eq!(joined, words);
    // No space to cut at, escapes counted, a character never split.
    let dense = format!("{}\u{e9}\"", "x".repeat(150));
    let cut = str_lit_at(&dense, 0);
    assert!(cut.lines().all(|l| l.len() <= 100), "{cut}");
    assert!(cut.contains('\u{e9}'), "{cut}");
    assert_eq!(str_lit("one line\n"), "\"one line\\n\"");
    assert_eq!(str_lit("say \"hi\""), "r#\"say \"hi\"\"#");
    assert_eq!(str_lit("\"##"), "r###\"\"##\"###");
    assert_eq!(str_lit("^\\d+$"), "r\"^\\d+$\"");
    // Escapes that a raw string cannot hold stay escaped.
    assert_eq!(str_lit("a\rb"), "\"a\\rb\"");
    assert_eq!(str_lit("x\u{202e}"), "\"x\\u{202e}\"");
    assert_eq!(str_lit("tab\there"), "\"tab\\there\"");
}
