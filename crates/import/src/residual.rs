//! What a render does not reproduce of a source object, as edits of its JSON: the
//! customize closures of an imported component are written from these.

use serde_json::Value;

/// Annotations kairn writes to record a declaration (`kairn.dev/no-probes`, waivers,
/// external secrets, ...): never removed, so `lint` of the output agrees with `emit`.
pub const KAIRN_PREFIX: &str = "kairn.dev/";

/// A copy of `rendered` without the `kairn.dev/*` annotations that `source` lacks (what
/// kairn adds to record declarations), for comparing a render with its source.
pub fn without_added_records(rendered: &Value, source: &Value) -> Value {
    let mut out = rendered.clone();
    strip(&mut out, Some(source));
    out
}

/// The `kairn.dev/*` annotations `rendered` has and `source` lacks, as field paths
/// (`spec.template.metadata.annotations["kairn.dev/no-probes"]`): what
/// [`without_added_records`] takes away.
pub fn added_records(rendered: &Value, source: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_added(rendered, Some(source), "", &mut out);
    out
}

fn collect_added(v: &Value, source: Option<&Value>, path: &str, out: &mut Vec<String>) {
    let join = |seg: &str| {
        if path.is_empty() {
            seg.to_owned()
        } else {
            format!("{path}.{seg}")
        }
    };
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let src = source.and_then(|s| s.get(k));
                if k == "annotations" {
                    if let Value::Object(a) = child {
                        for key in a.keys().filter(|key| key.starts_with(KAIRN_PREFIX)) {
                            if src.and_then(|s| s.get(key)).is_none() {
                                out.push(format!("{}[{key:?}]", join(k)));
                            }
                        }
                    }
                } else {
                    collect_added(child, src, &join(k), out);
                }
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                collect_added(
                    child,
                    source.and_then(|s| s.get(i)),
                    &format!("{path}[{i}]"),
                    out,
                );
            }
        }
        _ => {}
    }
}

fn strip(v: &mut Value, source: Option<&Value>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Object(a)) = m.get_mut("annotations") {
                let src = source
                    .and_then(|s| s.get("annotations"))
                    .and_then(Value::as_object);
                a.retain(|k, _| {
                    !k.starts_with(KAIRN_PREFIX) || src.is_some_and(|s| s.contains_key(k))
                });
                if a.is_empty() && source.and_then(|s| s.get("annotations")).is_none() {
                    m.remove("annotations");
                }
            }
            for (k, child) in m.iter_mut() {
                if k != "annotations" {
                    strip(child, source.and_then(|s| s.get(k)));
                }
            }
        }
        Value::Array(a) => {
            for (i, child) in a.iter_mut().enumerate() {
                strip(child, source.and_then(|s| s.get(i)));
            }
        }
        _ => {}
    }
}

/// One step of a path inside an object.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Seg {
    /// An object key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// Set the field at `path` to `value`, or remove it (`None`).
#[derive(Clone, Debug, PartialEq)]
pub struct Edit {
    /// Where.
    pub path: Vec<Seg>,
    /// The source's value; `None` removes what the render has.
    pub value: Option<Value>,
}

impl Edit {
    /// kubectl-style path.
    pub fn path_text(&self) -> String {
        let mut out = String::new();
        for seg in &self.path {
            match seg {
                Seg::Key(k) => out = crate::normalize::join(&out, k),
                Seg::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

/// The edits that turn `rendered` into `source` (both canonical JSON of one kind). Arrays
/// of different lengths are replaced whole; `apiVersion` and `kind` are never edited.
pub fn diff(rendered: &Value, source: &Value) -> Vec<Edit> {
    let mut out = Vec::new();
    walk(rendered, source, &mut Vec::new(), &mut out);
    out.retain(|e| {
        !matches!(e.path.first(), Some(Seg::Key(k)) if k == "apiVersion" || k == "kind" || k == "status")
    });
    out
}

fn walk(rendered: &Value, source: &Value, path: &mut Vec<Seg>, out: &mut Vec<Edit>) {
    match (rendered, source) {
        (Value::Object(r), Value::Object(s)) => {
            for (key, sv) in s {
                path.push(Seg::Key(key.clone()));
                match r.get(key) {
                    Some(rv) => walk(rv, sv, path, out),
                    None => out.push(Edit {
                        path: path.clone(),
                        value: Some(sv.clone()),
                    }),
                }
                path.pop();
            }
            let annotations = matches!(path.last(), Some(Seg::Key(k)) if k == "annotations");
            for key in r.keys().filter(|k| !s.contains_key(*k)) {
                if annotations && key.starts_with(KAIRN_PREFIX) {
                    continue;
                }
                path.push(Seg::Key(key.clone()));
                match r.get(key) {
                    // Keep kairn's record of the declaration; remove the rest one by one.
                    Some(Value::Object(m))
                        if key == "annotations"
                            && m.keys().any(|k| k.starts_with(KAIRN_PREFIX)) =>
                    {
                        walk(&r[key], &Value::Object(Default::default()), path, out)
                    }
                    _ => out.push(Edit {
                        path: path.clone(),
                        value: None,
                    }),
                }
                path.pop();
            }
        }
        (Value::Array(r), Value::Array(s)) if r.len() == s.len() => {
            for (i, (rv, sv)) in r.iter().zip(s).enumerate() {
                path.push(Seg::Index(i));
                walk(rv, sv, path, out);
                path.pop();
            }
        }
        (r, s) if r == s => {}
        (_, s) => out.push(Edit {
            path: path.clone(),
            value: Some(s.clone()),
        }),
    }
}

/// Applies edits to a JSON value (the in-process twin of the written closures).
pub fn apply(value: &mut Value, edits: &[Edit]) {
    for edit in edits {
        apply_one(value, &edit.path, edit.value.as_ref());
    }
}

fn apply_one(value: &mut Value, path: &[Seg], new: Option<&Value>) {
    let Some((last, parents)) = path.split_last() else {
        if let Some(v) = new {
            *value = v.clone();
        }
        return;
    };
    let mut here = value;
    for seg in parents {
        here = match seg {
            Seg::Key(k) => {
                if !here.is_object() {
                    *here = Value::Object(Default::default());
                }
                here.as_object_mut()
                    .expect("made an object above")
                    .entry(k.clone())
                    .or_insert(Value::Null)
            }
            Seg::Index(i) => match here.get_mut(*i) {
                Some(v) => v,
                None => return,
            },
        };
        if here.is_null() {
            *here = Value::Object(Default::default());
        }
    }
    match (last, new) {
        (Seg::Key(k), Some(v)) => {
            if !here.is_object() {
                *here = Value::Object(Default::default());
            }
            if let Some(map) = here.as_object_mut() {
                map.insert(k.clone(), v.clone());
            }
        }
        (Seg::Key(k), None) => {
            if let Some(map) = here.as_object_mut() {
                map.remove(k);
            }
        }
        (Seg::Index(i), Some(v)) => {
            if let Some(slot) = here.get_mut(*i) {
                *slot = v.clone();
            }
        }
        (Seg::Index(_), None) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_then_apply_gives_the_source() {
        let rendered = json!({"kind": "Deployment", "metadata": {"name": "a", "labels": {"x": "1", "y": "2"}},
            "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "a", "image": "i:1"}]}}}});
        let source = json!({"kind": "Deployment", "metadata": {"name": "b", "labels": {"x": "1"}},
            "spec": {"template": {"spec": {"containers": [{"name": "a", "image": "i:2"}, {"name": "s", "image": "s:1"}]}}, "paused": true}});
        let edits = diff(&rendered, &source);
        let paths: Vec<_> = edits.iter().map(Edit::path_text).collect();
        assert_eq!(
            paths,
            [
                "metadata.labels.y",
                "metadata.name",
                "spec.paused",
                "spec.template.spec.containers",
                "spec.replicas"
            ]
        );
        let mut patched = rendered.clone();
        apply(&mut patched, &edits);
        assert_eq!(patched, source);
    }
}
