//! Deterministic YAML writer, and kairn's YAML reader ([`from_str`], [`from_multiple`]).
//!
//! Objects are serialized with `serde-saphyr`, which quotes every string scalar that a
//! YAML 1.1 parser (go-yaml v2 under `kubectl apply`) or kustomize would read as a
//! boolean, number, timestamp or null (`on`, `yes`, `y`, `1_000`, `2026-01-01`, `12:30`,
//! `NaN`, `0755`, ...). A writer that follows YAML 1.2 alone (such as the archived
//! `serde_yaml` 0.9) leaves several of those unquoted. Key order is the field order of the
//! `k8s-openapi` types, and maps are `BTreeMap`s, so output is byte-identical across runs
//! and machines.

use std::fmt;

use serde::Serialize;

use crate::object::Object;

mod read;

pub use read::{from_multiple, from_str, read_options, ReadError};

/// A value that could not be written as YAML.
#[derive(Debug)]
pub struct YamlError(String);

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write YAML: {}", self.0)
    }
}

impl std::error::Error for YamlError {}

/// Serializes any value to one YAML document (no leading `---`).
///
/// ```
/// let yaml = dsl::yaml::to_yaml(&std::collections::BTreeMap::from([("enabled", "on")])).unwrap();
/// assert_eq!(yaml, "enabled: \"on\"\n");
/// ```
pub fn to_yaml<T: Serialize>(value: &T) -> Result<String, YamlError> {
    serde_saphyr::to_string(value).map_err(|e| YamlError(e.to_string()))
}

/// Serializes objects as one multi-document stream, each document starting with `---`.
pub fn to_stream<'a>(objects: impl IntoIterator<Item = &'a Object>) -> Result<String, YamlError> {
    let mut out = String::new();
    for o in objects {
        out.push_str("---\n");
        out.push_str(&to_yaml(o)?);
    }
    Ok(out)
}
