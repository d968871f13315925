//! Field-level differences of one changed object: which fields were added, removed,
//! changed or reordered, each named by a kubectl-style path
//! (`spec.template.spec.containers[name=api].image`).

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

/// What happened to one field of a changed object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldChangeKind {
    /// Only in the fresh render (`new` is the whole value added).
    Added,
    /// Only in the earlier one (`old` is the whole value removed).
    Removed,
    /// A different value (`old` and `new` differ in type or are unequal scalars).
    Changed,
    /// A list whose items are matched by name holds the same names in another order;
    /// `old` and `new` are the names, in their order.
    Reordered,
}

/// One field that differs, by path.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FieldChange {
    /// kubectl-style path: `.` between keys, `["key"]` for keys that are not plain words
    /// (`metadata.labels["app.kubernetes.io/name"]`), `[name=api]` for an item of a list
    /// whose items all have a unique `name`, `[0]` otherwise.
    pub path: String,
    /// Added, removed, changed or reordered.
    pub change: FieldChangeKind,
    /// The earlier value (absent when added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The fresh value (absent when removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

/// The fields that differ between two values, in document order of the earlier one
/// (then the keys only the fresh one has), with kubectl-style paths (see
/// [`FieldChange::path`]). An added or removed mapping entry or list item is one
/// change holding its whole value; equal values give no change.
pub fn diff_fields(old: &Value, new: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    diff_at(String::new(), old, new, &mut out);
    out
}

fn diff_at(path: String, old: &Value, new: &Value, out: &mut Vec<FieldChange>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let child = key_path(&path, key);
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => diff_at(child, x, y, out),
                    (Some(x), None) => out.push(removed(child, x)),
                    (None, Some(y)) => out.push(added(child, y)),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => match (names(a), names(b)) {
            (Some(na), Some(nb)) => diff_named(&path, a, &na, b, &nb, out),
            _ => {
                for i in 0..a.len().max(b.len()) {
                    let child = format!("{path}[{i}]");
                    match (a.get(i), b.get(i)) {
                        (Some(x), Some(y)) => diff_at(child, x, y, out),
                        (Some(x), None) => out.push(removed(child, x)),
                        (None, Some(y)) => out.push(added(child, y)),
                        (None, None) => {}
                    }
                }
            }
        },
        _ => out.push(FieldChange {
            path: root_path(path),
            change: FieldChangeKind::Changed,
            old: Some(old.clone()),
            new: Some(new.clone()),
        }),
    }
}

fn diff_named(
    path: &str,
    a: &[Value],
    na: &[&str],
    b: &[Value],
    nb: &[&str],
    out: &mut Vec<FieldChange>,
) {
    let common_a: Vec<&str> = na.iter().copied().filter(|n| nb.contains(n)).collect();
    let common_b: Vec<&str> = nb.iter().copied().filter(|n| na.contains(n)).collect();
    if common_a != common_b {
        out.push(FieldChange {
            path: root_path(path.to_owned()),
            change: FieldChangeKind::Reordered,
            old: Some(Value::from(common_a.clone())),
            new: Some(Value::from(common_b)),
        });
    }
    for (x, name) in a.iter().zip(na) {
        let child = format!("{path}[name={}]", name_selector(name));
        match nb.iter().position(|n| n == name) {
            Some(j) => diff_at(child, x, &b[j], out),
            None => out.push(removed(child, x)),
        }
    }
    for (y, name) in b.iter().zip(nb) {
        if !na.contains(name) {
            let child = format!("{path}[name={}]", name_selector(name));
            out.push(added(child, y));
        }
    }
}

/// The `name` of every item, when every item is a mapping with a string `name` and no
/// name repeats.
fn names(items: &[Value]) -> Option<Vec<&str>> {
    let names: Vec<&str> = items
        .iter()
        .map(|v| v.get("name").and_then(Value::as_str))
        .collect::<Option<_>>()?;
    let unique: BTreeSet<&str> = names.iter().copied().collect();
    (unique.len() == names.len()).then_some(names)
}

fn added(path: String, value: &Value) -> FieldChange {
    FieldChange {
        path: root_path(path),
        change: FieldChangeKind::Added,
        old: None,
        new: Some(value.clone()),
    }
}

fn removed(path: String, value: &Value) -> FieldChange {
    FieldChange {
        path: root_path(path),
        change: FieldChangeKind::Removed,
        old: Some(value.clone()),
        new: None,
    }
}

/// The empty path (a whole document of another type) is shown as `.`.
fn root_path(path: String) -> String {
    if path.is_empty() {
        ".".to_owned()
    } else {
        path
    }
}

fn is_word(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn key_path(parent: &str, key: &str) -> String {
    if is_word(key) {
        if parent.is_empty() {
            key.to_owned()
        } else {
            format!("{parent}.{key}")
        }
    } else {
        format!("{parent}[{}]", Value::from(key))
    }
}

fn name_selector(name: &str) -> String {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-:/".contains(c));
    if plain {
        name.to_owned()
    } else {
        Value::from(name).to_string()
    }
}
