//! `networkpolicy-selects-nothing`: a NetworkPolicy whose `podSelector` matches no pod
//! template of the set isolates and admits nothing, usually because of a typo'd label.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::set::{each, selector_is_empty, Set, Sink};

pub(super) fn run(set: &Set<'_>, sink: &mut Sink) {
    for (i, np) in each!(set, NetworkPolicy) {
        let Some(spec) = &np.spec else { continue };
        // An absent or empty podSelector selects every pod of the namespace.
        let Some(sel) = spec.pod_selector.as_ref() else {
            continue;
        };
        if selector_is_empty(sel) {
            continue;
        }
        let ns = set.items[i].namespace;
        if !set.selected_by(sel, ns).is_empty() {
            continue;
        }
        let (rule, why) = set.unresolved("networkpolicy-selects-nothing", "Pod", ns);
        sink.add(
            i,
            rule,
            "spec.podSelector",
            format!(
                "the podSelector {} matches no pod template of the set, so the policy applies to no pod: it neither isolates nor admits anything{why}",
                describe(sel)
            ),
            "make the podSelector match the workload's pod template labels (an empty podSelector selects every pod of the namespace)",
        );
    }
}

/// `app=web,tier In (a, b)`: a selector as one line.
fn describe(sel: &LabelSelector) -> String {
    let labels = sel
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"));
    let expressions = sel.match_expressions.iter().flatten().map(|e| {
        match e.values.as_deref().filter(|v| !v.is_empty()) {
            Some(values) => format!("{} {} ({})", e.key, e.operator, values.join(", ")),
            None => format!("{} {}", e.key, e.operator),
        }
    });
    labels.chain(expressions).collect::<Vec<_>>().join(",")
}
