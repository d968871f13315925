//! serde-saphyr's reader as `lint` runs it: kairn's limits against YAML bombs, and its
//! errors in plain words with the line.

use super::input::size;
use super::{LoadError, MAX_FILE_BYTES};

/// Most YAML documents in one file or stream.
const MAX_DOCUMENTS: usize = 65_536;
/// Most YAML nodes (scalars, sequences, mappings) in one file or stream.
pub(super) const MAX_NODES: usize = 2_000_000;
/// Most parser events in one file or stream.
const MAX_EVENTS: usize = 8_000_000;
/// Most nesting of sequences and mappings.
pub(super) const MAX_NESTING: usize = 64;
/// Most aliases (`*name`) and anchors (`&name`).
const MAX_ALIASES: usize = 50_000;
/// Most events recorded under anchors for later replay by aliases.
const MAX_RECORDED_ANCHOR_EVENTS: usize = 100_000;
/// Most merge keys (`<<`).
const MAX_MERGE_KEYS: usize = 10_000;

pub(crate) fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_documents: MAX_DOCUMENTS,
            max_nodes: MAX_NODES,
            max_events: MAX_EVENTS,
            max_depth: MAX_NESTING,
            max_aliases: MAX_ALIASES,
            max_anchors: MAX_ALIASES,
            max_recorded_anchor_events: MAX_RECORDED_ANCHOR_EVENTS,
            max_total_scalar_bytes: MAX_FILE_BYTES as usize,
            max_merge_keys: MAX_MERGE_KEYS,
        },
        with_snippet: false,
        // YAML 1.1 as Kubernetes reads it (sigs.k8s.io/yaml, go-yaml v2): an integer with
        // a leading 0 is octal, so `defaultMode: 0400` is 256.
        legacy_octal_numbers: true,
    }
}

/// `1234567` as `1,234,567`.
pub(super) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The error under alias and snippet wrappers.
fn original(e: &serde_saphyr::Error) -> &serde_saphyr::Error {
    match e {
        serde_saphyr::Error::WithSnippet { error, .. }
        | serde_saphyr::Error::AliasError { error, .. } => original(error),
        other => other,
    }
}

/// A plain sentence for a budget breach: which of kairn's limits the input exceeds.
pub(super) fn budget_message(breach: &serde_saphyr::budget::BudgetBreach) -> String {
    use serde_saphyr::budget::BudgetBreach as B;
    let what = match breach {
        B::Nodes { .. } => format!("has more than {} YAML nodes", thousands(MAX_NODES)),
        B::Events { .. } => format!("has more than {} YAML parser events", thousands(MAX_EVENTS)),
        B::Documents { .. } => format!("has more than {} YAML documents", thousands(MAX_DOCUMENTS)),
        B::Depth { .. } => {
            format!("nests sequences and mappings more than {MAX_NESTING} levels deep")
        }
        B::Aliases { .. } => format!("has more than {} aliases (`*name`)", thousands(MAX_ALIASES)),
        B::Anchors { .. } => format!("has more than {} anchors (`&name`)", thousands(MAX_ALIASES)),
        B::AliasAnchorRatio { .. } => {
            "uses each anchor (`&name`) through far more aliases (`*name`) than real manifests do"
                .to_owned()
        }
        B::RecordedAnchorEvents { .. } | B::RecordedAnchorBytes { .. } => format!(
            "has anchors (`&name`) that hold more than {} YAML events for aliases to repeat",
            thousands(MAX_RECORDED_ANCHOR_EVENTS)
        ),
        B::ScalarBytes { .. } => format!(
            "has more than {} of text in its values",
            size(MAX_FILE_BYTES)
        ),
        B::MergeKeys { .. } => format!(
            "has more than {} merge keys (`<<`)",
            thousands(MAX_MERGE_KEYS)
        ),
        _ => "is larger or more complex than kairn reads".to_owned(),
    };
    format!("the input {what} (kairn's limit against YAML bombs)")
}

/// A [`LoadError`] in plain words for a YAML syntax error or exceeded limit.
/// Marks the line in the message of an error raised by our own visitor, which
/// serde-saphyr reports without a location: `... [at line N]`.
pub(super) const LINE_MARK: &str = " [at line ";

/// The line a [`LINE_MARK`] names, and the message without it.
pub(super) fn marked_line(message: &str) -> Option<(u64, String)> {
    let (head, tail) = message.rsplit_once(LINE_MARK)?;
    let (n, rest) = tail.split_once(']')?;
    Some((n.parse().ok()?, format!("{head}{rest}")))
}

pub(super) fn yaml_error(file: &str, e: &serde_saphyr::Error) -> LoadError {
    use serde_saphyr::Error as E;
    let mut line = e.location().map(|l| l.line()).filter(|l| *l > 0);
    let mut message = match original(e) {
        E::Budget { breach, .. } => budget_message(breach),
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => {
            "the input's aliases (`*name`) expand to more YAML than kairn reads (kairn's limit against YAML bombs)".to_owned()
        }
        E::DuplicateMappingKey { key: Some(key), .. } => format!(
            "duplicate key `{key}` in a mapping (Kubernetes would keep only one of them): remove one"
        ),
        E::DuplicateMappingKey { key: None, .. } => {
            "duplicate key in a mapping (Kubernetes would keep only one of them): remove one".to_owned()
        }
        _ => format!("malformed YAML: {e}"),
    };
    if let Some((n, without)) = marked_line(&message) {
        line = line.or(Some(n).filter(|n| *n > 0));
        message = without;
    }
    LoadError {
        file: file.to_owned(),
        line,
        message,
    }
}
