//! Kubernetes values as typed Rust code: the k8s-openapi struct literal that constructs a
//! JSON object ([`expr`]), and the statements that set or remove one field of a typed object
//! inside a `customize_*` closure ([`assign`]).
//!
//! Both read the schema table `k8s-v1.33.json` beside this file: every definition reachable
//! from the kinds k8s-openapi 0.29 (feature `v1_33`) has as resources under `api`,
//! `apimachinery`, `kube_aggregator` and `apiextensions_apiserver` (CustomResourceDefinition;
//! no `*List` kinds), with each field's JSON name, Rust name, type and whether k8s-openapi
//! wraps it in `Option`. `scripts/import-schema.py` writes the table from
//! kubernetes_validate's `v1.33.0-local/_definitions.json`, and `--check` compares every field
//! with k8s-openapi's generated source (names, types, `Option`, `Default`).
//!
//! ```text
//! expr("io.k8s.api.core.v1.ConfigMap", {"metadata": {"name": "web"}, "data": {"a": "1"}})
//!   → dsl::k8s_openapi::api::core::v1::ConfigMap {
//!         metadata: dsl::k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
//!             name: Some("web".into()),
//!             ..Default::default()
//!         },
//!         data: Some(std::collections::BTreeMap::from([("a".into(), "1".into())])),
//!         ..Default::default()
//!     }
//! assign("io.k8s.api.apps.v1.Deployment", "d", [spec, replicas], Some(3))
//!   → d.spec.get_or_insert_with(Default::default).replicas = Some(3);
//! ```
//!
//! The text is laid out one field a line; the caller runs rustfmt over the file it writes.
//! Text of several lines is written as `concat!("line\n", ..)`, so re-indenting the Rust text
//! cannot change a string. Types are fully qualified; [`shorten`] turns them into short names
//! and the `use` lines they need. `null` in a value means absent. Nothing here panics on any
//! input: what cannot be written as the type is a [`TypedError`] naming the JSON path.
//!
//! Also: [`diff`] and [`assign_all`] (the changes from kairn's render to the source, as
//! statements), [`known_fields`] (the fields k8s-openapi would drop silently, to report them),
//! [`parse_path`] / [`path_text`] (kubectl-style paths), [`rust_type`], [`definition`].
//!
//! CRDs: `JSONSchemaProps` is a struct like the others (its `not` is a `Box`, written
//! `Box::new(..)`); its enums are written by the JSON value's shape
//! (`JSONSchemaPropsOrArray::Schema(Box::new(..))` for an object, `::Schemas(vec![..])` for
//! an array; `JSONSchemaPropsOrBool::Bool(false)`; `JSONSchemaPropsOrStringArray::Strings(..)`),
//! and `JSON` values (`default`, `enum`, `example`) as `JSON(dsl::k8s_openapi::serde_json::json!(..))`.
//! [`assign`] and [`diff`] go through the `Box` but not into the enums (they set an enum
//! whole). A CRD of a megabyte is one expression nested thirty deep: [`expr_split`] writes its
//! large schemas as functions of their own, which rustfmt formats in seconds instead of
//! minutes.
//!
//! Times are written `Time("2024-01-02T03:04:05Z".parse().expect(..))`: the text is checked
//! as RFC 3339 here, so the `expect` cannot fire. RawExtension-like values (a JSON value inside)
//! are written with `dsl::k8s_openapi::serde_json::json!`.
//!
//! Proofs: `tests/typed_corpus.rs` builds every object of the corpora that k8s-openapi types
//! from `expr`'s text and compares it with the source; runs `assign`'s statements on real
//! objects; turns each object of one environment of kairn's own output into the other
//! environments' with `diff` + `assign_all` closures; and destructures every struct of the
//! table field by field (names, types, `Option`s as compiled k8s-openapi has them).

mod assign;
#[cfg(test)]
mod crd_tests;
mod diff;
mod expr;
mod known;
mod lit;
#[cfg(test)]
mod more_tests;
mod paths;
mod schema;
#[cfg(test)]
mod tests;

use std::fmt;

pub use assign::assign;
pub use diff::{assign_all, diff, Change};
pub use expr::{expr, expr_split, expr_split_module, ModuleExpr, ModuleLayout, HOIST_LINES};
pub use known::known_fields;
pub use lit::{json_body, one_lit, str_lit, str_lit_at};
pub use paths::shorten;
pub use schema::{definition, rust_type, schema, Definition, Field, Schema, Special, Ty};

/// `(apiVersion, kind)` → the definition k8s-openapi types it with
/// (`"apps/v1", "Deployment"` → `io.k8s.api.apps.v1.Deployment`); `None` for kinds the
/// table leaves out (CRDs, custom resources, `*List`).
pub fn root_type(api_version: &str, kind: &str) -> Option<&'static str> {
    schema().kinds.get(&(api_version, kind)).copied()
}

/// The Rust path of a definition: `io.k8s.api.apps.v1.Deployment` →
/// `dsl::k8s_openapi::api::apps::v1::Deployment` (through kairn's re-export, so the team crate
/// needs no k8s-openapi dependency of its own).
pub fn rust_type_path(definition: &str) -> String {
    schema::rust_type_path(definition)
}

/// One step of a path into an object: a JSON key or an array index.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathSeg {
    /// A field of a struct or a key of a map.
    Key(String),
    /// An element of an array.
    Index(usize),
}

impl PathSeg {
    /// `PathSeg::Key` from a `&str`.
    pub fn key(k: &str) -> PathSeg {
        PathSeg::Key(k.to_owned())
    }
}

/// Writes a path kubectl-style: `spec.template.spec.containers[0].image`,
/// `metadata.labels["app.kubernetes.io/name"]` (keys that are not plain words in brackets).
pub fn path_text(path: &[PathSeg]) -> String {
    let mut out = String::new();
    for seg in path {
        push_seg(&mut out, seg);
    }
    out
}

/// Reads a path written by [`path_text`] (`spec.containers[0].env`,
/// `metadata.labels["app.kubernetes.io/name"]`; in quoted keys `\"` and `\\` are escapes).
pub fn parse_path(text: &str) -> Result<Vec<PathSeg>, TypedError> {
    let bad = |why: &str| TypedError::new(TypedErrorKind::Unsupported, text, why.to_owned());
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            '[' => {
                chars.next();
                if chars.peek() == Some(&'"') {
                    chars.next();
                    let mut key = String::new();
                    loop {
                        match chars.next() {
                            Some('"') => break,
                            Some('\\') => match chars.next() {
                                Some(e @ ('"' | '\\')) => key.push(e),
                                _ => {
                                    return Err(bad(
                                        "only \\\" and \\\\ are escapes in a quoted key",
                                    ))
                                }
                            },
                            Some(k) => key.push(k),
                            None => return Err(bad("a quoted key is not closed")),
                        }
                    }
                    out.push(PathSeg::Key(key));
                } else {
                    let mut digits = String::new();
                    while let Some(d) = chars.next_if(char::is_ascii_digit) {
                        digits.push(d);
                    }
                    let index = digits
                        .parse()
                        .map_err(|_| bad("`[` is not followed by an index or a quoted key"))?;
                    out.push(PathSeg::Index(index));
                }
                if chars.next() != Some(']') {
                    return Err(bad("`[` is not closed"));
                }
            }
            '.' if !out.is_empty() => {
                chars.next();
                if matches!(chars.peek(), None | Some('.' | '[')) {
                    return Err(bad("`.` is not followed by a key"));
                }
            }
            _ => {
                let mut key = String::new();
                while let Some(k) = chars.next_if(|&k| k != '.' && k != '[') {
                    key.push(k);
                }
                if key.is_empty() {
                    return Err(bad("an empty key"));
                }
                out.push(PathSeg::Key(key));
            }
        }
    }
    Ok(out)
}

pub(crate) fn push_seg(out: &mut String, seg: &PathSeg) {
    match seg {
        PathSeg::Index(i) => out.push_str(&format!("[{i}]")),
        PathSeg::Key(k)
            if !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
        {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(k);
        }
        PathSeg::Key(k) => {
            let quoted = k.replace('\\', "\\\\").replace('"', "\\\"");
            out.push_str(&format!("[\"{quoted}\"]"));
        }
    }
}

/// What kind of problem a [`TypedError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TypedErrorKind {
    /// The definition is not in the table.
    UnknownDefinition,
    /// The JSON has a field the type does not have (k8s-openapi would drop it).
    UnknownField,
    /// The JSON value is not of the field's type (a string where a number goes, ...).
    TypeMismatch,
    /// A number outside the Rust type's range (`i32` ports, replicas, ...).
    OutOfRange,
    /// A required field is absent and its type has no `Default`; or a path into a value
    /// that cannot be addressed (into a scalar, removing inside a JSON value).
    Unsupported,
}

/// Why a value cannot be written as its type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedError {
    /// What kind of problem.
    pub kind: TypedErrorKind,
    /// JSON path of the value concerned, kubectl-style (empty for the whole value).
    pub path: String,
    /// What is wrong, one sentence.
    pub message: String,
}

impl TypedError {
    pub(crate) fn new(kind: TypedErrorKind, path: &str, message: impl Into<String>) -> Self {
        TypedError {
            kind,
            path: path.to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for TypedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "`{}`: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for TypedError {}
