//! Configuration files mounted into a component's container from a ConfigMap.
//!
//! Files are written from typed Rust values (serialized with [`crate::yaml::to_yaml`]),
//! rendered as the ConfigMap `<app>-<component>-<name>`, mounted read-only, and hashed
//! into the pod template so that pods roll when a file changes.
//!
//! The same set (equal name and files) passed to several components' `.files(..)` is
//! one ConfigMap, `<app>-<name>-<hash>` (10 hex digits of its name and content, so two
//! different sets never share a name), mounted by each of them, at each one's
//! [`mount_dir`](ConfigFiles::mount_dir). It is the app's object (the app's labels, no
//! component's), so a component's `customize::<ConfigMap>` closure does not change it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::primitives::text::{DataKey, Name};
use crate::yaml::{to_yaml, YamlError};

/// A set of files in one directory of the container, backed by one ConfigMap.
///
/// ```
/// use dsl::*;
/// #[derive(serde::Serialize)]
/// struct Settings { log_level: &'static str }
/// let files = ConfigFiles::new(name!("config"), "/etc/app")
///     .yaml(key!("config.yaml"), &Settings { log_level: "info" })
///     .unwrap();
/// assert_eq!(files.files[&key!("config.yaml")], "log_level: info\n");
/// assert_eq!(files.path_of(&key!("config.yaml")), "/etc/app/config.yaml");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigFiles {
    /// Suffix of the ConfigMap name (`<app>-<component>-<name>`, or `<app>-<name>-<hash>`
    /// when several components mount the set) and the volume name.
    pub name: Name,
    /// Directory the files appear in (read-only).
    pub mount_dir: String,
    /// File name to content.
    pub files: BTreeMap<DataKey, String>,
}

impl ConfigFiles {
    /// An empty directory of files.
    pub fn new(name: Name, mount_dir: impl Into<String>) -> Self {
        ConfigFiles {
            name,
            mount_dir: mount_dir.into(),
            files: BTreeMap::new(),
        }
    }

    /// Adds a file with literal content.
    pub fn file(mut self, file_name: DataKey, content: impl Into<String>) -> Self {
        self.files.insert(file_name, content.into());
        self
    }

    /// Adds a YAML file serialized from a typed value.
    pub fn yaml<T: Serialize>(self, file_name: DataKey, value: &T) -> Result<Self, YamlError> {
        let content = to_yaml(value)?;
        Ok(self.file(file_name, content))
    }

    /// The absolute path of one of the files in the container.
    pub fn path_of(&self, file_name: &DataKey) -> String {
        format!("{}/{}", self.mount_dir.trim_end_matches('/'), file_name)
    }
}
