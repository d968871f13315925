//! `kairn diff`: object-level differences between an earlier render and a fresh one.
//!
//! - [`Snapshot`]: the objects of one or more application environments, keyed by
//!   [`ObjectKey`] (app, environment, API group, kind, namespace, name). Built from a
//!   fresh render ([`Snapshot::from_outputs`]) or read from disk ([`read_against`]): an
//!   output tree such as `generated/`, one environment directory, a manifests bundle
//!   (`.tar.gz`) or a `kairn package` directory (its `index.json`).
//! - [`diff()`]: which objects were added, removed or changed, and for a changed object
//!   which fields ([`FieldChange`]), by path in kubectl style:
//!   `spec.template.spec.containers[name=api].image`. Hook Jobs, whose names end in a
//!   hash of their spec, are paired across a rename and reported as changed
//!   ([`ObjectChange::renamed_from`]).
//! - [`write_text`], [`write_markdown`], [`write_json`]: the report for a terminal, a
//!   pull-request comment, or a program (schema in [`write_json`]).
//!
//! Everything here is a pure function of its input, and every list comes out in a
//! deterministic order.
//!
//! Rooms: `diff/read.rs` (reading an earlier render from disk), `diff/fields.rs` (the
//! field-level differences of one changed object), `diff/format.rs` (text, Markdown, JSON).
//! `cli/src/diff.rs` picks what to render and prints the result.

mod fields;
mod format;
mod read;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use dsl::output::EnvOutput;
use dsl::validate::source::parse_str;
use serde::Serialize;
use serde_json::Value;

pub use fields::{diff_fields, FieldChange, FieldChangeKind};
pub use format::{write_json, write_markdown, write_text, JSON_VERSION};
pub use read::{read_against, read_bundle, read_env_dir, read_package, read_tree, SourceKind};

/// Files of an environment that are not objects of the cluster, never compared.
pub const IGNORED_FILES: &[&str] = &["kustomization.yaml", "kustomization.yml"];

/// What makes an object the same object in two renders.
///
/// The API *group* is part of the identity, its version is not: moving a
/// HorizontalPodAutoscaler from `autoscaling/v2beta2` to `autoscaling/v2` is a change of
/// its `apiVersion` field, not a removal and an addition.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    /// Application id.
    pub app: String,
    /// Environment name.
    pub environment: String,
    /// API group: `""` for the core group (`v1`), `apps` for `apps/v1`.
    pub group: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace` (`None` for cluster-scoped objects).
    pub namespace: Option<String>,
    /// `metadata.name`.
    pub name: String,
}

impl ObjectKey {
    /// `Kind/name`, with ` (namespace ns)` when namespaced: how reports name an object.
    pub fn display(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{}/{} (namespace {ns})", self.kind, self.name),
            None => format!("{}/{}", self.kind, self.name),
        }
    }

    /// The key with another name (same app, environment, group, kind and namespace).
    fn renamed(&self, name: &str) -> ObjectKey {
        ObjectKey {
            name: name.to_owned(),
            ..self.clone()
        }
    }
}

/// The API group of an `apiVersion`: `apps` for `apps/v1`, `""` for `v1`.
pub fn api_group(api_version: &str) -> &str {
    match api_version.split_once('/') {
        Some((group, _)) => group,
        None => "",
    }
}

/// One object of a snapshot.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    /// Its identity.
    pub key: ObjectKey,
    /// Its `apiVersion`.
    pub api_version: String,
    /// Where it was read from: a file path, or `archive.tar.gz!member.yaml`.
    pub source: String,
    /// The whole object. YAML comments (such as the generated-file header) are not part
    /// of it.
    pub value: Value,
}

/// Why a snapshot could not be read: the path concerned and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// File, directory or archive member concerned.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl ReadError {
    pub(crate) fn new(path: impl fmt::Display, message: impl Into<String>) -> ReadError {
        ReadError {
            path: path.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for ReadError {}

/// The objects of one or more application environments.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    /// Every object, by identity.
    pub objects: BTreeMap<ObjectKey, Object>,
    /// Every `(app, environment)` the snapshot covers, including ones without objects.
    pub environments: BTreeSet<(String, String)>,
    /// Documents passed over because they are not Kubernetes objects, as
    /// `file:line: reason`.
    pub skipped: Vec<String>,
}

impl Snapshot {
    /// The objects of freshly rendered environments (parsed back from the YAML `emit`
    /// writes, so both sides of a diff go through the same parser).
    pub fn from_outputs(outputs: &[EnvOutput]) -> Result<Snapshot, ReadError> {
        let mut snapshot = Snapshot::default();
        for o in outputs {
            snapshot.cover(&o.app, &o.environment);
            // The same files the readers take from a written tree: every YAML file but
            // kustomizations (the Flux objects of `flux/` included).
            for (file, text) in &o.files {
                let name = file.rsplit('/').next().unwrap_or(file);
                let yaml = name.ends_with(".yaml") || name.ends_with(".yml");
                if !yaml || name == "kustomization.yaml" || name.starts_with('.') {
                    continue;
                }
                let label = format!("{}/{}/{file}", o.app, o.environment);
                snapshot.add_yaml(&o.app, &o.environment, &label, text)?;
            }
        }
        Ok(snapshot)
    }

    /// Records that the snapshot covers an environment.
    pub fn cover(&mut self, app: &str, environment: &str) {
        self.environments
            .insert((app.to_owned(), environment.to_owned()));
    }

    /// Adds one object; a second object with the same identity is an error naming both
    /// sources.
    pub fn insert(&mut self, object: Object) -> Result<(), ReadError> {
        self.cover(&object.key.app, &object.key.environment);
        if let Some(first) = self.objects.get(&object.key) {
            return Err(ReadError::new(
                &object.source,
                format!(
                    "{} of {}/{} is also in {}; an environment holds each object once",
                    object.key.display(),
                    object.key.app,
                    object.key.environment,
                    first.source
                ),
            ));
        }
        self.objects.insert(object.key.clone(), object);
        Ok(())
    }

    /// Parses a (multi-document) YAML text and adds its objects to `app`/`environment`.
    /// `List` kinds are unpacked; tool configuration (`Kustomization`) and documents that
    /// are not objects are recorded in [`Snapshot::skipped`].
    pub fn add_yaml(
        &mut self,
        app: &str,
        environment: &str,
        label: &str,
        text: &str,
    ) -> Result<(), ReadError> {
        let loaded = parse_str(label, text).map_err(|e| ReadError {
            path: match e.line {
                Some(line) => format!("{}:{line}", e.file),
                None => e.file.clone(),
            },
            message: e.message,
        })?;
        self.cover(app, environment);
        for (file, line, reason) in loaded.skipped {
            self.skipped.push(format!("{file}:{line}: {reason}"));
        }
        for mut doc in loaded.documents {
            let value = doc.take_value();
            self.insert(Object {
                key: ObjectKey {
                    app: app.to_owned(),
                    environment: environment.to_owned(),
                    group: api_group(&doc.api_version).to_owned(),
                    kind: doc.kind,
                    namespace: doc.namespace,
                    name: doc.name,
                },
                api_version: doc.api_version,
                source: format!("{}:{}", doc.file, doc.line),
                value,
            })?;
        }
        Ok(())
    }

    /// Keeps only the environments (and their objects) for which `keep(app, environment)`
    /// holds.
    pub fn retain(&mut self, keep: impl Fn(&str, &str) -> bool) {
        self.environments.retain(|(a, e)| keep(a, e));
        self.objects.retain(|k, _| keep(&k.app, &k.environment));
    }
}

/// What happened to an object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Only in the fresh render.
    Added,
    /// Only in the earlier one.
    Removed,
    /// In both, with different content (or renamed: see [`ObjectChange::renamed_from`]).
    Changed,
}

impl ChangeKind {
    /// `added`, `removed` or `changed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// One object that differs.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectChange {
    /// Added, removed or changed.
    pub change: ChangeKind,
    /// Application id.
    pub app: String,
    /// Environment name.
    pub environment: String,
    /// `apiVersion` (the fresh one, unless removed).
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// `metadata.name` (the fresh one, unless removed).
    pub name: String,
    /// The earlier name of an object whose name ends in a content hash (`-0aa6367c`,
    /// as hook Jobs' do) that changed with its content.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// The fields that differ (empty for added and removed objects).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldChange>,
}

impl ObjectChange {
    fn new(change: ChangeKind, object: &Object) -> ObjectChange {
        ObjectChange {
            change,
            app: object.key.app.clone(),
            environment: object.key.environment.clone(),
            api_version: object.api_version.clone(),
            kind: object.key.kind.clone(),
            namespace: object.key.namespace.clone(),
            name: object.key.name.clone(),
            renamed_from: None,
            fields: Vec::new(),
        }
    }

    /// `Kind/name`, with ` (namespace ns)` when namespaced.
    pub fn display(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{}/{} (namespace {ns})", self.kind, self.name),
            None => format!("{}/{}", self.kind, self.name),
        }
    }
}

/// Counts of a diff.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Objects only in the fresh render.
    pub added: usize,
    /// Objects only in the earlier one.
    pub removed: usize,
    /// Objects in both that differ (renamed ones included).
    pub changed: usize,
    /// Objects in both that are equal.
    pub unchanged: usize,
    /// Application environments compared (covered by either side).
    pub environments: usize,
}

impl Summary {
    /// Whether anything differs.
    pub fn has_differences(&self) -> bool {
        self.added + self.removed + self.changed > 0
    }

    /// `N added, M removed, K changed`.
    pub fn line(&self) -> String {
        format!(
            "{} added, {} removed, {} changed",
            self.added, self.removed, self.changed
        )
    }
}

/// The differences between two snapshots.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diff {
    /// Every object that differs, ordered by app, environment, API group, kind,
    /// namespace and name.
    pub objects: Vec<ObjectChange>,
    /// `(app, environment)` of every environment compared.
    pub environments: BTreeSet<(String, String)>,
    /// The counts.
    pub summary: Summary,
}

/// The part of a name before a trailing content hash (`-` and 8 lowercase hex digits),
/// or `None` when it does not end in one.
pub fn hash_stem(name: &str) -> Option<&str> {
    let (stem, hash) = name.rsplit_once('-')?;
    let is_hash = hash.len() == 8
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    (is_hash && !stem.is_empty()).then_some(stem)
}

/// Compares an earlier snapshot with a fresh one.
///
/// Objects are matched by [`ObjectKey`]. Of the objects left unmatched, one removed and
/// one added object whose names differ only in a trailing content hash (see
/// [`hash_stem`]), in the same app, environment, group, kind and namespace, are paired
/// and reported as one changed object with [`ObjectChange::renamed_from`]; when several
/// share a stem on either side, none of them is paired.
pub fn diff(old: &Snapshot, new: &Snapshot) -> Diff {
    let mut changes: Vec<(ObjectKey, ObjectChange)> = Vec::new();
    let mut summary = Summary::default();
    let mut removed: Vec<&Object> = Vec::new();
    for (key, before) in &old.objects {
        match new.objects.get(key) {
            Some(after) => {
                let fields = diff_fields(&before.value, &after.value);
                if fields.is_empty() {
                    summary.unchanged += 1;
                } else {
                    let mut change = ObjectChange::new(ChangeKind::Changed, after);
                    change.fields = fields;
                    changes.push((key.clone(), change));
                }
            }
            None => removed.push(before),
        }
    }
    let added: Vec<&Object> = new
        .objects
        .iter()
        .filter(|(k, _)| !old.objects.contains_key(k))
        .map(|(_, o)| o)
        .collect();

    // Hash renames: group the unmatched objects by their key with the hash stripped.
    let stems = |objects: &[&Object]| {
        let mut by_stem: BTreeMap<ObjectKey, Vec<usize>> = BTreeMap::new();
        for (i, o) in objects.iter().enumerate() {
            if let Some(stem) = hash_stem(&o.key.name) {
                by_stem.entry(o.key.renamed(stem)).or_default().push(i);
            }
        }
        by_stem
    };
    let removed_stems = stems(&removed);
    let added_stems = stems(&added);
    let mut paired_removed = BTreeSet::new();
    let mut paired_added = BTreeSet::new();
    for (stem, r) in &removed_stems {
        if let (&[ri], Some(&[ai])) = (r.as_slice(), added_stems.get(stem).map(Vec::as_slice)) {
            let (before, after) = (removed[ri], added[ai]);
            let mut change = ObjectChange::new(ChangeKind::Changed, after);
            change.renamed_from = Some(before.key.name.clone());
            change.fields = diff_fields(&before.value, &after.value);
            changes.push((after.key.clone(), change));
            paired_removed.insert(ri);
            paired_added.insert(ai);
        }
    }
    summary.changed = changes.len();
    for (i, o) in removed.iter().enumerate() {
        if !paired_removed.contains(&i) {
            changes.push((o.key.clone(), ObjectChange::new(ChangeKind::Removed, o)));
            summary.removed += 1;
        }
    }
    for (i, o) in added.iter().enumerate() {
        if !paired_added.contains(&i) {
            changes.push((o.key.clone(), ObjectChange::new(ChangeKind::Added, o)));
            summary.added += 1;
        }
    }
    changes.sort_by(|(a, x), (b, y)| a.cmp(b).then(x.change.cmp(&y.change)));
    let environments: BTreeSet<(String, String)> =
        old.environments.union(&new.environments).cloned().collect();
    summary.environments = environments.len();
    Diff {
        objects: changes.into_iter().map(|(_, c)| c).collect(),
        environments,
        summary,
    }
}

#[cfg(test)]
mod tests;
