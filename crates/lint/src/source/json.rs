//! Typed objects from JSON values, read by the same deserializer as YAML ([`NodeDe`]).
//!
//! A `k8s-openapi` type's `Deserialize` is generic over the deserializer, so each
//! deserializer `lint` used compiled the whole visitor tree of every kind again (about a
//! quarter of the crate's code). JSON values are therefore turned into a node tree (every
//! line 0) and read by [`NodeDe`], with `serde_json::from_value`'s error wording.
//!
//! What the two readers do alike: the same visitor calls for every JSON value (`u64` for
//! non-negative integers, `i64` for negative ones, `f64` for the rest, `str` for strings),
//! map entries in the map's order, and the same messages (see `DeError::into_json`). What
//! they do not: an externally tagged enum written as a one-key map (`{"Variant": ...}`),
//! which [`NodeDe`] does not read; no `k8s-openapi` type and no type in [`crate::crd`] is
//! such an enum.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::deserializer::DeError;
use super::{Node, NodeDe, NodeValue};

impl Node {
    /// A JSON value as a node tree; every node's line is 0.
    pub(crate) fn from_json(value: Value) -> Node {
        let value = match value {
            Value::Null => NodeValue::Null,
            Value::Bool(b) => NodeValue::Bool(b),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => NodeValue::U64(u),
                (None, Some(i)) => NodeValue::I64(i),
                (None, None) => NodeValue::F64(n.as_f64().unwrap_or_default()),
            },
            Value::String(s) => NodeValue::Str(s),
            Value::Array(items) => NodeValue::Seq(items.into_iter().map(Node::from_json).collect()),
            Value::Object(map) => NodeValue::Map(
                map.into_iter()
                    .map(|(k, v)| (k, 0, Node::from_json(v)))
                    .collect(),
            ),
        };
        Node { line: 0, value }
    }
}

/// Reads a `T` from a JSON value as `serde_json::from_value` does (same result, same error
/// message), through `lint`'s one deserializer, so that a type `lint` already reads from
/// YAML adds no code when read from JSON. For `k8s-openapi` types, the custom resources in
/// [`crate::crd`], and `serde_json::Value` or maps and lists of them.
///
/// ```
/// use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
/// let meta: ObjectMeta = lint::source::from_json(serde_json::json!({"name": "web"})).unwrap();
/// assert_eq!(meta.name.as_deref(), Some("web"));
/// let err = lint::source::from_json::<ObjectMeta>(serde_json::json!({"name": null, "labels": 3}));
/// assert_eq!(
///     err.unwrap_err().to_string(),
///     "invalid type: integer `3`, expected a map"
/// );
/// ```
pub fn from_json<T: DeserializeOwned>(value: Value) -> Result<T, serde_json::Error> {
    from_json_with(value, |de| T::deserialize(de))
}

/// Runs `read` on a node deserializer over `value`, with `serde_json`'s error wording.
pub(crate) fn from_json_with<R>(
    value: Value,
    read: impl FnOnce(NodeDe<'_>) -> Result<R, DeError>,
) -> Result<R, serde_json::Error> {
    let node = Node::from_json(value);
    read(NodeDe {
        node: &node,
        path: &super::deserializer::Path::Root,
    })
    .map_err(DeError::into_json)
}

#[cfg(test)]
#[path = "json_tests.rs"]
mod tests;
