//! What `import` reads: apps, their environments, and the objects of each, with the
//! file and line each object came from.

use std::path::PathBuf;

/// One Kubernetes object as the source has it.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceObject {
    /// The document as JSON (the YAML's data model).
    pub value: serde_json::Value,
    /// File it came from: the YAML file; for Helm the chart template (`# Source:`); for
    /// kustomize the base or overlay file when the origin annotation names it, else the
    /// kustomization directory.
    pub file: PathBuf,
    /// 1-based line of the document's first node in `file` (1 when unknown).
    pub line: u64,
}

/// The objects of one environment of an app.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceEnv {
    /// Environment name (`--values NAME=FILE`, `--env NAME=SOURCE`, a kairn output
    /// directory's subdirectory, or `default`).
    pub name: String,
    /// Objects, in source order.
    pub objects: Vec<SourceObject>,
}

/// One app: a source (or the environments given for it) and its environments.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceApp {
    /// App name (chart name, directory name, or kairn's app id).
    pub name: String,
    /// What the user gave, for the report (`--helm charts/web`, `deploy/`).
    pub origin: String,
    /// Environments, in the order given.
    pub envs: Vec<SourceEnv>,
}
