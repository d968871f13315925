//! The request the API server would build for creating one object of the set: its
//! resource, namespace, the object after the defaults that matter to policies, the
//! namespace object, and the binding's params.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use cel::objects::{Key, Map};
use cel::Value as Cel;
use serde_json::{json, Value as Json};

use super::convert::to_cel;
use super::matching::{self, Request};
use super::model::{Binding, Policy};
use crate::source::{Document, Loaded};

/// The label the API server puts on every Namespace.
const NAME_LABEL: &str = "kubernetes.io/metadata.name";

/// The Namespaces of the set and of the `--policy` files, by name (the set's first).
pub(crate) fn namespaces<'a>(
    set: &'a Loaded,
    extra: &'a Loaded,
) -> BTreeMap<&'a str, &'a Document> {
    let mut found = BTreeMap::new();
    for d in set.documents.iter().chain(extra.documents.iter()) {
        if d.kind == "Namespace" && d.api_version == "v1" {
            found.entry(d.name.as_str()).or_insert(d);
        }
    }
    found
}

/// Whether a binding or policy leaves the request out only for want of labels of a
/// namespace that is not in the set: its namespace selector asks for labels other than
/// the name label.
pub(crate) fn unknown_namespace(
    constraints: Option<&k8s_openapi::api::admissionregistration::v1::MatchResources>,
    req: &Request,
    namespaces: &BTreeMap<&str, &Document>,
) -> Option<String> {
    let ns = req.namespace.as_deref()?;
    if namespaces.contains_key(ns) {
        return None;
    }
    let selector = constraints?.namespace_selector.as_ref()?;
    let keys = selector
        .match_labels
        .iter()
        .flatten()
        .map(|(k, _)| k.as_str())
        .chain(
            selector
                .match_expressions
                .iter()
                .flatten()
                .map(|e| e.key.as_str()),
        );
    let mut keys = keys.filter(|k| *k != NAME_LABEL).peekable();
    keys.peek()?;
    let labels = req.namespace_labels.as_ref()?;
    (!matching::selects(Some(selector), labels)).then(|| ns.to_owned())
}

fn labels_of(value: &Json) -> BTreeMap<String, String> {
    value
        .pointer("/metadata/labels")
        .and_then(Json::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The labels of namespace `ns`: the Namespace of the set, else only the name label.
fn namespace_labels(ns: &str, namespaces: &BTreeMap<&str, &Document>) -> BTreeMap<String, String> {
    let mut labels = namespaces
        .get(ns)
        .map(|d| labels_of(d.value()))
        .unwrap_or_default();
    labels.insert(NAME_LABEL.to_owned(), ns.to_owned());
    labels
}

/// The CREATE request for `doc`.
pub(crate) fn request(doc: &Document, namespaces: &BTreeMap<&str, &Document>) -> Request {
    let (group, version) = match doc.api_version.split_once('/') {
        Some((g, v)) => (g.to_owned(), v.to_owned()),
        None => (String::new(), doc.api_version.clone()),
    };
    let cluster = matching::cluster_scoped(&doc.kind, doc.namespace.is_some());
    // kubectl sends a namespaced object without a namespace to the context's namespace,
    // `default` unless configured.
    let namespace = (!cluster).then(|| {
        doc.namespace
            .clone()
            .unwrap_or_else(|| "default".to_owned())
    });
    let namespace_labels = if doc.kind == "Namespace" && group.is_empty() {
        Some(namespace_labels(&doc.name, namespaces))
    } else {
        namespace
            .as_deref()
            .map(|ns| namespace_labels(ns, namespaces))
    };
    Request {
        group,
        version,
        kind: doc.kind.clone(),
        resource: matching::resource_of(&doc.kind),
        name: doc.name.clone(),
        namespace,
        labels: labels_of(doc.value()),
        namespace_labels,
    }
}

/// The object as admission sees it: as written, with its namespace, and the defaults
/// policies commonly read (`spec.replicas` 1 for Deployments, ReplicaSets and
/// StatefulSets; `spec.type` ClusterIP for Services; `imagePullPolicy` by tag).
pub(crate) fn admitted_object(doc: &Document, req: &Request) -> Json {
    let mut object = doc.value().clone();
    if let (Some(ns), Some(meta)) = (
        &req.namespace,
        object.get_mut("metadata").and_then(Json::as_object_mut),
    ) {
        meta.entry("namespace").or_insert_with(|| json!(ns));
    }
    let Some(spec) = object.get_mut("spec").and_then(Json::as_object_mut) else {
        return object;
    };
    match (req.group.as_str(), req.kind.as_str()) {
        ("apps", "Deployment" | "ReplicaSet" | "StatefulSet") => {
            spec.entry("replicas").or_insert(json!(1));
        }
        ("", "Service") => {
            spec.entry("type").or_insert(json!("ClusterIP"));
        }
        _ => {}
    }
    for pointer in [
        "/spec/template/spec",
        "/spec/jobTemplate/spec/template/spec",
        "/spec",
    ] {
        let Some(pod) = object.pointer_mut(pointer).and_then(Json::as_object_mut) else {
            continue;
        };
        for list in ["containers", "initContainers"] {
            for c in pod
                .get_mut(list)
                .and_then(Json::as_array_mut)
                .into_iter()
                .flatten()
            {
                let Some(c) = c.as_object_mut() else { continue };
                let image = c.get("image").and_then(Json::as_str).unwrap_or_default();
                let tag = image
                    .rsplit('/')
                    .next()
                    .and_then(|last| last.split_once(':'))
                    .map(|(_, t)| t);
                let latest = !image.contains('@') && tag.is_none_or(|t| t == "latest");
                let policy = if latest { "Always" } else { "IfNotPresent" };
                c.entry("imagePullPolicy").or_insert(json!(policy));
            }
        }
        break;
    }
    object
}

fn cel_map(entries: Vec<(&str, Cel)>) -> Cel {
    let map: HashMap<Key, Cel> = entries
        .into_iter()
        .map(|(k, v)| (Key::String(Arc::new(k.to_owned())), v))
        .collect();
    Cel::Map(Map { map: Arc::new(map) })
}

/// The `request` variable.
pub(crate) fn request_value(req: &Request) -> Cel {
    let gvk = to_cel(&json!({"group": req.group, "version": req.version, "kind": req.kind}));
    let gvr =
        to_cel(&json!({"group": req.group, "version": req.version, "resource": req.resource}));
    cel_map(vec![
        ("kind", gvk.clone()),
        ("resource", gvr.clone()),
        ("requestKind", gvk),
        ("requestResource", gvr),
        ("subResource", to_cel(&json!(""))),
        ("name", to_cel(&json!(req.name))),
        (
            "namespace",
            to_cel(&json!(req.namespace.clone().unwrap_or_default())),
        ),
        ("operation", to_cel(&json!("CREATE"))),
        ("userInfo", to_cel(&json!({"username": "", "groups": []}))),
        ("dryRun", Cel::Bool(false)),
        (
            "options",
            to_cel(&json!({"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"})),
        ),
    ])
}

/// The `namespaceObject` variable: the Namespace of the set, else one with only its
/// name and name label; null for a cluster-scoped object.
pub(crate) fn namespace_object(req: &Request, namespaces: &BTreeMap<&str, &Document>) -> Cel {
    let Some(ns) = &req.namespace else {
        return Cel::Null;
    };
    let mut value = namespaces
        .get(ns.as_str())
        .map(|d| d.value().clone())
        .unwrap_or_else(
            || json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
        );
    if let Some(meta) = value.get_mut("metadata").and_then(Json::as_object_mut) {
        let labels = meta.entry("labels").or_insert_with(|| json!({}));
        if let Some(labels) = labels.as_object_mut() {
            labels.entry(NAME_LABEL).or_insert_with(|| json!(ns));
        }
    }
    to_cel(&value)
}

/// The field of a workload's pod template and the Pod its controller would create from
/// it (labels and annotations of the template, its spec, the workload's namespace).
pub(crate) fn template_pod(doc: &Document, req: &Request) -> Option<(&'static str, Json)> {
    let (field, pointer) = match (req.group.as_str(), req.kind.as_str()) {
        ("apps", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet") | ("batch", "Job") => {
            ("spec.template", "/spec/template")
        }
        ("batch", "CronJob") => (
            "spec.jobTemplate.spec.template",
            "/spec/jobTemplate/spec/template",
        ),
        ("", "ReplicationController") => ("spec.template", "/spec/template"),
        _ => return None,
    };
    let template = doc.value().pointer(pointer)?;
    let mut metadata = template
        .get("metadata")
        .cloned()
        .unwrap_or_else(|| json!({}));
    if let (Some(meta), Some(ns)) = (metadata.as_object_mut(), &req.namespace) {
        meta.insert("namespace".to_owned(), json!(ns));
        meta.insert("generateName".to_owned(), json!(format!("{}-", req.name)));
    }
    let spec = template.get("spec").cloned().unwrap_or_else(|| json!({}));
    Some((
        field,
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec}),
    ))
}

/// No param object for a binding's `paramRef`.
pub(crate) enum NoParams {
    /// `parameterNotFoundAction: Allow` (the default): the policy is not evaluated.
    Allow,
    /// `Deny`: the API server's message.
    Deny(String),
}

/// The `params` values to evaluate the policy with: `[null]` without `paramKind` or
/// `paramRef`, else every matching param object of the set and the `--policy` files.
pub(crate) fn params(
    policy: &Policy<'_>,
    binding: &Binding<'_>,
    req: &Request,
    set: &Loaded,
    extra: &Loaded,
) -> Result<Vec<Cel>, NoParams> {
    let (Some(kind), Some(param_ref)) = (&policy.spec.param_kind, &binding.spec.param_ref) else {
        return Ok(vec![Cel::Null]);
    };
    let found: Vec<Cel> = set
        .documents
        .iter()
        .chain(extra.documents.iter())
        .filter(|d| Some(d.kind.as_str()) == kind.kind.as_deref())
        .filter(|d| Some(d.api_version.as_str()) == kind.api_version.as_deref())
        .filter(|d| {
            // Namespaced params: the paramRef's namespace, else the request's; a param
            // without a namespace is cluster-scoped.
            match (&d.namespace, &param_ref.namespace) {
                (None, _) => true,
                (Some(ns), Some(wanted)) => ns == wanted,
                (Some(ns), None) => Some(ns) == req.namespace.as_ref(),
            }
        })
        .filter(|d| match (&param_ref.name, &param_ref.selector) {
            (Some(name), _) => d.name == *name,
            (None, Some(selector)) => matching::selects(Some(selector), &labels_of(d.value())),
            (None, None) => false,
        })
        .map(|d| to_cel(d.value()))
        .collect();
    if !found.is_empty() {
        return Ok(found);
    }
    if param_ref.parameter_not_found_action.as_deref() == Some("Deny") {
        Err(NoParams::Deny(
            "failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction".to_owned(),
        ))
    } else {
        Err(NoParams::Allow)
    }
}
