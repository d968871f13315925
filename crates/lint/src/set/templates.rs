//! Workloads read raw (kinds kairn does not type, or a version it does not read): their
//! pod template found by path, and the labels their controller supplies.

use k8s_openapi::api::core::v1::PodTemplateSpec;

use crate::source::from_json;

/// Kinds with pod templates that are not typed objects, read from their JSON.
pub(crate) const RAW_WORKLOADS: &[(&str, &str, &str, &str)] = &[
    // kind, apiVersion, pointer to the template, field path of the pod spec
    (
        "DaemonSet",
        "apps/v1",
        "/spec/template",
        "spec.template.spec",
    ),
    (
        "ReplicaSet",
        "apps/v1",
        "/spec/template",
        "spec.template.spec",
    ),
    (
        "ReplicationController",
        "v1",
        "/spec/template",
        "spec.template.spec",
    ),
    (
        "CronJob",
        "batch/v1",
        "/spec/jobTemplate/spec/template",
        "spec.jobTemplate.spec.template.spec",
    ),
    ("Pod", "v1", "", "spec"),
];

/// Kinds whose objects run pods.
pub(crate) const WORKLOAD_KINDS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "Job",
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "CronJob",
    "Pod",
];

pub(crate) fn raw_template(
    kind: &str,
    value: &serde_json::Value,
) -> Option<(PodTemplateSpec, &'static str, Option<i32>)> {
    let (_, _, pointer, prefix) = RAW_WORKLOADS.iter().find(|r| r.0 == kind)?;
    let template = if kind == "Pod" {
        PodTemplateSpec {
            metadata: from_json(value.get("metadata")?.clone()).ok(),
            spec: from_json(value.get("spec")?.clone()).ok(),
        }
    } else {
        from_json(value.pointer(pointer)?.clone()).ok()?
    };
    let count = match kind {
        "DaemonSet" => Some(2),
        "Pod" => Some(1),
        "CronJob" => value
            .pointer("/spec/jobTemplate/spec/parallelism")
            .and_then(|v| v.as_i64())
            .map(|v| v as i32),
        _ => value
            .pointer("/spec/replicas")
            .and_then(|v| v.as_i64())
            .map(|v| v as i32),
    };
    Some((template, prefix, count))
}

/// Labels the controller of a workload kind adds to the pods it creates: Deployments
/// `pod-template-hash`; StatefulSets `controller-revision-hash`,
/// `statefulset.kubernetes.io/pod-name` and `apps.kubernetes.io/pod-index`; DaemonSets
/// `controller-revision-hash` and `pod-template-generation`; Jobs (and the Jobs of a
/// CronJob) `job-name`, `controller-uid` and their `batch.kubernetes.io/` forms.
pub(crate) fn supplied_labels(
    kind: &str,
    name: &str,
    max: i32,
    scaled: bool,
) -> Vec<(&'static str, Option<Vec<String>>)> {
    let ordinals = |f: &dyn Fn(i32) -> String| -> Option<Vec<String>> {
        (!scaled && (1..=1000).contains(&max)).then(|| (0..max).map(f).collect())
    };
    match kind {
        "Deployment" => vec![("pod-template-hash", None)],
        "StatefulSet" => vec![
            ("controller-revision-hash", None),
            (
                "statefulset.kubernetes.io/pod-name",
                ordinals(&|i| format!("{name}-{i}")),
            ),
            ("apps.kubernetes.io/pod-index", ordinals(&|i| i.to_string())),
        ],
        "DaemonSet" => vec![
            ("controller-revision-hash", None),
            ("pod-template-generation", None),
        ],
        "Job" | "CronJob" => {
            let job = (kind == "Job").then(|| vec![name.to_owned()]);
            vec![
                ("job-name", job.clone()),
                ("batch.kubernetes.io/job-name", job),
                ("controller-uid", None),
                ("batch.kubernetes.io/controller-uid", None),
                ("batch.kubernetes.io/job-completion-index", None),
            ]
        }
        _ => Vec::new(),
    }
}
