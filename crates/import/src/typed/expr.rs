//! A JSON value as the Rust expression that constructs it as its k8s-openapi type.

use serde_json::Value;
use std::collections::BTreeSet;

use super::lit::{base64_decode, f64_lit, json_body, one_lit, str_lit_at};
use super::schema::{definition as find, rust_type_path, schema, Definition, Special, Ty};
use super::{push_seg, PathSeg, TypedError, TypedErrorKind};

/// Path of `std::collections::BTreeMap` as written.
pub(crate) const BTREE_MAP: &str = "std::collections::BTreeMap";

/// Widest single-line list (`vec![...]`, `BTreeMap::from([...])`) written on one line.
const INLINE: usize = 72;

/// A Rust expression that constructs `value` as the type `definition`: a struct literal with
/// `..Default::default()` only when fields are left out, `Some(..)` around optional fields,
/// `vec![..]`, `BTreeMap::from([..])`, `Quantity("1Gi".into())`, `IntOrString::Int(8080)`.
/// `apiVersion` and `kind` of a top-level kind are skipped (k8s-openapi writes them); `null`
/// means absent. Fields come in the schema's order.
pub fn expr(definition: &str, value: &Value) -> Result<String, TypedError> {
    let def = find(definition).ok_or_else(|| {
        TypedError::new(
            TypedErrorKind::UnknownDefinition,
            "",
            format!("`{definition}` is not a Kubernetes 1.33 definition k8s-openapi has"),
        )
    })?;
    def_expr(def, value, "", 0)
}

/// Like [`expr`], but every `JSONSchemaProps` whose text is `min` bytes or more is written as
/// a function of its own (`fn {prefix}_1() -> JSONSchemaProps { .. }`, called where the value
/// goes; not the value asked for itself), innermost first: a CRD of a megabyte becomes many small functions instead of one
/// expression nested thirty levels deep, which rustc and rustfmt handle far faster. Returns
/// the expression and the functions (to write beside it, at module level).
pub fn expr_split(
    definition: &str,
    value: &Value,
    prefix: &str,
    min: usize,
) -> Result<(String, Vec<String>), TypedError> {
    split_with(definition, value, prefix, min, None, 0)
}

/// Like [`expr_split`], but the value is laid out for indentation `ind` (where the caller
/// writes it), and the functions for an inline module `module` of their own
/// (`    pub(super) fn {prefix}_1() -> JSONSchemaProps {`, bodies at indentation 8, every
/// line re-indented from where the value sat); every call is `{module}::{prefix}_N()`
/// (inside the module too: its `use super::*;` names the module itself). `kairn import`
/// writes that module under `#[rustfmt::skip]`: rustfmt cannot lay out the long
/// description lines of a CRD, and would spend seconds to change nothing.
///
/// With `hoist`, a string of [`HOIST_LINES`] lines or more (a config file in a ConfigMap)
/// becomes a constant of its own (`const {HOIST.0}_DATA_QUERIES: &str = concat!(..);`,
/// named after the field, unique against `taken`), and the value names it: easier to read
/// and edit, and rustfmt lays a constant out in milliseconds where the same text deep in an
/// expression takes it a third of a second.
pub fn expr_split_module(
    definition: &str,
    value: &Value,
    layout: &ModuleLayout<'_>,
    taken: &mut BTreeSet<String>,
) -> Result<ModuleExpr, TypedError> {
    SPLIT.with(|s| {
        *s.borrow_mut() = Some(Split {
            prefix: layout.prefix.to_owned(),
            min: layout.min,
            module: Some(layout.module.to_owned()),
            root: layout.ind,
            fns: Vec::new(),
            hoist: layout
                .hoist
                .map(|(name, label)| (name.to_owned(), label.to_owned())),
            consts: Vec::new(),
            taken: std::mem::take(taken),
        })
    });
    let out = def_of(definition).and_then(|def| def_expr(def, value, "", layout.ind));
    let split = SPLIT.with(|s| s.borrow_mut().take());
    let (fns, consts) = match split {
        Some(split) => {
            *taken = split.taken;
            (split.fns, split.consts)
        }
        None => Default::default(),
    };
    out.map(|expr| ModuleExpr { expr, fns, consts })
}

/// Where [`expr_split_module`] lays an expression out.
#[derive(Clone, Copy, Debug)]
pub struct ModuleLayout<'a> {
    /// The functions' names: `{prefix}_1`, ..
    pub prefix: &'a str,
    /// Schemas this long (bytes of text) or longer become functions.
    pub min: usize,
    /// The module the functions go in.
    pub module: &'a str,
    /// The indentation the expression is written at.
    pub ind: usize,
    /// Long strings as constants: the constants' name prefix (`CNPG_MONITORING`) and what
    /// their doc comment calls the object (`ConfigMap cnpg-monitoring`).
    pub hoist: Option<(&'a str, &'a str)>,
}

/// What [`expr_split_module`] writes: the expression, the module's functions, and the
/// constants (module level, beside the expression's function).
#[derive(Clone, Debug, Default)]
pub struct ModuleExpr {
    pub expr: String,
    pub fns: Vec<String>,
    pub consts: Vec<String>,
}

/// Strings of this many lines or more become constants under [`ModuleLayout::hoist`].
pub const HOIST_LINES: usize = 4;

fn def_of(definition: &str) -> Result<&'static Definition, TypedError> {
    find(definition).ok_or_else(|| {
        TypedError::new(
            TypedErrorKind::UnknownDefinition,
            "",
            format!("`{definition}` is not a Kubernetes 1.33 definition k8s-openapi has"),
        )
    })
}

/// A string's expression at `path`: a constant's name under a hoisting [`expr_split_module`]
/// when it has [`HOIST_LINES`] lines or more, else its literal ([`str_lit_at`]).
fn text_at(s: &str, path: &str, ind: usize) -> String {
    if s.split_inclusive('\n').count() < HOIST_LINES {
        return str_lit_at(s, ind);
    }
    SPLIT.with(|cell| {
        let mut cell = cell.borrow_mut();
        let Some(split) = cell.as_mut() else {
            return str_lit_at(s, ind);
        };
        let Some((prefix, label)) = &split.hoist else {
            return str_lit_at(s, ind);
        };
        let field: String = path
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect();
        let field = field
            .split('_')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        let base = format!("{prefix}_{field}");
        let mut name = base.clone();
        let mut n = 2;
        while !split.taken.insert(name.clone()) {
            name = format!("{base}_{n}");
            n += 1;
        }
        split.consts.push(format!(
            "/// `{path}` of {label}.\nconst {name}: &str = {};\n",
            str_lit_at(s, 0)
        ));
        name
    })
}

fn split_with(
    definition: &str,
    value: &Value,
    prefix: &str,
    min: usize,
    module: Option<&str>,
    ind: usize,
) -> Result<(String, Vec<String>), TypedError> {
    SPLIT.with(|s| {
        *s.borrow_mut() = Some(Split {
            prefix: prefix.to_owned(),
            min,
            module: module.map(str::to_owned),
            root: ind,
            fns: Vec::new(),
            hoist: None,
            consts: Vec::new(),
            taken: BTreeSet::new(),
        })
    });
    let out = def_of(definition).and_then(|def| def_expr(def, value, "", ind));
    let fns = SPLIT
        .with(|s| s.borrow_mut().take())
        .map(|s| s.fns)
        .unwrap_or_default();
    out.map(|e| (e, fns))
}

/// The functions [`expr_split`] collects while it runs.
struct Split {
    prefix: String,
    min: usize,
    /// The inline module the functions go in ([`expr_split_module`]), if any.
    module: Option<String>,
    /// The indentation of the value asked for (which is never split off).
    root: usize,
    fns: Vec<String>,
    /// [`ModuleLayout::hoist`], owned.
    hoist: Option<(String, String)>,
    consts: Vec<String>,
    /// Constant names in use.
    taken: BTreeSet<String>,
}

thread_local! {
    static SPLIT: std::cell::RefCell<Option<Split>> = const { std::cell::RefCell::new(None) };
}

/// Under [`expr_split`]: a large schema's text moved into a function, and its call.
fn split_off(def: &Definition, text: String, ind: usize) -> String {
    if !def.name.ends_with(".JSONSchemaProps") {
        return text;
    }
    SPLIT.with(|s| match s.borrow_mut().as_mut() {
        // Not the value asked for itself.
        Some(split) if ind != split.root && text.len() >= split.min => {
            let name = format!("{}_{}", split.prefix, split.fns.len() + 1);
            let ty = rust_type_path(def.name);
            match &split.module {
                None => {
                    split
                        .fns
                        .push(format!("fn {name}() -> {ty} {{\n{text}\n}}\n"));
                    format!("{name}()")
                }
                Some(module) => {
                    split.fns.push(format!(
                        "    pub(super) fn {name}() -> {ty} {{\n        {}\n    }}\n",
                        reindent(&text, ind, 8)
                    ));
                    format!("{module}::{name}()")
                }
            }
        }
        _ => text,
    })
}

/// `text` laid out for indentation `from` (its first line where the value starts, the others
/// indented `from` and deeper) moved to indentation `to`. Line by line is safe: no string
/// literal the writer makes spans lines (a newline in a string is `\n`).
fn reindent(text: &str, from: usize, to: usize) -> String {
    let pad = " ".repeat(to);
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            let spaces = line.len() - line.trim_start_matches(' ').len();
            let rest = &line[spaces.min(from)..];
            if !rest.is_empty() {
                out.push_str(&pad);
            }
            out.push_str(rest);
        } else {
            out.push_str(line);
        }
    }
    out
}

/// The expression of `v` as `ty` at JSON path `path`, laid out for indentation `ind`.
pub(crate) fn ty_expr(ty: &Ty, v: &Value, path: &str, ind: usize) -> Result<String, TypedError> {
    let mismatch = |want: &str| {
        TypedError::new(
            TypedErrorKind::TypeMismatch,
            path,
            format!("expected {want}, found {}", describe(v)),
        )
    };
    match ty {
        Ty::Str => v
            .as_str()
            .map(|s| format!("{}.into()", text_at(s, path, ind)))
            .ok_or_else(|| mismatch("a string")),
        Ty::Bool => v
            .as_bool()
            .map(|b| b.to_string())
            .ok_or_else(|| mismatch("a boolean")),
        Ty::I32 => int(v, path, "i32", i64::from(i32::MIN), i64::from(i32::MAX)),
        Ty::I64 => int(v, path, "i64", i64::MIN, i64::MAX),
        Ty::F64 => v.as_f64().map(f64_lit).ok_or_else(|| mismatch("a number")),
        Ty::Bytes => {
            let s = v.as_str().ok_or_else(|| mismatch("a base64 string"))?;
            let bytes = base64_decode(s).ok_or_else(|| mismatch("standard base64"))?;
            let inner = match String::from_utf8(bytes) {
                Ok(text) => format!("{}.into()", text_at(&text, path, ind)),
                Err(e) => {
                    let nums: Vec<String> = e.as_bytes().iter().map(u8::to_string).collect();
                    format!("vec![{}]", nums.join(", "))
                }
            };
            Ok(format!("dsl::k8s_openapi::ByteString({inner})"))
        }
        Ty::Vec(item) => {
            let items = v.as_array().ok_or_else(|| mismatch("an array"))?;
            if items.is_empty() {
                return Ok("Vec::new()".to_owned());
            }
            let mut parts = Vec::with_capacity(items.len());
            for (i, item_value) in items.iter().enumerate() {
                let p = sub(path, &PathSeg::Index(i));
                if item_value.is_null() && !holds_null(item) {
                    return Err(null_item(&p));
                }
                parts.push(ty_expr(item, item_value, &p, ind + 4)?);
            }
            Ok(list("vec![", &parts, "]", ind))
        }
        Ty::Map(item) => {
            let map = v.as_object().ok_or_else(|| mismatch("a map"))?;
            if map.is_empty() {
                return Ok(format!("{BTREE_MAP}::new()"));
            }
            let mut parts = Vec::with_capacity(map.len());
            for (k, item_value) in map {
                let p = sub(path, &PathSeg::Key(k.clone()));
                if item_value.is_null() && !holds_null(item) {
                    return Err(null_item(&p));
                }
                let e = ty_expr(item, item_value, &p, ind + 4)?;
                parts.push(format!("({}.into(), {e})", one_lit(k)));
            }
            Ok(list(&format!("{BTREE_MAP}::from(["), &parts, "])", ind))
        }
        Ty::Boxed(inner) => Ok(format!("Box::new({})", ty_expr(inner, v, path, ind)?)),
        Ty::Def(name) => {
            let def = find(name).ok_or_else(|| {
                TypedError::new(
                    TypedErrorKind::UnknownDefinition,
                    path,
                    format!("`{name}` is missing from the table"),
                )
            })?;
            def_expr(def, v, path, ind)
        }
    }
}

fn def_expr(def: &Definition, v: &Value, path: &str, ind: usize) -> Result<String, TypedError> {
    let ty_path = rust_type_path(def.name);
    let mismatch = |want: &str| {
        TypedError::new(
            TypedErrorKind::TypeMismatch,
            path,
            format!("expected {want}, found {}", describe(v)),
        )
    };
    match def.special {
        Some(Special::Quantity) => {
            // As k8s-openapi reads a number into a Quantity: its `to_string()`.
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                    (Some(u), _, _) => u.to_string(),
                    (_, Some(i), _) => i.to_string(),
                    (_, _, Some(f)) => f.to_string(),
                    _ => return Err(mismatch("a quantity")),
                },
                _ => return Err(mismatch("a quantity (`500m`, `1Gi`)")),
            };
            Ok(format!("{ty_path}({}.into())", one_lit(&text)))
        }
        Some(Special::IntOrString) => match v {
            Value::String(s) => Ok(format!("{ty_path}::String({}.into())", one_lit(s))),
            Value::Number(_) => {
                let n = int(v, path, "i32", i64::from(i32::MIN), i64::from(i32::MAX))?;
                Ok(format!("{ty_path}::Int({n})"))
            }
            _ => Err(mismatch("an integer or a string")),
        },
        Some(Special::Time) => {
            let s = v.as_str().ok_or_else(|| mismatch("an RFC 3339 time"))?;
            if s.parse::<dsl::k8s_openapi::jiff::Timestamp>().is_err() {
                return Err(mismatch("an RFC 3339 time"));
            }
            Ok(format!(
                "{ty_path}({}.parse().expect(\"an RFC 3339 time\"))",
                one_lit(s)
            ))
        }
        Some(Special::Json) => Ok(format!(
            "{ty_path}(dsl::k8s_openapi::serde_json::json!({}))",
            json_body(v, ind)
        )),
        Some(
            union @ (Special::SchemaOrArray | Special::SchemaOrBool | Special::SchemaOrStrings),
        ) => {
            let of = def.of.map(Ty::Def).ok_or_else(|| mismatch("a schema"))?;
            let (variant, ty) = match (union, v) {
                (_, Value::Object(_)) => ("Schema", Ty::Boxed(Box::new(of))),
                (Special::SchemaOrArray, Value::Array(_)) => ("Schemas", Ty::Vec(Box::new(of))),
                (Special::SchemaOrBool, Value::Bool(_)) => ("Bool", Ty::Bool),
                (Special::SchemaOrStrings, Value::Array(_)) => {
                    ("Strings", Ty::Vec(Box::new(Ty::Str)))
                }
                (Special::SchemaOrArray, _) => return Err(mismatch("a schema or a list of them")),
                (Special::SchemaOrBool, _) => return Err(mismatch("a schema or a boolean")),
                _ => return Err(mismatch("a schema or a list of strings")),
            };
            Ok(format!(
                "{ty_path}::{variant}({})",
                ty_expr(&ty, v, path, ind)?
            ))
        }
        None => {
            let obj = v.as_object().ok_or_else(|| mismatch("an object"))?;
            // A top-level kind (also nested: a StatefulSet's volumeClaimTemplates): k8s-openapi
            // writes `apiVersion` and `kind` itself and reads only its own.
            let gvk = schema().roots.get(def.name);
            for (key, kv) in obj {
                let here = || sub(path, &PathSeg::Key(key.clone()));
                let own = match (gvk, key.as_str()) {
                    (Some((api_version, _)), "apiVersion") => Some(api_version),
                    (Some((_, kind)), "kind") => Some(kind),
                    _ => None,
                };
                if let Some(own) = own {
                    if kv.as_str() != Some(own) && !kv.is_null() {
                        return Err(TypedError::new(
                            TypedErrorKind::TypeMismatch,
                            &here(),
                            format!("expected {own:?}, found {}", describe(kv)),
                        ));
                    }
                } else if def.field(key).is_none() {
                    return Err(TypedError::new(
                        TypedErrorKind::UnknownField,
                        &here(),
                        format!("`{}` has no field `{key}`", short(def.name)),
                    ));
                }
            }
            let pad = " ".repeat(ind + 4);
            let mut lines = Vec::new();
            let mut left_out = false;
            // `metadata` first, as people write objects; then the schema's order.
            let ordered = def
                .fields
                .iter()
                .filter(|f| f.json == "metadata")
                .chain(def.fields.iter().filter(|f| f.json != "metadata"));
            for f in ordered {
                let p = sub(path, &PathSeg::Key(f.json.to_owned()));
                match obj.get(f.json) {
                    Some(fv) if !fv.is_null() => {
                        let e = ty_expr(&f.ty, fv, &p, ind + 4)?;
                        let e = if f.required { e } else { format!("Some({e})") };
                        lines.push(format!("{pad}{}: {e},", f.rust));
                    }
                    _ if def.default => left_out = true,
                    _ if !f.required => lines.push(format!("{pad}{}: None,", f.rust)),
                    _ if ty_default(&f.ty) => {
                        lines.push(format!("{pad}{}: Default::default(),", f.rust))
                    }
                    _ => {
                        return Err(TypedError::new(
                            TypedErrorKind::Unsupported,
                            &p,
                            format!("required field `{}` is missing", f.json),
                        ))
                    }
                }
            }
            if lines.is_empty() {
                return Ok(format!("{ty_path}::default()"));
            }
            if left_out {
                lines.push(format!("{pad}..Default::default()"));
            }
            Ok(split_off(
                def,
                format!("{ty_path} {{\n{}\n{}}}", lines.join("\n"), " ".repeat(ind)),
                ind,
            ))
        }
    }
}

/// Whether a value of `ty` can be made with `Default::default()`.
pub(crate) fn ty_default(ty: &Ty) -> bool {
    match ty.unboxed() {
        Ty::Def(name) => find(name).is_some_and(|d| d.default),
        _ => true,
    }
}

/// Whether `null` is a value of `ty` inside a list or map: a JSON newtype (`enum: [a, null]`
/// of a nullable schema is `JSON(Value::Null)`).
fn holds_null(ty: &Ty) -> bool {
    matches!(ty, Ty::Def(name) if find(name).is_some_and(|d| d.special == Some(Special::Json)))
}

pub(crate) fn is_root(def: &Definition) -> bool {
    schema().roots.contains_key(def.name)
}

fn int(v: &Value, path: &str, ty: &str, min: i64, max: i64) -> Result<String, TypedError> {
    let Value::Number(n) = v else {
        return Err(TypedError::new(
            TypedErrorKind::TypeMismatch,
            path,
            format!("expected an integer, found {}", describe(v)),
        ));
    };
    match n.as_i64() {
        Some(i) if (min..=max).contains(&i) => Ok(i.to_string()),
        Some(_) => Err(out_of_range(path, n, ty)),
        None if n.is_u64() => Err(out_of_range(path, n, ty)),
        None => Err(TypedError::new(
            TypedErrorKind::TypeMismatch,
            path,
            format!("expected an integer, found {n}"),
        )),
    }
}

fn out_of_range(path: &str, n: &serde_json::Number, ty: &str) -> TypedError {
    TypedError::new(
        TypedErrorKind::OutOfRange,
        path,
        format!("{n} does not fit the field's type `{ty}`"),
    )
}

fn null_item(path: &str) -> TypedError {
    TypedError::new(
        TypedErrorKind::TypeMismatch,
        path,
        "null is not a value of the list or map's type",
    )
}

/// `vec![a, b]` on one line when short, else one item a line.
pub(crate) fn list(open: &str, parts: &[String], close: &str, ind: usize) -> String {
    let one_line = parts.join(", ");
    if !one_line.contains('\n') && open.len() + one_line.len() + ind < INLINE {
        return format!("{open}{one_line}{close}");
    }
    let pad = " ".repeat(ind + 4);
    let items: Vec<String> = parts.iter().map(|p| format!("{pad}{p},")).collect();
    format!("{open}\n{}\n{}{close}", items.join("\n"), " ".repeat(ind))
}

pub(crate) fn sub(path: &str, seg: &PathSeg) -> String {
    let mut p = path.to_owned();
    push_seg(&mut p, seg);
    p
}

/// `io.k8s.api.apps.v1.Deployment` → `Deployment`.
pub(crate) fn short(definition: &str) -> &str {
    definition.rsplit('.').next().unwrap_or(definition)
}

pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.len() > 40 => "a string".to_owned(),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}
