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
/// for the object (hooks, load balancer or identity annotations) keeps its value.
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
