//! Node and pod affinity a component declares, merged into the one `affinity` block
//! with the anti-affinity [`Spread`](crate::Spread) derives (render/pod.rs `spread`).

use k8s_openapi::api::core::v1::{
    Affinity, NodeAffinity as K8sNodeAffinity, NodeSelector, NodeSelectorRequirement,
    NodeSelectorTerm, PodAffinity, PodAffinityTerm, PodAntiAffinity, PreferredSchedulingTerm,
    WeightedPodAffinityTerm,
};

use super::meta::{selector, selector_labels};
use crate::model::affinity::{NodeAffinity, NodeRequirement, Placement, PodAffinityRule, Strength};
use crate::model::app::App;
use crate::model::component::Component;

fn term(requirements: &[NodeRequirement]) -> NodeSelectorTerm {
    NodeSelectorTerm {
        match_expressions: Some(
            requirements
                .iter()
                .map(|r| {
                    let values = r.op.values();
                    NodeSelectorRequirement {
                        key: r.key.to_string(),
                        operator: r.op.operator().to_owned(),
                        values: (!values.is_empty())
                            .then(|| values.iter().map(|v| v.to_string()).collect()),
                    }
                })
                .collect(),
        ),
        match_fields: None,
    }
}

fn node_affinity(a: &NodeAffinity) -> Option<K8sNodeAffinity> {
    if a.is_empty() {
        return None;
    }
    Some(K8sNodeAffinity {
        required_during_scheduling_ignored_during_execution: (!a.required.is_empty()).then(|| {
            NodeSelector {
                node_selector_terms: a.required.iter().map(|t| term(t)).collect(),
            }
        }),
        preferred_during_scheduling_ignored_during_execution: (!a.preferred.is_empty()).then(
            || {
                a.preferred
                    .iter()
                    .map(|(w, t)| PreferredSchedulingTerm {
                        weight: i32::from(w.get()),
                        preference: term(t),
                    })
                    .collect()
            },
        ),
    })
}

/// Required and preferred terms of one kind (affinity or anti-affinity).
#[derive(Default)]
struct Terms {
    required: Vec<PodAffinityTerm>,
    preferred: Vec<WeightedPodAffinityTerm>,
}

impl Terms {
    fn add(&mut self, app: &App, rule: &PodAffinityRule) {
        let t = PodAffinityTerm {
            label_selector: Some(selector(selector_labels(app, &rule.component))),
            topology_key: rule.topology.key().to_owned(),
            ..Default::default()
        };
        match rule.strength {
            Strength::Required => self.required.push(t),
            Strength::Preferred(w) => self.preferred.push(WeightedPodAffinityTerm {
                weight: i32::from(w.get()),
                pod_affinity_term: t,
            }),
        }
    }
}

fn extend<T>(into: &mut Option<Vec<T>>, more: Vec<T>) {
    if !more.is_empty() {
        into.get_or_insert_with(Vec::new).extend(more);
    }
}

/// `spread` (what [`Spread`](crate::Spread) and a cluster's member placement derive)
/// with the component's own affinity added: one `affinity` block, spread's terms first.
pub(crate) fn merge(
    app: &App,
    component: &Component,
    spread: Option<Affinity>,
) -> Option<Affinity> {
    let declared = &component.pod;
    if declared.node_affinity.is_empty() && declared.pod_affinity.is_empty() {
        return spread;
    }
    let mut out = spread.unwrap_or_default();
    if let Some(node) = node_affinity(&declared.node_affinity) {
        out.node_affinity = Some(node);
    }
    let (mut near, mut apart) = (Terms::default(), Terms::default());
    for rule in &declared.pod_affinity {
        match rule.placement {
            Placement::Near => near.add(app, rule),
            Placement::ApartFrom => apart.add(app, rule),
        }
    }
    if !near.required.is_empty() || !near.preferred.is_empty() {
        let a = out.pod_affinity.get_or_insert_with(PodAffinity::default);
        extend(
            &mut a.required_during_scheduling_ignored_during_execution,
            near.required,
        );
        extend(
            &mut a.preferred_during_scheduling_ignored_during_execution,
            near.preferred,
        );
    }
    if !apart.required.is_empty() || !apart.preferred.is_empty() {
        let a = out
            .pod_anti_affinity
            .get_or_insert_with(PodAntiAffinity::default);
        extend(
            &mut a.required_during_scheduling_ignored_during_execution,
            apart.required,
        );
        extend(
            &mut a.preferred_during_scheduling_ignored_during_execution,
            apart.preferred,
        );
    }
    Some(out)
}
