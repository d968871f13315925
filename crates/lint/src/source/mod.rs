//! Reading existing YAML for `lint`: multi-document files with the line of every node,
//! parsed into typed objects by a deserializer that reports the line and field path of
//! the first error. Nothing here panics on hostile input: saphyr's budget bounds depth,
//! node count and alias expansion.

//!
//! Rooms: [`yaml`] (serde-saphyr's reader with kairn's limits, errors in plain words),
//! `crate::events` (the fast path from parser events), `deserializer` (typed objects from the
//! tree), `json` (typed objects from JSON values, by the same deserializer), [`input`] (files and streams within limits, parsed on every core), [`walk`]
//! (finding the files).

mod deserializer;
pub mod input;
mod json;
pub mod walk;
pub mod yaml;

#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::OnceLock;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use serde_saphyr::Spanned;

use crate::object::Object;

pub(crate) use deserializer::NodeDe;
pub use input::{load_files, load_files_with, Input, Limits, MAX_FILE_BYTES, MAX_TOTAL_BYTES};
pub use json::from_json;
pub(crate) use json::from_json_with;
pub use walk::{collect_files, Collected};
pub(crate) use yaml::options;
use yaml::{yaml_error, LINE_MARK, MAX_NESTING, MAX_NODES};

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
#[derive(Clone, Debug)]
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
    /// The document as JSON ([`Document::value`]): built on first use, since most
    /// documents are read through their typed object and their tree only (building it
    /// for every document was a tenth of the load and a third of its memory).
    pub(crate) value: OnceLock<Value>,
    /// The typed object, when the kind and apiVersion are ones kairn checks.
    pub object: Option<Object>,
    /// Why the typed parse failed.
    pub error: Option<ParseError>,
    /// Why the document is not checked beyond its apiVersion (unknown kind or version).
    pub skipped: Option<String>,
    /// The line tree ([`Document::tree`]). A typed document alone in its file lets its
    /// tree go once its object is read, and builds it again from `text` if asked (for the
    /// line of a finding): the tree was a third of the memory of a set, and most
    /// documents never need it again.
    pub(crate) tree: OnceLock<Node>,
    /// The file's text, kept when the tree was let go.
    pub(crate) text: Option<std::sync::Arc<str>>,
}

impl PartialEq for Document {
    fn eq(&self, other: &Self) -> bool {
        self.file == other.file
            && self.line == other.line
            && self.api_version == other.api_version
            && self.kind == other.kind
            && self.name == other.name
            && self.namespace == other.namespace
            && self.object == other.object
            && self.error == other.error
            && self.skipped == other.skipped
            && self.tree() == other.tree()
            && self.value() == other.value()
    }
}

impl Document {
    /// The document as JSON (non-finite floats as null).
    pub fn value(&self) -> &Value {
        self.value.get_or_init(|| self.with_tree(Node::to_json))
    }

    /// The document as JSON, taken out of the document.
    pub fn into_value(mut self) -> Value {
        self.take_value()
    }

    /// The document as JSON, moved out of the document (which then builds it again
    /// if asked).
    pub fn take_value(&mut self) -> Value {
        match self.value.take() {
            Some(v) => v,
            None => self.with_tree(Node::to_json),
        }
    }

    /// The line-numbered tree of the document as read.
    pub fn tree(&self) -> &Node {
        self.tree.get_or_init(|| self.tree_again())
    }

    /// The tree built again from the text it was let go with.
    fn tree_again(&self) -> Node {
        // The text parsed once already, to this one document: it parses again alike.
        let root = self
            .text
            .as_deref()
            .and_then(|text| roots(text).ok())
            .and_then(|roots| roots.into_iter().next());
        root.unwrap_or(Node {
            line: u32::try_from(self.line).unwrap_or(u32::MAX),
            value: NodeValue::Null,
        })
    }

    /// `f` of the tree; a tree let go is built again for `f` alone and not kept (placing
    /// the findings of a set asks for thousands of trees, once each).
    fn with_tree<R>(&self, f: impl FnOnce(&Node) -> R) -> R {
        match self.tree.get() {
            Some(tree) => f(tree),
            None => f(&self.tree_again()),
        }
    }

    /// The string value of the annotation `key` (`metadata.annotations[key]`), read from
    /// the tree: `None` when absent or not a string. A typed object's annotations are the
    /// tree's (every value a string, or the object would not have been read), so they
    /// answer while the tree is not built.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        if let (None, Some(object)) = (self.tree.get(), &self.object) {
            return object
                .metadata()
                .annotations
                .as_ref()?
                .get(key)
                .map(String::as_str);
        }
        self.tree()
            .get("metadata")?
            .get("annotations")?
            .get(key)?
            .as_str()
    }

    /// The line of the node at a field path such as `metadata.annotations["a/b"]` (the
    /// deepest node of the path that exists; the document's first line at worst).
    pub fn line_of_path(&self, path: &str) -> u64 {
        u64::from(self.with_tree(|tree| tree.line_of_path(path)))
    }

    /// Lets the tree go, keeping `text` (the whole file, this document alone in it) to
    /// build it again.
    fn let_tree_go(&mut self, text: &str) {
        self.text = Some(std::sync::Arc::from(text));
        self.tree = OnceLock::new();
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
        value: OnceLock::new(),
        object: None,
        error: None,
        skipped: None,
        tree: OnceLock::from(root),
        text: None,
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
            node: doc.tree(),
            path: &deserializer::Path::Root,
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
                    line: u64::from(e.line.unwrap_or(doc.tree().line)),
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
    let roots = roots(text).map_err(|e| yaml_error(file, &e))?;
    // One document, not a list of them: a typed object needs its tree only to place a
    // finding, which builds it again from the text.
    let alone = roots.len() == 1 && roots[0].get("items").is_none();
    for root in roots {
        document(file, root, &mut out);
    }
    if let [doc] = out.documents.as_mut_slice() {
        if alone && doc.object.is_some() {
            doc.let_tree_go(text);
        }
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
