//! Source documents as kairn reads them: typed through k8s-openapi where kairn knows the
//! kind (so defaults and number forms compare equal with a render), and the fields the
//! typed form does not keep (unknown to the API) listed as dropped.

use dsl::object::Object;
use serde_json::Value;

use crate::source::SourceObject;

/// One source object, read.
#[derive(Clone, Debug)]
pub struct Normalized {
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// The typed object, for kinds kairn types.
    pub typed: Option<Object>,
    /// The object as kairn will compare it: the typed object's JSON, or the document.
    pub json: Value,
    /// Paths of source leaves the typed object does not keep.
    pub dropped: Vec<String>,
    /// `file:line`.
    pub at: String,
}

impl Normalized {
    /// `Kind/namespace/name`.
    pub fn id(&self) -> String {
        format!(
            "{}/{}/{}",
            self.kind,
            self.namespace.as_deref().unwrap_or(""),
            self.name
        )
    }

    /// Labels of the object.
    pub fn labels(&self) -> serde_json::Map<String, Value> {
        self.json
            .pointer("/metadata/labels")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    }
}

/// Reads one source object; `Err` names file, line and what is wrong.
pub fn normalize(source: &SourceObject) -> Result<Normalized, crate::ImportError> {
    let at = format!("{}:{}", source.file.display(), source.line);
    let err = |message: String| crate::ImportError::Object {
        at: at.clone(),
        message,
    };
    let value = &source.value;
    let text = |p: &str| value.pointer(p).and_then(Value::as_str).map(str::to_owned);
    let api_version = text("/apiVersion").ok_or_else(|| err("no apiVersion".into()))?;
    let kind = text("/kind").ok_or_else(|| err("no kind".into()))?;
    let name = text("/metadata/name")
        .ok_or_else(|| err(format!("{kind} without metadata.name (generateName is not supported)")))?;
    let namespace = text("/metadata/namespace");
    let typed = Object::from_value(value.clone())
        .map_err(|e| err(format!("{kind} {name} is not a valid {api_version} {kind}: {e}")))?;
    let json = match (&typed, crate::typed::root_type(&api_version, &kind)) {
        (Some(object), _) => canonical(object),
        // A kind k8s-openapi types but kairn's objects do not (ClusterRole, IngressClass,
        // ...): the fields the type does not have are left out, as its value would.
        (None, Some(definition)) => crate::typed::known_fields(definition, value).0,
        (None, None) => value.clone(),
    };
    let mut dropped = Vec::new();
    lost_leaves(value, &json, String::new(), &mut dropped);
    Ok(Normalized {
        api_version,
        kind,
        name,
        namespace,
        typed,
        json,
        dropped,
        at,
    })
}

/// The JSON of a typed object, as written (k8s-openapi's serialisation).
pub fn canonical(object: &Object) -> Value {
    serde_json::to_value(object).unwrap_or(Value::Null)
}

/// Appends the path of each leaf of `source` that `kept` lacks or has otherwise.
pub fn lost_leaves(source: &Value, kept: &Value, path: String, out: &mut Vec<String>) {
    match (source, kept) {
        (Value::Object(s), Value::Object(k)) => {
            for (key, value) in s {
                let sub = join(&path, key);
                match k.get(key) {
                    Some(other) => lost_leaves(value, other, sub, out),
                    None if is_empty(value) => {}
                    None => out.push(sub),
                }
            }
        }
        (Value::Array(s), Value::Array(k)) if s.len() == k.len() => {
            for (i, (a, b)) in s.iter().zip(k).enumerate() {
                lost_leaves(a, b, format!("{path}[{i}]"), out);
            }
        }
        (a, b) if same_scalar(a, b) => {}
        _ => out.push(path),
    }
}

fn same_scalar(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        // YAML `port: "8080"` read as an int-or-string stays a string; `true` as "true".
        (Value::String(x), Value::Number(y)) | (Value::Number(y), Value::String(x)) => {
            x == &y.to_string()
        }
        _ => a == b,
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.values().all(is_empty),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// `a.b`, or `a["b.c"]` for keys that are not plain.
pub fn join(path: &str, key: &str) -> String {
    let plain = key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    match (path.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[{key:?}]"),
    }
}
