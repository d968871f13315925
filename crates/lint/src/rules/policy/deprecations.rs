//! `deprecated-annotation`, `deprecated-field`.

use k8s_openapi::api::core::v1::PodSpec;

use crate::object::Object;
use crate::set::{Set, Sink};
use crate::source::join_key;

/// `(annotation or prefix ending in '/', replacement)`.
const DEPRECATED_ANNOTATIONS: &[(&str, &str)] = &[
    ("kubernetes.io/ingress.class", "spec.ingressClassName"),
    (
        "seccomp.security.alpha.kubernetes.io/pod",
        "securityContext.seccompProfile",
    ),
    (
        "container.seccomp.security.alpha.kubernetes.io/",
        "securityContext.seccompProfile",
    ),
    (
        "container.apparmor.security.beta.kubernetes.io/",
        "securityContext.appArmorProfile",
    ),
    (
        "scheduler.alpha.kubernetes.io/critical-pod",
        "priorityClassName",
    ),
    (
        "service.alpha.kubernetes.io/tolerate-unready-endpoints",
        "spec.publishNotReadyAddresses",
    ),
    (
        "volume.beta.kubernetes.io/storage-class",
        "spec.storageClassName",
    ),
];

fn deprecated_annotation(key: &str) -> Option<&'static str> {
    DEPRECATED_ANNOTATIONS
        .iter()
        .find(|(a, _)| {
            if a.ends_with('/') {
                key.starts_with(a)
            } else {
                key == *a
            }
        })
        .map(|(_, r)| *r)
}

/// Whether `object` (with its pod spec, for a workload) sets the field that replaces a
/// deprecated annotation.
fn replacement_is_set(object: &Object, pod: Option<&PodSpec>, replacement: &str) -> bool {
    let containers = || {
        pod.into_iter().flat_map(|p| {
            p.containers
                .iter()
                .chain(p.init_containers.iter().flatten())
        })
    };
    match replacement {
        "spec.ingressClassName" => matches!(object, Object::Ingress(i)
            if i.spec.as_ref().is_some_and(|s| s.ingress_class_name.is_some())),
        "securityContext.seccompProfile" => {
            pod.and_then(|p| p.security_context.as_ref())
                .is_some_and(|c| c.seccomp_profile.is_some())
                || containers().any(|c| {
                    c.security_context
                        .as_ref()
                        .is_some_and(|s| s.seccomp_profile.is_some())
                })
        }
        "securityContext.appArmorProfile" => {
            pod.and_then(|p| p.security_context.as_ref())
                .is_some_and(|c| c.app_armor_profile.is_some())
                || containers().any(|c| {
                    c.security_context
                        .as_ref()
                        .is_some_and(|s| s.app_armor_profile.is_some())
                })
        }
        "priorityClassName" => pod.is_some_and(|p| p.priority_class_name.is_some()),
        "spec.publishNotReadyAddresses" => matches!(object, Object::Service(s)
            if s.spec.as_ref().is_some_and(|s| s.publish_not_ready_addresses.is_some())),
        "spec.storageClassName" => matches!(object, Object::PersistentVolumeClaim(c)
            if c.spec.as_ref().is_some_and(|s| s.storage_class_name.is_some())),
        _ => false,
    }
}

pub(super) fn deprecations(set: &Set<'_>, sink: &mut Sink) {
    for (i, item) in set.items.iter().enumerate() {
        let Some(object) = item.object else { continue };
        let mut annotations: Vec<(String, &String)> = object
            .metadata()
            .annotations
            .iter()
            .flatten()
            .map(|(k, _)| (join_key("metadata.annotations", k), k))
            .collect();
        if set.workload_at(i).is_some() {
            // The pod template's annotations, for every workload kind with a template.
            let (template, path) = match object {
                Object::Deployment(d) => (
                    d.spec.as_ref().and_then(|s| s.template.metadata.as_ref()),
                    "spec.template.metadata.annotations",
                ),
                Object::StatefulSet(d) => (
                    d.spec.as_ref().and_then(|s| s.template.metadata.as_ref()),
                    "spec.template.metadata.annotations",
                ),
                Object::DaemonSet(d) => (
                    d.spec.as_ref().and_then(|s| s.template.metadata.as_ref()),
                    "spec.template.metadata.annotations",
                ),
                Object::Job(d) => (
                    d.spec.as_ref().and_then(|s| s.template.metadata.as_ref()),
                    "spec.template.metadata.annotations",
                ),
                Object::CronJob(d) => (
                    d.spec
                        .as_ref()
                        .and_then(|s| s.job_template.spec.as_ref())
                        .and_then(|s| s.template.metadata.as_ref()),
                    "spec.jobTemplate.spec.template.metadata.annotations",
                ),
                _ => (None, ""),
            };
            annotations.extend(
                template
                    .iter()
                    .flat_map(|m| m.annotations.iter().flatten())
                    .map(|(k, _)| (join_key(path, k), k)),
            );
        }
        let pod = set.workload_at(i).map(|w| &w.spec);
        for (field, key) in annotations {
            if let Some(replacement) = deprecated_annotation(key) {
                if replacement_is_set(object, pod.map(|p| &**p), replacement) {
                    // Kept beside its replacement for older controllers: the field wins.
                    sink.add(
                        i,
                        "deprecated-annotation",
                        field,
                        format!("annotation `{key}` is deprecated; the object also sets {replacement}, which takes precedence"),
                        "remove the annotation once no controller of the cluster reads it",
                    );
                    sink.as_warning();
                    continue;
                }
                let extra = match object {
                    Object::Ingress(ing)
                        if ing
                            .spec
                            .as_ref()
                            .is_none_or(|s| s.ingress_class_name.is_none()) =>
                    {
                        " (and spec.ingressClassName is not set)"
                    }
                    _ => "",
                };
                sink.add(
                    i,
                    "deprecated-annotation",
                    field,
                    format!("annotation `{key}` is deprecated and may be ignored{extra}"),
                    format!("use {replacement} instead"),
                );
            }
        }
        if let Object::Service(s) = object {
            if s.spec
                .as_ref()
                .and_then(|s| s.load_balancer_ip.as_deref())
                .is_some_and(|ip| !ip.is_empty())
            {
                sink.add(
                    i,
                    "deprecated-field",
                    "spec.loadBalancerIP",
                    "spec.loadBalancerIP is deprecated and ignored by some providers",
                    "use the provider's annotation for a static IP",
                );
            }
        }
    }
}
