//! Unit tests of paths, `known_fields`, `shorten`, `diff` and `assign_all`, nested kinds and
//! types without `Default`.

use serde_json::{json, Value};

use super::lit::base64_decode;
use super::tests::{seg, DEPLOYMENT};
use super::*;

#[test]
fn base64() {
    assert_eq!(base64_decode("aGk=").as_deref(), Some(&b"hi"[..]));
    assert_eq!(base64_decode("aGVsbG8=").as_deref(), Some(&b"hello"[..]));
    assert_eq!(base64_decode("").as_deref(), Some(&b""[..]));
    assert_eq!(base64_decode("aGk"), None);
    assert_eq!(base64_decode("aGl="), None, "non-zero trailing bits");
    assert_eq!(base64_decode("a=Gk"), None);
}

#[test]
fn path_text_is_kubectl_style() {
    assert_eq!(
        path_text(&seg(
            "spec.template.metadata.labels[\"app.kubernetes.io/name\"]"
        )),
        "spec.template.metadata.labels[\"app.kubernetes.io/name\"]"
    );
    assert_eq!(
        path_text(&seg("spec.containers[2].env")),
        "spec.containers[2].env"
    );
}

#[test]
fn paths_parse_back() {
    for text in [
        "spec.template.spec.containers[0].image",
        "metadata.annotations[\"a.b/c\"]",
        "data[\"say \\\"hi\\\" \\\\ bye\"][3][\"\"]",
        "[0]",
    ] {
        let path = parse_path(text).expect(text);
        assert_eq!(path_text(&path), text);
    }
    assert_eq!(
        parse_path("a.b[2][\"c.d\"]").expect("path"),
        vec![
            PathSeg::key("a"),
            PathSeg::key("b"),
            PathSeg::Index(2),
            PathSeg::key("c.d")
        ]
    );
    for bad in [
        "a..b",
        "a.[0]",
        "a.",
        "a[",
        "a[x]",
        "a[\"b",
        "a[\"\\n\"]",
        ".a",
    ] {
        assert!(parse_path(bad).is_err(), "{bad}");
    }
}

#[test]
fn known_fields_lists_what_k8s_openapi_drops() {
    let value = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"a": "b"}, "creationTimestampp": 1},
        "spec": {
            "replicas": 2,
            "template": {"spec": {"containers": [{"name": "app", "imagePullPolicyy": "Always"}]}},
            "selector": {"matchLabels": {"app": "web"}}
        },
        "extra": {"x": 1}
    });
    let (kept, dropped) = known_fields(DEPLOYMENT, &value);
    let dropped: Vec<String> = dropped.iter().map(|p| path_text(p)).collect();
    assert_eq!(
        dropped,
        [
            "extra",
            "metadata.creationTimestampp",
            "spec.template.spec.containers[0].imagePullPolicyy"
        ]
    );
    assert_eq!(kept["apiVersion"], "apps/v1");
    assert_eq!(
        kept["metadata"],
        json!({"name": "web", "labels": {"a": "b"}})
    );
    // What is kept is exactly what expr accepts.
    expr(DEPLOYMENT, &kept).expect("the known fields");
    // A nested `kind` is a field only where the type has one.
    let (_, dropped) = known_fields(
        "io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler",
        &json!({"spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "kind": "x"}}),
    );
    assert_eq!(dropped, [seg("spec.kind")]);
    let (kept, dropped) = known_fields("io.k8s.nope", &json!({"a": 1}));
    assert_eq!((kept, dropped.len()), (json!({"a": 1}), 0));
}

#[test]
fn shorten_uses_names_where_unambiguous() {
    let code = "let a = dsl::k8s_openapi::api::core::v1::Event::default();
let b = dsl::k8s_openapi::api::events::v1::Event::default();
let c = dsl::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(80);
let m: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::from([]);
let s = \"dsl::k8s_openapi::api::core::v1::Pod\"; // dsl::k8s_openapi::api::core::v1::Pod
let r = r#\"dsl::k8s_openapi::api::core::v1::Pod \"\"#;
let j = dsl::k8s_openapi::serde_json::json!({\"é\": 'x'});
let p = dsl::k8s_openapi::api::core::v1::Pod::default();
let q = dsl::k8s_openapi::api::core::v1::PodSpec::default();
let t = dsl::k8s_openapi::api::apps::v1::Deployment::default();";
    let (short, uses) = shorten(code, &["Deployment"]);
    assert_eq!(
        short,
        "let a = dsl::k8s_openapi::api::core::v1::Event::default();
let b = dsl::k8s_openapi::api::events::v1::Event::default();
let c = IntOrString::Int(80);
let m: BTreeMap<String, String> = BTreeMap::from([]);
let s = \"dsl::k8s_openapi::api::core::v1::Pod\"; // dsl::k8s_openapi::api::core::v1::Pod
let r = r#\"dsl::k8s_openapi::api::core::v1::Pod \"\"#;
let j = dsl::k8s_openapi::serde_json::json!({\"é\": 'x'});
let p = Pod::default();
let q = PodSpec::default();
let t = dsl::k8s_openapi::api::apps::v1::Deployment::default();"
    );
    assert_eq!(
        uses,
        [
            "use dsl::k8s_openapi::api::core::v1::{Pod, PodSpec};",
            "use dsl::k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;",
            "use std::collections::BTreeMap;"
        ]
    );
    // Hostile text does not panic.
    for text in [
        "\"unclosed",
        "r#\"x",
        "'",
        "dsl::k8s_openapi::",
        "é'é",
        "/* x",
        "b\"\\",
    ] {
        let _ = shorten(text, &[]);
    }
}

#[test]
fn nested_kinds_keep_their_api_version_and_kind() {
    let sts = json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
        "spec": {
            "selector": {}, "template": {},
            "volumeClaimTemplates": [{"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"}}]
        }
    });
    let e = expr("io.k8s.api.apps.v1.StatefulSet", &sts).expect("nested kind");
    assert!(!e.contains("api_version"), "{e}");
    let mut wrong = sts.clone();
    wrong["spec"]["volumeClaimTemplates"][0]["kind"] = json!("Pod");
    let err = expr("io.k8s.api.apps.v1.StatefulSet", &wrong).unwrap_err();
    assert_eq!(err.path, "spec.volumeClaimTemplates[0].kind");
    assert_eq!(
        err.message,
        "expected \"PersistentVolumeClaim\", found the string \"Pod\""
    );
    let (_, dropped) = known_fields("io.k8s.api.apps.v1.StatefulSet", &sts);
    assert!(dropped.is_empty(), "{dropped:?}");
}

#[test]
fn types_without_default() {
    // EventSeries has a required MicroTime: no Default, so no Option is created through it
    // and a literal names every field.
    let event = "io.k8s.api.events.v1.Event";
    let err = assign(event, "e", &seg("series.count"), Some(&json!(3))).unwrap_err();
    assert_eq!(
        (err.kind, err.path.as_str()),
        (TypedErrorKind::Unsupported, "series")
    );
    assert_eq!(
        err.message,
        "`EventSeries` has no `Default`: set the field whole"
    );
    let a = assign(
        event,
        "e",
        &seg("series"),
        Some(&json!({"lastObservedTime": "2024-01-01T00:00:00.000001Z"})),
    )
    .expect("whole");
    assert!(
        a.starts_with("e.series = Some(dsl::k8s_openapi::api::events::v1::EventSeries {"),
        "{a}"
    );
    assert!(a.contains("count: Default::default(),"), "{a}");
    assert!(!a.contains(".."), "{a}");
}

#[test]
fn diff_finds_the_changes_field_by_field() {
    let from = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"a": "1", "b": "2"}},
        "spec": {
            "replicas": 1,
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}},
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"spec": {"containers": [{"name": "app", "args": ["a"]}]}}
        }
    });
    let to = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"a": "1", "c": "3"}, "annotations": {"x/y": "z"}},
        "spec": {
            "replicas": 3,
            "strategy": {"type": "Recreate"},
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"spec": {"containers": [{"name": "app", "args": ["a", "b"]}]}}
        }
    });
    let changes = diff(DEPLOYMENT, &from, &to).expect("diff");
    let text: Vec<(String, Option<Value>)> = changes
        .iter()
        .map(|(p, v)| (path_text(p), v.clone()))
        .collect();
    assert_eq!(
        text,
        [
            ("metadata.annotations".to_owned(), Some(json!({"x/y": "z"}))),
            ("metadata.labels.b".to_owned(), None),
            ("metadata.labels.c".to_owned(), Some(json!("3"))),
            ("spec.replicas".to_owned(), Some(json!(3))),
            ("spec.strategy.rollingUpdate".to_owned(), None),
            ("spec.strategy.type".to_owned(), Some(json!("Recreate"))),
            (
                "spec.template.spec.containers[0].args".to_owned(),
                Some(json!(["a", "b"]))
            ),
        ]
    );
    let body = assign_all(DEPLOYMENT, "d", &changes).expect("statements");
    assert_eq!(
        body,
        "d.metadata.annotations = Some(std::collections::BTreeMap::from([(\"x/y\".into(), \"z\".into())]));
let labels = d.metadata.labels.get_or_insert_with(Default::default);
labels.remove(\"b\");
labels.insert(\"c\".into(), \"3\".into());
let spec = d.spec.get_or_insert_with(Default::default);
spec.replicas = Some(3);
let strategy = spec.strategy.get_or_insert_with(Default::default);
strategy.rolling_update = None;
strategy.type_ = Some(\"Recreate\".into());
spec.template.spec.get_or_insert_with(Default::default).containers[0].args = Some(vec![\"a\".into(), \"b\".into()]);"
    );
    assert!(diff(DEPLOYMENT, &from, &from).expect("same").is_empty());
    let err = diff(DEPLOYMENT, &from, &json!({"spec": {"replicaz": 1}})).unwrap_err();
    assert_eq!(
        (err.kind, err.path.as_str()),
        (TypedErrorKind::UnknownField, "spec.replicaz")
    );
}

#[test]
fn hostile_values_never_panic() {
    let values = [
        json!(null),
        json!(1),
        json!(-1),
        json!(1e300),
        json!(u64::MAX),
        json!("x"),
        json!(""),
        json!([null, 1, "x"]),
        json!({}),
        json!({"a": {"b": null}}),
    ];
    let mut names: Vec<&&str> = schema().definitions.keys().collect();
    names.sort();
    let (mut ok, mut err) = (0, 0);
    for name in names {
        let def = definition(name).expect("listed");
        let mut wrong = serde_json::Map::new();
        for (i, f) in def.fields.iter().enumerate() {
            wrong.insert(f.json.to_owned(), values[i % values.len()].clone());
        }
        let wrong = Value::Object(wrong);
        for v in values.iter().chain([&wrong]) {
            match expr(name, v) {
                Ok(_) => ok += 1,
                Err(e) => {
                    assert!(!e.message.is_empty());
                    err += 1;
                }
            }
            let _ = known_fields(name, v);
            let _ = diff(name, v, &wrong);
            let _ = diff(name, &wrong, v);
        }
        for f in &def.fields {
            for v in &values {
                for path in [
                    vec![PathSeg::key(f.json)],
                    vec![PathSeg::key(f.json), PathSeg::Index(3)],
                    vec![
                        PathSeg::key(f.json),
                        PathSeg::key("a.b/c"),
                        PathSeg::key("x"),
                    ],
                ] {
                    let _ = assign(name, "o", &path, Some(v));
                    let _ = assign(name, "o", &path, None);
                }
            }
        }
    }
    assert!(ok > 0 && err > 0, "{ok} {err}");
}
