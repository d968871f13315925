//! `object-invalid`: documents that do not deserialize as their kind.

use crate::set::{Set, Sink};

pub(super) fn parse_errors(set: &Set<'_>, sink: &mut Sink) {
    for (i, item) in set.items.iter().enumerate() {
        if let Some(e) = item.doc.and_then(|d| d.error.as_ref()) {
            sink.add(
                i,
                "object-invalid",
                e.field.clone(),
                format!("the document is not a valid {}: {}", item.kind, e.message),
                "correct the field's type or value (e.g. quote strings, unquote numbers, add required fields)",
            );
        }
    }
}
