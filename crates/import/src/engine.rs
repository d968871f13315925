//! One app through the import: read, recognise, render, compare, edit, validate, waive.

use std::collections::BTreeSet;

use dsl::object::Manifest;
use serde_json::Value;

use crate::normalize::{canonical, normalize, Normalized};
use crate::pairing::{kept_identity, pair, pod_labels, selects, Pairing};
use crate::plan::{AppPlan, EnvPlan, KindEdits, WaiverPlan};
use crate::recognize::{app_namespace, kairn_labels, recognize};
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
    !lint::object::is_cluster_scoped(kind)
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
        let (mut name_prefix, mut instance) = (None, None);
        if let Some(k) = &kairn {
            plan.id = k.app.clone();
            if k.instance != k.app {
                match k.instance.strip_suffix(&format!("-{}", k.app)) {
                    Some(prefix) => name_prefix = Some(prefix.to_owned()),
                    None => instance = Some(k.instance.clone()),
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
        envs.push((
            env.name.clone(),
            objects,
            namespace,
            kairn.is_some(),
            name_prefix,
            instance,
        ));
    }
    plan.module = module_name(&plan.id);
    let mut counted = (0, 0);
    for (env_name, objects, namespace, kairn, name_prefix, instance) in envs {
        plan.name_prefix = name_prefix;
        plan.instance = instance;
        let env = import_env(
            &plan,
            &env_name,
            &namespace,
            &objects,
            kairn,
            report,
            &mut counted,
        )?;
        plan.envs.push(env);
    }
    report.workloads_as_components.0 += counted.0;
    report.workloads_as_components.1 += counted.1;
    Ok(plan)
}

const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "CronJob",
    "Job",
    "ReplicaSet",
    "Pod",
];

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
    plan.name_prefix = app_plan.name_prefix.clone();
    plan.instance = app_plan.instance.clone();
    for (c, consumed) in plan.components.iter_mut().zip(&recognized.consumed) {
        c.sources = consumed
            .iter()
            .map(|&i| {
                format!(
                    "{} ({} {})",
                    objects[i].at, objects[i].kind, objects[i].name
                )
            })
            .collect();
    }
    // Which source NetworkPolicies select each component's pods; none: the network stays
    // open, as it was.
    for (ci, c) in plan.components.iter_mut().enumerate() {
        let pod_labels = pod_labels(&objects[recognized.consumed[ci][0]]);
        if !objects
            .iter()
            .any(|o| o.kind == "NetworkPolicy" && selects(o, &pod_labels))
        {
            c.open_network =
                Some("imported: no NetworkPolicy of the source selects these pods".to_owned());
        }
    }
    // Pair each rendered object with the source object it stands for, then keep the
    // source's names, labels and selectors where kairn derives others, and pair again.
    let (_, manifests) = render(app_plan, &plan)?;
    let pairs = pair(&manifests, &plan, &recognized, objects).pairs;
    for (ci, c) in plan.components.iter_mut().enumerate() {
        c.kept = kept_identity(
            &manifests,
            &pairs,
            objects,
            &c.name,
            &recognized.consumed[ci],
        );
    }
    let (_, manifests) = render(app_plan, &plan)?;
    let Pairing {
        pairs, extra_of, ..
    } = pair(&manifests, &plan, &recognized, objects);
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
        let mut edits = diff(&canonical(&manifest.object), &objects[i].json);
        // A Job's name is kairn's (a hash of its spec) or kept: never edited.
        if manifest.object.kind() == "Job" {
            edits.retain(|e| e.path_text() != "metadata.name");
        }
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
    let Pairing {
        pairs, additions, ..
    } = pair(&manifests, &plan, &recognized, objects);
    for &(m, i) in &pairs {
        let rendered = canonical(&manifests[m].object);
        let got = crate::residual::without_added_records(&rendered, &objects[i].json);
        // What kairn adds on top of the source: its records of the declaration, each a field.
        for path in crate::residual::added_records(&rendered, &objects[i].json) {
            report.fields.push(FieldChange {
                app: app_plan.id.clone(),
                environment: env_name.to_owned(),
                object: objects[i].id(),
                path,
                change: "added".into(),
                why: "kairn records the declaration (an exception, external secret or waiver) for `kairn lint` of the output".into(),
            });
        }
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
    for f in findings
        .findings
        .iter()
        .filter(|f| f.is_error() && f.waived.is_none())
    {
        if NEVER_WAIVED.contains(&f.rule) {
            return Err(ImportError::Other(format!(
                "import: {} {}/{}: the imported declaration would emit a broken set ({}: {}); this is a bug of `kairn import`, please report it with the source",
                env_name, f.kind, f.name, f.rule, f.message
            )));
        }
        let at = objects
            .iter()
            .find(|o| o.kind == f.kind && o.name == f.name)
            .map_or_else(|| app_plan.origin.clone(), |o| o.at.clone());
        let reason = format!(
            "kept from the source ({at}): {}",
            first_sentence(&f.message)
        );
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
                .find(|c| {
                    manifests.iter().any(|m| {
                        m.origin.component.as_ref() == Some(&c.name) && m.object.name() == w.name
                    })
                })
                .map(|c| c.name.clone())
                .unwrap_or_default(),
            rule: w.rule.clone(),
            step: format!("{} {}: {}", w.kind, w.name, w.reason),
        });
    }
    // Declared exceptions and kairn defaults the closures take back are hardening steps.
    for c in &plan.components {
        let step = |rule: &str, text: String| HardeningStep {
            app: app_plan.id.clone(),
            component: c.name.clone(),
            rule: rule.to_owned(),
            step: text,
        };
        if let crate::plan::WorkloadPlan::Http { probes: Err(_), .. }
        | crate::plan::WorkloadPlan::NodeAgent { probes: Err(_) } = &c.workload
        {
            report.hardening.push(step("probes", format!("{env_name}: give `{}` liveness and readiness probes (`.probes(..)` instead of `.without_probes(..)`)", c.name)));
        }
        if c.resources.iter().any(Option::is_none) {
            report.hardening.push(step("resources", format!("{env_name}: set every request and limit of `{}` (`Resources::new(..)` instead of `Resources::as_source(..)`)", c.name)));
        }
        if c.open_network.is_some() {
            report.hardening.push(step("network", format!("{env_name}: declare who `{}` talks to (`.talks_to(..)`, routes, monitoring) and drop `.open_network(..)`: kairn then derives a NetworkPolicy that allows only that", c.name)));
        }
        for e in &c.edits {
            for edit in &e.edits {
                let path = edit.path_text();
                let weakens = edit.value.is_none()
                    || path.contains("securityContext")
                    || path.contains("automountServiceAccountToken");
                if weakens && HARDENING_FIELDS.iter().any(|f| path.contains(f)) {
                    report.hardening.push(step("kairn-default", format!(
                        "{env_name}: the `{}` closure of `{}` takes back kairn's `{path}` to keep the source's behaviour: delete that line to take kairn's default",
                        e.kind, c.name
                    )));
                }
            }
        }
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
                why: "secret values are never copied into source: create this Secret outside git"
                    .into(),
            });
            Placement::ExternalSecret {
                name: o.name.clone(),
                keys,
            }
        } else if extra_sources.contains(&i) {
            Placement::ExtraObject {
                why: match (&o.typed, crate::typed::root_type(&o.api_version, &o.kind)) {
                    (Some(_), _) => format!("kairn's model has no component for this {}", o.kind),
                    (None, Some(_)) => format!(
                        "a typed k8s-openapi {} (`ExtraObject::custom`): kairn's model has no component for it",
                        o.kind
                    ),
                    (None, None) => format!("{} has no Rust type: written with `json!`", o.kind),
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
                why: format!(
                    "not a field of {} {} in Kubernetes 1.33",
                    o.api_version, o.kind
                ),
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
            object: format!(
                "{}/{}/{}",
                o.object.kind(),
                o.object.namespace().unwrap_or(""),
                o.object.name()
            ),
            source: String::new(),
            placement: Placement::Component {
                component: o.origin.component.clone().unwrap_or_default(),
                call: "added by kairn (not in the source)".into(),
            },
        });
    }
    Ok(plan)
}

/// Fields whose kairn default hardens a pod: a closure that takes one back is a hardening
/// step in the report.
const HARDENING_FIELDS: &[&str] = &[
    "securityContext",
    "automountServiceAccountToken",
    "readOnlyRootFilesystem",
    "allowPrivilegeEscalation",
    "runAsNonRoot",
    "seccompProfile",
    "capabilities",
    "enableServiceLinks",
    "resources",
    "livenessProbe",
    "readinessProbe",
];

/// Rules about the output itself (not the source's behaviour): an import that triggers
/// one is wrong, and says so instead of waiving it.
const NEVER_WAIVED: &[&str] = &["duplicate-object", "kept-identity", "dangling-reference"];

fn first_sentence(message: &str) -> String {
    let one = message.lines().next().unwrap_or("");
    let one = one.split(". ").next().unwrap_or(one);
    one.trim_end_matches('.').replace('"', "'")
}
