//! kairn's YAML reader: serde-saphyr with the YAML 1.2 core schema, for the YAML kairn
//! reads outside `lint` (its own object files when packaging, `Chart.yaml`,
//! `kustomization.yaml`) and for its tests.
//!
//! Plain scalars are read as the YAML 1.2 core schema reads them, and as the former
//! reader (`serde_yaml` 0.9) did, so a value that holds a string in a kustomization or
//! an emitted object stays that string:
//!
//! - only `true`/`false` (any case) are booleans: `on`, `yes`, `y` are strings;
//! - an integer with a redundant leading zero (`0755`, `08`) or an underscore (`1_000`)
//!   is a string, not a number (`0o755` and `0x1F` are numbers);
//! - `.nan` and `.inf` are accepted, and become `null` in a [`serde_json::Value`].
//!
//! Kubernetes itself reads manifests with YAML 1.1 rules (`on` is true, `0755` is
//! octal): `lint` does (its own reader, `lint::source`), and kairn's writer
//! ([`super::to_yaml`]) quotes every string either reading could take for something else.
//!
//! Unlike `serde_yaml`, a key repeated in one mapping is an error (as in kustomize;
//! kubectl's decoder keeps the last one), merge keys (`<<: *anchor`) are expanded, and an
//! unknown tag (`!foo bar`) is ignored. Limits against YAML bombs apply (nesting, nodes,
//! aliases). Errors are one line and name the line and column.

use std::fmt;

use serde::de::DeserializeOwned;

/// Most nesting of sequences and mappings (`serde_yaml`'s limit was the same).
const MAX_NESTING: usize = 128;
/// Most YAML documents in one stream.
const MAX_DOCUMENTS: usize = 65_536;
/// Most YAML nodes (scalars, sequences, mappings) in one text.
const MAX_NODES: usize = 2_000_000;
/// Most parser events in one text.
const MAX_EVENTS: usize = 8_000_000;

/// YAML that could not be read: the message ends with `at line L, column C` when the
/// position is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    message: String,
    line: Option<u64>,
}

impl ReadError {
    fn new(e: &serde_saphyr::Error) -> ReadError {
        let message = e.render_with_options(serde_saphyr::render_options! {
            formatter: &serde_saphyr::UserMessageFormatter,
            snippets: serde_saphyr::SnippetMode::Off,
        });
        // One line, whatever the parser's message holds.
        let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
        let line = e.location().map(|l| l.line()).filter(|l| *l > 0);
        ReadError { message, line }
    }

    /// The 1-based line of the error, when known.
    pub fn line(&self) -> Option<u64> {
        self.line
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ReadError {}

/// The serde-saphyr options of [`from_str`] and [`from_multiple`] (see the module docs).
pub fn read_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_NESTING,
            max_documents: MAX_DOCUMENTS,
            max_nodes: MAX_NODES,
            max_events: MAX_EVENTS,
        },
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough,
        with_snippet: false,
    }
}

/// Reads one YAML document (empty text is `null`); more than one document is an error.
///
/// ```
/// let v: serde_json::Value = dsl::yaml::from_str("enabled: on\nmode: 0755\n").unwrap();
/// assert_eq!(v, serde_json::json!({"enabled": "on", "mode": "0755"}));
/// let e = dsl::yaml::from_str::<serde_json::Value>("a: 1\na: 2\n").unwrap_err();
/// assert_eq!(e.line(), Some(2));
/// ```
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, ReadError> {
    serde_saphyr::from_str_with_options(text, read_options()).map_err(|e| ReadError::new(&e))
}

/// Reads a stream of YAML documents separated by `---`. Empty and `null` documents are
/// left out.
///
/// ```
/// let docs: Vec<serde_json::Value> = dsl::yaml::from_multiple("---\na: 1\n---\n---\nb: y\n").unwrap();
/// assert_eq!(docs, [serde_json::json!({"a": 1}), serde_json::json!({"b": "y"})]);
/// ```
pub fn from_multiple<T: DeserializeOwned>(text: &str) -> Result<Vec<T>, ReadError> {
    serde_saphyr::from_multiple_with_options(text, read_options()).map_err(|e| ReadError::new(&e))
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    #[test]
    fn plain_scalars_follow_the_yaml_1_2_core_schema() {
        let v: Value = from_str(
            "[on, off, yes, no, y, n, true, FALSE, ~, null, '', 0755, 08, -007, 1_000, \
             0o755, 0x1F, 1e3, .5, 0, -1, 2026-01-01, 12:30]",
        )
        .unwrap();
        assert_eq!(
            v,
            json!([
                "on",
                "off",
                "yes",
                "no",
                "y",
                "n",
                true,
                false,
                null,
                null,
                "",
                "0755",
                "08",
                "-007",
                "1_000",
                493,
                31,
                1000.0,
                0.5,
                0,
                -1,
                "2026-01-01",
                "12:30"
            ])
        );
    }

    #[test]
    fn non_finite_floats_are_null_in_json() {
        let v: Value = from_str("[.nan, .inf, -.Inf]").unwrap();
        assert_eq!(v, json!([null, null, null]));
    }

    #[test]
    fn bad_input_is_an_error_with_its_line_never_a_panic() {
        for (text, line, words) in [
            ("a: 1\na: 2\n", 2, "duplicate mapping key `a`"),
            ("a: [1, 2\nb: 3\n", 2, "at line 2, column 2"),
            ("a: 1\n b: 2\n", 2, "mapping values are not allowed"),
            ("a:\n\t- 1\n", 2, "tabs"),
            ("a: 1\n---\nb: 2\n", 3, "multiple"),
            ("x: *nothing\n", 1, "unknown"),
            ("'open\n", 1, "quote"),
        ] {
            let e = from_str::<Value>(text).unwrap_err();
            assert_eq!(e.line(), Some(line), "{text:?}: {e}");
            let shown = e.to_string();
            assert!(shown.contains(words), "{text:?}: {shown}");
            assert!(!shown.contains('\n'), "one line: {shown:?}");
        }
    }

    #[test]
    fn streams_skip_empty_documents_and_report_errors() {
        let docs: Vec<Value> = from_multiple("").unwrap();
        assert!(docs.is_empty());
        let docs: Vec<Value> = from_multiple("a: 1\n---\n~\n---\n- x\n").unwrap();
        assert_eq!(docs, [json!({"a": 1}), json!(["x"])]);
        let e = from_multiple::<Value>("a: 1\n---\nb: 1\nb: 2\n").unwrap_err();
        assert_eq!(e.line(), Some(4), "{e}");
    }

    #[test]
    fn nesting_beyond_the_limit_is_an_error() {
        // On a thread of its own with room for the deepest accepted document: this test
        // build runs at opt-level 0 (.cargo/config.toml), where 127 nested levels of the
        // generic deserialiser take more than a test thread's 2 MiB (at the dev profile's
        // opt-level 1, which `emit` and every team build use, they fit).
        let run = || {
            let deep = format!(
                "{}1{}",
                "[".repeat(MAX_NESTING + 1),
                "]".repeat(MAX_NESTING + 1)
            );
            assert!(from_str::<Value>(&deep).is_err());
            let ok = format!(
                "{}1{}",
                "[".repeat(MAX_NESTING - 1),
                "]".repeat(MAX_NESTING - 1)
            );
            assert!(from_str::<Value>(&ok).is_ok());
        };
        std::thread::Builder::new()
            .stack_size(16 << 20)
            .spawn(run)
            .expect("a thread")
            .join()
            .expect("the nesting checks pass");
    }

    #[test]
    fn typed_structs_read_yaml_1_2_booleans_only() {
        #[derive(serde::Deserialize)]
        struct Chart {
            #[serde(default)]
            deprecated: bool,
        }
        assert!(from_str::<Chart>("deprecated: true\n").unwrap().deprecated);
        let e = from_str::<Chart>("deprecated: yes\n")
            .err()
            .expect("yes is no boolean");
        assert_eq!(e.line(), Some(1));
    }
}
