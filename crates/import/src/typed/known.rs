//! The part of a JSON object that k8s-openapi keeps: fields its types do not have are what
//! deserializing drops silently, so the import must report them instead.

use serde_json::{Map, Value};

use super::expr::is_root;
use super::schema::{definition as find, Ty};
use super::PathSeg;

/// `value` without the fields the type `definition` (and the types inside it) does not have,
/// and the path of each field left out, in document order. `apiVersion` and `kind` of a
/// top-level kind (at any depth) stay. Values of the wrong type stay as they are ([`expr`](super::expr)
/// reports them). An unknown definition keeps everything.
pub fn known_fields(definition: &str, value: &Value) -> (Value, Vec<Vec<PathSeg>>) {
    let mut dropped = Vec::new();
    let mut path = Vec::new();
    let kept = match find(definition) {
        Some(_) => walk(
            &Ty::Def(leak_name(definition)),
            value,
            &mut path,
            &mut dropped,
        ),
        None => value.clone(),
    };
    (kept, dropped)
}

/// The table's `&'static str` for a definition known to be there.
fn leak_name(definition: &str) -> &'static str {
    super::schema::schema()
        .definitions
        .get_key_value(definition)
        .map_or("", |(k, _)| k)
}

fn walk(ty: &Ty, v: &Value, path: &mut Vec<PathSeg>, dropped: &mut Vec<Vec<PathSeg>>) -> Value {
    match (ty, v) {
        (Ty::Boxed(inner), _) => walk(inner, v, path, dropped),
        (Ty::Vec(item), Value::Array(items)) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    path.push(PathSeg::Index(i));
                    let kept = walk(item, x, path, dropped);
                    path.pop();
                    kept
                })
                .collect(),
        ),
        (Ty::Map(item), Value::Object(map)) => Value::Object(
            map.iter()
                .map(|(k, x)| {
                    path.push(PathSeg::Key(k.clone()));
                    let kept = walk(item, x, path, dropped);
                    path.pop();
                    (k.clone(), kept)
                })
                .collect(),
        ),
        (Ty::Def(name), _) if find(name).is_some_and(|d| d.of.is_some()) => {
            // A schema, or a list of them (the variants of the enums over JSONSchemaProps).
            let of = find(name).and_then(|d| d.of).map(Ty::Def);
            match (of, v) {
                (Some(of), Value::Object(_)) => walk(&of, v, path, dropped),
                (Some(of), Value::Array(_)) => walk(&Ty::Vec(Box::new(of)), v, path, dropped),
                _ => v.clone(),
            }
        }
        (Ty::Def(name), Value::Object(map)) => {
            let Some(def) = find(name).filter(|d| d.special.is_none()) else {
                return v.clone();
            };
            let root = is_root(def);
            let mut out = Map::new();
            for (k, x) in map {
                path.push(PathSeg::Key(k.clone()));
                match def.field(k) {
                    Some(f) => {
                        out.insert(k.clone(), walk(&f.ty, x, path, dropped));
                    }
                    None if root && (k == "apiVersion" || k == "kind") => {
                        out.insert(k.clone(), x.clone());
                    }
                    None => dropped.push(path.clone()),
                }
                path.pop();
            }
            Value::Object(out)
        }
        _ => v.clone(),
    }
}
