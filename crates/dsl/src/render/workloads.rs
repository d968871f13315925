//! Deployments, Jobs and what scales or protects them.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec, DeploymentStrategy};
use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec,
    MetricTarget, ResourceMetricSource,
};
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{
    PersistentVolumeClaim, PersistentVolumeClaimSpec, VolumeResourceRequirements,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::meta::{component_labels, object_meta, selector, selector_labels, with_annotations};
use super::pod::{pod_template, ExtraVolume};
use crate::model::app::App;
use crate::model::component::{BatchJob, Component, JobRestart, ScheduledJob};
use crate::model::scaling::{Autoscaling, Disruption, Replicas};
use crate::object::Object;
use lint::NO_PROBES_ANNOTATION;

fn int(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// A Deployment with an optional HPA and PDB.
pub(crate) fn deployment(
    app: &App,
    component: &Component,
    replicas: &Replicas,
    disruption: Option<&Disruption>,
    config_hash: Option<&str>,
) -> Vec<Object> {
    let name = super::kept::workload_name(app, component);
    let labels = component_labels(app, component);
    let mut out: Vec<Object> = vec![Deployment {
        metadata: with_annotations(
            object_meta(app, &name, labels.clone()),
            no_probes_annotation(component),
        ),
        spec: Some(DeploymentSpec {
            replicas: match replicas {
                Replicas::Fixed(n) => Some(int(*n)),
                Replicas::Autoscaled(_) => None,
            },
            revision_history_limit: Some(5),
            // A ReadWriteOnce volume cannot be attached to a surge pod on another node.
            strategy: super::storage::storage_of(component)
                .filter(|s| s.single_node())
                .map(|_| DeploymentStrategy {
                    type_: Some("Recreate".into()),
                    ..Default::default()
                }),
            selector: selector(selector_labels(app, &component.name)),
            template: pod_template(app, component, config_hash, None, Vec::new()),
            ..Default::default()
        }),
        ..Default::default()
    }
    .into()];
    if let Replicas::Autoscaled(a) = replicas {
        out.push(hpa(app, component, "apps/v1", "Deployment", a));
    }
    if let Some(d) = disruption {
        out.push(pdb(app, component, d));
    }
    out
}

/// `kairn.dev/no-probes` with the reason, for a workload declared without probes.
pub(crate) fn no_probes_annotation(component: &Component) -> BTreeMap<String, String> {
    component
        .workload
        .no_probes_reason()
        .map(|r| BTreeMap::from([(NO_PROBES_ANNOTATION.to_owned(), r.to_string())]))
        .unwrap_or_default()
}

/// A HorizontalPodAutoscaler (autoscaling/v2) for a workload.
pub(crate) fn hpa(
    app: &App,
    component: &Component,
    api_version: &str,
    kind: &str,
    a: &Autoscaling,
) -> Object {
    let name = app.object_name(&component.name);
    let target = super::kept::workload_name(app, component);
    let resource = |metric: &str, percent: u8| MetricSpec {
        type_: "Resource".into(),
        resource: Some(ResourceMetricSource {
            name: metric.into(),
            target: MetricTarget {
                type_: "Utilization".into(),
                average_utilization: Some(i32::from(percent)),
                ..Default::default()
            },
        }),
        ..Default::default()
    };
    let metrics: Vec<MetricSpec> = a
        .cpu_utilization()
        .map(|p| resource("cpu", p))
        .into_iter()
        .chain(a.memory_utilization().map(|p| resource("memory", p)))
        .collect();
    HorizontalPodAutoscaler {
        metadata: object_meta(app, &name, component_labels(app, component)),
        spec: Some(HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some(api_version.into()),
                kind: kind.into(),
                name: target,
            },
            min_replicas: Some(int(a.min)),
            max_replicas: int(a.max),
            metrics: (!metrics.is_empty()).then_some(metrics),
            ..Default::default()
        }),
        ..Default::default()
    }
    .into()
}

/// A PodDisruptionBudget selecting the component's pods.
pub(crate) fn pdb(app: &App, component: &Component, d: &Disruption) -> Object {
    let name = app.object_name(&component.name);
    let (min_available, max_unavailable) = match d {
        Disruption::MinAvailable(n) => (Some(IntOrString::Int(int(*n))), None),
        Disruption::MaxUnavailable(n) => (None, Some(IntOrString::Int(int(*n)))),
    };
    PodDisruptionBudget {
        metadata: object_meta(app, &name, component_labels(app, component)),
        spec: Some(PodDisruptionBudgetSpec {
            min_available,
            max_unavailable,
            selector: Some(selector(selector_labels(app, &component.name))),
            // A running pod that is not ready can always be evicted: with the default
            // (IfHealthyBudget), one crash-looping replica blocks every node drain.
            unhealthy_pod_eviction_policy: Some("AlwaysAllow".into()),
        }),
        ..Default::default()
    }
    .into()
}

/// Annotations that keep a claim when the release or application that created it is deleted.
pub(crate) fn retained_claim_annotations() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("helm.sh/resource-policy".to_owned(), "keep".to_owned()),
        (
            "argocd.argoproj.io/sync-options".to_owned(),
            "Prune=false,Delete=false".to_owned(),
        ),
    ])
}

/// A Job, and the PVC its results go to.
pub(crate) fn job(
    app: &App,
    component: &Component,
    job: &BatchJob,
    config_hash: Option<&str>,
) -> Vec<Object> {
    let name = super::kept::workload_name(app, component);
    let labels = component_labels(app, component);
    let mut out = Vec::new();
    let mut extra = Vec::new();
    if let Some(output) = &job.output {
        let claim = app.object_name(&component.name).join("output");
        out.push(
            PersistentVolumeClaim {
                metadata: with_annotations(
                    object_meta(app, &claim, labels.clone()),
                    retained_claim_annotations(),
                ),
                spec: Some(claim_spec(
                    output.access_mode,
                    output.storage_class.as_ref(),
                    output.size,
                )),
                ..Default::default()
            }
            .into(),
        );
        extra.push(ExtraVolume::pvc(
            "output",
            claim.to_string(),
            &output.mount_path,
        ));
    }
    let restart = restart_policy(job.restart);
    out.push(
        Job {
            metadata: object_meta(app, &name, labels),
            spec: Some(JobSpec {
                backoff_limit: Some(int(job.backoff_limit)),
                completions: Some(int(job.completions)),
                parallelism: Some(int(job.parallelism)),
                ttl_seconds_after_finished: job
                    .kept_finished
                    .is_none()
                    .then(|| int(job.ttl_seconds_after_finished)),
                active_deadline_seconds: job.active_deadline_seconds.map(i64::from),
                template: pod_template(app, component, config_hash, Some(restart), extra),
                ..Default::default()
            }),
            ..Default::default()
        }
        .into(),
    );
    out
}

fn restart_policy(restart: JobRestart) -> &'static str {
    match restart {
        JobRestart::Never => "Never",
        JobRestart::OnFailure => "OnFailure",
    }
}

/// A CronJob whose Jobs' pods get the same template as a [`BatchJob`]'s.
pub(crate) fn cron_job(
    app: &App,
    component: &Component,
    job: &ScheduledJob,
    config_hash: Option<&str>,
) -> Object {
    let name = super::kept::workload_name(app, component);
    let labels = component_labels(app, component);
    CronJob {
        metadata: object_meta(app, &name, labels.clone()),
        spec: Some(CronJobSpec {
            schedule: job.schedule.to_string(),
            time_zone: job.time_zone.as_ref().map(ToString::to_string),
            concurrency_policy: Some(job.concurrency.as_str().to_owned()),
            successful_jobs_history_limit: Some(int(job.successful_jobs_history_limit)),
            failed_jobs_history_limit: Some(int(job.failed_jobs_history_limit)),
            starting_deadline_seconds: job.starting_deadline_seconds.map(i64::from),
            suspend: job.suspend.then_some(true),
            job_template: JobTemplateSpec {
                metadata: Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta {
                    labels: Some(labels),
                    ..Default::default()
                }),
                spec: Some(JobSpec {
                    backoff_limit: Some(int(job.backoff_limit)),
                    ttl_seconds_after_finished: job
                        .kept_finished
                        .is_none()
                        .then(|| int(job.ttl_seconds_after_finished)),
                    active_deadline_seconds: job.active_deadline_seconds.map(i64::from),
                    template: pod_template(
                        app,
                        component,
                        config_hash,
                        Some(restart_policy(job.restart)),
                        Vec::new(),
                    ),
                    ..Default::default()
                }),
            },
        }),
        ..Default::default()
    }
    .into()
}

/// The spec of a claim for `size` bytes of storage.
pub(crate) fn claim_spec(
    access_mode: crate::model::component::AccessMode,
    storage_class: Option<&crate::primitives::text::Name>,
    size: crate::primitives::quantity::Storage,
) -> PersistentVolumeClaimSpec {
    PersistentVolumeClaimSpec {
        access_modes: Some(vec![access_mode.as_str().to_owned()]),
        storage_class_name: storage_class.map(|s| s.to_string()),
        resources: Some(VolumeResourceRequirements {
            requests: Some(BTreeMap::from([(
                "storage".to_owned(),
                Quantity(size.to_string()),
            )])),
            ..Default::default()
        }),
        ..Default::default()
    }
}
