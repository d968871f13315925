//! The loader's fast path: the line-numbered tree of a YAML text built straight from
//! granit-parser's events (the parser serde-saphyr itself runs on), without serde-saphyr's
//! deserializer on top. That layer cost three quarters of the load (4 s of 5 for 19 MB of
//! kairn's own output): every node went through `Spanned`, live-event peeking and budget
//! accounting, while manifests are plain mappings, sequences and scalars.
//!
//! The fast path takes only what it reads exactly as the full reader does: block and flow
//! collections, quoted and block scalars (strings), and plain scalars whose YAML 1.1 meaning
//! is unambiguous here (null, booleans, decimal integers, words). Anything else — an anchor
//! or alias, a tag, a merge key (`<<`), a non-scalar or repeated key, deeper nesting or more
//! nodes than the limits, a syntax error — returns `None`, and the caller reads the text with
//! serde-saphyr, which gives the same tree or the same error it always gave. A plain scalar
//! that may be a number of another form (`0.5`, `0x1F`, `0400`, `1e3`, `.inf`) is resolved by
//! serde-saphyr alone. `source::tests` checks that both paths give equal trees on every real
//! manifest in the repository.

use std::borrow::Cow;

use granit_parser::{Event, Parser, ScalarStyle};

use crate::source::{Node, NodeValue};

/// An open collection.
enum Frame {
    Seq {
        line: u32,
        items: Vec<Node>,
    },
    Map {
        line: u32,
        entries: Vec<(String, u32, Node)>,
        key: Option<(String, u32)>,
    },
}

/// The documents of `text` (empty ones left out, as serde-saphyr leaves them out), or
/// `None` when the text needs the full reader.
pub(crate) fn roots(text: &str, max_depth: usize, max_nodes: usize) -> Option<Vec<Node>> {
    let mut options = granit_parser::Options::default();
    options.emit_comments = false;
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut roots = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut nodes = 0usize;
    while let Some(next) = parser.next_event() {
        let (event, span) = next.ok()?;
        let line = u32::try_from(span.start.line()).unwrap_or(u32::MAX);
        let done = match event {
            Event::StreamStart | Event::DocumentStart(..) | Event::DocumentEnd => continue,
            Event::StreamEnd => break,
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                nodes += 1;
                let in_key = matches!(stack.last(), Some(Frame::Map { key: None, .. }));
                if in_key && style == ScalarStyle::Plain && value == "<<" {
                    return None;
                }
                Node {
                    line,
                    value: scalar(value, style)?,
                }
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                if anchor != 0 || tag.is_some() || stack.len() >= max_depth {
                    return None;
                }
                nodes += 1;
                if matches!(stack.last(), Some(Frame::Map { key: None, .. })) {
                    return None; // a collection as a mapping key
                }
                let map = matches!(event, Event::MappingStart(..));
                stack.push(if map {
                    Frame::Map {
                        line,
                        entries: Vec::new(),
                        key: None,
                    }
                } else {
                    Frame::Seq {
                        line,
                        items: Vec::new(),
                    }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop()? {
                Frame::Seq { line, items } => Node {
                    line,
                    value: NodeValue::Seq(items),
                },
                Frame::Map {
                    line,
                    entries,
                    key: None,
                } => {
                    if has_duplicate(&entries) {
                        return None;
                    }
                    Node {
                        line,
                        value: NodeValue::Map(entries),
                    }
                }
                Frame::Map { .. } => return None,
            },
            _ => return None,
        };
        if nodes > max_nodes {
            return None;
        }
        match stack.last_mut() {
            None => {
                if done.value != NodeValue::Null {
                    roots.push(done);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(done),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some((key_text(done.value)?, done.line)),
                Some((k, kline)) => entries.push((k, kline, done)),
            },
        }
    }
    stack.is_empty().then_some(roots)
}

/// A mapping key as the full reader writes it: scalars as their text (`80` → "80",
/// `true` → "true", `~` → "null").
fn key_text(value: NodeValue) -> Option<String> {
    Some(match value {
        NodeValue::Str(s) => s,
        NodeValue::Bool(b) => b.to_string(),
        NodeValue::I64(i) => i.to_string(),
        NodeValue::U64(u) => u.to_string(),
        NodeValue::F64(f) => f.to_string(),
        NodeValue::Null => "null".to_owned(),
        NodeValue::Seq(_) | NodeValue::Map(_) => return None,
    })
}

/// Whether two entries share a key (the full reader reports it as an error).
fn has_duplicate(entries: &[(String, u32, Node)]) -> bool {
    if entries.len() < 2 {
        return false;
    }
    if entries.len() <= 16 {
        return entries
            .iter()
            .enumerate()
            .any(|(i, (k, _, _))| entries[..i].iter().any(|(j, _, _)| j == k));
    }
    let mut keys: Vec<&str> = entries.iter().map(|(k, _, _)| k.as_str()).collect();
    keys.sort_unstable();
    keys.windows(2).any(|w| w[0] == w[1])
}

/// A scalar's value: quoted and block scalars are strings; a plain scalar is null, a
/// boolean (YAML 1.1: `yes`, `off`, ...), a decimal integer or a string, and any other
/// numeric-looking form is resolved by serde-saphyr.
fn scalar(value: Cow<'_, str>, style: ScalarStyle) -> Option<NodeValue> {
    if style != ScalarStyle::Plain {
        return Some(NodeValue::Str(value.into_owned()));
    }
    let t: &str = &value;
    Some(match t {
        "" | "~" | "null" | "Null" | "NULL" => NodeValue::Null,
        _ if is_bool(t, &["true", "yes", "y", "on"]) => NodeValue::Bool(true),
        _ if is_bool(t, &["false", "no", "n", "off"]) => NodeValue::Bool(false),
        _ => {
            let first = t.as_bytes()[0];
            // `---` and `...` open and close a document: read alone they would resolve as
            // an empty document (null), not as the string they are in a value.
            if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.'))
                || t.starts_with("---")
                || t.starts_with("...")
            {
                return Some(NodeValue::Str(value.into_owned()));
            }
            if let Some(n) = decimal(t) {
                return Some(n);
            }
            if !could_be_number(t) {
                return Some(NodeValue::Str(value.into_owned()));
            }
            return serde_saphyr::from_str_with_options::<NodeValue>(t, crate::source::options())
                .ok();
        }
    })
}

/// Whether a plain scalar could be a number in some YAML form (integers in bases 2, 8, 10,
/// 16 and 60, floats, `.inf`, `.nan`): only those forms' characters. A quantity such as
/// `100m`, `256Mi` or `30s` is a string without asking the full reader (which a tenth of
/// the load went to).
fn could_be_number(t: &str) -> bool {
    t.bytes().all(|b| {
        b.is_ascii_hexdigit()
            || matches!(
                b,
                b'x' | b'X'
                    | b'o'
                    | b'O'
                    | b'_'
                    | b'.'
                    | b':'
                    | b'+'
                    | b'-'
                    | b'i'
                    | b'I'
                    | b'n'
                    | b'N'
            )
    })
}

fn is_bool(t: &str, words: &[&str]) -> bool {
    t.len() <= 5 && words.iter().any(|w| t.eq_ignore_ascii_case(w))
}

/// `8080` or `-1` (no leading zero, no sign `+`, within 64 bits).
fn decimal(t: &str) -> Option<NodeValue> {
    let (negative, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t),
    };
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || (digits.len() > 1 && digits.starts_with('0'))
    {
        return None;
    }
    if negative {
        let v: i64 = t.parse().ok()?;
        Some(if v >= 0 {
            NodeValue::U64(v as u64)
        } else {
            NodeValue::I64(v)
        })
    } else {
        digits.parse().ok().map(NodeValue::U64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn both(text: &str) -> (Option<Vec<Node>>, Result<Vec<Node>, String>) {
        let full: Result<Vec<serde_saphyr::Spanned<NodeValue>>, _> =
            serde_saphyr::from_str_multiple_with_options(text, crate::source::options());
        let full = full
            .map(|r| {
                r.into_iter()
                    .map(|s| Node {
                        line: u32::try_from(s.referenced.line()).unwrap_or(u32::MAX),
                        value: s.value,
                    })
                    .collect()
            })
            .map_err(|e| e.to_string());
        (roots(text, 64, 1000), full)
    }

    /// Scalars of every form resolve as serde-saphyr resolves them, on the fast path or
    /// through serde-saphyr.
    #[test]
    fn scalars_resolve_as_the_full_reader_resolves_them() {
        let values = [
            "",
            "~",
            "null",
            "NULL",
            "true",
            "False",
            "yes",
            "No",
            "y",
            "N",
            "on",
            "OFF",
            "0",
            "7",
            "-7",
            "-0",
            "0400",
            "-0400",
            "+7",
            "0x1F",
            "0o17",
            "1_000",
            "1e3",
            "0.5",
            ".5",
            "-.inf",
            ".NaN",
            "1.2.3",
            "10.0.0.1",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775809",
            "v1",
            "yesterday",
            "-",
            "-x",
            "---",
            "...",
            "--- x",
            "...x",
            "'7'",
            "\"true\"",
            "|\n  text",
            "8080:8080",
            "1:30",
            "+.inf",
            "0b101",
            "100m",
            "256Mi",
            "1Gi",
            "30s",
            "2h45m",
            "1e3x",
            "0x1G",
            "1_000m",
            "2001-12-14",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "1:30:00",
            "0o17q",
            "-.INF",
            "+.NaN",
            "1.5E+3",
            "1.5e-3",
            "0.0.0.0/0",
            "6.1.2-rc.1",
            "8Ki",
        ];
        for v in values {
            let text = format!("a: {v}\nb: [{}]\n", if v.contains('\n') { "x" } else { v });
            let (fast, full) = both(&text);
            if let Some(fast) = fast {
                assert_eq!(Ok(fast), full, "{v:?}");
            }
        }
    }

    /// What the fast path does not read goes to the full reader: anchors and aliases,
    /// tags, merge keys, repeated keys, non-scalar keys, deep nesting, too many nodes,
    /// syntax errors.
    #[test]
    fn the_rest_goes_to_the_full_reader() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: !!str 7\n",
            "base: &b {x: 1}\nc:\n  <<: *b\n",
            "a: 1\na: 2\n",
            "? [a]\n: 1\n",
            "a: [1, 2\n",
            "a:\n  b: c\n d: e\n",
        ] {
            assert_eq!(both(text).0, None, "{text:?}");
        }
        let deep = format!("{}1{}", "[".repeat(70), "]".repeat(70));
        assert_eq!(roots(&deep, 64, 1_000_000), None);
        assert_eq!(roots("[1, 2, 3]", 64, 2), None);
        assert!(roots("a: [1, 2, 3]\n---\n---\nb: {}\n", 64, 100).is_some_and(|r| r.len() == 2));
    }
}
