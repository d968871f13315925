//! The changes that turn one object into another, as paths for [`assign`](super::assign):
//! what a `customize_*` closure must do to kairn's render to give the source.

use serde_json::Value;

use super::assign::{descend, is_json, schema_name, statement, At, Reached};
use super::expr::{is_root, short, sub};
use super::schema::{definition as find, Ty};
use super::{assign, path_text, PathSeg, TypedError, TypedErrorKind};

/// One change: set the field at `path` to `Some(value)`, or remove it (`None`).
pub type Change = (Vec<PathSeg>, Option<Value>);

/// The changes that turn `from` into `to`, both objects of type `definition` as k8s-openapi
/// serializes them (round-trip a source object through its typed object first, so that
/// `cpu: 1` and `"1"` compare equal and required fields are there).
///
/// Field by field and key by key; lists of the same length element by element, lists of
/// other lengths replaced whole; scalars, quantities and the like replaced. Fields in the
/// schema's order, map keys sorted. `null` is absent; `apiVersion` and `kind` of a top-level
/// kind are not compared (k8s-openapi writes them).
pub fn diff(definition: &str, from: &Value, to: &Value) -> Result<Vec<Change>, TypedError> {
    let name = super::schema::schema()
        .definitions
        .get_key_value(definition)
        .map(|(k, _)| *k)
        .ok_or_else(|| {
            TypedError::new(
                TypedErrorKind::UnknownDefinition,
                "",
                format!("`{definition}` is not a Kubernetes 1.33 definition k8s-openapi has"),
            )
        })?;
    let mut out = Vec::new();
    walk(&Ty::Def(name), from, to, &mut Vec::new(), &mut out)?;
    Ok(out)
}

/// Statements that make every change under `base` (the body of a `customize_*` closure), as
/// a person would write them: where several changes share a place that takes a chain to
/// reach, the chain is written once and bound (`let pod_spec = d.spec.get_or_insert_with(..)
/// .template.spec.get_or_insert_with(..);`), then each change is one statement on it. Each
/// statement is what [`assign`] writes for its path.
pub fn assign_all(definition: &str, base: &str, changes: &[Change]) -> Result<String, TypedError> {
    if find(definition).is_none() {
        // The same error as `assign` gives.
        return assign(definition, base, &[PathSeg::Index(0)], None);
    }
    let items: Vec<Item<'_>> = changes
        .iter()
        .map(|(p, v)| (p.as_slice(), v.as_ref()))
        .collect();
    if items.iter().any(|(p, _)| p.is_empty()) {
        return assign(definition, base, &[], None);
    }
    let at = At {
        ty: Ty::Def(schema_name(definition)),
        place: base.to_owned(),
        json_path: String::new(),
    };
    let mut names = vec![base.to_owned()];
    let mut out = Vec::new();
    emit(&at, &items, &mut names, &mut out)?;
    Ok(out.join("\n"))
}

type Item<'a> = (&'a [PathSeg], Option<&'a Value>);

fn emit(
    at: &At,
    items: &[Item<'_>],
    names: &mut Vec<String>,
    out: &mut Vec<String>,
) -> Result<(), TypedError> {
    // Group by first step, in order of first appearance.
    let mut groups: Vec<(&PathSeg, Vec<Item<'_>>)> = Vec::new();
    for item in items {
        match groups.iter_mut().find(|(seg, _)| *seg == &item.0[0]) {
            Some((_, g)) => g.push(*item),
            None => groups.push((&item.0[0], vec![*item])),
        }
    }
    for (_, group) in groups {
        let min = group.iter().map(|(p, _)| p.len()).min().unwrap_or(0);
        let plain = |out: &mut Vec<String>| -> Result<(), TypedError> {
            for (p, v) in &group {
                if let Some((last, init)) = p.split_last() {
                    out.push(statement(at.clone(), init, last, *v)?);
                }
            }
            Ok(())
        };
        if group.len() < 2 || min < 2 {
            plain(out)?;
            continue;
        }
        // The longest prefix the group shares that is shorter than each path.
        let first = group[0].0;
        let mut k = 1;
        while k < min - 1 && group.iter().all(|(p, _)| p[k] == first[k]) {
            k += 1;
        }
        let inner = match descend(at.clone(), &first[..k])? {
            Reached::Typed(inner) if !is_json(&inner.ty) => inner,
            _ => {
                plain(out)?;
                continue;
            }
        };
        let rest: Vec<Item<'_>> = group.iter().map(|(p, v)| (&p[k..], *v)).collect();
        let chain = &inner.place[at.place.len()..];
        if chain.len() <= 12 && !chain.contains(['(', '[']) {
            emit(&inner, &rest, names, out)?;
            continue;
        }
        let name = binding_name(&inner.ty, &first[k - 1], names);
        let value = if inner.place.ends_with(')') {
            inner.place.clone()
        } else {
            format!("&mut {}", inner.place)
        };
        out.push(format!("let {name} = {value};"));
        let bound = At {
            place: name,
            ..inner
        };
        emit(&bound, &rest, names, out)?;
    }
    Ok(())
}

/// A name for a binding of a place of type `ty` reached by `seg`, not used before in the
/// closure (so no binding shadows one still in use): the field's name (`spec`, `labels`),
/// else the type's (`pod_spec`, `container`), else numbered.
fn binding_name(ty: &Ty, seg: &PathSeg, names: &mut Vec<String>) -> String {
    let mut candidates = Vec::new();
    if let PathSeg::Key(k) = seg {
        if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric()) {
            candidates.push(type_snake(k));
        }
    }
    match ty {
        Ty::Def(name) => candidates.push(type_snake(short(name))),
        _ if candidates.is_empty() => candidates.push("value".to_owned()),
        _ => {}
    }
    let candidates: Vec<String> = candidates
        .into_iter()
        .map(|c| {
            if KEYWORDS.contains(&c.as_str()) {
                format!("{c}_")
            } else {
                c
            }
        })
        .collect();
    let name = candidates
        .iter()
        .find(|c| !names.contains(c))
        .cloned()
        .unwrap_or_else(|| {
            let base = &candidates[0];
            (2..)
                .map(|n| format!("{base}_{n}"))
                .find(|c| !names.contains(c))
                .unwrap_or_else(|| base.clone())
        });
    names.push(name.clone());
    name
}

/// Words a binding cannot be.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn",
];

/// `HTTPGetAction` → `http_get_action`, `IngressTLS` → `ingress_tls`, `matchLabels` →
/// `match_labels`.
fn type_snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).map(|j| chars[j]);
            let next = chars.get(i + 1);
            let boundary = prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit())
                || (prev.is_some_and(|p| p.is_ascii_uppercase())
                    && next.is_some_and(|n| n.is_ascii_lowercase()));
            if boundary {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn present(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| !v.is_null())
}

fn walk(
    ty: &Ty,
    from: &Value,
    to: &Value,
    path: &mut Vec<PathSeg>,
    out: &mut Vec<Change>,
) -> Result<(), TypedError> {
    if from == to {
        return Ok(());
    }
    match (ty, from, to) {
        (Ty::Boxed(inner), _, _) => walk(inner, from, to, path, out),
        (Ty::Def(name), Value::Object(a), Value::Object(b)) => {
            let Some(def) = find(name).filter(|d| d.special.is_none()) else {
                out.push((path.clone(), Some(to.clone())));
                return Ok(());
            };
            let root = is_root(def);
            for key in a.keys().chain(b.keys()) {
                let own = root && (key == "apiVersion" || key == "kind");
                if def.field(key).is_none() && !own {
                    return Err(TypedError::new(
                        TypedErrorKind::UnknownField,
                        &sub(&path_text(path), &PathSeg::Key(key.clone())),
                        format!("`{}` has no field `{key}`", short(def.name)),
                    ));
                }
            }
            for f in &def.fields {
                path.push(PathSeg::Key(f.json.to_owned()));
                pair(
                    &f.ty,
                    present(a.get(f.json)),
                    present(b.get(f.json)),
                    path,
                    out,
                )?;
                path.pop();
            }
            Ok(())
        }
        (Ty::Map(item), Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                path.push(PathSeg::Key(key.clone()));
                pair(item, present(a.get(key)), present(b.get(key)), path, out)?;
                path.pop();
            }
            Ok(())
        }
        (Ty::Vec(item), Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                path.push(PathSeg::Index(i));
                walk(item, x, y, path, out)?;
                path.pop();
            }
            Ok(())
        }
        _ => {
            out.push((path.clone(), Some(to.clone())));
            Ok(())
        }
    }
}

fn pair(
    ty: &Ty,
    a: Option<&Value>,
    b: Option<&Value>,
    path: &mut Vec<PathSeg>,
    out: &mut Vec<Change>,
) -> Result<(), TypedError> {
    match (a, b) {
        (None, None) => Ok(()),
        (Some(_), None) => {
            out.push((path.clone(), None));
            Ok(())
        }
        (None, Some(b)) => {
            out.push((path.clone(), Some(b.clone())));
            Ok(())
        }
        (Some(a), Some(b)) => walk(ty, a, b, path, out),
    }
}
