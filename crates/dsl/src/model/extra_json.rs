//! [`ExtraObject::json`]: an extra object of a kind kairn has no type for, given as JSON
//! (what `kairn import` writes, with `serde_json::json!`, for a source object of such a
//! kind: never a YAML string).

use std::collections::BTreeSet;
use std::fmt;
use std::panic::Location;
use std::sync::{Mutex, OnceLock};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::customize::ExtraObject;
use crate::object::{CustomObject, Object};

/// Why [`ExtraObject::json`] refused a value: names the field that is missing or wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidExtraObject {
    /// What is wrong, e.g. ``"`metadata.name` is missing"``.
    pub reason: String,
}

impl fmt::Display for InvalidExtraObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ExtraObject::json: {}", self.reason)
    }
}

impl std::error::Error for InvalidExtraObject {}

/// One `&'static str` per distinct text: [`Object::kind`] is `'static`, and the kinds
/// and API versions of an app's untyped objects are few.
fn intern(text: &str) -> &'static str {
    static SEEN: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut seen = SEEN
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(s) = seen.get(text) {
        return s;
    }
    let s: &'static str = Box::leak(text.to_owned().into_boxed_str());
    seen.insert(s);
    s
}

fn invalid(reason: impl Into<String>) -> InvalidExtraObject {
    InvalidExtraObject {
        reason: reason.into(),
    }
}

impl ExtraObject {
    /// Wraps an object of a kind kairn has no type for, given as JSON (e.g.
    /// `serde_json::json!({..})`): `apiVersion`, `kind` and `metadata.name` are required
    /// (non-empty strings), `metadata` must be an `ObjectMeta`. It becomes an
    /// [`Object::Custom`], like [`ExtraObject::custom`]'s, with findings pointing at this
    /// call. A kind kairn has a type for, in that type's apiVersion, is refused: build
    /// the typed object and use [`ExtraObject::new`], which every check applies to.
    ///
    /// ```
    /// use dsl::ExtraObject;
    /// let issuer = ExtraObject::json(serde_json::json!({
    ///     "apiVersion": "cert-manager.io/v1",
    ///     "kind": "Issuer",
    ///     "metadata": {"name": "letsencrypt"},
    ///     "spec": {"acme": {"server": "https://acme-v02.api.letsencrypt.org/directory"}},
    /// }))
    /// .expect("apiVersion, kind and metadata.name are there");
    /// assert_eq!(issuer.object.file_name(), "issuer-letsencrypt.yaml");
    ///
    /// let err = ExtraObject::json(serde_json::json!({"kind": "Issuer"})).unwrap_err();
    /// assert!(err.to_string().contains("`apiVersion` is missing"));
    /// ```
    #[track_caller]
    pub fn json(value: serde_json::Value) -> Result<ExtraObject, InvalidExtraObject> {
        let declared_at = Location::caller();
        let serde_json::Value::Object(mut fields) = value else {
            return Err(invalid("the value is not a JSON object"));
        };
        let mut text = |key: &str| match fields.remove(key) {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Ok(s),
            Some(serde_json::Value::String(_)) => Err(invalid(format!("`{key}` is empty"))),
            Some(_) => Err(invalid(format!("`{key}` is not a string"))),
            None => Err(invalid(format!("`{key}` is missing"))),
        };
        let api_version = text("apiVersion")?;
        let kind = text("kind")?;
        let metadata: ObjectMeta = match fields.remove("metadata") {
            Some(m) => lint::source::from_json(m)
                .map_err(|e| invalid(format!("`metadata` is not an ObjectMeta: {e}")))?,
            None => return Err(invalid("`metadata` is missing (with `metadata.name`)")),
        };
        if metadata.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
            return Err(invalid("`metadata.name` is missing"));
        }
        let has_variant = crate::object::typed_api_version(&kind) == Some(api_version.as_str())
            && Object::from_value(
                serde_json::json!({"apiVersion": api_version, "kind": kind, "metadata": {}}),
            )
            .ok()
            .flatten()
            .is_some();
        if has_variant {
            return Err(invalid(format!(
                "kairn has a type for {api_version} {kind}: build it as a `dsl::k8s_openapi` \
                 value and add it with `ExtraObject::new(..)`, so that every check applies"
            )));
        }
        Ok(ExtraObject {
            declared_at,
            object: Object::Custom(Box::new(CustomObject {
                api_version: intern(&api_version),
                kind: intern(&kind),
                metadata,
                fields,
            })),
        })
    }
}
