//! Where a finding on a rendered object is in the user's files.
//!
//! - Helm: the template helm names in its `# Source:` comment. The line is found by
//!   searching the template's text for the keys of the finding's field path in order,
//!   each deeper than the one before (`spec.template.spec.containers[1].image` → `spec:`,
//!   then `template:` inside it, ..., the second `- ` item of `containers:`, `image:` in
//!   it), within the document of the object's kind. A list index counts the items as
//!   written: when the template has fewer (it loops), the list's key is the place. The search stops at the deepest key found,
//!   so a field the template lacks (or writes through a helper or `toYaml`) is placed at
//!   its deepest ancestor in the template, else at `kind:`.
//! - Kustomize: the resource file kustomize names in the object's origin annotation, at
//!   the line of the field (or its deepest ancestor) in that file's document of the
//!   object. When a patch of the unit (a patch file, or an inline patch of a
//!   kustomization) targets the object and sets the field itself, the finding is placed
//!   on the patch instead (the last such patch, as kustomize applies them in order).

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use dsl::validate::{self, source, Loaded};
use serde_json::Value;

use super::kustomization::Patch;

/// Reads and caches the files findings are placed in.
#[derive(Default)]
pub struct Locator {
    texts: HashMap<PathBuf, Option<String>>,
    loaded: HashMap<PathBuf, Option<Loaded>>,
    nodes: HashMap<PathBuf, Vec<source::Node>>,
}

/// The object a finding is on, as rendered.
pub struct Rendered<'a> {
    /// `kind`.
    pub kind: &'a str,
    /// `metadata.name` after rendering.
    pub name: &'a str,
    /// The whole object.
    pub value: &'a Value,
}

impl Locator {
    fn text(&mut self, file: &Path) -> Option<&str> {
        self.texts
            .entry(file.to_path_buf())
            .or_insert_with(|| fs::read_to_string(file).ok())
            .as_deref()
    }

    /// The line in the Helm template `file` for a finding at `field` of an object of `kind`
    /// (`value`: the rendered object, for the names of list items).
    pub fn helm_line(&mut self, file: &Path, kind: &str, field: &str, value: &Value) -> u64 {
        let name_of = |depth: usize| item_name(value, field, depth);
        self.text(file)
            .map_or(1, |t| template_line(t, kind, field, &name_of))
    }

    /// The file and line of a finding at `field` of `object`, which kustomize took from
    /// `origin` (document at `origin_line`) and which `patches` may have changed.
    pub fn kustomize_place(
        &mut self,
        origin: &Path,
        origin_line: u64,
        object: &Rendered<'_>,
        field: &str,
        patches: &[&Patch],
    ) -> (PathBuf, u64) {
        let mut names = vec![object.name.to_owned()];
        let mut place = (origin.to_path_buf(), origin_line);
        if let Some(doc) = self.document(origin, object) {
            names.push(doc.name.clone());
            place.1 = doc.line_of_path(field);
        }
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        for patch in patches {
            if let Some(line) = self.patch_line(patch, object, &names, field) {
                place = (patch.file.clone(), line);
            }
        }
        place
    }

    /// The document of `object` in `file`: the one of its kind whose name the rendered
    /// name contains (a name prefix or suffix added), the longest such; the only one of
    /// its kind otherwise.
    fn document(&mut self, file: &Path, object: &Rendered<'_>) -> Option<&validate::Document> {
        let loaded = self
            .loaded
            .entry(file.to_path_buf())
            .or_insert_with(|| {
                let text = fs::read_to_string(file).ok()?;
                validate::parse_str(&file.display().to_string(), &text).ok()
            })
            .as_ref()?;
        let same_kind: Vec<&validate::Document> = loaded
            .documents
            .iter()
            .filter(|d| d.kind == object.kind)
            .collect();
        if let [one] = same_kind.as_slice() {
            return Some(one);
        }
        same_kind
            .into_iter()
            .filter(|d| !d.name.is_empty() && object.name.contains(d.name.as_str()))
            .max_by_key(|d| d.name.len())
    }

    /// The line in `patch` that sets `field` of `object`, when the patch targets it.
    fn patch_line(
        &mut self,
        patch: &Patch,
        object: &Rendered<'_>,
        names: &[&str],
        field: &str,
    ) -> Option<u64> {
        if field.is_empty() {
            return None;
        }
        let (nodes, offset) = match &patch.inline {
            Some((text, line)) => (source::parse_nodes("patch", text).ok()?, *line),
            None => {
                let nodes = self
                    .nodes
                    .entry(patch.file.clone())
                    .or_insert_with(|| {
                        fs::read_to_string(&patch.file)
                            .ok()
                            .and_then(|t| source::parse_nodes("patch", &t).ok())
                            .unwrap_or_default()
                    })
                    .clone();
                (nodes, 0)
            }
        };
        let targeted = patch.target.as_ref().map(|t| t.covers(object.kind, names));
        let name_of = |depth: usize| item_name(object.value, field, depth);
        let mut found = None;
        for node in &nodes {
            let line = match &node.value {
                source::NodeValue::Seq(ops) if targeted == Some(true) => {
                    json_patch_line(ops, field)
                }
                source::NodeValue::Map(_) => {
                    let own = node.get("kind").and_then(source::Node::as_str) == Some(object.kind)
                        && node
                            .get("metadata")
                            .and_then(|m| m.get("name"))
                            .and_then(source::Node::as_str)
                            .is_some_and(|n| names.contains(&n));
                    if targeted.unwrap_or(own) {
                        node.find_path(field, &name_of)
                    } else {
                        None
                    }
                }
                _ => None,
            };
            if let Some(line) = line {
                found = Some(u64::from(line) + offset);
            }
        }
        found
    }
}

/// The `name` of the list item a field path means at segment `depth` (an index), read
/// from the rendered object.
fn item_name(value: &Value, field: &str, depth: usize) -> Option<String> {
    let mut v = value;
    for seg in source::field_segments(field).into_iter().take(depth + 1) {
        v = match seg {
            Ok(key) => v.get(&key)?,
            Err(i) => v.get(i)?,
        };
    }
    v.get("name")?.as_str().map(str::to_owned)
}

/// The line of the JSON patch operation in `ops` that sets `field` or a field above it:
/// the node of the field inside the operation's `value`, else its `value:` key, else the
/// operation.
fn json_patch_line(ops: &[source::Node], field: &str) -> Option<u32> {
    let segments: Vec<String> = source::field_segments(field)
        .into_iter()
        .map(|s| match s {
            Ok(k) => k,
            Err(i) => i.to_string(),
        })
        .collect();
    let mut found = None;
    for op in ops {
        let Some(path) = op.get("path").and_then(source::Node::as_str) else {
            continue;
        };
        let kind = op
            .get("op")
            .and_then(source::Node::as_str)
            .unwrap_or_default();
        if !matches!(kind, "add" | "replace" | "copy" | "move") {
            continue;
        }
        let op_path: Vec<String> = path
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        if op_path.is_empty()
            || op_path.len() > segments.len()
            || op_path[..] != segments[..op_path.len()]
        {
            continue;
        }
        let value_line = match &op.value {
            source::NodeValue::Map(m) => m
                .iter()
                .find(|(k, _, _)| k == "value")
                .map(|(_, l, v)| (*l, v)),
            _ => None,
        };
        found = Some(match value_line {
            Some((key_line, value)) => {
                let rest = rest_path(field, op_path.len());
                if rest.is_empty() {
                    key_line
                } else {
                    value.find_path(&rest, &|_| None).unwrap_or(key_line)
                }
            }
            None => op.line,
        });
    }
    found
}

/// The field path after its first `n` segments, as a field path.
fn rest_path(field: &str, n: usize) -> String {
    let mut out = String::new();
    for seg in source::field_segments(field).into_iter().skip(n) {
        match seg {
            Ok(k)
                if k.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-') =>
            {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&k);
            }
            Ok(k) => out.push_str(&format!("[{k:?}]")),
            Err(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// One line of a template: its indentation (of the key, after a list's `- `) and text.
fn key_of(line: &str) -> Option<(usize, &str)> {
    let trimmed = line.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with("{{") {
        return None;
    }
    let mut indent = line.len() - trimmed.len();
    let mut text = trimmed;
    while let Some(rest) = text.strip_prefix("- ") {
        let rest_trimmed = rest.trim_start();
        indent += text.len() - rest_trimmed.len();
        text = rest_trimmed;
    }
    Some((indent, text))
}

/// The column of a line's list dash (`- x`), if it starts a list item.
fn dash_col(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    (trimmed.starts_with("- ") || trimmed == "-").then(|| line.len() - trimmed.len())
}

/// The items (as written: a template's loop is one) of the block list that starts at line
/// `from`, below a key at column `parent`: the column of their dash, the first line of
/// each, and the line after the list.
fn list_items(lines: &[&str], from: usize, parent: usize) -> Option<(usize, Vec<usize>, usize)> {
    let mut col = None;
    let mut items = Vec::new();
    for (i, line) in lines.iter().enumerate().skip(from) {
        let Some((indent, _)) = key_of(line) else {
            continue;
        };
        match (dash_col(line), col) {
            (Some(d), None) if d >= parent => {
                col = Some(d);
                items.push(i);
            }
            (Some(d), Some(c)) if d < c => return Some((c, items, i)),
            (Some(d), Some(c)) if d == c => items.push(i),
            (None, _) if indent <= parent => return col.map(|c| (c, items, i)),
            _ => {}
        }
    }
    col.map(|c| (c, items, lines.len()))
}

/// The line and dash column of the list item a field path means: the item whose `name:`
/// is written as `name` literally, else the `n`-th item as written.
fn nth_item(
    lines: &[&str],
    from: usize,
    parent: Option<usize>,
    n: usize,
    name: Option<&str>,
) -> Option<(usize, usize)> {
    let (col, items, end) = list_items(lines, from, parent?)?;
    if let Some(name) = name {
        for (k, &first) in items.iter().enumerate() {
            let last = items.get(k + 1).copied().unwrap_or(end);
            let named = lines[first..last].iter().any(|l| {
                key_of(l).is_some_and(|(indent, text)| {
                    indent == col + 2
                        && text.strip_prefix("name:").is_some_and(|v| {
                            v.trim().trim_matches(|c| c == '"' || c == '\'') == name
                        })
                })
            });
            if named {
                return Some((first, col));
            }
        }
    }
    items.get(n).map(|&i| (i, col))
}

fn is_key(text: &str, key: &str) -> bool {
    [key.to_owned(), format!("{key:?}"), format!("'{key}'")]
        .iter()
        .any(|k| {
            text.strip_prefix(k.as_str())
                .is_some_and(|r| r.starts_with(':'))
        })
}

/// The line in a Helm template's `text` of a finding at `field` of an object of `kind`
/// (see the module documentation); `name_of(depth)` gives the `name` of the list item a
/// path's index at segment `depth` means, in the rendered object.
pub fn template_line(
    text: &str,
    kind: &str,
    field: &str,
    name_of: &dyn Fn(usize) -> Option<String>,
) -> u64 {
    let lines: Vec<&str> = text.lines().collect();
    // The documents of the template, and the first of the object's kind.
    let mut ranges = Vec::new();
    let mut start = 0;
    for (i, l) in lines.iter().enumerate() {
        if l.starts_with("---") {
            ranges.push((start, i));
            start = i + 1;
        }
    }
    ranges.push((start, lines.len()));
    let kind_line = |&(s, e): &(usize, usize)| {
        (s..e).find(|&i| {
            key_of(lines[i]).is_some_and(|(_, t)| {
                t.strip_prefix("kind:")
                    .is_some_and(|k| k.trim().trim_matches(|c| c == '"' || c == '\'') == kind)
            })
        })
    };
    let Some(((from, to), kind_at)) = ranges.iter().find_map(|r| kind_line(r).map(|k| (*r, k)))
    else {
        return 1;
    };
    let top = key_of(lines[kind_at]).map_or(0, |(i, _)| i);
    let mut best = kind_at;
    let mut next = from;
    let mut parent: Option<usize> = None;
    // Within a list item: the column of its `-` and its first line.
    let mut item: Option<(usize, usize)> = None;
    for (depth, seg) in source::field_segments(field).into_iter().enumerate() {
        match seg {
            Ok(key) => {
                let mut hit = None;
                for (i, line) in lines.iter().enumerate().take(to).skip(next) {
                    if let Some((col, first)) = item {
                        if i != first && dash_col(line) == Some(col) {
                            break; // the next item of the list
                        }
                    }
                    let Some((indent, text)) = key_of(line) else {
                        continue;
                    };
                    match parent {
                        Some(p) if indent <= p => break,
                        None if indent != top => continue,
                        _ => {}
                    }
                    if is_key(text, &key) {
                        hit = Some((i, indent));
                        break;
                    }
                }
                let Some((i, indent)) = hit else { break };
                best = i;
                next = i + 1;
                parent = Some(indent);
                item = None;
            }
            Err(n) => {
                let name = name_of(depth);
                let Some((i, col)) = nth_item(&lines[..to], next, parent, n, name.as_deref())
                else {
                    break;
                };
                best = i;
                next = i;
                parent = Some(col);
                item = Some((col, i));
            }
        }
    }
    best as u64 + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n---\n\
        apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n\
        spec:\n  {{- if .Values.replicas }}\n  replicas: 1\n  {{- end }}\n  template:\n    spec:\n\
        \x20     containers:\n        - name: app\n          image: \"{{ .Values.image }}\"\n\
        \x20         {{- toYaml .Values.resources | nindent 10 }}\n      volumes: []\n";

    #[test]
    fn template_keys_are_found_in_order_and_missing_ones_stop_at_the_ancestor() {
        let at = |field: &str| template_line(TEMPLATE, "Deployment", field, &|_| None);
        assert_eq!(at("spec.template.spec.containers[0].image"), 18);
        assert_eq!(at("spec.replicas"), 12);
        // Missing below `containers[0]`: the container's item is the deepest found.
        assert_eq!(at("spec.template.spec.containers[0].securityContext"), 17);
        // A second container the template does not write (a loop would): the list.
        assert_eq!(at("spec.template.spec.containers[1].image"), 16);
        assert_eq!(at("spec.template.spec.volumes"), 20);
        assert_eq!(at(""), 7);
        assert_eq!(
            template_line(TEMPLATE, "Service", "metadata.name", &|_| None),
            4
        );
        assert_eq!(template_line(TEMPLATE, "ConfigMap", "data", &|_| None), 1);
    }

    #[test]
    fn list_items_are_counted_as_written() {
        let two = "kind: DaemonSet\nspec:\n  template:\n    spec:\n      containers:\n\
            \x20       - name: a\n          image: x\n          {{- with .Values.sc }}\n\
            \x20         securityContext:\n            {{- toYaml . | nindent 12 }}\n\
            \x20         {{- end }}\n        - name: b\n          image: y\n          resources: {}\n";
        let at = |field: &str| template_line(two, "DaemonSet", field, &|_| None);
        assert_eq!(at("spec.template.spec.containers[1].image"), 13);
        // By name when the rendered item's name is written in the template: b is the
        // first item rendered (a was left out by a condition).
        let b = |_: usize| Some("b".to_owned());
        assert_eq!(
            template_line(
                two,
                "DaemonSet",
                "spec.template.spec.containers[0].image",
                &b
            ),
            13
        );
        assert_eq!(at("spec.template.spec.containers[1].securityContext"), 12);
        assert_eq!(at("spec.template.spec.containers[0].securityContext"), 9);
        assert_eq!(at("spec.template.spec.containers[1].resources"), 14);
        assert_eq!(at("spec.template.spec.containers[2].resources"), 5);
    }

    #[test]
    fn json_patches_place_fields_they_set() {
        let nodes = source::parse_nodes(
            "p",
            "- op: add\n  path: /spec/replicas\n  value: 3\n- op: replace\n  path: /spec/template\n  value:\n    spec:\n      hostNetwork: true\n",
        )
        .unwrap();
        let source::NodeValue::Seq(ops) = &nodes[0].value else {
            panic!("a list")
        };
        assert_eq!(json_patch_line(ops, "spec.replicas"), Some(3));
        assert_eq!(
            json_patch_line(ops, "spec.template.spec.hostNetwork"),
            Some(8)
        );
        assert_eq!(json_patch_line(ops, "spec.selector"), None);
    }
}
