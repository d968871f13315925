//! Component-level metadata: annotations on every object of a component and on its pod
//! template, and the image pull secrets of its pods. (Component labels are part of
//! `meta::component_labels`, so they reach every object and pod template that carries
//! the component's labels, and never a selector.)

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::model::app::App;
use crate::model::component::Component;
use crate::object::Object;

/// Adds `annotations` to `meta` without replacing one already set: what kairn derives
/// for the object (hooks, load balancer or identity annotations) keeps its value. A
/// declared value that differs is refused before rendering (see [`overridden`]).
fn add(meta: &mut ObjectMeta, annotations: &BTreeMap<String, String>) {
    let into = meta.annotations.get_or_insert_with(BTreeMap::new);
    for (k, v) in annotations {
        into.entry(k.clone()).or_insert_with(|| v.clone());
    }
}

fn pod_template(object: &mut Object) -> Option<&mut PodTemplateSpec> {
    match object {
        Object::Deployment(d) => d.spec.as_mut().map(|s| &mut s.template),
        Object::StatefulSet(s) => s.spec.as_mut().map(|s| &mut s.template),
        Object::Job(j) => j.spec.as_mut().map(|s| &mut s.template),
        Object::CronJob(c) => c
            .spec
            .as_mut()
            .and_then(|s| s.job_template.spec.as_mut())
            .map(|s| &mut s.template),
        _ => None,
    }
}

/// Adds the component's annotations to each of its objects and pod templates.
pub(crate) fn annotate(component: &Component, objects: &mut [Object]) {
    if component.pod.annotations.is_empty() {
        return;
    }
    let annotations: BTreeMap<String, String> = component
        .pod
        .annotations
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    for object in objects {
        add(object.metadata_mut(), &annotations);
        if let Some(template) = pod_template(object) {
            add(
                template.metadata.get_or_insert_with(ObjectMeta::default),
                &annotations,
            );
        }
    }
}

/// A component annotation that kairn also sets, with another value, on one of the
/// component's objects: kairn's value would win there (see [`add`]).
pub(crate) struct Overridden {
    /// The component's annotation key.
    pub key: String,
    /// The component's value.
    pub value: String,
    /// Kind and name of the object kairn annotates.
    pub kind: &'static str,
    pub name: String,
    /// kairn's value on that object.
    pub kairn: String,
}

/// The component's annotations that kairn's own annotations would override. Annotation
/// keys refuse `kairn.dev/` and the hook keys, so only the objects that carry other
/// derived annotations can collide: the ServiceAccount (`service_account_annotations`,
/// the storage's cloud identity), the storage claim (`argocd.argoproj.io/sync-options`)
/// and the spawned jobs' ServiceAccount; they are built here as the renderer builds them.
pub(crate) fn overridden(app: &App, component: &Component) -> Vec<Overridden> {
    if component.pod.annotations.is_empty() {
        return Vec::new();
    }
    let mut objects = super::identity::service_account(app, component);
    objects.extend(super::storage::claim(app, component));
    objects.extend(super::jobs::spawned_jobs(app, component));
    let mut out = Vec::new();
    for object in &objects {
        let Some(derived) = &object.metadata().annotations else {
            continue;
        };
        for (key, value) in &component.pod.annotations {
            match derived.get(key.as_str()) {
                Some(kairn) if kairn != value => out.push(Overridden {
                    key: key.to_string(),
                    value: value.clone(),
                    kind: object.kind(),
                    name: object.metadata().name.clone().unwrap_or_default(),
                    kairn: kairn.clone(),
                }),
                _ => {}
            }
        }
    }
    out
}

/// Names of the app's image pull secrets, then the component's, each once; `None` when
/// there are none.
pub(crate) fn image_pull_secrets(app: &App, component: &Component) -> Option<Vec<String>> {
    let mut names: Vec<String> = Vec::new();
    for n in app
        .image_pull_secrets
        .iter()
        .chain(&component.pod.image_pull_secrets)
    {
        let n = n.to_string();
        if !names.contains(&n) {
            names.push(n);
        }
    }
    (!names.is_empty()).then_some(names)
}
