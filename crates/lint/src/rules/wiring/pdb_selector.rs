//! `pdb-selects-nothing`: PodDisruptionBudgets and the pods they select.

use crate::set::{each, Set, Sink};

pub(super) fn budgets(set: &Set<'_>, sink: &mut Sink) {
    for (i, p) in each!(set, PodDisruptionBudget) {
        let Some(spec) = &p.spec else { continue };
        let selected = match &spec.selector {
            Some(sel) => set.selected_by(sel, set.items[i].namespace),
            None => Vec::new(),
        };
        if selected.is_empty() {
            let (rule, why) = set.unresolved("pdb-selects-nothing", "Pod", set.items[i].namespace);
            sink.add(
                i,
                rule,
                "spec.selector",
                format!("the selector matches no pod template of the set, so the budget protects nothing{why}"),
                "select the workload's pod labels",
            );
        }
    }
}
