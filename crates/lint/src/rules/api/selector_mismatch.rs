//! `selector-mismatch`: a workload's selector that does not match its own pod template.

use crate::object::Object;
use crate::set::{selector_is_empty, selector_matches, Set, Sink};

pub(super) fn selectors(set: &Set<'_>, sink: &mut Sink) {
    for w in &set.workloads {
        let sel = match set.items[w.idx].object {
            Some(Object::Deployment(d)) => d.spec.as_ref().map(|s| &s.selector),
            Some(Object::StatefulSet(d)) => d.spec.as_ref().map(|s| &s.selector),
            _ => None,
        };
        let Some(sel) = sel else { continue };
        if selector_is_empty(sel) {
            sink.add(w.idx, "selector-mismatch", "spec.selector", format!("the {} selector is empty", w.kind), "select the pods by their immutable labels (e.g. app.kubernetes.io/name and app.kubernetes.io/instance)");
        } else if !selector_matches(sel, &w.labels) {
            sink.add(
                w.idx,
                "selector-mismatch",
                "spec.selector",
                format!(
                    "the {} selector does not match its pod template labels",
                    w.kind
                ),
                "make spec.template.metadata.labels include every selector label",
            );
        }
    }
}
