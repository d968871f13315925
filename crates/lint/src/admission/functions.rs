//! The CEL environment of a ValidatingAdmissionPolicy: the standard library, the
//! `strings` and `lists` extensions of the `cel` crate, and the parts of the Kubernetes
//! CEL libraries it lacks (lists: `isSorted`, `sum`, `min`, `max`, `indexOf`,
//! `lastIndexOf`; regex: `find`, `findAll`), each written over plain [`cel::Value`]s.

use std::cmp::Ordering;
use std::sync::Arc;

use cel::common::types::{DYN_TYPE, INT_TYPE, LIST_TYPE, STRING_TYPE};
use cel::common::value::{CowVal, Val};
use cel::{Env, ExecutionError, Value as Cel};

/// Function names an expression may call: the standard library, the extensions and
/// the functions of this module. A name outside it is a compile error, as the API
/// server's type check reports it (`undeclared reference`).
pub(crate) const KNOWN_FUNCTIONS: &[&str] = &[
    // Standard library.
    "size",
    "contains",
    "startsWith",
    "endsWith",
    "matches",
    "string",
    "int",
    "uint",
    "double",
    "bool",
    "bytes",
    "type",
    "dyn",
    "duration",
    "timestamp",
    "has",
    "all",
    "exists",
    "exists_one",
    "existsOne",
    "map",
    "filter",
    // Optional values.
    "optional.of",
    "optional.ofNonZeroValue",
    "optional.none",
    "hasValue",
    "value",
    "or",
    "orValue",
    "optMap",
    "optFlatMap",
    // Strings extension.
    "charAt",
    "indexOf",
    "lastIndexOf",
    "join",
    "lowerAscii",
    "upperAscii",
    "trim",
    "replace",
    "split",
    "substring",
    "format",
    "strings.quote",
    "reverse",
    // Lists extension.
    "slice",
    "flatten",
    "distinct",
    "sort",
    "sortBy",
    "lists.range",
    // Math extension.
    "math.greatest",
    "math.least",
    "math.ceil",
    "math.floor",
    "math.round",
    "math.trunc",
    "math.abs",
    "math.sign",
    "math.isInf",
    "math.isNaN",
    "math.isFinite",
    "math.sqrt",
    "math.bitAnd",
    "math.bitOr",
    "math.bitXor",
    "math.bitNot",
    "math.bitShiftLeft",
    "math.bitShiftRight",
    // Kubernetes lists and regex libraries (this module).
    "isSorted",
    "sum",
    "min",
    "max",
    "find",
    "findAll",
];

/// Functions of the Kubernetes CEL libraries that are not implemented here (authorizer,
/// URLs, quantities, IP addresses and CIDRs, semver, named formats): an expression that
/// calls one is not evaluated, with a note, rather than reported as broken.
pub(crate) const NOT_EVALUATED: &[&str] = &[
    // Authorizer.
    "group",
    "resource",
    "subresource",
    "namespace",
    "name",
    "check",
    "allowed",
    "reason",
    "errored",
    "error",
    "path",
    "serviceAccount",
    "fieldSelector",
    "labelSelector",
    // URLs.
    "url",
    "isURL",
    "getScheme",
    "getHost",
    "getHostname",
    "getPort",
    "getEscapedPath",
    "getQuery",
    // Quantities.
    "quantity",
    "isQuantity",
    "sign",
    "isInteger",
    "asInteger",
    "asApproximateFloat",
    "add",
    "sub",
    "compareTo",
    "isGreaterThan",
    "isLessThan",
    // IP addresses and CIDRs.
    "ip",
    "isIP",
    "cidr",
    "isCIDR",
    "family",
    "isUnspecified",
    "isLoopback",
    "isLinkLocalMulticast",
    "isLinkLocalUnicast",
    "isGlobalUnicast",
    "containsIP",
    "containsCIDR",
    "prefixLength",
    "masked",
    // Semver and named formats.
    "semver",
    "isSemver",
    "major",
    "minor",
    "patch",
    "format.named",
];

/// The environment every policy expression is compiled and run in.
pub(crate) fn environment() -> Env {
    let mut env = Env::stdlib();
    let added = env
        .add_extension(cel::extensions::strings)
        .and_then(|()| env.add_extension(cel::extensions::lists))
        .and_then(|()| env.add_extension(cel::extensions::math))
        .and_then(|()| kubernetes(&mut env));
    // The names are fixed and distinct: a conflict is a bug caught by the tests.
    debug_assert!(added.is_ok(), "{added:?}");
    env
}

/// Declares an overload that works on [`Cel`] values: converts the arguments, runs
/// `$imp(&[Cel]) -> Result<Cel, String>`, converts the result back.
macro_rules! over_values {
    ($name:ident, $label:literal, $imp:path) => {
        fn $name<'b, 'v>(args: Vec<CowVal<'b, 'v>>) -> Result<CowVal<'b, 'v>, ExecutionError> {
            let values = args
                .iter()
                .map(|a| Cel::try_from(a.as_ref()))
                .collect::<Result<Vec<Cel>, ExecutionError>>()?;
            let out = $imp(&values).map_err(|e| ExecutionError::function_error($label, e))?;
            let boxed: Box<dyn Val> = out.try_into()?;
            Ok(CowVal::from(boxed))
        }
    };
}

over_values!(is_sorted_op, "isSorted", is_sorted);
over_values!(sum_op, "sum", sum);
over_values!(min_op, "min", min);
over_values!(max_op, "max", max);
over_values!(index_of_op, "indexOf", index_of);
over_values!(last_index_of_op, "lastIndexOf", last_index_of);
over_values!(find_op, "find", find);
over_values!(find_all_op, "findAll", find_all);
over_values!(find_all_n_op, "findAll", find_all_n);

fn kubernetes(env: &mut Env) -> Result<(), cel::DeclarationError> {
    env.add_member_overload(
        "isSorted",
        "list_is_sorted",
        LIST_TYPE,
        vec![],
        is_sorted_op,
    )?;
    env.add_member_overload("sum", "list_sum", LIST_TYPE, vec![], sum_op)?;
    env.add_member_overload("min", "list_min", LIST_TYPE, vec![], min_op)?;
    env.add_member_overload("max", "list_max", LIST_TYPE, vec![], max_op)?;
    env.add_member_overload(
        "indexOf",
        "list_index_of",
        LIST_TYPE,
        vec![DYN_TYPE],
        index_of_op,
    )?;
    env.add_member_overload(
        "lastIndexOf",
        "list_last_index_of",
        LIST_TYPE,
        vec![DYN_TYPE],
        last_index_of_op,
    )?;
    env.add_member_overload(
        "find",
        "string_find",
        STRING_TYPE,
        vec![STRING_TYPE],
        find_op,
    )?;
    env.add_member_overload(
        "findAll",
        "string_find_all",
        STRING_TYPE,
        vec![STRING_TYPE],
        find_all_op,
    )?;
    env.add_member_overload(
        "findAll",
        "string_find_all_n",
        STRING_TYPE,
        vec![STRING_TYPE, INT_TYPE],
        find_all_n_op,
    )?;
    Ok(())
}

fn list(values: &[Cel]) -> Result<&[Cel], String> {
    match values.first() {
        Some(Cel::List(items)) => Ok(items.as_slice()),
        _ => Err("expects a list".to_owned()),
    }
}

fn string_at(values: &[Cel], i: usize) -> Result<&str, String> {
    match values.get(i) {
        Some(Cel::String(s)) => Ok(s.as_str()),
        _ => Err("expects a string".to_owned()),
    }
}

/// CEL ordering of two values of one comparable type (numbers across int, uint and
/// double, as CEL's heterogeneous comparison).
fn compare(a: &Cel, b: &Cel) -> Result<Ordering, String> {
    let number = |v: &Cel| match v {
        Cel::Int(i) => Some(*i as f64),
        Cel::UInt(u) => Some(*u as f64),
        Cel::Float(f) => Some(*f),
        _ => None,
    };
    match (a, b) {
        (Cel::Int(x), Cel::Int(y)) => Ok(x.cmp(y)),
        (Cel::UInt(x), Cel::UInt(y)) => Ok(x.cmp(y)),
        (Cel::String(x), Cel::String(y)) => Ok(x.cmp(y)),
        (Cel::Bool(x), Cel::Bool(y)) => Ok(x.cmp(y)),
        _ => match (number(a), number(b)) {
            (Some(x), Some(y)) => x
                .partial_cmp(&y)
                .ok_or_else(|| "NaN is not ordered".to_owned()),
            _ => Err(format!("cannot compare {a:?} and {b:?}")),
        },
    }
}

fn is_sorted(values: &[Cel]) -> Result<Cel, String> {
    let items = list(values)?;
    for pair in items.windows(2) {
        if compare(&pair[0], &pair[1])? == Ordering::Greater {
            return Ok(Cel::Bool(false));
        }
    }
    Ok(Cel::Bool(true))
}

fn sum(values: &[Cel]) -> Result<Cel, String> {
    let items = list(values)?;
    let mut acc = match items.first() {
        None | Some(Cel::Int(_)) => Cel::Int(0),
        Some(Cel::UInt(_)) => Cel::UInt(0),
        Some(Cel::Float(_)) => Cel::Float(0.0),
        Some(other) => return Err(format!("cannot sum {other:?}")),
    };
    for item in items {
        acc = match (acc, item) {
            (Cel::Int(a), Cel::Int(b)) => Cel::Int(a.checked_add(*b).ok_or("integer overflow")?),
            (Cel::UInt(a), Cel::UInt(b)) => Cel::UInt(a.checked_add(*b).ok_or("integer overflow")?),
            (Cel::Float(a), Cel::Float(b)) => Cel::Float(a + b),
            (_, other) => return Err(format!("cannot sum mixed values ({other:?})")),
        };
    }
    Ok(acc)
}

fn extreme(values: &[Cel], keep: Ordering) -> Result<Cel, String> {
    let items = list(values)?;
    let mut best = items.first().ok_or("the list is empty")?;
    for item in &items[1..] {
        if compare(item, best)? == keep {
            best = item;
        }
    }
    Ok(best.clone())
}

fn min(values: &[Cel]) -> Result<Cel, String> {
    extreme(values, Ordering::Less)
}

fn max(values: &[Cel]) -> Result<Cel, String> {
    extreme(values, Ordering::Greater)
}

fn index_of(values: &[Cel]) -> Result<Cel, String> {
    let items = list(values)?;
    let needle = values.get(1).ok_or("expects an element")?;
    Ok(Cel::Int(
        items
            .iter()
            .position(|i| i == needle)
            .map_or(-1, |p| p as i64),
    ))
}

fn last_index_of(values: &[Cel]) -> Result<Cel, String> {
    let items = list(values)?;
    let needle = values.get(1).ok_or("expects an element")?;
    Ok(Cel::Int(
        items
            .iter()
            .rposition(|i| i == needle)
            .map_or(-1, |p| p as i64),
    ))
}

fn regex(pattern: &str) -> Result<regex::Regex, String> {
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| format!("invalid regex {pattern:?}: {e}"))
}

fn find(values: &[Cel]) -> Result<Cel, String> {
    let re = regex(string_at(values, 1)?)?;
    let found = re.find(string_at(values, 0)?).map_or("", |m| m.as_str());
    Ok(Cel::String(Arc::new(found.to_owned())))
}

fn find_all(values: &[Cel]) -> Result<Cel, String> {
    find_all_limit(values, -1)
}

fn find_all_n(values: &[Cel]) -> Result<Cel, String> {
    match values.get(2) {
        Some(Cel::Int(n)) => find_all_limit(values, *n),
        _ => Err("expects an int".to_owned()),
    }
}

fn find_all_limit(values: &[Cel], limit: i64) -> Result<Cel, String> {
    let re = regex(string_at(values, 1)?)?;
    let text = string_at(values, 0)?;
    let take = usize::try_from(limit).unwrap_or(usize::MAX);
    let found: Vec<Cel> = re
        .find_iter(text)
        .take(take)
        .map(|m| Cel::String(Arc::new(m.as_str().to_owned())))
        .collect();
    Ok(Cel::List(Arc::new(found)))
}

#[cfg(test)]
#[path = "functions_tests.rs"]
mod tests;
