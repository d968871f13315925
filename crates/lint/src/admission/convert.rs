//! JSON objects to CEL values and back, as the API server hands objects to CEL:
//! integers as `int`, other numbers as `double`, maps with string keys.

use std::collections::HashMap;
use std::sync::Arc;

use cel::objects::{Key, Map};
use cel::Value as Cel;
use serde_json::Value as Json;

/// The CEL value of a JSON value.
pub(crate) fn to_cel(json: &Json) -> Cel {
    match json {
        Json::Null => Cel::Null,
        Json::Bool(b) => Cel::Bool(*b),
        Json::Number(n) => match n.as_i64() {
            Some(i) => Cel::Int(i),
            None => match n.as_u64() {
                Some(u) => Cel::UInt(u),
                None => Cel::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
        },
        Json::String(s) => Cel::String(Arc::new(s.clone())),
        Json::Array(items) => Cel::List(Arc::new(items.iter().map(to_cel).collect())),
        Json::Object(map) => {
            let map: HashMap<Key, Cel> = map
                .iter()
                .map(|(k, v)| (Key::String(Arc::new(k.clone())), to_cel(v)))
                .collect();
            Cel::Map(Map { map: Arc::new(map) })
        }
    }
}

/// A CEL value as text for a message (`messageExpression` results are strings; other
/// values are shown as CEL would print them).
pub(crate) fn display(value: &Cel) -> String {
    match value {
        Cel::String(s) => s.to_string(),
        Cel::Int(i) => i.to_string(),
        Cel::UInt(u) => format!("{u}u"),
        Cel::Float(f) => f.to_string(),
        Cel::Bool(b) => b.to_string(),
        Cel::Null => "null".to_owned(),
        other => format!("{other:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers_are_int_and_fractions_double() {
        assert_eq!(to_cel(&json!(3)), Cel::Int(3));
        assert_eq!(to_cel(&json!(-3)), Cel::Int(-3));
        assert_eq!(to_cel(&json!(0.5)), Cel::Float(0.5));
        assert_eq!(to_cel(&json!(u64::MAX)), Cel::UInt(u64::MAX));
        assert_eq!(display(&to_cel(&json!("x"))), "x");
    }
}
