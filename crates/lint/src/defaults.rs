//! The API server's defaults, applied to a typed copy of each object read from YAML before
//! the rules run, so that a rule judges what the cluster would run, not how the file
//! spells it. Only defaults that change what a field means are applied, following the
//! Kubernetes 1.33 defaulting functions (`pkg/apis/core/v1/defaults.go`,
//! `pkg/apis/apps/v1/defaults.go`, `pkg/apis/batch/v1/defaults.go`):
//!
//! - Service: a `targetPort` of `0` or `""` is the port itself (`SetDefaults_Service`), which
//!   is what the rules read from an unset `targetPort`, so it becomes unset; `protocol`
//!   TCP; `sessionAffinity` None; `type` ClusterIP.
//! - Pod templates: `restartPolicy` Always (not for Jobs: their pods must say Never or
//!   OnFailure, and the API server rejects the defaulted Always), `dnsPolicy` ClusterFirst,
//!   `terminationGracePeriodSeconds` 30, `schedulerName` default-scheduler; every probe's
//!   `periodSeconds` 10, `timeoutSeconds` 1, `successThreshold` 1, `failureThreshold` 3;
//!   container ports' `protocol` TCP.
//! - Deployment: `strategy` RollingUpdate with `maxUnavailable` and `maxSurge` 25 %,
//!   `revisionHistoryLimit` 10, `progressDeadlineSeconds` 600.
//! - Job (and a CronJob's template): `parallelism` 1, and `completions` 1 when neither is
//!   set. Not `backoffLimit`: a policy rule (`job-backoff-limit-missing`) asks for it
//!   written, as kube-linter does; a default is applied only where no rule asks for the
//!   field to be stated.
//!
//! Findings still point at the user's lines: positions come from the YAML, and a field
//! the file does not have is located at its nearest written parent.

use k8s_openapi::api::apps::v1::{Deployment, DeploymentStrategy, RollingUpdateDeployment};
use k8s_openapi::api::batch::v1::JobSpec;
use k8s_openapi::api::core::v1::{PodTemplateSpec, Probe, Service};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::object::Object;

/// Applies the defaults above to `object`.
pub fn apply(object: &mut Object) {
    match object {
        Object::Service(s) => service(s),
        Object::Deployment(d) => deployment(d),
        Object::StatefulSet(s) => {
            if let Some(spec) = s.spec.as_mut() {
                pod_template(&mut spec.template, true);
            }
        }
        Object::DaemonSet(d) => {
            if let Some(spec) = d.spec.as_mut() {
                pod_template(&mut spec.template, true);
            }
        }
        Object::Job(j) => {
            if let Some(spec) = j.spec.as_mut() {
                job(spec);
            }
        }
        Object::CronJob(c) => {
            if let Some(spec) = c.spec.as_mut().and_then(|s| s.job_template.spec.as_mut()) {
                job(spec);
            }
        }
        _ => {}
    }
}

fn service(s: &mut Service) {
    let Some(spec) = s.spec.as_mut() else { return };
    if spec.type_.as_deref() != Some("ExternalName") {
        spec.session_affinity.get_or_insert_with(|| "None".into());
    }
    spec.type_.get_or_insert_with(|| "ClusterIP".into());
    for p in spec.ports.iter_mut().flatten() {
        p.protocol.get_or_insert_with(|| "TCP".into());
        let same_as_port = match &p.target_port {
            Some(IntOrString::Int(0)) => true,
            Some(IntOrString::String(s)) => s.is_empty(),
            _ => false,
        };
        if same_as_port {
            p.target_port = None;
        }
    }
}

fn deployment(d: &mut Deployment) {
    let Some(spec) = d.spec.as_mut() else { return };
    let strategy = spec
        .strategy
        .get_or_insert_with(DeploymentStrategy::default);
    let ty = strategy.type_.get_or_insert_with(|| "RollingUpdate".into());
    if ty == "RollingUpdate" {
        let rolling = strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateDeployment::default);
        rolling
            .max_unavailable
            .get_or_insert_with(|| IntOrString::String("25%".into()));
        rolling
            .max_surge
            .get_or_insert_with(|| IntOrString::String("25%".into()));
    }
    spec.revision_history_limit.get_or_insert(10);
    spec.progress_deadline_seconds.get_or_insert(600);
    pod_template(&mut spec.template, true);
}

fn job(spec: &mut JobSpec) {
    if spec.completions.is_none() && spec.parallelism.is_none() {
        spec.completions = Some(1);
    }
    spec.parallelism.get_or_insert(1);
    pod_template(&mut spec.template, false);
}

/// `restart_always`: the workload's pods always restart (not a Job's).
fn pod_template(t: &mut PodTemplateSpec, restart_always: bool) {
    let Some(spec) = t.spec.as_mut() else { return };
    if restart_always {
        spec.restart_policy.get_or_insert_with(|| "Always".into());
    }
    spec.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    spec.termination_grace_period_seconds.get_or_insert(30);
    spec.scheduler_name
        .get_or_insert_with(|| "default-scheduler".into());
    let containers = spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut().flatten());
    for c in containers {
        for p in [
            &mut c.liveness_probe,
            &mut c.readiness_probe,
            &mut c.startup_probe,
        ]
        .into_iter()
        .flatten()
        {
            probe(p);
        }
        for port in c.ports.iter_mut().flatten() {
            port.protocol.get_or_insert_with(|| "TCP".into());
        }
    }
}

fn probe(p: &mut Probe) {
    p.period_seconds.get_or_insert(10);
    p.timeout_seconds.get_or_insert(1);
    p.success_threshold.get_or_insert(1);
    p.failure_threshold.get_or_insert(3);
}
