//! The schema table `k8s-v1.33.json` (written by `scripts/import-schema.py`), loaded once.
//!
//! Notation of a field's type in the table: `s` (String), `b` (bool), `i32`, `i64`, `f64`,
//! `bytes` (ByteString), `[T` (`Vec<T>`), `{T` (`BTreeMap<String, T>`), `^T` (`Box<T>`, where
//! k8s-openapi boxes a struct inside itself: `JSONSchemaProps.not`), or a definition name.
//! A field is `[json, type]`, `[json, type, required]` or `[json, type, required, rust]`
//! where `rust` is given only when it is not [`snake`] of `json`.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

/// The table's text (Kubernetes 1.33, as k8s-openapi 0.29 with feature `v1_33` has it).
const TABLE: &str = include_str!("k8s-v1.33.json");

/// A definition k8s-openapi writes as something other than a struct of fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Special {
    /// `Quantity(String)`.
    Quantity,
    /// `IntOrString::{Int, String}`.
    IntOrString,
    /// `Time(jiff::Timestamp)` and `MicroTime(jiff::Timestamp)`.
    Time,
    /// A newtype over `serde_json::Value` (`RawExtension`, `FieldsV1`, `StorageVersionSpec`,
    /// apiextensions' `JSON`).
    Json,
    /// `JSONSchemaPropsOrArray::{Schema(Box<JSONSchemaProps>), Schemas(Vec<JSONSchemaProps>)}`.
    SchemaOrArray,
    /// `JSONSchemaPropsOrBool::{Schema(Box<JSONSchemaProps>), Bool(bool)}`.
    SchemaOrBool,
    /// `JSONSchemaPropsOrStringArray::{Schema(Box<JSONSchemaProps>), Strings(Vec<String>)}`.
    SchemaOrStrings,
}

impl Special {
    /// Whether this is one of the enums over a schema ([`Definition::of`]).
    pub fn is_union(self) -> bool {
        matches!(
            self,
            Special::SchemaOrArray | Special::SchemaOrBool | Special::SchemaOrStrings
        )
    }
}

/// The Rust type of a field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    /// `String`.
    Str,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
    /// `k8s_openapi::ByteString` (base64 in JSON).
    Bytes,
    /// `Vec<T>`.
    Vec(Box<Ty>),
    /// `BTreeMap<String, T>`.
    Map(Box<Ty>),
    /// `Box<T>`.
    Boxed(Box<Ty>),
    /// A definition of the table.
    Def(&'static str),
}

impl Ty {
    /// The type inside a `Box` (field access and method calls see through it).
    pub fn unboxed(&self) -> &Ty {
        match self {
            Ty::Boxed(t) => t.unboxed(),
            t => t,
        }
    }
}

/// One field of a struct.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// JSON name (`clusterIPs`).
    pub json: &'static str,
    /// k8s-openapi's Rust name (`cluster_ips`).
    pub rust: String,
    /// Its type, without the `Option`.
    pub ty: Ty,
    /// Not wrapped in `Option` (required in the schema, or made so by k8s-openapi).
    pub required: bool,
}

/// One definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Definition {
    /// `io.k8s.api.apps.v1.Deployment`.
    pub name: &'static str,
    /// Set for the definitions that are not structs of fields.
    pub special: Option<Special>,
    /// Fields in the schema's order (empty for special definitions).
    pub fields: Vec<Field>,
    /// Whether the Rust type implements `Default`.
    pub default: bool,
    /// For the enums over a schema ([`Special::is_union`]): the definition of their
    /// `Schema(Box<..>)` variant (`JSONSchemaProps`).
    pub of: Option<&'static str>,
}

impl Definition {
    /// The field with this JSON name.
    pub fn field(&self, json: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.json == json)
    }
}

/// The loaded table.
#[derive(Debug)]
pub struct Schema {
    /// Where the table came from.
    pub source: &'static str,
    /// `(apiVersion, kind)` → definition name.
    pub kinds: HashMap<(&'static str, &'static str), &'static str>,
    /// Definitions by name.
    pub definitions: HashMap<&'static str, Definition>,
    /// Definition name → `(apiVersion, kind)`, for the top-level kinds.
    pub roots: HashMap<&'static str, (&'static str, &'static str)>,
}

/// The table, parsed on first use.
pub fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        // The table is committed and checked by the tests: it parses, or nothing works.
        let value: &'static Value = Box::leak(Box::new(
            serde_json::from_str(TABLE).expect("k8s-v1.33.json parses"),
        ));
        parse(value)
    })
}

fn parse(value: &'static Value) -> Schema {
    let s = |v: &'static Value| v.as_str().unwrap_or_default();
    let kinds: HashMap<(&str, &str), &str> = value["kinds"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|k| ((s(&k[0]), s(&k[1])), s(&k[2])))
        .collect();
    let roots = kinds.iter().map(|(&gvk, &def)| (def, gvk)).collect();
    let mut definitions = HashMap::new();
    for (name, entry) in value["definitions"].as_object().into_iter().flatten() {
        let name: &'static str = name.as_str();
        let special = entry["special"].as_str().map(|sp| match sp {
            "quantity" => Special::Quantity,
            "intorstring" => Special::IntOrString,
            "time" => Special::Time,
            "orarray" => Special::SchemaOrArray,
            "orbool" => Special::SchemaOrBool,
            "orstrings" => Special::SchemaOrStrings,
            _ => Special::Json,
        });
        let fields = entry["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                let json = s(&f[0]);
                Field {
                    json,
                    rust: f[3].as_str().map_or_else(|| snake(json), str::to_owned),
                    ty: ty(s(&f[1])),
                    required: f[2].as_i64() == Some(1),
                }
            })
            .collect();
        let default = match special {
            Some(sp) => sp != Special::Time && !sp.is_union(),
            None => entry["noDefault"].as_i64() != Some(1),
        };
        definitions.insert(
            name,
            Definition {
                name,
                special,
                fields,
                default,
                of: entry["of"].as_str(),
            },
        );
    }
    Schema {
        source: s(&value["source"]),
        kinds,
        definitions,
        roots,
    }
}

fn ty(t: &'static str) -> Ty {
    if let Some(inner) = t.strip_prefix('[') {
        return Ty::Vec(Box::new(ty(inner)));
    }
    if let Some(inner) = t.strip_prefix('{') {
        return Ty::Map(Box::new(ty(inner)));
    }
    if let Some(inner) = t.strip_prefix('^') {
        return Ty::Boxed(Box::new(ty(inner)));
    }
    match t {
        "s" => Ty::Str,
        "b" => Ty::Bool,
        "i32" => Ty::I32,
        "i64" => Ty::I64,
        "f64" => Ty::F64,
        "bytes" => Ty::Bytes,
        def => Ty::Def(def),
    }
}

/// `minReadySeconds` → `min_ready_seconds`: `_` and lower case before each upper-case letter
/// (the table names the fields whose Rust name is not this, e.g. `clusterIPs` → `cluster_ips`,
/// `type` → `type_`; `scripts/import-schema.py` keeps the same rule).
pub fn snake(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 4);
    for (i, c) in json.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// A definition by name.
pub fn definition(name: &str) -> Option<&'static Definition> {
    schema().definitions.get(name)
}

/// `io.k8s.api.apps.v1.Deployment` → `dsl::k8s_openapi::api::apps::v1::Deployment`.
pub fn rust_type_path(definition: &str) -> String {
    let parts: Vec<&str> = definition.split('.').collect();
    let (modules, name) = match parts.as_slice() {
        ["io", "k8s", "kube-aggregator", rest @ .., name] => {
            let mut m = vec!["kube_aggregator".to_owned()];
            m.extend(rest.iter().map(|p| p.replace('-', "_")));
            (m, *name)
        }
        ["io", "k8s", rest @ .., name] => {
            (rest.iter().map(|p| p.replace('-', "_")).collect(), *name)
        }
        _ => (Vec::new(), definition),
    };
    let mut path = String::from("dsl::k8s_openapi::");
    for m in modules {
        path.push_str(&m);
        path.push_str("::");
    }
    path.push_str(name);
    path
}

/// The Rust type of a field as written in code: `Option<Vec<dsl::k8s_openapi::api::core::v1::Container>>`,
/// `std::collections::BTreeMap<String, String>`, `i32` (`Option<..>` unless `required`).
pub fn rust_type(ty: &Ty, required: bool) -> String {
    let inner = match ty {
        Ty::Str => "String".to_owned(),
        Ty::Bool => "bool".to_owned(),
        Ty::I32 => "i32".to_owned(),
        Ty::I64 => "i64".to_owned(),
        Ty::F64 => "f64".to_owned(),
        Ty::Bytes => "dsl::k8s_openapi::ByteString".to_owned(),
        Ty::Vec(t) => format!("Vec<{}>", rust_type(t, true)),
        Ty::Map(t) => format!("std::collections::BTreeMap<String, {}>", rust_type(t, true)),
        Ty::Boxed(t) => format!("Box<{}>", rust_type(t, true)),
        Ty::Def(name) => rust_type_path(name),
    };
    if required {
        inner
    } else {
        format!("Option<{inner}>")
    }
}
