//! Statements that set or remove one field of a typed object (the body of a
//! `customize_*` closure).

use serde_json::Value;

use super::expr::{short, sub, ty_default, ty_expr};
use super::lit::{json_body, one_lit};
use super::schema::{definition as find, schema, Special, Ty};
use super::{PathSeg, TypedError, TypedErrorKind};

/// Statements that set the field at `path` under the Rust place `base` (of type
/// `definition`, e.g. `d` in `|d: &mut Deployment| { .. }`) to `value`, or remove it when
/// `value` is `None` (or `null`).
///
/// Optional structs on the way are created with `get_or_insert_with(Default::default)`, map
/// entries with `entry(..).or_default()`; an index is assumed to exist (replace the whole
/// array when lengths differ). Removing writes `= None` for an optional field, `.clear()` for a
/// required list or map, `= Default::default()` for another required field, `.remove(..)`
/// for a map key or list element. On a removal the path is assumed to exist (it is a field of
/// the render), so the `get_or_insert_with` on the way create nothing.
///
/// ```text
/// assign(Deployment, "d", spec.template.metadata.annotations["a/b"], Some("x"))
///   → d.spec.get_or_insert_with(Default::default).template.metadata
///        .get_or_insert_with(Default::default).annotations
///        .get_or_insert_with(Default::default).insert("a/b".into(), "x".into());
/// ```
pub fn assign(
    definition: &str,
    base: &str,
    path: &[PathSeg],
    value: Option<&Value>,
) -> Result<String, TypedError> {
    let Some((last, init)) = path.split_last() else {
        return Err(TypedError::new(
            TypedErrorKind::Unsupported,
            "",
            "an empty path: write the whole object as an extra object instead",
        ));
    };
    if find(definition).is_none() {
        return Err(TypedError::new(
            TypedErrorKind::UnknownDefinition,
            "",
            format!("`{definition}` is not a Kubernetes 1.33 definition k8s-openapi has"),
        ));
    }
    let at = At {
        ty: Ty::Def(schema_name(definition)),
        place: base.to_owned(),
        json_path: String::new(),
    };
    statement(at, init, last, value)
}

/// A place in the object being changed: its type, its Rust text, its JSON path.
#[derive(Clone, Debug)]
pub(crate) struct At {
    pub ty: Ty,
    pub place: String,
    pub json_path: String,
}

/// Where a path leads: a typed place, or into a `serde_json::Value` (the rest of the path
/// indexes the JSON).
pub(crate) enum Reached<'p> {
    Typed(At),
    Json { place: String, rest: &'p [PathSeg] },
}

/// The statement that sets or removes `init` + `last` under `at`.
pub(crate) fn statement(
    at: At,
    init: &[PathSeg],
    last: &PathSeg,
    value: Option<&Value>,
) -> Result<String, TypedError> {
    let value = value.filter(|v| !v.is_null());
    let at = match descend(at, init)? {
        Reached::Json { place, rest } => {
            let mut all = rest.to_vec();
            all.push(last.clone());
            return Ok(json_assign(&place, &all, value));
        }
        Reached::Typed(at) => at,
    };
    let At {
        ty,
        place,
        json_path,
    } = at;
    if is_json(&ty) {
        return Ok(json_assign(&place, std::slice::from_ref(last), value));
    }
    let here = sub(&json_path, last);
    let expr_of = |t: &Ty, v: &Value| ty_expr(t, v, &here, 0);
    Ok(match step(&ty, last, &here)? {
        Step::Field {
            rust,
            ty: t,
            required,
        } => match (value, required) {
            (Some(v), true) => format!("{place}.{rust} = {};", expr_of(&t, v)?),
            (Some(v), false) => format!("{place}.{rust} = Some({});", expr_of(&t, v)?),
            (None, false) => format!("{place}.{rust} = None;"),
            (None, true) => match t {
                Ty::Vec(_) | Ty::Map(_) => format!("{place}.{rust}.clear();"),
                _ if ty_default(&t) => format!("{place}.{rust} = Default::default();"),
                _ => return Err(no_default(&here, &t)),
            },
        },
        Step::MapKey { key, ty: t } => match value {
            Some(v) => format!(
                "{place}.insert({}.into(), {});",
                one_lit(&key),
                expr_of(&t, v)?
            ),
            None => format!("{place}.remove({});", one_lit(&key)),
        },
        Step::Index { index, ty: t } => match value {
            Some(v) => format!("{place}[{index}] = {};", expr_of(&t, v)?),
            None => format!("{place}.remove({index});"),
        },
    })
}

/// Goes down `path` from `at`, creating optional structs and map entries on the way.
pub(crate) fn descend(mut at: At, path: &[PathSeg]) -> Result<Reached<'_>, TypedError> {
    for (i, seg) in path.iter().enumerate() {
        if is_json(&at.ty) {
            return Ok(Reached::Json {
                place: at.place,
                rest: &path[i..],
            });
        }
        let here = sub(&at.json_path, seg);
        let (place, ty) = match step(&at.ty, seg, &here)? {
            Step::Field { rust, ty, required } => {
                if required {
                    (format!("{}.{rust}", at.place), ty)
                } else if ty_default(&ty) {
                    (
                        format!("{}.{rust}.get_or_insert_with(Default::default)", at.place),
                        ty,
                    )
                } else {
                    return Err(no_default(&here, &ty));
                }
            }
            Step::MapKey { key, ty } => {
                if !ty_default(&ty) {
                    return Err(no_default(&here, &ty));
                }
                (
                    format!("{}.entry({}.into()).or_default()", at.place, one_lit(&key)),
                    ty,
                )
            }
            Step::Index { index, ty } => (format!("{}[{index}]", at.place), ty),
        };
        at = At {
            // Field access and method calls see through a `Box`.
            ty: ty.unboxed().clone(),
            place,
            json_path: here,
        };
    }
    Ok(Reached::Typed(at))
}

/// The table's own `&'static str` for a definition name.
pub(crate) fn schema_name(definition: &str) -> &'static str {
    schema()
        .definitions
        .get_key_value(definition)
        .map_or("", |(k, _)| k)
}

enum Step {
    Field {
        rust: String,
        ty: Ty,
        required: bool,
    },
    MapKey {
        key: String,
        ty: Ty,
    },
    Index {
        index: usize,
        ty: Ty,
    },
}

/// One step from a value of type `ty` through `seg`.
fn step(ty: &Ty, seg: &PathSeg, here: &str) -> Result<Step, TypedError> {
    let cannot = |what: &str| {
        TypedError::new(
            TypedErrorKind::TypeMismatch,
            here,
            format!("cannot go into {what} with {seg:?}"),
        )
    };
    match (ty, seg) {
        (Ty::Def(name), PathSeg::Key(k)) => {
            let def = find(name).ok_or_else(|| cannot("an unknown definition"))?;
            if def.special.is_some() {
                return Err(TypedError::new(
                    TypedErrorKind::Unsupported,
                    here,
                    format!("`{}` has no fields: set it whole", short(name)),
                ));
            }
            match def.field(k) {
                Some(f) => Ok(Step::Field {
                    rust: f.rust.clone(),
                    ty: f.ty.clone(),
                    required: f.required,
                }),
                None if schema().roots.contains_key(def.name)
                    && (k == "apiVersion" || k == "kind") =>
                {
                    Err(TypedError::new(
                        TypedErrorKind::Unsupported,
                        here,
                        format!("k8s-openapi writes `{k}` of `{}` itself", short(name)),
                    ))
                }
                None => Err(TypedError::new(
                    TypedErrorKind::UnknownField,
                    here,
                    format!("`{}` has no field `{k}`", short(name)),
                )),
            }
        }
        (Ty::Map(t), PathSeg::Key(k)) => Ok(Step::MapKey {
            key: k.clone(),
            ty: (**t).clone(),
        }),
        (Ty::Vec(t), PathSeg::Index(i)) => Ok(Step::Index {
            index: *i,
            ty: (**t).clone(),
        }),
        (Ty::Vec(_), _) => Err(cannot("a list")),
        (Ty::Map(_), _) => Err(cannot("a map")),
        (Ty::Def(_), _) => Err(cannot("a struct")),
        _ => Err(cannot("a scalar")),
    }
}

/// Whether `ty` is a definition that wraps a `serde_json::Value` (`RawExtension`).
pub(crate) fn is_json(ty: &Ty) -> bool {
    matches!(ty, Ty::Def(name) if find(name).is_some_and(|d| d.special == Some(Special::Json)))
}

/// Sets or removes inside a `serde_json::Value` newtype (`RawExtension`): indexing creates
/// objects on the way; a removal that finds nothing does nothing.
fn json_assign(place: &str, rest: &[PathSeg], value: Option<&Value>) -> String {
    let index = |seg: &PathSeg| match seg {
        PathSeg::Key(k) => format!("[{}]", one_lit(k)),
        PathSeg::Index(i) => format!("[{i}]"),
    };
    let mut target = format!("{place}.0");
    let Some((last, init)) = rest.split_last() else {
        return match value {
            Some(v) => format!(
                "{target} = dsl::k8s_openapi::serde_json::json!({});",
                json_body(v, 0)
            ),
            None => format!("{target} = dsl::k8s_openapi::serde_json::Value::Null;"),
        };
    };
    for seg in init {
        target.push_str(&index(seg));
    }
    match (value, last) {
        (Some(v), _) => format!(
            "{target}{} = dsl::k8s_openapi::serde_json::json!({});",
            index(last),
            json_body(v, 0)
        ),
        (None, PathSeg::Key(k)) => format!(
            "if let Some(o) = {target}.as_object_mut() {{\n    o.remove({});\n}}",
            one_lit(k)
        ),
        (None, PathSeg::Index(i)) => {
            format!("if let Some(a) = {target}.as_array_mut() {{\n    a.remove({i});\n}}")
        }
    }
}

fn no_default(path: &str, ty: &Ty) -> TypedError {
    let name = match ty {
        Ty::Def(name) => short(name),
        _ => "the value",
    };
    TypedError::new(
        TypedErrorKind::Unsupported,
        path,
        format!("`{name}` has no `Default`: set the field whole"),
    )
}
