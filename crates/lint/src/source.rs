//! Reading existing YAML for `lint`: multi-document files with the line of every node,
//! parsed into typed objects by a deserializer that reports the line and field path of
//! the first error. Nothing here panics on hostile input: saphyr's budget bounds depth,
//! node count and alias expansion.

use std::collections::HashMap;
use std::fmt;
use std::fs::{self, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Spanned;

use crate::object::Object;

/// A YAML node with the line it starts on.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// 1-based line.
    pub line: u32,
    /// The value.
    pub value: NodeValue,
}

/// A YAML value.
#[derive(Clone, Debug, PartialEq)]
pub enum NodeValue {
    /// `~`, `null` or nothing.
    Null,
    /// A boolean.
    Bool(bool),
    /// A negative integer.
    I64(i64),
    /// A non-negative integer.
    U64(u64),
    /// A float.
    F64(f64),
    /// A string.
    Str(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping: key, line of the key, value.
    Map(Vec<(String, u32, Node)>),
}

fn line_of(loc: &serde_saphyr::Location) -> u32 {
    u32::try_from(loc.line()).unwrap_or(u32::MAX)
}

fn spanned(s: Spanned<NodeValue>) -> Node {
    Node {
        line: line_of(&s.referenced),
        value: s.value,
    }
}

impl<'de> Deserialize<'de> for NodeValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = NodeValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML value")
            }
            fn visit_unit<E>(self) -> Result<NodeValue, E> {
                Ok(NodeValue::Null)
            }
            fn visit_none<E>(self) -> Result<NodeValue, E> {
                Ok(NodeValue::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<NodeValue, D::Error> {
                NodeValue::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<NodeValue, E> {
                Ok(NodeValue::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<NodeValue, E> {
                Ok(if v >= 0 {
                    NodeValue::U64(v as u64)
                } else {
                    NodeValue::I64(v)
                })
            }
            fn visit_u64<E>(self, v: u64) -> Result<NodeValue, E> {
                Ok(NodeValue::U64(v))
            }
            fn visit_f64<E>(self, v: f64) -> Result<NodeValue, E> {
                Ok(NodeValue::F64(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<NodeValue, E> {
                Ok(NodeValue::Str(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<NodeValue, E> {
                Ok(NodeValue::Str(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<NodeValue, A::Error> {
                let mut out = Vec::new();
                while let Some(x) = a.next_element::<Spanned<NodeValue>>()? {
                    out.push(spanned(x));
                }
                Ok(NodeValue::Seq(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<NodeValue, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = a.next_key::<Spanned<NodeValue>>()? {
                    let key = match k.value {
                        NodeValue::Str(s) => s,
                        NodeValue::Bool(b) => b.to_string(),
                        NodeValue::I64(i) => i.to_string(),
                        NodeValue::U64(u) => u.to_string(),
                        NodeValue::F64(f) => f.to_string(),
                        NodeValue::Null => "null".to_owned(),
                        NodeValue::Seq(_) | NodeValue::Map(_) => {
                            // Custom errors carry no location: the key's line rides in
                            // the message (see `yaml_error`).
                            return Err(de::Error::custom(format!(
                                "a mapping key must be a scalar{LINE_MARK}{}]",
                                line_of(&k.referenced)
                            )));
                        }
                    };
                    let value = a.next_value::<Spanned<NodeValue>>()?;
                    out.push((key, line_of(&k.referenced), spanned(value)));
                }
                Ok(NodeValue::Map(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl Node {
    /// The value at `key` of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            NodeValue::Map(m) => m.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    /// The string value, if a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// As JSON (non-finite floats become null).
    pub fn to_json(&self) -> Value {
        match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::I64(i) => Value::from(*i),
            NodeValue::U64(u) => Value::from(*u),
            NodeValue::F64(f) => {
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
            }
            NodeValue::Str(s) => Value::String(s.clone()),
            NodeValue::Seq(s) => Value::Array(s.iter().map(Node::to_json).collect()),
            NodeValue::Map(m) => {
                Value::Object(m.iter().map(|(k, _, v)| (k.clone(), v.to_json())).collect())
            }
        }
    }

    /// The line of the deepest node on a field path such as
    /// `spec.template.spec.containers[0].image` or `metadata.labels["a/b"]`: the key's
    /// line for a mapping entry, the node's line for a sequence item.
    pub fn line_of_path(&self, path: &str) -> u32 {
        let mut node = self;
        let mut line = self.line;
        for seg in path_segments(path) {
            match (&node.value, seg) {
                (NodeValue::Map(m), Segment::Key(k)) => {
                    match m.iter().find(|(key, _, _)| *key == k) {
                        Some((_, l, v)) => {
                            line = *l;
                            node = v;
                        }
                        None => break,
                    }
                }
                (NodeValue::Seq(s), Segment::Index(i)) => match s.get(i) {
                    Some(v) => {
                        line = v.line;
                        node = v;
                    }
                    None => break,
                },
                _ => break,
            }
        }
        line
    }
}

impl Node {
    /// The line of the node at a field path when the whole path exists in this node, e.g.
    /// `spec.replicas` in a patch that sets it; `None` when some segment is missing.
    /// `name_of(depth)` may give, for a sequence index at the path's `depth`-th segment,
    /// the `name` of the item the path means (strategic merge patches match list items
    /// by name, not position): then the item with that `name` is taken.
    pub fn find_path(&self, path: &str, name_of: &dyn Fn(usize) -> Option<String>) -> Option<u32> {
        let mut node = self;
        let mut line = self.line;
        for (depth, seg) in path_segments(path).into_iter().enumerate() {
            match (&node.value, seg) {
                (NodeValue::Map(m), Segment::Key(k)) => {
                    let (_, l, v) = m.iter().find(|(key, _, _)| *key == k)?;
                    line = *l;
                    node = v;
                }
                (NodeValue::Seq(s), Segment::Index(i)) => {
                    let by_name = name_of(depth).and_then(|name| {
                        s.iter()
                            .find(|item| item.get("name").and_then(Node::as_str) == Some(&name))
                    });
                    let item = match by_name {
                        Some(item) => item,
                        None => s.get(i)?,
                    };
                    line = item.line;
                    node = item;
                }
                _ => return None,
            }
        }
        Some(line)
    }
}

/// The keys and indexes of a field path such as `spec.containers[0].image` or
/// `metadata.labels["a/b"]`: `Ok(key)` for a key, `Err(index)` for a list index.
pub fn field_segments(path: &str) -> Vec<Result<String, usize>> {
    path_segments(path)
        .into_iter()
        .map(|s| match s {
            Segment::Key(k) => Ok(k),
            Segment::Index(i) => Err(i),
        })
        .collect()
}

/// Parses a multi-document YAML text into nodes with lines (any YAML, not only
/// Kubernetes objects: a kustomize patch, a JSON patch list). `file` labels errors.
pub fn parse_nodes(file: &str, text: &str) -> Result<Vec<Node>, LoadError> {
    let roots: Vec<Spanned<NodeValue>> =
        serde_saphyr::from_str_multiple_with_options(text, options())
            .map_err(|e| yaml_error(file, &e))?;
    Ok(roots.into_iter().map(spanned).collect())
}

enum Segment {
    Key(String),
    Index(usize),
}

fn path_segments(path: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let b = path.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'.' => i += 1,
            b'[' if b.get(i + 1) == Some(&b'"') => {
                let start = i + 2;
                let end = path[start..].find("\"]").map_or(b.len(), |e| start + e);
                out.push(Segment::Key(path[start..end].to_owned()));
                i = end + 2;
            }
            b'[' => {
                let end = path[i..].find(']').map_or(b.len(), |e| i + e);
                match path[i + 1..end].parse() {
                    Ok(n) => out.push(Segment::Index(n)),
                    Err(_) => return out,
                }
                i = end + 1;
            }
            _ => {
                let end = path[i..].find(['.', '[']).map_or(b.len(), |e| i + e);
                out.push(Segment::Key(path[i..end].to_owned()));
                i = end;
            }
        }
    }
    out
}

/// Appends a key to a field path, quoting keys that are not plain identifiers.
pub(crate) fn join_key(path: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && key
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-');
    match (path.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (false, true) => format!("{path}.{key}"),
        (_, false) => format!("{path}[{key:?}]"),
    }
}

// ---- deserializing typed objects from nodes ------------------------------------------

/// An error while deserializing a node, with where it happened.
#[derive(Debug)]
pub(crate) struct DeError {
    msg: String,
    line: Option<u32>,
    path: Option<String>,
}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            msg: msg.to_string(),
            line: None,
            path: None,
        }
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for DeError {}

impl DeError {
    fn at(mut self, line: u32, path: &str) -> Self {
        if self.line.is_none() {
            self.line = Some(line);
            self.path = Some(path.to_owned());
        }
        self
    }
}

struct NodeDe<'a> {
    node: &'a Node,
    path: String,
}

impl<'de> Deserializer<'de> for NodeDe<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let r = match &self.node.value {
            NodeValue::Null => v.visit_unit(),
            NodeValue::Bool(b) => v.visit_bool(*b),
            NodeValue::I64(i) => v.visit_i64(*i),
            NodeValue::U64(u) => v.visit_u64(*u),
            NodeValue::F64(f) => v.visit_f64(*f),
            NodeValue::Str(s) => v.visit_str(s),
            NodeValue::Seq(items) => v.visit_seq(SeqDe {
                items: items.iter().enumerate(),
                path: &self.path,
            }),
            NodeValue::Map(entries) => v.visit_map(MapDe {
                entries: entries.iter(),
                value: None,
                path: &self.path,
            }),
        };
        r.map_err(|e| e.at(self.node.line, &self.path))
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let (line, path) = (self.node.line, self.path.clone());
        match self.node.value {
            NodeValue::Null => v.visit_none(),
            _ => v.visit_some(self),
        }
        .map_err(|e| e.at(line, &path))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        match &self.node.value {
            NodeValue::Str(s) => v.visit_enum(s.as_str().into_deserializer()),
            _ => Err(de::Error::custom("expected a string")),
        }
        .map_err(|e: DeError| e.at(self.node.line, &self.path))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

struct SeqDe<'a, I> {
    items: I,
    path: &'a str,
}

impl<'de, 'n, I: Iterator<Item = (usize, &'n Node)>> SeqAccess<'de> for SeqDe<'_, I> {
    type Error = DeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some((i, node)) => seed
                .deserialize(NodeDe {
                    node,
                    path: format!("{}[{i}]", self.path),
                })
                .map(Some),
            None => Ok(None),
        }
    }
}

struct MapDe<'a, 'n, I> {
    entries: I,
    value: Option<(&'n str, &'n Node)>,
    path: &'a str,
}

impl<'de, 'n, I: Iterator<Item = &'n (String, u32, Node)>> MapAccess<'de> for MapDe<'_, 'n, I> {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            Some((k, _, v)) => {
                self.value = Some((k, v));
                seed.deserialize(de::value::StrDeserializer::<DeError>::new(k))
                    .map(Some)
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.value.take() {
            Some((k, node)) => seed.deserialize(NodeDe {
                node,
                path: join_key(self.path, k),
            }),
            None => Err(de::Error::custom("value without a key")),
        }
    }
}

// ---- documents -------------------------------------------------------------------------

/// Why a document could not be read as its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// Line of the offending node.
    pub line: u64,
    /// Field path of the offending node.
    pub field: String,
    /// The deserializer's message.
    pub message: String,
}

/// One YAML document that looks like a Kubernetes object.
#[derive(Clone, Debug, PartialEq)]
pub struct Document {
    /// File it came from, as given.
    pub file: String,
    /// Line of the document's first node.
    pub line: u64,
    /// `apiVersion`.
    pub api_version: String,
    /// `kind`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// The document as JSON.
    pub value: Value,
    /// The typed object, when the kind and apiVersion are ones kairn checks.
    pub object: Option<Object>,
    /// Why the typed parse failed.
    pub error: Option<ParseError>,
    /// Why the document is not checked beyond its apiVersion (unknown kind or version).
    pub skipped: Option<String>,
    pub(crate) tree: Node,
}

impl Document {
    /// The line of the node at a field path such as `metadata.annotations["a/b"]` (the
    /// deepest node of the path that exists; the document's first line at worst).
    pub fn line_of_path(&self, path: &str) -> u64 {
        u64::from(self.tree.line_of_path(path))
    }
}

/// A file that cannot be read or is not YAML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadError {
    /// File (or path) concerned.
    pub file: String,
    /// Line of the syntax error, when known.
    pub line: Option<u64>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// What a file held besides objects: documents that are not Kubernetes objects.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Loaded {
    /// Objects (any kind).
    pub documents: Vec<Document>,
    /// `(file, line, reason)` of documents passed over.
    pub skipped: Vec<(String, u64, String)>,
}

/// The apiVersion kairn checks for each kind it types.
pub(crate) fn expected_api_version(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Namespace"
        | "ServiceAccount"
        | "ConfigMap"
        | "Secret"
        | "PersistentVolumeClaim"
        | "Service" => "v1",
        "Role" | "RoleBinding" | "ClusterRole" | "ClusterRoleBinding" => {
            "rbac.authorization.k8s.io/v1"
        }
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" => "apps/v1",
        "Job" | "CronJob" => "batch/v1",
        "HorizontalPodAutoscaler" => "autoscaling/v2",
        "PodDisruptionBudget" => "policy/v1",
        "Ingress" | "NetworkPolicy" | "IngressClass" => "networking.k8s.io/v1",
        "ServiceMonitor" | "PrometheusRule" | "PodMonitor" => "monitoring.coreos.com/v1",
        _ => return None,
    })
}

/// Most YAML documents in one file or stream.
const MAX_DOCUMENTS: usize = 65_536;
/// Most YAML nodes (scalars, sequences, mappings) in one file or stream.
const MAX_NODES: usize = 2_000_000;
/// Most parser events in one file or stream.
const MAX_EVENTS: usize = 8_000_000;
/// Most nesting of sequences and mappings.
const MAX_NESTING: usize = 64;
/// Most aliases (`*name`) and anchors (`&name`).
const MAX_ALIASES: usize = 50_000;
/// Most events recorded under anchors for later replay by aliases.
const MAX_RECORDED_ANCHOR_EVENTS: usize = 100_000;
/// Most merge keys (`<<`).
const MAX_MERGE_KEYS: usize = 10_000;

pub(crate) fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_documents: MAX_DOCUMENTS,
            max_nodes: MAX_NODES,
            max_events: MAX_EVENTS,
            max_depth: MAX_NESTING,
            max_aliases: MAX_ALIASES,
            max_anchors: MAX_ALIASES,
            max_recorded_anchor_events: MAX_RECORDED_ANCHOR_EVENTS,
            max_total_scalar_bytes: MAX_FILE_BYTES as usize,
            max_merge_keys: MAX_MERGE_KEYS,
        },
        with_snippet: false,
        // YAML 1.1 as Kubernetes reads it (sigs.k8s.io/yaml, go-yaml v2): an integer with
        // a leading 0 is octal, so `defaultMode: 0400` is 256.
        legacy_octal_numbers: true,
    }
}

/// `1234567` as `1,234,567`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The error under alias and snippet wrappers.
fn original(e: &serde_saphyr::Error) -> &serde_saphyr::Error {
    match e {
        serde_saphyr::Error::WithSnippet { error, .. }
        | serde_saphyr::Error::AliasError { error, .. } => original(error),
        other => other,
    }
}

/// A plain sentence for a budget breach: which of kairn's limits the input exceeds.
fn budget_message(breach: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach as B;
    let what = match breach {
        B::Nodes { .. } => format!("has more than {} YAML nodes", thousands(MAX_NODES)),
        B::Events { .. } => format!("has more than {} YAML parser events", thousands(MAX_EVENTS)),
        B::Documents { .. } => format!("has more than {} YAML documents", thousands(MAX_DOCUMENTS)),
        B::Depth { .. } => {
            format!("nests sequences and mappings more than {MAX_NESTING} levels deep")
        }
        B::Aliases { .. } => format!("has more than {} aliases (`*name`)", thousands(MAX_ALIASES)),
        B::Anchors { .. } => format!("has more than {} anchors (`&name`)", thousands(MAX_ALIASES)),
        B::AliasAnchorRatio { .. } => {
            "uses each anchor (`&name`) through far more aliases (`*name`) than real manifests do"
                .to_owned()
        }
        B::RecordedAnchorEvents { .. } | B::RecordedAnchorBytes { .. } => format!(
            "has anchors (`&name`) that hold more than {} YAML events for aliases to repeat",
            thousands(MAX_RECORDED_ANCHOR_EVENTS)
        ),
        B::ScalarBytes { .. } => format!(
            "has more than {} of text in its values",
            size(MAX_FILE_BYTES)
        ),
        B::MergeKeys { .. } => format!(
            "has more than {} merge keys (`<<`)",
            thousands(MAX_MERGE_KEYS)
        ),
        _ => "is larger or more complex than kairn reads".to_owned(),
    };
    format!("the input {what} (kairn's limit against YAML bombs)")
}

/// A [`LoadError`] in plain words for a YAML syntax error or exceeded limit.
/// Marks the line in the message of an error raised by our own visitor, which
/// serde-saphyr reports without a location: `... [at line N]`.
const LINE_MARK: &str = " [at line ";

/// The line a [`LINE_MARK`] names, and the message without it.
fn marked_line(message: &str) -> Option<(u64, String)> {
    let (head, tail) = message.rsplit_once(LINE_MARK)?;
    let (n, rest) = tail.split_once(']')?;
    Some((n.parse().ok()?, format!("{head}{rest}")))
}

fn yaml_error(file: &str, e: &serde_saphyr::Error) -> LoadError {
    use serde_saphyr::Error as E;
    let mut line = e.location().map(|l| l.line()).filter(|l| *l > 0);
    let mut message = match original(e) {
        E::Budget { breach, .. } => budget_message(breach),
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => {
            "the input's aliases (`*name`) expand to more YAML than kairn reads (kairn's limit against YAML bombs)".to_owned()
        }
        E::DuplicateMappingKey { key: Some(key), .. } => format!(
            "duplicate key `{key}` in a mapping (Kubernetes would keep only one of them): remove one"
        ),
        E::DuplicateMappingKey { key: None, .. } => {
            "duplicate key in a mapping (Kubernetes would keep only one of them): remove one".to_owned()
        }
        _ => format!("malformed YAML: {e}"),
    };
    if let Some((n, without)) = marked_line(&message) {
        line = line.or(Some(n).filter(|n| *n > 0));
        message = without;
    }
    LoadError {
        file: file.to_owned(),
        line,
        message,
    }
}

fn document(file: &str, root: Node, out: &mut Loaded) {
    let kind = root
        .get("kind")
        .and_then(Node::as_str)
        .unwrap_or_default()
        .to_owned();
    let api_version = root
        .get("apiVersion")
        .and_then(Node::as_str)
        .unwrap_or_default()
        .to_owned();
    if kind.is_empty() || api_version.is_empty() {
        let why = match root.value {
            NodeValue::Map(_) => "not a Kubernetes object (no apiVersion and kind)",
            _ => "not a Kubernetes object (not a mapping)",
        };
        out.skipped
            .push((file.to_owned(), u64::from(root.line), why.to_owned()));
        return;
    }
    let group = api_version.split('/').next().unwrap_or_default();
    if group.ends_with(".config.k8s.io") || group == "kustomize.config.k8s.io" {
        out.skipped.push((
            file.to_owned(),
            u64::from(root.line),
            format!("{kind} ({api_version}) is tool configuration, not a cluster object"),
        ));
        return;
    }
    if kind.ends_with("List") {
        if let Some(NodeValue::Seq(items)) = root.get("items").map(|n| &n.value) {
            for item in items {
                document(file, item.clone(), out);
            }
            return;
        }
    }
    let meta = root.get("metadata");
    let name = meta
        .and_then(|m| m.get("name"))
        .and_then(Node::as_str)
        .unwrap_or_default()
        .to_owned();
    let namespace = meta
        .and_then(|m| m.get("namespace"))
        .and_then(Node::as_str)
        .map(str::to_owned);
    let mut doc = Document {
        file: file.to_owned(),
        line: u64::from(root.line),
        api_version,
        kind,
        name,
        namespace,
        value: root.to_json(),
        object: None,
        error: None,
        skipped: None,
        tree: root,
    };
    let expected = expected_api_version(&doc.kind);
    if expected.is_some_and(|v| v != doc.api_version) {
        doc.skipped = Some(format!(
            "{} {} is not checked: kairn checks {} {}",
            doc.api_version,
            doc.kind,
            expected.unwrap_or_default(),
            doc.kind
        ));
    } else {
        let de = NodeDe {
            node: &doc.tree,
            path: String::new(),
        };
        match Object::deserialize_kind(&doc.kind, de) {
            Ok(Some(mut o)) => {
                // What the API server would run: its defaults, before any rule.
                crate::defaults::apply(&mut o);
                doc.object = Some(o);
            }
            Ok(None) => {
                doc.skipped = Some(format!(
                    "kind {} is not typed; only its apiVersion and references are checked",
                    doc.kind
                ))
            }
            Err(e) => {
                let mut message = e.msg;
                if message.starts_with("invalid type: boolean") {
                    message.push_str(" (YAML 1.1, as kubectl reads it, takes unquoted y, n, yes, no, on and off as booleans: quote the value)");
                }
                doc.error = Some(ParseError {
                    line: u64::from(e.line.unwrap_or(doc.tree.line)),
                    field: e.path.unwrap_or_default(),
                    message,
                })
            }
        }
    }
    out.documents.push(doc);
}

/// Parses a multi-document YAML text. `file` labels the documents.
pub fn parse_str(file: &str, text: &str) -> Result<Loaded, LoadError> {
    let mut out = Loaded::default();
    for root in roots(text).map_err(|e| yaml_error(file, &e))? {
        document(file, root, &mut out);
    }
    Ok(out)
}

/// The documents of a YAML text as line-numbered trees: the fast path of
/// [`crate::events`] when the text is plain, else serde-saphyr's reader.
fn roots(text: &str) -> Result<Vec<Node>, serde_saphyr::Error> {
    if let Some(roots) = crate::events::roots(text, MAX_NESTING, MAX_NODES) {
        return Ok(roots);
    }
    full_roots(text)
}

/// The documents of a YAML text read by serde-saphyr (anchors, aliases, tags, merge keys,
/// limits and errors as it reads them).
fn full_roots(text: &str) -> Result<Vec<Node>, serde_saphyr::Error> {
    let roots: Vec<Spanned<NodeValue>> =
        serde_saphyr::from_str_multiple_with_options(text, options())?;
    Ok(roots.into_iter().map(spanned).collect())
}

// ---- reading files and streams ---------------------------------------------------------

/// Most bytes `lint` reads from one file or from standard input: 64 MiB. Kubernetes stores
/// an object in at most 1.5 MiB (etcd's request limit), so real manifests are far smaller.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// Most bytes `lint` reads from all files and streams together: 512 MiB.
pub const MAX_TOTAL_BYTES: u64 = 512 << 20;

/// How much input an [`Input`] reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most bytes from one file or stream.
    pub file_bytes: u64,
    /// Most bytes from all files and streams together.
    pub total_bytes: u64,
}

impl Default for Limits {
    /// [`MAX_FILE_BYTES`] and [`MAX_TOTAL_BYTES`].
    fn default() -> Self {
        Limits {
            file_bytes: MAX_FILE_BYTES,
            total_bytes: MAX_TOTAL_BYTES,
        }
    }
}

impl Limits {
    /// One sentence stating the limits, e.g. for `--help` and error messages.
    pub fn describe(&self) -> String {
        format!(
            "lint reads at most {} from each file or from standard input, and {} in all",
            size(self.file_bytes),
            size(self.total_bytes)
        )
    }
}

/// `64 MiB`, `12 KiB` or `1000 bytes`.
fn size(bytes: u64) -> String {
    const KIB: u64 = 1 << 10;
    const MIB: u64 = 1 << 20;
    const GIB: u64 = 1 << 30;
    match bytes {
        0 => "0 bytes".to_owned(),
        1 => "1 byte".to_owned(),
        b if b % GIB == 0 => format!("{} GiB", b / GIB),
        b if b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b % KIB == 0 => format!("{} KiB", b / KIB),
        b => format!("{b} bytes"),
    }
}

/// An I/O error's text without the trailing ` (os error N)`.
fn io_text(e: &io::Error) -> String {
    let text = e.to_string();
    match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => text[..i].to_owned(),
        _ => text,
    }
}

/// Reads `lint` input within [`Limits`]: every file or stream is read through
/// [`Read::take`], so an endless or huge input (`/dev/zero`, `cat /dev/zero | kairn lint -`)
/// stops at the limit without being held in memory first.
#[derive(Clone, Debug)]
pub struct Input {
    limits: Limits,
    used: u64,
}

impl Default for Input {
    fn default() -> Self {
        Input::new(Limits::default())
    }
}

impl Input {
    /// Reads nothing yet.
    pub fn new(limits: Limits) -> Self {
        Input { limits, used: 0 }
    }

    /// Bytes read so far, over all files and streams.
    pub fn used(&self) -> u64 {
        self.used
    }

    /// Whether the total limit is used up, so that only empty inputs can still be read.
    pub fn exhausted(&self) -> bool {
        self.used >= self.limits.total_bytes
    }

    /// Reads one file or stream as UTF-8 text: at most the per-file limit and what is left
    /// of the total limit, or an error naming the limit.
    pub fn read_text(&mut self, label: &str, reader: impl Read) -> Result<String, LoadError> {
        self.read_text_sized(label, reader, 0)
    }

    /// [`Input::read_text`] into a buffer of `size` bytes to begin with (a file's length:
    /// one read instead of a doubling series).
    fn read_text_sized(
        &mut self,
        label: &str,
        reader: impl Read,
        size_hint: u64,
    ) -> Result<String, LoadError> {
        let left = self.limits.total_bytes.saturating_sub(self.used);
        let cap = self.limits.file_bytes.min(left);
        let error = |message: String| LoadError {
            file: label.to_owned(),
            line: None,
            message,
        };
        let mut bytes =
            Vec::with_capacity(usize::try_from(size_hint.min(cap).saturating_add(1)).unwrap_or(0));
        let read = reader.take(cap.saturating_add(1)).read_to_end(&mut bytes);
        self.used = self.used.saturating_add((bytes.len() as u64).min(cap));
        if let Err(e) = read {
            return Err(error(format!("cannot read: {}", io_text(&e))));
        }
        if bytes.len() as u64 > cap {
            return Err(error(if cap == self.limits.file_bytes {
                format!(
                    "larger than {} (the per-file limit); {}: split it, or lint its parts one by one",
                    size(self.limits.file_bytes),
                    self.limits.describe()
                )
            } else {
                format!(
                    "not read in full: together with the inputs before it, it exceeds {} (the limit for all input); {}: lint fewer files at once",
                    size(self.limits.total_bytes),
                    self.limits.describe()
                )
            }));
        }
        String::from_utf8(bytes).map_err(|e| {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() as u64 + 1;
            LoadError {
                file: label.to_owned(),
                line: Some(line),
                message: "not UTF-8 text".to_owned(),
            }
        })
    }

    /// Reads and parses one file or stream into `into`.
    pub fn load(
        &mut self,
        label: &str,
        reader: impl Read,
        into: &mut Loaded,
    ) -> Result<(), LoadError> {
        let text = self.read_text(label, reader)?;
        let loaded = parse_str(label, &text)?;
        into.documents.extend(loaded.documents);
        into.skipped.extend(loaded.skipped);
        Ok(())
    }

    /// Opens, reads and parses one file into `into`. Special files (a FIFO, `/dev/stdin`,
    /// `/dev/zero`) are read like any other, up to the limits.
    pub fn load_file(&mut self, path: &Path, into: &mut Loaded) -> Result<(), LoadError> {
        let (label, text) = self.read_file(path)?;
        let loaded = parse_str(&label, &text)?;
        into.documents.extend(loaded.documents);
        into.skipped.extend(loaded.skipped);
        Ok(())
    }

    /// Opens and reads one file: its label (the path as given) and text.
    fn read_file(&mut self, path: &Path) -> Result<(String, String), LoadError> {
        let label = path.display().to_string();
        let file = fs::File::open(path).map_err(|e| LoadError {
            file: label.clone(),
            line: None,
            message: format!("cannot read: {}", io_text(&e)),
        })?;
        let len = file.metadata().map_or(0, |m| m.len());
        let text = self.read_text_sized(&label, file, len)?;
        Ok((label, text))
    }
}

/// Reads and parses files within the default [`Limits`]; every unreadable, oversized or
/// malformed file is reported, the rest load.
pub fn load_files(files: &[PathBuf]) -> (Loaded, Vec<LoadError>) {
    let mut input = Input::default();
    let mut loaded = Loaded::default();
    let errors = load_files_with(&mut input, files, &mut loaded);
    (loaded, errors)
}

/// Reads and parses files through `input` into `into`, returning what could not be read.
/// Once the total limit is used up, the files left are reported in one error.
pub fn load_files_with(input: &mut Input, files: &[PathBuf], into: &mut Loaded) -> Vec<LoadError> {
    // Read in order (the limits count bytes in file order), parse on every core, keep
    // the file order in what comes out.
    let mut read: Vec<Result<(String, String), LoadError>> = Vec::with_capacity(files.len());
    for (i, f) in files.iter().enumerate() {
        if input.exhausted() {
            let rest = files.len() - i;
            read.push(Err(LoadError {
                file: f.display().to_string(),
                line: None,
                message: format!(
                    "not read{}: the input already totals {} (the limit for all input); {}: lint fewer files at once",
                    match rest {
                        1 => String::new(),
                        n => format!(", nor the {} file(s) after it", n - 1),
                    },
                    size(input.limits.total_bytes),
                    input.limits.describe()
                ),
            }));
            break;
        }
        read.push(input.read_file(f));
    }
    let parsed = parse_all(read);
    let mut errors = Vec::new();
    for p in parsed {
        match p {
            Ok(loaded) => {
                into.documents.extend(loaded.documents);
                into.skipped.extend(loaded.skipped);
            }
            Err(e) => errors.push(e),
        }
    }
    errors
}

/// Parses every text read (`(label, text)`), on up to one thread per core, in order.
fn parse_all(read: Vec<Result<(String, String), LoadError>>) -> Vec<Result<Loaded, LoadError>> {
    let parse = |r: Result<(String, String), LoadError>| r.and_then(|(l, t)| parse_str(&l, &t));
    let bytes: usize = read.iter().flatten().map(|(_, t)| t.len()).sum();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(8);
    // Below a megabyte, threads cost more than they save.
    if threads < 2 || bytes < (1 << 20) {
        return read.into_iter().map(parse).collect();
    }
    // Contiguous chunks of about equal bytes, one per thread.
    let share = bytes.div_ceil(threads);
    let mut chunks: Vec<Vec<Result<(String, String), LoadError>>> = vec![Vec::new()];
    let mut in_chunk = 0;
    for r in read {
        let len = r.as_ref().map_or(0, |(_, t)| t.len());
        if in_chunk >= share && chunks.len() < threads {
            chunks.push(Vec::new());
            in_chunk = 0;
        }
        in_chunk += len;
        chunks.last_mut().expect("one chunk at least").push(r);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.into_iter().map(parse).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(parsed) => parsed,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

// ---- finding files ---------------------------------------------------------------------

/// What [`collect_files`] found under the given paths.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Collected {
    /// The files to read, in a deterministic order: the paths as given, each directory
    /// depth-first with its entries sorted by name.
    pub files: Vec<PathBuf>,
    /// Paths that could not be searched or followed (unreadable directory, broken symbolic
    /// link, special file named `*.yaml`): the set is not fully checked.
    pub errors: Vec<LoadError>,
    /// Paths passed over because what they lead to is read anyway (a symbolic link back to
    /// a directory being searched, a second way to a directory or file already found).
    pub notes: Vec<LoadError>,
}

#[cfg(unix)]
type FileId = (u64, u64);
#[cfg(not(unix))]
type FileId = PathBuf;

/// What identifies a file or directory, whatever the path to it.
#[cfg(unix)]
fn file_id(_path: &Path, meta: &Metadata) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(path: &Path, _meta: &Metadata) -> Option<FileId> {
    fs::canonicalize(path).ok()
}

fn is_yaml_name(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

fn special_kind(meta: &Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    let _ = meta;
    "not a regular file"
}

#[derive(Default)]
struct Walk {
    out: Collected,
    dirs: HashMap<FileId, PathBuf>,
    files: HashMap<FileId, PathBuf>,
}

impl Walk {
    fn error(&mut self, path: &Path, message: String) {
        self.out.errors.push(LoadError {
            file: path.display().to_string(),
            line: None,
            message,
        });
    }

    fn note(&mut self, path: &Path, message: String) {
        self.out.notes.push(LoadError {
            file: path.display().to_string(),
            line: None,
            message,
        });
    }

    /// Adds a file once, however many paths lead to it.
    fn file(&mut self, path: &Path, meta: &Metadata) {
        if meta.is_file() {
            if let Some(id) = file_id(path, meta) {
                if let Some(first) = self.files.get(&id) {
                    let first = first.display().to_string();
                    self.note(path, format!("not read again: same file as {first}"));
                    return;
                }
                self.files.insert(id, path.to_owned());
            }
        }
        self.out.files.push(path.to_owned());
    }

    /// Whether to search a directory: not when it was reached before.
    fn enter(&mut self, dir: &Path, meta: &Metadata) -> bool {
        let Some(id) = file_id(dir, meta) else {
            return true;
        };
        match self.dirs.get(&id) {
            None => {
                self.dirs.insert(id, dir.to_owned());
                true
            }
            Some(first) => {
                let first = first.clone();
                let message = if dir != first && dir.starts_with(&first) {
                    format!(
                        "not followed: symbolic link loop back to {}, which is searched once",
                        first.display()
                    )
                } else {
                    format!("not searched again: same directory as {}", first.display())
                };
                self.note(dir, message);
                false
            }
        }
    }

    /// The sorted entries of a directory, or `None` (reported) when it cannot be read.
    fn entries(&mut self, dir: &Path) -> Option<Vec<PathBuf>> {
        let reader = match fs::read_dir(dir) {
            Ok(r) => r,
            Err(e) => {
                self.error(
                    dir,
                    format!(
                        "cannot read directory: {}; its files are not checked",
                        io_text(&e)
                    ),
                );
                return None;
            }
        };
        let mut entries = Vec::new();
        for entry in reader {
            match entry {
                Ok(e) => entries.push(e.path()),
                Err(e) => self.error(
                    dir,
                    format!("cannot list every entry of the directory: {}", io_text(&e)),
                ),
            }
        }
        entries.sort();
        Some(entries)
    }

    /// Searches a directory tree depth-first, with an explicit stack rather than recursion
    /// (no depth limit: loops are cut by remembering every directory searched).
    fn tree(&mut self, root: &Path, meta: &Metadata) {
        if !self.enter(root, meta) {
            return;
        }
        let mut stack = Vec::new();
        if let Some(entries) = self.entries(root) {
            stack.push(entries.into_iter());
        }
        while let Some(top) = stack.last_mut() {
            let Some(path) = top.next() else {
                stack.pop();
                continue;
            };
            let link = match fs::symlink_metadata(&path) {
                Ok(m) => m.file_type().is_symlink(),
                Err(e) => {
                    self.error(&path, format!("cannot read: {}", io_text(&e)));
                    continue;
                }
            };
            let meta = match fs::metadata(&path) {
                Ok(m) => m,
                Err(e) if link => {
                    self.error(
                        &path,
                        format!(
                            "cannot follow symbolic link: {}; what it points to is not checked",
                            io_text(&e)
                        ),
                    );
                    continue;
                }
                Err(e) => {
                    self.error(&path, format!("cannot read: {}", io_text(&e)));
                    continue;
                }
            };
            if meta.is_dir() {
                if self.enter(&path, &meta) {
                    if let Some(entries) = self.entries(&path) {
                        stack.push(entries.into_iter());
                    }
                }
            } else if !is_yaml_name(&path) {
                // Not a manifest: README.md, Chart.lock, ...
            } else if meta.is_file() {
                self.file(&path, &meta);
            } else {
                let kind = special_kind(&meta);
                self.error(
                    &path,
                    format!(
                        "not read: {kind}, not a regular file; name it on the command line to read it"
                    ),
                );
            }
        }
    }
}

/// The YAML files under the given paths: files as given (special files such as
/// `/dev/stdin` included), directories searched to any depth for `*.yaml` and `*.yml`.
/// Symbolic links are followed; a directory or file reached a second time (a link loop,
/// two links to one place) is read once and noted. Nothing is skipped silently: every
/// path that cannot be searched or followed is an error, and the search goes on.
pub fn collect_files(paths: &[PathBuf]) -> Collected {
    let mut walk = Walk::default();
    for p in paths {
        let meta = match fs::metadata(p) {
            Ok(m) => m,
            Err(e) => {
                walk.error(p, format!("cannot read: {}", io_text(&e)));
                continue;
            }
        };
        if meta.is_dir() {
            let before = (
                walk.out.files.len(),
                walk.out.errors.len(),
                walk.out.notes.len(),
            );
            walk.tree(p, &meta);
            let after = (
                walk.out.files.len(),
                walk.out.errors.len(),
                walk.out.notes.len(),
            );
            if before == after {
                walk.error(p, "no *.yaml or *.yml files found".to_owned());
            }
        } else {
            walk.file(p, &meta);
        }
    }
    walk.out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path and serde-saphyr's reader give equal trees (values and lines) on
    /// every YAML file of the repository's real sets and kairn's own output, and the fast
    /// path reads most of them.
    #[test]
    fn fast_path_reads_real_manifests_as_the_full_reader_does() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let dirs = [
            "generated",
            "tests/fixtures",
            "examples/shop/generated",
            "../shared/corpus",
        ];
        let found = collect_files(
            &dirs
                .iter()
                .map(|d| root.join(d))
                .filter(|d| d.is_dir())
                .collect::<Vec<_>>(),
        );
        let (mut fast, mut readable) = (0, 0);
        for f in &found.files {
            let Ok(text) = fs::read_to_string(f) else {
                continue;
            };
            let full = full_roots(&text).map_err(|e| e.to_string());
            readable += usize::from(full.is_ok());
            if let Some(roots) = crate::events::roots(&text, MAX_NESTING, MAX_NODES) {
                fast += 1;
                assert_eq!(Ok(roots), full, "{}", f.display());
            }
        }
        // Helm templates are not YAML: neither path reads them.
        assert!(
            readable > 300 && fast == readable,
            "the fast path read {fast} of the {readable} files the full reader reads"
        );
    }

    fn limits(file_bytes: u64, total_bytes: u64) -> Limits {
        Limits {
            file_bytes,
            total_bytes,
        }
    }

    /// No Rust debug text or serde-saphyr option names in a message meant for users.
    fn assert_plain(message: &str) {
        for debug in ["{ ", " }", "Options", "Policy", "Budget", "breach"] {
            assert!(!message.contains(debug), "`{debug}` in {message:?}");
        }
    }

    #[test]
    fn reading_stops_at_the_per_file_limit() {
        let mut input = Input::new(limits(16, 1 << 20));
        let ok = input
            .read_text("a.yaml", &b"0123456789abcdef"[..])
            .expect("at the limit");
        assert_eq!(ok.len(), 16);
        let err = input
            .read_text("zero", io::repeat(0))
            .expect_err("endless input");
        assert_eq!(err.file, "zero");
        assert!(
            err.message.starts_with("larger than 16 bytes (the per-file limit); lint reads at most 16 bytes from each file or from standard input, and 1 MiB in all"),
            "{err}"
        );
        assert_eq!(input.used(), 32);
    }

    #[test]
    fn reading_stops_at_the_total_limit() {
        let mut input = Input::new(limits(1 << 10, 1536));
        input
            .read_text("a", io::repeat(b'#').take(1 << 10))
            .expect("a");
        let err = input
            .read_text("b", io::repeat(b'#').take(1 << 10))
            .expect_err("over the total");
        assert!(
            err.message
                .contains("exceeds 1536 bytes (the limit for all input)"),
            "{err}"
        );
        assert!(input.exhausted());
        assert_eq!(input.read_text("empty", &b""[..]).expect("empty"), "");
        assert!(input.read_text("c", &b"x"[..]).is_err());

        let dir = std::env::temp_dir().join(format!("kairn-source-total-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("temp dir");
        let files: Vec<PathBuf> = (0..4)
            .map(|i| {
                let f = dir.join(format!("{i}.yaml"));
                fs::write(&f, format!("# {}\n", "x".repeat(100))).expect("write");
                f
            })
            .collect();
        let mut input = Input::new(limits(1 << 10, 150));
        let mut loaded = Loaded::default();
        let errors = load_files_with(&mut input, &files, &mut loaded);
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].file.ends_with("1.yaml") && errors[0].message.contains("not read in full")
        );
        assert!(
            errors[1].file.ends_with("2.yaml")
                && errors[1].message.starts_with(
                    "not read, nor the 1 file(s) after it: the input already totals 150 bytes"
                ),
            "{}",
            errors[1]
        );
    }

    #[test]
    fn files_are_found_in_a_fixed_order_and_each_once() {
        let root = std::env::temp_dir().join(format!("kairn-source-walk-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let dir = root.join("tree");
        fs::create_dir_all(dir.join("b/d")).expect("temp dir");
        fs::create_dir_all(root.join("empty")).expect("temp dir");
        for f in ["b.yaml", "a.yml", "b/d/e.yaml", "b/c.yaml", "notes.txt"] {
            fs::write(dir.join(f), "a: 1\n").expect("write");
        }
        let found = collect_files(&[dir.clone(), dir.join("b"), root.join("empty")]);
        let names: Vec<String> = found
            .files
            .iter()
            .map(|f| {
                f.strip_prefix(&dir)
                    .expect("under dir")
                    .display()
                    .to_string()
            })
            .collect();
        assert_eq!(names, ["a.yml", "b/c.yaml", "b/d/e.yaml", "b.yaml"]);
        assert_eq!(found.notes.len(), 1, "{:?}", found.notes);
        assert!(found.notes[0]
            .message
            .starts_with("not searched again: same directory as "));
        assert_eq!(found.errors.len(), 1, "{:?}", found.errors);
        assert!(found.errors[0].file.ends_with("empty"));
        assert_eq!(found.errors[0].message, "no *.yaml or *.yml files found");
        let _ = fs::remove_dir_all(&root);
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let err = Input::default()
            .read_text("b.yaml", &b"a: 1\nb: \xff\n"[..])
            .expect_err("not UTF-8");
        assert_eq!(err.to_string(), "b.yaml:2: not UTF-8 text");
    }

    #[test]
    fn sizes_read_plainly() {
        assert_eq!(size(MAX_FILE_BYTES), "64 MiB");
        assert_eq!(size(MAX_TOTAL_BYTES), "512 MiB");
        assert_eq!(size(1 << 30), "1 GiB");
        assert_eq!(size(3 << 10), "3 KiB");
        assert_eq!(size(1000), "1000 bytes");
        assert_eq!(thousands(2_000_000), "2,000,000");
        assert_eq!(thousands(65_536), "65,536");
        assert_eq!(thousands(64), "64");
    }

    #[test]
    fn limit_and_duplicate_key_errors_are_sentences() {
        let err = parse_str("d.yaml", "a: 1\nb:\n  c: 1\n  c: 2\n").expect_err("duplicate");
        assert_eq!(
            err.to_string(),
            "d.yaml:4: duplicate key `c` in a mapping (Kubernetes would keep only one of them): remove one"
        );

        // Nesting costs stack in a debug build: parse on a thread with the main thread's.
        let deep = format!("a: {}{}\n", "[".repeat(70), "]".repeat(70));
        let parse_deep = {
            let deep = deep.clone();
            move || parse_str("deep.yaml", &deep).expect_err("too deep")
        };
        let err = std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(parse_deep)
            .expect("thread")
            .join()
            .expect("no panic");
        assert_eq!(err.message, "the input nests sequences and mappings more than 64 levels deep (kairn's limit against YAML bombs)");
        assert_eq!(err.line, Some(1));
        assert_plain(&err.to_string());

        use serde_saphyr::budget::BudgetBreach as B;
        assert_eq!(
            budget_message(&B::Nodes { nodes: 2_000_001 }),
            "the input has more than 2,000,000 YAML nodes (kairn's limit against YAML bombs)"
        );
        assert_eq!(
            budget_message(&B::Documents { documents: 65_537 }),
            "the input has more than 65,536 YAML documents (kairn's limit against YAML bombs)"
        );
        for breach in [
            B::Events { events: 1 },
            B::Aliases { aliases: 1 },
            B::Anchors { anchors: 1 },
            B::ScalarBytes {
                total_scalar_bytes: 1,
            },
            B::MergeKeys { merge_keys: 1 },
            B::AliasAnchorRatio {
                aliases: 1,
                anchors: 1,
            },
            B::SequenceUnbalanced,
        ] {
            assert_plain(&budget_message(&breach));
        }

        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = "a".to_owned();
        for i in 0..8 {
            let refs = vec![format!("*{prev}"); 10].join(", ");
            bomb.push_str(&format!("l{i}: &l{i} [{refs}]\n"));
            prev = format!("l{i}");
        }
        let err = parse_str("bomb.yaml", &bomb).expect_err("alias bomb");
        assert!(
            err.message.ends_with("(kairn's limit against YAML bombs)"),
            "{err}"
        );

        for err in [
            parse_str("d.yaml", "a: 1\na: 2\n").expect_err("duplicate"),
            parse_str("bomb.yaml", &bomb).expect_err("bomb"),
            parse_str("bad.yaml", "a: [1, 2\n").expect_err("malformed"),
        ] {
            assert_plain(&err.to_string());
        }
    }
}
