//! Typed objects deserialized straight from the line-numbered tree: a type error names
//! the field path and the line of the node.

use std::fmt;

use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

use super::{join_key, Node, NodeValue};

/// An error while deserializing a node, with where it happened.
#[derive(Debug)]
pub(crate) struct DeError {
    pub(crate) msg: String,
    pub(crate) line: Option<u32>,
    pub(crate) path: Option<String>,
    /// The error `serde_json::from_value` gives for the same failure, when its wording
    /// differs from serde's (`null` for a unit value, floats as `ryu` prints them): what
    /// the JSON readers ([`super::json`]) return.
    json: Option<serde_json::Error>,
}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            msg: msg.to_string(),
            line: None,
            path: None,
            json: None,
        }
    }

    #[cold]
    fn invalid_type(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        DeError {
            json: Some(<serde_json::Error as de::Error>::invalid_type(unexp, exp)),
            ..de::Error::custom(format_args!("invalid type: {unexp}, expected {exp}"))
        }
    }

    #[cold]
    fn invalid_value(unexp: de::Unexpected, exp: &dyn de::Expected) -> Self {
        DeError {
            json: Some(<serde_json::Error as de::Error>::invalid_value(unexp, exp)),
            ..de::Error::custom(format_args!("invalid value: {unexp}, expected {exp}"))
        }
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for DeError {}

impl DeError {
    /// The error as `serde_json::from_value` words it.
    pub(crate) fn into_json(self) -> serde_json::Error {
        self.json
            .unwrap_or_else(|| <serde_json::Error as de::Error>::custom(self.msg))
    }

    /// Sets where the error happened, unless a deeper node already did.
    fn at(&mut self, line: u32, path: &Path<'_>) {
        if self.line.is_none() {
            self.line = Some(line);
            self.path = Some(path.text());
        }
    }
}

/// A node's field path as a chain of segments on the stack: written out only for an
/// error (formatting every node's path cost more than the rest of reading it).
#[derive(Clone, Copy)]
pub(crate) enum Path<'a> {
    /// The document itself.
    Root,
    /// A mapping entry of the parent.
    Key(&'a Path<'a>, &'a str),
    /// A sequence item of the parent.
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    /// `spec.containers[0].image`, `metadata.labels["a/b"]`, or empty for the root.
    fn text(&self) -> String {
        match self {
            Path::Root => String::new(),
            Path::Key(parent, key) => join_key(&parent.text(), key),
            Path::Index(parent, i) => format!("{}[{i}]", parent.text()),
        }
    }
}

/// A deserializer over a node: `path` is the node's field path, for errors.
#[derive(Clone, Copy)]
pub(crate) struct NodeDe<'a> {
    pub(crate) node: &'a Node,
    pub(crate) path: &'a Path<'a>,
}

impl<'de> Deserializer<'de> for NodeDe<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let mut r = match &self.node.value {
            NodeValue::Null => v.visit_unit(),
            NodeValue::Bool(b) => v.visit_bool(*b),
            NodeValue::I64(i) => v.visit_i64(*i),
            NodeValue::U64(u) => v.visit_u64(*u),
            NodeValue::F64(f) => v.visit_f64(*f),
            NodeValue::Str(s) => v.visit_str(s),
            NodeValue::Seq(items) => v.visit_seq(self.seq(items)),
            NodeValue::Map(entries) => v.visit_map(self.map(entries)),
        };
        if let Err(e) = &mut r {
            e.at(self.node.line, self.path);
        }
        r
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let mut r = match self.node.value {
            NodeValue::Null => v.visit_none(),
            _ => v.visit_some(self),
        };
        if let Err(e) = &mut r {
            e.at(self.node.line, self.path);
        }
        r
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        let mut r = match &self.node.value {
            NodeValue::Str(s) => v.visit_enum(s.as_str().into_deserializer()),
            _ => Err(<DeError as de::Error>::custom("expected a string")),
        };
        if let Err(e) = &mut r {
            e.at(self.node.line, self.path);
        }
        r
    }

    // A sequence, a map or a struct is read by a visitor that takes only that shape (every
    // `Deserialize` of serde, `k8s-openapi` and `crate::crd`): any other node gets the
    // error serde's default visitor methods give, built once here rather than inlined for
    // every visitor type (as `serde_json`'s own value deserializer does).
    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let mut r = match &self.node.value {
            NodeValue::Seq(items) => v.visit_seq(self.seq(items)),
            _ => Err(self.invalid(&v)),
        };
        if let Err(e) = &mut r {
            e.at(self.node.line, self.path);
        }
        r
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let mut r = match &self.node.value {
            NodeValue::Map(entries) => v.visit_map(self.map(entries)),
            _ => Err(self.invalid(&v)),
        };
        if let Err(e) = &mut r {
            e.at(self.node.line, self.path);
        }
        r
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        let mut r = match &self.node.value {
            NodeValue::Map(entries) => v.visit_map(self.map(entries)),
            NodeValue::Seq(items) => v.visit_seq(self.seq(items)),
            _ => Err(self.invalid(&v)),
        };
        if let Err(e) = &mut r {
            e.at(self.node.line, self.path);
        }
        r
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct tuple tuple_struct identifier ignored_any
    }
}

type SeqIter<'n> = std::iter::Enumerate<std::slice::Iter<'n, Node>>;
type MapIter<'n> = std::slice::Iter<'n, (String, u32, Node)>;

impl<'a> NodeDe<'a> {
    fn seq(self, items: &'a [Node]) -> SeqDe<'a, SeqIter<'a>> {
        SeqDe {
            items: items.iter().enumerate(),
            path: self.path,
        }
    }

    fn map(self, entries: &'a [(String, u32, Node)]) -> MapDe<'a, 'a, MapIter<'a>> {
        MapDe {
            entries: entries.iter(),
            value: None,
            path: self.path,
        }
    }

    /// The error a visitor's default method gives for this node: `invalid type: <the
    /// node>, expected <what the visitor expects>`.
    #[cold]
    #[inline(never)]
    fn invalid(self, exp: &dyn de::Expected) -> DeError {
        let unexp = match &self.node.value {
            NodeValue::Null => de::Unexpected::Unit,
            NodeValue::Bool(b) => de::Unexpected::Bool(*b),
            NodeValue::I64(i) => de::Unexpected::Signed(*i),
            NodeValue::U64(u) => de::Unexpected::Unsigned(*u),
            NodeValue::F64(f) => de::Unexpected::Float(*f),
            NodeValue::Str(s) => de::Unexpected::Str(s),
            NodeValue::Seq(_) => de::Unexpected::Seq,
            NodeValue::Map(_) => de::Unexpected::Map,
        };
        de::Error::invalid_type(unexp, exp)
    }
}

struct SeqDe<'a, I> {
    items: I,
    path: &'a Path<'a>,
}

impl<'de, 'n, I: Iterator<Item = (usize, &'n Node)>> SeqAccess<'de> for SeqDe<'_, I> {
    type Error = DeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        match self.items.next() {
            Some((i, node)) => {
                let path = Path::Index(self.path, i);
                seed.deserialize(NodeDe { node, path: &path }).map(Some)
            }
            None => Ok(None),
        }
    }
    /// The exact length: a vector is allocated once at its size (without it, one
    /// container took room for four).
    fn size_hint(&self) -> Option<usize> {
        exact(self.items.size_hint())
    }
}

fn exact((low, high): (usize, Option<usize>)) -> Option<usize> {
    (Some(low) == high).then_some(low)
}

struct MapDe<'a, 'n, I> {
    entries: I,
    value: Option<(&'n str, &'n Node)>,
    path: &'a Path<'a>,
}

impl<'de, 'n, I: Iterator<Item = &'n (String, u32, Node)>> MapAccess<'de> for MapDe<'_, 'n, I> {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.entries.next() {
            Some((k, _, v)) => {
                self.value = Some((k, v));
                seed.deserialize(de::value::StrDeserializer::<DeError>::new(k))
                    .map(Some)
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.value.take() {
            Some((k, node)) => {
                let path = Path::Key(self.path, k);
                seed.deserialize(NodeDe { node, path: &path })
            }
            None => Err(de::Error::custom("value without a key")),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        exact(self.entries.size_hint())
    }
}
