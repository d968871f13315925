//! One app through the import: read, recognise, render, compare, edit, validate, waive.

use std::collections::BTreeSet;

use dsl::object::Manifest;
use serde_json::Value;

use crate::normalize::{canonical, normalize, Normalized};
use crate::plan::{AppPlan, EnvPlan, KeptPlan, KindEdits, WaiverPlan};
use crate::recognize::{app_namespace, kairn_labels, recognize, CLUSTER_SCOPED};
use crate::report::{FieldChange, HardeningStep, ObjectEntry, Placement, Report};
use crate::residual::diff;
use crate::source::SourceApp;
use crate::{build, ImportError};

/// A Rust module name for an app id.
pub fn module_name(id: &str) -> String {
    let m = id.replace('-', "_");
    if m.starts_with(|c: char| c.is_ascii_digit()) || RUST_KEYWORDS.contains(&m.as_str()) {
        format!("app_{m}")
    } else {
        m
    }
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "yield", "box", "try", "macro", "abstract", "become", "do", "final",
    "override", "priv", "typeof", "unsized", "virtual", "gen",
];

/// An app id from a name given by the source (a DNS label).
pub fn app_id(name: &str) -> String {
    let mut id: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    id = id.trim_matches('-').to_owned();
    while id.contains("--") {
        id = id.replace("--", "-");
    }
    if id.is_empty() || !id.starts_with(|c: char| c.is_ascii_lowercase()) {
        id = format!("app-{id}").trim_end_matches('-').to_owned();
    }
    id.truncate(40);
    id.trim_end_matches('-').to_owned()
}

fn is_namespaced(kind: &str) -> bool {
    !CLUSTER_SCOPED.contains(&kind)
}

/// Imports one app; appends to the report.
pub fn import_app(source: &SourceApp, report: &mut Report) -> Result<AppPlan, ImportError> {
    let mut envs = Vec::new();
    let mut plan = AppPlan {
        id: app_id(&source.name),
        module: String::new(),
        name_prefix: None,
        instance: None,
        origin: source.origin.clone(),
        envs: Vec::new(),
    };
    for env in &source.envs {
        let mut objects = env
            .objects
            .iter()
            .map(normalize)
            .collect::<Result<Vec<_>, _>>()?;
        let kairn = kairn_labels(&objects);
        if let Some(k) = &kairn {
            plan.id = k.app.clone();
            if k.instance != k.app {
                match k.instance.strip_suffix(&format!("-{}", k.app)) {
                    Some(prefix) => plan.name_prefix = Some(prefix.to_owned()),
                    None => plan.instance = Some(k.instance.clone()),
                }
            }
        }
        let namespace = app_namespace(&objects, None);
        for o in &mut objects {
            if is_namespaced(&o.kind) && o.namespace.is_none() {
                o.namespace = Some(namespace.clone());
                if let Some(meta) = o.json.get_mut("metadata").and_then(Value::as_object_mut) {
                    meta.insert("namespace".into(), Value::String(namespace.clone()));
                }
            }
        }
        envs.push((env.name.clone(), objects, namespace, kairn.is_some()));
    }
    plan.module = module_name(&plan.id);
    let mut counted = (0, 0);
    for (env_name, objects, namespace, kairn) in &envs {
        let env = import_env(&plan, env_name, namespace, objects, *kairn, report, &mut counted)?;
        plan.envs.push(env);
    }
    report.workloads_as_components.0 += counted.0;
    report.workloads_as_components.1 += counted.1;
    Ok(plan)
}

const WORKLOADS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job", "ReplicaSet", "Pod"];

fn render(plan: &AppPlan, env: &EnvPlan) -> Result<(dsl::App, Vec<Manifest>), ImportError> {
    let app = build::app(plan, env)?;
    let manifests = dsl::render(&app);
    Ok((app, manifests))
}

fn import_env(
    app_plan: &AppPlan,
    env_name: &str,
    namespace: &str,
    objects: &[Normalized],
    kairn: bool,
    report: &mut Report,
    counted: &mut (usize, usize),
) -> Result<EnvPlan, ImportError> {
    let recognized = recognize(env_name, namespace, objects, kairn);
    let mut plan = recognized.plan.clone();
    for (c, consumed) in plan.components.iter_mut().zip(&recognized.consumed) {
        c.sources = consumed
            .iter()
            .map(|&i| format!("{} ({} {})", objects[i].at, objects[i].kind, objects[i].name))
            .collect();
    }
    // Which source NetworkPolicies select each component's pods; none: the network stays
    // open, as it was.
    for (ci, c) in plan.components.iter_mut().enumerate() {
        let pod_labels = pod_labels(&objects[recognized.consumed[ci][0]]);
        if !objects.iter().any(|o| o.kind == "NetworkPolicy" && selects(o, &pod_labels)) {
            c.open_network = Some("imported: no NetworkPolicy of the source selects these pods".to_owned());
        }
    }
    // Pair each rendered object with the source object it stands for, then keep the
    // source's names, labels and selectors where kairn derives others, and pair again.
    let (_, manifests) = render(app_plan, &plan)?;
    let (pairs, _, _) = pair(&manifests, &plan, &recognized, objects);
    for (ci, c) in plan.components.iter_mut().enumerate() {
        c.kept = kept_identity(&manifests, &pairs, objects, &c.name, &recognized.consumed[ci]);
    }
    let (_, manifests) = render(app_plan, &plan)?;
    let (pairs, _, extra_of) = pair(&manifests, &plan, &recognized, objects);
    // Objects now reproduced by a component are no longer extra objects.
    let mut keep = extra_of.iter().map(Option::is_some);
    plan.extras.retain(|_| keep.next().unwrap_or(true));
    let extra_sources: Vec<usize> = extra_of.iter().flatten().copied().collect();
    // Edits: what the render does not reproduce.
    for &(m, i) in &pairs {
        let manifest = &manifests[m];
        let Some(component) = manifest.origin.component.as_ref() else {
            continue;
        };
        let edits = diff(&canonical(&manifest.object), &objects[i].json);
        if edits.is_empty() {
            continue;
        }
        let kind = manifest.object.kind();
        let several = manifests
            .iter()
            .filter(|o| o.origin.component.as_ref() == Some(component) && o.object.kind() == kind)
            .count()
            > 1;
        if let Some(c) = plan.components.iter_mut().find(|c| &c.name == component) {
            c.edits.push(KindEdits {
                kind: kind.to_owned(),
                name: several.then(|| manifest.object.name().to_owned()),
                edits,
            });
        }
    }
    // Check: every paired object is now reproduced exactly.
    let (app, manifests) = render(app_plan, &plan)?;
    let (pairs, additions, _) = pair(&manifests, &plan, &recognized, objects);
    for &(m, i) in &pairs {
        let got = crate::residual::without_added_records(&canonical(&manifests[m].object), &objects[i].json);
        if got != objects[i].json {
            for e in diff(&got, &objects[i].json) {
                report.fields.push(FieldChange {
                    app: app_plan.id.clone(),
                    environment: env_name.to_owned(),
                    object: objects[i].id(),
                    path: e.path_text(),
                    change: "changed".into(),
                    why: "kairn's render could not be edited back to the source's value".into(),
                });
            }
        }
    }
    // Findings the source's own form causes are kept as waivers, each a hardening step.
    let mut waivers = BTreeSet::new();
    let findings = dsl::validate(&manifests, &dsl::validate::context_for(&app));
    for f in findings.findings.iter().filter(|f| f.is_error() && f.waived.is_none()) {
        let at = objects
            .iter()
            .find(|o| o.kind == f.kind && o.name == f.name)
            .map_or_else(|| app_plan.origin.clone(), |o| o.at.clone());
        let reason = format!("kept from the source ({at}): {}", first_sentence(&f.message));
        waivers.insert(WaiverPlan {
            rule: f.rule.to_owned(),
            kind: f.kind.clone(),
            name: f.name.clone(),
            reason,
        });
    }
    plan.waivers = waivers.into_iter().collect();
    for w in &plan.waivers {
        report.hardening.push(HardeningStep {
            app: app_plan.id.clone(),
            component: plan
                .components
                .iter()
                .find(|c| manifests.iter().any(|m| m.origin.component.as_ref() == Some(&c.name) && m.object.name() == w.name))
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            rule: w.rule.clone(),
            step: format!("{} {}: {}", w.kind, w.name, w.reason),
        });
    }
    // The report: where each source object went.
    for (i, o) in objects.iter().enumerate() {
        let placement = if let Some((_, why)) = recognized.dropped.iter().find(|(d, _)| *d == i) {
            Placement::Dropped { why: why.clone() }
        } else if let Some(ci) = recognized.consumed.iter().position(|c| c.contains(&i)) {
            let c = &plan.components[ci];
            Placement::Component {
                component: c.name.clone(),
                call: c.workload.call().into(),
            }
        } else if let Some(&(m, _)) = pairs.iter().find(|(_, s)| *s == i) {
            Placement::Component {
                component: manifests[m].origin.component.clone().unwrap_or_default(),
                call: format!("rendered {}", o.kind),
            }
        } else if recognized.secrets.contains(&i) {
            let keys = plan
                .secrets
                .iter()
                .find(|(n, _)| n == &o.name)
                .map(|(_, k)| k.clone())
                .unwrap_or_default();
            report.secrets_to_create.push(format!(
                "{}/{} ({}): keys {}",
                o.namespace.as_deref().unwrap_or(namespace),
                o.name,
                env_name,
                keys.join(", ")
            ));
            report.fields.push(FieldChange {
                app: app_plan.id.clone(),
                environment: env_name.to_owned(),
                object: o.id(),
                path: "data".into(),
                change: "dropped".into(),
                why: "secret values are never copied into source: create this Secret outside git".into(),
            });
            Placement::ExternalSecret {
                name: o.name.clone(),
                keys,
            }
        } else if extra_sources.contains(&i) {
            Placement::ExtraObject {
                why: if o.typed.is_some() {
                    format!("kairn has no component for this {}", o.kind)
                } else {
                    format!("{} is a kind kairn has no type for (written with json!)", o.kind)
                },
            }
        } else {
            Placement::Dropped {
                why: "not recognised".into(),
            }
        };
        if WORKLOADS.contains(&o.kind.as_str()) && !matches!(placement, Placement::Dropped { .. }) {
            counted.1 += 1;
            if recognized.consumed.iter().any(|c| c.first() == Some(&i)) {
                counted.0 += 1;
            }
        }
        for path in &o.dropped {
            report.fields.push(FieldChange {
                app: app_plan.id.clone(),
                environment: env_name.to_owned(),
                object: o.id(),
                path: path.clone(),
                change: "dropped".into(),
                why: format!("not a field of {} {} in Kubernetes 1.33", o.api_version, o.kind),
            });
        }
        report.objects.push(ObjectEntry {
            app: app_plan.id.clone(),
            environment: env_name.to_owned(),
            object: o.id(),
            source: o.at.clone(),
            placement,
        });
    }
    for &m in &additions {
        let o = &manifests[m];
        report.objects.push(ObjectEntry {
            app: app_plan.id.clone(),
            environment: env_name.to_owned(),
            object: format!("{}/{}/{}", o.object.kind(), o.object.namespace().unwrap_or(""), o.object.name()),
            source: String::new(),
            placement: Placement::Component {
                component: o.origin.component.clone().unwrap_or_default(),
                call: "added by kairn (not in the source)".into(),
            },
        });
    }
    Ok(plan)
}

fn first_sentence(message: &str) -> String {
    let one = message.lines().next().unwrap_or("");
    let one = one.split(". ").next().unwrap_or(one);
    one.trim_end_matches('.').replace('"', "'")
}

/// Labels of a workload's pods.
fn pod_labels(o: &Normalized) -> serde_json::Map<String, Value> {
    let template = if o.kind == "CronJob" { "/spec/jobTemplate/spec/template" } else { "/spec/template" };
    o.json
        .pointer(&format!("{template}/metadata/labels"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

/// Whether a NetworkPolicy's `podSelector` selects pods with these labels.
fn selects(np: &Normalized, labels: &serde_json::Map<String, Value>) -> bool {
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
fn pair(
    manifests: &[Manifest],
    plan: &EnvPlan,
    recognized: &crate::recognize::Recognized,
    objects: &[Normalized],
) -> (Vec<(usize, usize)>, Vec<usize>, Vec<Option<usize>>) {
    let mut extra_of: Vec<Option<usize>> = recognized.extra_index.iter().map(|&i| Some(i)).collect();
    let mut pairs = Vec::new();
    let mut additions = Vec::new();
    for (m, manifest) in manifests.iter().enumerate() {
        if manifest.origin.hand_written {
            continue;
        }
        let kind = manifest.object.kind();
        let component = manifest.origin.component.as_ref();
        let ci = component.and_then(|c| plan.components.iter().position(|p| &p.name == c));
        let by_role = ci.and_then(|ci| {
            let same_kind: Vec<usize> = recognized.consumed[ci]
                .iter()
                .copied()
                .filter(|&i| objects[i].kind == kind)
                .collect();
            let rendered_of_kind = manifests
                .iter()
                .filter(|o| o.origin.component.as_ref() == component && o.object.kind() == kind)
                .count();
            (same_kind.len() == 1 && rendered_of_kind == 1).then(|| same_kind[0])
        });
        let same_name = |i: usize| {
            objects[i].kind == kind
                && objects[i].name == manifest.object.name()
                && objects[i].namespace.as_deref() == manifest.object.namespace()
        };
        // A component's NetworkPolicy stands for the source's most specific one that
        // selects its pods.
        let by_selection = |extra_of: &[Option<usize>]| -> Option<usize> {
            let ci = ci.filter(|_| kind == "NetworkPolicy")?;
            let labels = pod_labels(&objects[recognized.consumed[ci][0]]);
            extra_of
                .iter()
                .enumerate()
                .filter_map(|(e, i)| i.map(|i| (e, i)))
                .filter(|(_, i)| objects[*i].kind == "NetworkPolicy" && selects(&objects[*i], &labels))
                .max_by_key(|(_, i)| {
                    objects[*i]
                        .json
                        .pointer("/spec/podSelector/matchLabels")
                        .and_then(Value::as_object)
                        .map_or(0, |m| m.len())
                })
                .filter(|(_, i)| {
                    objects[*i]
                        .json
                        .pointer("/spec/podSelector/matchLabels")
                        .and_then(Value::as_object)
                        .is_some_and(|m| !m.is_empty())
                })
                .map(|(e, _)| e)
        };
        let by_name = extra_of.iter().position(|e| e.is_some_and(same_name));
        match (by_role, by_name.or_else(|| by_selection(&extra_of))) {
            (Some(i), _) => pairs.push((m, i)),
            (None, Some(e)) => {
                pairs.push((m, extra_of[e].expect("matched above")));
                extra_of[e] = None;
            }
            (None, None) => additions.push(m),
        }
    }
    (pairs, additions, extra_of)
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
fn kept_identity(
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
    if objects[workload].name != render.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("") {
        kept.workload_name = Some(objects[workload].name.clone());
    }
    let labels = labels_at(source, "/metadata/labels");
    if differs(&labels, &labels_at(&render, "/metadata/labels")) {
        kept.labels = labels;
    }
    let template = if objects[workload].kind == "CronJob" { "/spec/jobTemplate/spec/template" } else { "/spec/template" };
    if !matches!(objects[workload].kind.as_str(), "Job" | "CronJob") {
        let selector = labels_at(source, "/spec/selector/matchLabels");
        if differs(&selector, &labels_at(&render, "/spec/selector/matchLabels")) {
            kept.selector = selector;
        }
    }
    let pod = labels_at(source, &format!("{template}/metadata/labels"));
    if differs(&pod, &labels_at(&render, &format!("{template}/metadata/labels"))) {
        kept.pod_labels = pod;
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
    if objects[workload].kind == "StatefulSet" && text(source, "/spec/serviceName") != text(&render, "/spec/serviceName") {
        kept.headless_service_name = text(source, "/spec/serviceName");
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
