//! Which rendered object stands for which source object, and the names, labels and
//! selectors a component keeps from the source.

use dsl::object::Manifest;
use serde_json::Value;

use crate::normalize::{canonical, Normalized};
use crate::plan::{EnvPlan, KeptPlan};

/// Rendered objects paired with source objects.
pub struct Pairing {
    /// `(manifest, source object)` pairs.
    pub pairs: Vec<(usize, usize)>,
    /// Rendered objects the source does not have.
    pub additions: Vec<usize>,
    /// For each extra object of the recognition, its source object while still unpaired.
    pub extra_of: Vec<Option<usize>>,
}

/// Labels of a workload's pods.
pub fn pod_labels(o: &Normalized) -> serde_json::Map<String, Value> {
    let template = if o.kind == "CronJob" {
        "/spec/jobTemplate/spec/template"
    } else {
        "/spec/template"
    };
    o.json
        .pointer(&format!("{template}/metadata/labels"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// Whether a NetworkPolicy's `podSelector` selects pods with these labels.
pub fn selects(np: &Normalized, labels: &serde_json::Map<String, Value>) -> bool {
    let selector = np.json.pointer("/spec/podSelector");
    let match_labels = selector
        .and_then(|s| s.get("matchLabels"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let expressions = selector
        .and_then(|s| s.get("matchExpressions"))
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    !expressions && match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// Rendered objects paired with the source objects they stand for (manifest, object),
/// the rendered objects the source does not have, and which extra objects are left.
///
/// First by name (kind, namespace, name), then by role (the one source object of that kind
/// a component stands for), then a component's NetworkPolicy by the source's most specific
/// policy that selects its pods.
pub fn pair(
    manifests: &[Manifest],
    plan: &EnvPlan,
    recognized: &crate::recognize::Recognized,
    objects: &[Normalized],
) -> Pairing {
    // Source objects a rendered object may stand for: extra objects and those a component
    // was made from.
    let mut free = vec![false; objects.len()];
    for &i in recognized
        .extra_index
        .iter()
        .chain(recognized.consumed.iter().flatten())
    {
        free[i] = true;
    }
    let mut pairs = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for (m, manifest) in manifests.iter().enumerate() {
        if manifest.origin.hand_written {
            continue;
        }
        let kind = manifest.object.kind();
        let found = (0..objects.len()).find(|&i| {
            free[i]
                && objects[i].kind == kind
                && objects[i].name == manifest.object.name()
                && objects[i].namespace.as_deref() == manifest.object.namespace()
        });
        match found {
            Some(i) => {
                free[i] = false;
                pairs.push((m, i));
            }
            None => open.push(m),
        }
    }
    let mut additions = Vec::new();
    for m in open {
        let manifest = &manifests[m];
        let kind = manifest.object.kind();
        let component = manifest.origin.component.as_ref();
        let ci = component.and_then(|c| plan.components.iter().position(|p| &p.name == c));
        let by_role = ci.and_then(|ci| {
            let candidates: Vec<usize> = recognized.consumed[ci]
                .iter()
                .copied()
                .filter(|&i| free[i] && objects[i].kind == kind)
                .collect();
            (candidates.len() == 1).then(|| candidates[0])
        });
        let by_selection = || -> Option<usize> {
            let ci = ci.filter(|_| kind == "NetworkPolicy")?;
            let labels = pod_labels(&objects[recognized.consumed[ci][0]]);
            let specific = |i: usize| {
                objects[i]
                    .json
                    .pointer("/spec/podSelector/matchLabels")
                    .and_then(Value::as_object)
                    .map_or(0, |m| m.len())
            };
            (0..objects.len())
                .filter(|&i| {
                    free[i] && objects[i].kind == "NetworkPolicy" && selects(&objects[i], &labels)
                })
                .max_by_key(|&i| specific(i))
                .filter(|&i| specific(i) > 0)
        };
        match by_role.or_else(by_selection) {
            Some(i) => {
                free[i] = false;
                pairs.push((m, i));
            }
            None => additions.push(m),
        }
    }
    let extra_of = recognized
        .extra_index
        .iter()
        .map(|&i| free[i].then_some(i))
        .collect();
    Pairing {
        pairs,
        additions,
        extra_of,
    }
}

fn labels_at(v: &Value, pointer: &str) -> Option<Vec<(String, String)>> {
    Some(
        v.pointer(pointer)
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default(),
    )
}

/// The names, labels and selectors of the source where they differ from kairn's.
pub fn kept_identity(
    manifests: &[Manifest],
    pairs: &[(usize, usize)],
    objects: &[Normalized],
    component: &str,
    consumed: &[usize],
) -> KeptPlan {
    let mut kept = KeptPlan::default();
    let rendered = |i: usize| {
        pairs
            .iter()
            .find(|(_, s)| *s == i)
            .map(|(m, _)| canonical(&manifests[*m].object))
    };
    let differs = |a: &Option<Vec<(String, String)>>, b: &Option<Vec<(String, String)>>| a != b;
    let workload = consumed[0];
    let source = &objects[workload].json;
    let Some(render) = rendered(workload) else {
        return kept;
    };
    if objects[workload].name
        != render
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("")
    {
        kept.workload_name = Some(objects[workload].name.clone());
    }
    let labels = labels_at(source, "/metadata/labels");
    if differs(&labels, &labels_at(&render, "/metadata/labels")) {
        kept.labels = labels;
    }
    let template = if objects[workload].kind == "CronJob" {
        "/spec/jobTemplate/spec/template"
    } else {
        "/spec/template"
    };
    if !matches!(objects[workload].kind.as_str(), "Job" | "CronJob") {
        let selector = labels_at(source, "/spec/selector/matchLabels");
        if differs(&selector, &labels_at(&render, "/spec/selector/matchLabels")) {
            kept.selector = selector;
        }
    }
    let pod = labels_at(source, &format!("{template}/metadata/labels"));
    if differs(
        &pod,
        &labels_at(&render, &format!("{template}/metadata/labels")),
    ) {
        kept.pod_labels = pod.clone();
        // A Job's pods are selected by the Job controller's own label; kairn's
        // NetworkPolicy selects them by the kept pod labels.
        if matches!(objects[workload].kind.as_str(), "Job" | "CronJob") {
            kept.selector = pod.filter(|p| !p.is_empty());
            if kept.selector.is_none() {
                kept.pod_labels = None;
            }
        }
    }
    let text = |v: &Value, p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_owned);
    let container = format!("{template}/spec/containers/0/name");
    if text(source, &container) != text(&render, &container) {
        kept.container_name = text(source, &container);
    }
    let account = format!("{template}/spec/serviceAccountName");
    let source_account = text(source, &account).unwrap_or_else(|| "default".to_owned());
    if Some(&source_account) != text(&render, &account).as_ref() {
        kept.service_account = Some(source_account);
    }
    // The StatefulSet's (immutable) serviceName, unless it is the client Service itself:
    // kairn's headless Service then keeps its own name and the closure sets serviceName.
    let service_name = text(source, "/spec/serviceName");
    let is_client = consumed[1..]
        .iter()
        .any(|&i| objects[i].kind == "Service" && Some(&objects[i].name) == service_name.as_ref());
    if objects[workload].kind == "StatefulSet"
        && !is_client
        && service_name != text(&render, "/spec/serviceName")
    {
        kept.headless_service_name = service_name;
    }
    for &i in &consumed[1..] {
        if objects[i].kind == "Service" {
            if let Some(r) = rendered(i) {
                if text(&r, "/metadata/name").as_deref() != Some(objects[i].name.as_str()) {
                    kept.service_name = Some(objects[i].name.clone());
                }
            }
        }
    }
    let _ = component;
    kept
}
