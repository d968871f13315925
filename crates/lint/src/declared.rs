//! Reading what a declaration recorded on an object as a `kairn.dev/*` annotation
//! (written by `dsl/src/render/declarations.rs` and the renderers; the constants are in
//! `lib.rs`), from a typed object or, for a document that did not parse, its YAML.

use crate::set::Item;

/// The value of the annotation `key` on the item, if set and not blank.
pub(crate) fn annotation(item: &Item<'_>, key: &str) -> Option<String> {
    item.object
        .and_then(|o| o.metadata().annotations.as_ref())
        .and_then(|a| a.get(key).cloned())
        .or_else(|| item.doc.and_then(|d| d.annotation(key)).map(str::to_owned))
        .filter(|v| !v.trim().is_empty())
}

/// Whether the item declares `account` as a ServiceAccount that exists outside the set
/// ([`EXTERNAL_SERVICE_ACCOUNT_ANNOTATION`](crate::EXTERNAL_SERVICE_ACCOUNT_ANNOTATION),
/// comma-separated).
pub(crate) fn external_service_account(item: &Item<'_>, account: &str) -> bool {
    annotation(item, crate::EXTERNAL_SERVICE_ACCOUNT_ANNOTATION)
        .is_some_and(|list| list.split(',').map(str::trim).any(|n| n == account))
}

/// The reason an item gives under `key` for one of its containers, where the
/// annotation holds one `<container>: <reason>` per line.
pub(crate) fn container_reason(item: &Item<'_>, key: &str, container: &str) -> Option<String> {
    annotation(item, key)?.lines().find_map(|line| {
        let (name, reason) = line.split_once(':')?;
        (name.trim() == container && !reason.trim().is_empty()).then(|| reason.trim().to_owned())
    })
}
