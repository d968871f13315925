//! CustomResourceDefinitions: apiextensions v1 and the special types of k8s-openapi
//! (`JSONSchemaProps` with a boxed `not`, its three enums, `JSON`).

use serde_json::json;

use super::tests::{flat, seg};
use super::*;

const CRD: &str =
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition";
const PROPS: &str = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps";

#[test]
fn schema_enums_box_and_json_values() {
    let v = json!({
        "$ref": "#/definitions/a", "x-kubernetes-int-or-string": true,
        "items": [{"type": "string"}], "additionalProperties": false,
        "additionalItems": {"type": "integer"},
        "dependencies": {"a": ["b"], "c": {"required": ["d"]}},
        "enum": ["x", null], "default": {"k": [1]}, "not": {"type": "object"}
    });
    let e = flat(&shorten(&expr(PROPS, &v).expect("typed"), &[]).0);
    for want in [
        "ref_path: Some(\"#/definitions/a\".into())",
        "x_kubernetes_int_or_string: Some(true)",
        "items: Some(JSONSchemaPropsOrArray::Schemas(vec![ JSONSchemaProps { type_: Some(\"string\".into()), ..Default::default() }, ]))",
        "additional_properties: Some(JSONSchemaPropsOrBool::Bool(false))",
        "additional_items: Some(JSONSchemaPropsOrBool::Schema(Box::new(JSONSchemaProps {",
        "(\"a\".into(), JSONSchemaPropsOrStringArray::Strings(vec![\"b\".into()]))",
        "JSONSchemaPropsOrStringArray::Schema(Box::new(JSONSchemaProps {",
        "JSON(dsl::k8s_openapi::serde_json::json!(null))",
        "not: Some(Box::new(JSONSchemaProps {",
    ] {
        assert!(e.contains(want), "{want}\nin {e}");
    }
    // Values of no variant are errors naming the path.
    let err = expr(PROPS, &json!({"items": true})).expect_err("not a schema");
    assert_eq!(
        (err.kind, err.path.as_str()),
        (TypedErrorKind::TypeMismatch, "items")
    );
    let err = expr(PROPS, &json!({"additionalProperties": [1]})).expect_err("not a schema");
    assert_eq!(err.path, "additionalProperties");
    // `null` is a JSON value in an enum, not elsewhere.
    assert!(expr(PROPS, &json!({"required": ["a", null]})).is_err());
}

#[test]
fn crd_root_and_nested_assignments() {
    assert_eq!(
        root_type("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
        Some(CRD)
    );
    let path = seg("spec.versions[0].schema.openAPIV3Schema.properties[\"spec\"].not.description");
    let s = flat(&assign(CRD, "d", &path, Some(&json!("no"))).expect("assigns"));
    assert_eq!(
        s,
        "d.spec.versions[0].schema.get_or_insert_with(Default::default).open_api_v3_schema\
         .get_or_insert_with(Default::default).properties.get_or_insert_with(Default::default)\
         .entry(\"spec\".into()).or_default().not.get_or_insert_with(Default::default)\
         .description = Some(\"no\".into());"
    );
    // Into an enum: set it whole.
    let err = assign(PROPS, "p", &seg("items.type"), Some(&json!("x"))).expect_err("enum");
    assert_eq!(err.kind, TypedErrorKind::Unsupported);
    let s = assign(PROPS, "p", &seg("items"), Some(&json!({"type": "x"}))).expect("whole");
    assert!(flat(&s).starts_with("p.items = Some(dsl::k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::JSONSchemaPropsOrArray::Schema(Box::new("), "{s}");
}

#[test]
fn known_fields_and_diff_see_through_schemas() {
    let v = json!({"items": {"type": "string", "bogus": 1}, "not": {"nope": 2},
                   "additionalProperties": true, "default": {"any": "thing"}});
    let (kept, dropped) = known_fields(PROPS, &v);
    let dropped: Vec<String> = dropped.iter().map(|p| path_text(p)).collect();
    assert_eq!(dropped, ["items.bogus", "not.nope"]);
    assert_eq!(kept["default"], json!({"any": "thing"}));
    let a = json!({"not": {"type": "a"}, "items": {"type": "a"}});
    let b = json!({"not": {"type": "b"}, "items": {"type": "b"}});
    let changes = diff(PROPS, &a, &b).expect("diffs");
    let paths: Vec<String> = changes.iter().map(|(p, _)| path_text(p)).collect();
    // Through the Box field by field; an enum replaced whole.
    assert_eq!(paths, ["items", "not.type"]);
    let s = assign_all(PROPS, "p", &changes).expect("statements");
    assert!(
        s.contains("p.not.get_or_insert_with(Default::default).type_ = Some(\"b\".into());"),
        "{s}"
    );
}

#[test]
fn expr_split_moves_large_schemas_into_functions() {
    let big = json!({"description": "x".repeat(100), "type": "string"});
    let v = json!({"properties": {"a": big, "b": {"properties": {"c": big}}}});
    let (e, fns) = expr_split(PROPS, &v, "s", 100).expect("typed");
    // `a`, `c`, then `b` (which calls `c`'s); the value asked for stays an expression.
    assert_eq!(fns.len(), 3, "{fns:?}");
    assert!(
        fns[0].starts_with("fn s_1() -> dsl::k8s_openapi::"),
        "{}",
        fns[0]
    );
    assert!(
        flat(&fns[2]).contains("(\"c\".into(), s_2())"),
        "{}",
        fns[2]
    );
    assert!(flat(&e).contains("(\"a\".into(), s_1())"), "{e}");
    assert!(flat(&e).contains("(\"b\".into(), s_3())"), "{e}");
    // Without a split nothing is collected, and the split does not stay on.
    assert!(!expr(PROPS, &v).expect("typed").contains("s_1()"));
}

#[test]
fn expr_split_module_lays_functions_out_for_a_module_of_their_own() {
    let big = json!({"description": "x".repeat(100), "type": "string"});
    let v = json!({"properties": {"a": big, "b": {"properties": {"c": big}}}});
    let layout = crate::typed::ModuleLayout {
        prefix: "s",
        min: 100,
        module: "m",
        ind: 0,
        hoist: None,
    };
    let out = crate::typed::expr_split_module(PROPS, &v, &layout, &mut Default::default())
        .expect("typed");
    let (e, fns) = (out.expr, out.fns);
    assert_eq!(fns.len(), 3, "{fns:?}");
    // One step in for the module, two for the body, and every line moved with it.
    let first: Vec<&str> = fns[0].lines().collect();
    assert!(
        first[0].starts_with("    pub(super) fn s_1() -> dsl::k8s_openapi::"),
        "{}",
        fns[0]
    );
    assert!(
        first[1].starts_with("        dsl::k8s_openapi::"),
        "{}",
        fns[0]
    );
    assert!(
        first[2].starts_with("            description: "),
        "{}",
        fns[0]
    );
    assert_eq!(first[first.len() - 2], "        }", "{}", fns[0]);
    assert_eq!(first[first.len() - 1], "    }", "{}", fns[0]);
    // Calls name the module, inside it too.
    assert!(
        flat(&fns[2]).contains("(\"c\".into(), m::s_2())"),
        "{}",
        fns[2]
    );
    assert!(flat(&e).contains("(\"b\".into(), m::s_3())"), "{e}");
}

#[test]
fn long_texts_become_constants_named_after_their_field() {
    let cm = "io.k8s.api.core.v1.ConfigMap";
    let text = "a: 1\nb: 2\nc: 3\nd: 4\n";
    let v = json!({"metadata": {"name": "m"}, "data": {"app.yaml": text, "short": "x\ny\n"}});
    let layout = crate::typed::ModuleLayout {
        prefix: "s",
        min: 600,
        module: "m",
        ind: 4,
        hoist: Some(("M", "ConfigMap `m`")),
    };
    let mut taken = std::collections::BTreeSet::from(["M_DATA_APP_YAML".to_owned()]);
    let out = crate::typed::expr_split_module(cm, &v, &layout, &mut taken).expect("typed");
    // Named after the field, unique against the names taken; short texts stay in place.
    assert_eq!(out.consts.len(), 1, "{:?}", out.consts);
    assert!(
        out.consts[0].starts_with("/// `data[\"app.yaml\"]` of ConfigMap `m`.\nconst M_DATA_APP_YAML_2: &str = concat!(\n"),
        "{}",
        out.consts[0]
    );
    assert!(
        flat(&out.expr).contains("(\"app.yaml\".into(), M_DATA_APP_YAML_2.into())"),
        "{}",
        out.expr
    );
    assert!(flat(&out.expr).contains("\"x\\ny\\n\""), "{}", out.expr);
    assert!(taken.contains("M_DATA_APP_YAML_2"));
}
