//! Deployment phases for the tools that read no hook annotations (plain kubectl, Flux).
//!
//! Helm and Argo CD order hook Jobs themselves from the annotations written by
//! [`crate::render::hooks`]. `kubectl apply` and Flux's kustomize-controller apply
//! everything they are given in one pass, so an environment with hooks is written as one
//! kustomization per phase:
//!
//! | phase | directory | holds |
//! |---|---|---|
//! | [`Phase::BeforeDeploy`] | `phases/1-before-deploy` | Namespaces, before-deploy hooks and what their pods mount or run as |
//! | [`Phase::Deploy`] | `phases/2-deploy` | everything else |
//! | [`Phase::AfterDeploy`] | `phases/3-after-deploy` | after-deploy hooks |
//!
//! The environment's own `kustomization.yaml` lists the phase directories, so `kubectl
//! kustomize <env>` (what Argo CD and the Helm packaging read) still yields every object
//! with its hook annotations. Its header comment spells out the plain-kubectl sequence
//! (apply a phase, wait for its Jobs or rollouts, apply the next), and
//! `flux/kustomizations.yaml` holds one Flux `Kustomization` per phase, chained with
//! `dependsOn` and `wait: true`. An environment without hooks keeps the flat layout; if
//! it holds a run-once Job it gets a Flux file too (one Kustomization, `path: ./`), whose
//! patch removes the Jobs' TTL (see [`crate::render::hooks`] and `docs/parity.md`).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::PodSpec;
use serde::Serialize;

use crate::object::{Manifest, Object};
use crate::render::hooks::ARGO_HOOK;
use crate::yaml::{to_yaml, YamlError};

/// Directory of the Flux objects inside an environment directory. It is not a resource of
/// any kustomization: the objects in it are for the Flux cluster, not for the app.
pub const FLUX_DIR: &str = "flux";
/// The Flux objects of an environment with phases, relative to the environment directory.
pub const FLUX_FILE: &str = "flux/kustomizations.yaml";
/// Namespace of the Flux `Kustomization` objects and of the `OCIRepository` they read.
pub const FLUX_NAMESPACE: &str = "flux-system";
/// `kustomize.toolkit.fluxcd.io/v1`
pub const FLUX_KUSTOMIZATION_API: &str = "kustomize.toolkit.fluxcd.io/v1";

/// When an object is applied, relative to the application's own objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// Namespaces, before-deploy hooks (migrations) and what their pods need.
    BeforeDeploy,
    /// The application.
    Deploy,
    /// After-deploy hooks (bootstrap), once the application is rolled out.
    AfterDeploy,
}

impl Phase {
    /// Every phase, in apply order.
    pub const ALL: [Phase; 3] = [Phase::BeforeDeploy, Phase::Deploy, Phase::AfterDeploy];

    /// `before-deploy`, `deploy`, `after-deploy`.
    pub const fn slug(self) -> &'static str {
        match self {
            Phase::BeforeDeploy => "before-deploy",
            Phase::Deploy => "deploy",
            Phase::AfterDeploy => "after-deploy",
        }
    }

    /// The phase's directory relative to the environment directory, e.g.
    /// `phases/1-before-deploy`.
    pub const fn dir(self) -> &'static str {
        match self {
            Phase::BeforeDeploy => "phases/1-before-deploy",
            Phase::Deploy => "phases/2-deploy",
            Phase::AfterDeploy => "phases/3-after-deploy",
        }
    }

    /// The phase a hook annotation (`argocd.argoproj.io/hook`) puts an object in.
    fn of_annotation(object: &Object) -> Phase {
        let annotations = object.metadata().annotations.as_ref();
        match annotations
            .and_then(|a| a.get(ARGO_HOOK))
            .map(String::as_str)
        {
            Some("PreSync") => Phase::BeforeDeploy,
            Some("PostSync") => Phase::AfterDeploy,
            _ => Phase::Deploy,
        }
    }
}

/// The names a pod needs to exist before it can start, by kind.
fn pod_needs(pod: &PodSpec) -> BTreeSet<(&'static str, String)> {
    let mut out = BTreeSet::new();
    if let Some(sa) = &pod.service_account_name {
        out.insert(("ServiceAccount", sa.clone()));
    }
    for v in pod.volumes.iter().flatten() {
        if let Some(cm) = &v.config_map {
            out.insert(("ConfigMap", cm.name.clone()));
        }
        if let Some(pvc) = &v.persistent_volume_claim {
            out.insert(("PersistentVolumeClaim", pvc.claim_name.clone()));
        }
        for source in v.projected.iter().flat_map(|p| p.sources.iter().flatten()) {
            if let Some(cm) = &source.config_map {
                out.insert(("ConfigMap", cm.name.clone()));
            }
        }
    }
    let containers = pod
        .init_containers
        .iter()
        .flatten()
        .chain(pod.containers.iter());
    for c in containers {
        for from in c.env_from.iter().flatten() {
            if let Some(cm) = &from.config_map_ref {
                out.insert(("ConfigMap", cm.name.clone()));
            }
        }
        for env in c.env.iter().flatten() {
            if let Some(cm) = env
                .value_from
                .as_ref()
                .and_then(|v| v.config_map_key_ref.as_ref())
            {
                out.insert(("ConfigMap", cm.name.clone()));
            }
        }
    }
    out
}

/// The phase of each manifest (same order), or `None` when nothing is a hook: the
/// environment keeps the flat layout.
///
/// A hook's phase comes from its Argo CD hook annotation (the record Helm and Argo CD read,
/// so every path agrees). Namespaces go to the first phase; a ConfigMap, claim or
/// ServiceAccount that a hook Job's pod uses moves to that hook's phase if it would
/// otherwise come later, so no phase waits on an object of a later one.
pub fn phases(manifests: &[Manifest]) -> Option<Vec<Phase>> {
    let mut out: Vec<Phase> = manifests
        .iter()
        .map(|m| Phase::of_annotation(&m.object))
        .collect();
    if out.iter().all(|p| *p == Phase::Deploy) {
        return None;
    }
    let first = out.iter().copied().min().unwrap_or(Phase::Deploy);
    let mut needed: BTreeMap<(&'static str, Option<String>, String), Phase> = BTreeMap::new();
    for (m, phase) in manifests.iter().zip(&out) {
        let Object::Job(job) = &m.object else {
            continue;
        };
        let Some(pod) = job.spec.as_ref().and_then(|s| s.template.spec.as_ref()) else {
            continue;
        };
        let ns = m.object.namespace().map(str::to_owned);
        for (kind, name) in pod_needs(pod) {
            let at = needed
                .entry((kind, ns.clone(), name))
                .or_insert(Phase::AfterDeploy);
            *at = (*at).min(*phase);
        }
    }
    for (m, phase) in manifests.iter().zip(out.iter_mut()) {
        if m.object.kind() == "Namespace" {
            *phase = first;
            continue;
        }
        let key = (
            m.object.kind(),
            m.object.namespace().map(str::to_owned),
            m.object.name().to_owned(),
        );
        if let Some(at) = needed.get(&key) {
            *phase = (*phase).min(*at);
        }
    }
    Some(out)
}

/// One phase of an environment: its directory and object files (relative to the
/// environment directory, in apply order) and what to wait for before the next phase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhaseFiles {
    /// The phase.
    pub phase: Phase,
    /// Object files, `phases/<n>-<phase>/<kind>-<name>.yaml`, in apply order.
    pub files: Vec<String>,
    /// Files of Jobs that must complete before the next phase, with their deadline in
    /// seconds (`activeDeadlineSeconds`), if any.
    pub jobs: Vec<(String, Option<i64>)>,
    /// Files of Deployments and StatefulSets whose rollout must finish before the next
    /// phase.
    pub rollouts: Vec<String>,
}

impl PhaseFiles {
    /// How long to wait for this phase, in minutes: a Job's deadline plus five minutes
    /// for scheduling and image pulls (30 without a deadline), at least 10.
    pub fn timeout_minutes(&self) -> i64 {
        self.jobs
            .iter()
            .map(|(_, deadline)| job_wait_minutes(*deadline))
            .fold(10, i64::max)
    }
}

/// Minutes to wait for a Job: its deadline plus five (30 without a deadline).
fn job_wait_minutes(deadline: Option<i64>) -> i64 {
    deadline.map_or(30, |s| (s + 59) / 60 + 5)
}

/// Groups the manifests' files by phase.
pub(crate) fn group(manifests: &[Manifest], phases: &[Phase]) -> Vec<PhaseFiles> {
    let mut out = Vec::new();
    for phase in Phase::ALL {
        let mut files = PhaseFiles {
            phase,
            files: Vec::new(),
            jobs: Vec::new(),
            rollouts: Vec::new(),
        };
        for (m, _) in manifests.iter().zip(phases).filter(|(_, p)| **p == phase) {
            let file = format!("{}/{}", phase.dir(), m.object.file_name());
            match &m.object {
                Object::Job(job) => files.jobs.push((
                    file.clone(),
                    job.spec.as_ref().and_then(|s| s.active_deadline_seconds),
                )),
                Object::Deployment(_) | Object::StatefulSet(_) | Object::DaemonSet(_) => {
                    files.rollouts.push(file.clone())
                }
                _ => {}
            }
            files.files.push(file);
        }
        if !files.files.is_empty() {
            out.push(files);
        }
    }
    out
}

/// The plain-kubectl sequence, one command per line, run from the environment directory:
/// apply a phase, wait for its Jobs to complete (and, before an after-deploy phase, for
/// the rollouts), apply the next.
pub fn kubectl_sequence(phases: &[PhaseFiles]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, p) in phases.iter().enumerate() {
        out.push(format!("kubectl apply -k {}", p.phase.dir()));
        for (file, deadline) in &p.jobs {
            let minutes = job_wait_minutes(*deadline);
            out.push(format!(
                "kubectl wait --for=condition=complete --timeout={minutes}m -f {file}"
            ));
        }
        let next_runs_hooks = phases
            .get(i + 1)
            .is_some_and(|n| n.phase == Phase::AfterDeploy);
        if next_runs_hooks {
            for file in &p.rollouts {
                out.push(format!("kubectl rollout status --timeout=10m -f {file}"));
            }
        }
    }
    out
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FluxKustomization {
    api_version: &'static str,
    kind: &'static str,
    metadata: FluxMeta,
    spec: FluxSpec,
}

#[derive(Serialize)]
struct FluxMeta {
    name: String,
    namespace: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct FluxSpec {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    depends_on: Vec<FluxRef>,
    interval: &'static str,
    retry_interval: &'static str,
    timeout: String,
    source_ref: FluxSourceRef,
    path: String,
    prune: bool,
    wait: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    patches: Vec<FluxPatch>,
}

#[derive(Serialize)]
struct FluxRef {
    name: String,
}

#[derive(Serialize)]
struct FluxSourceRef {
    kind: &'static str,
    name: String,
}

#[derive(Serialize)]
struct FluxPatch {
    target: FluxTarget,
    patch: &'static str,
}

#[derive(Serialize)]
struct FluxTarget {
    group: &'static str,
    version: &'static str,
    kind: &'static str,
}

/// Removes `ttlSecondsAfterFinished` from the Jobs Flux applies: Flux re-creates an object
/// that disappeared from the cluster, so a Job deleted by its TTL would run again at the
/// next reconciliation. Without it the finished Job stays; its content-hashed name changes
/// with its spec, and `prune` deletes the superseded one.
const KEEP_FINISHED_JOBS: &str = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: any\nspec:\n  ttlSecondsAfterFinished: null\n";

/// The name of the Flux `Kustomization` of one phase: `<app>-<env>-<phase>`.
pub fn flux_name(app: &str, environment: &str, phase: Phase) -> String {
    format!("{app}-{environment}-{}", phase.slug())
}

/// One Flux `Kustomization` of an environment: a phase directory, or the whole
/// environment directory (`./`) when it has no phases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FluxUnit {
    name: String,
    path: String,
    timeout_minutes: i64,
    has_jobs: bool,
}

impl FluxUnit {
    /// One unit per phase, named `<app>-<env>-<phase>`.
    pub(crate) fn per_phase(app: &str, environment: &str, phases: &[PhaseFiles]) -> Vec<Self> {
        phases
            .iter()
            .map(|p| FluxUnit {
                name: flux_name(app, environment, p.phase),
                path: format!("./{}", p.phase.dir()),
                timeout_minutes: p.timeout_minutes(),
                has_jobs: !p.jobs.is_empty(),
            })
            .collect()
    }

    /// The whole environment directory as one unit named `<app>-<env>`, if it holds a Job
    /// (a run-once Job needs the Flux file's TTL patch); `None` otherwise.
    pub(crate) fn whole(app: &str, environment: &str, manifests: &[Manifest]) -> Option<Self> {
        let all = PhaseFiles {
            phase: Phase::Deploy,
            files: Vec::new(),
            jobs: manifests
                .iter()
                .filter_map(|m| match &m.object {
                    Object::Job(j) => Some((
                        String::new(),
                        j.spec.as_ref().and_then(|s| s.active_deadline_seconds),
                    )),
                    _ => None,
                })
                .collect(),
            rollouts: Vec::new(),
        };
        (!all.jobs.is_empty()).then(|| FluxUnit {
            name: format!("{app}-{environment}"),
            path: "./".to_owned(),
            timeout_minutes: all.timeout_minutes(),
            has_jobs: true,
        })
    }
}

/// [`FLUX_FILE`]: one Flux `Kustomization` per unit, each depending on the previous one
/// and waiting for its objects to be ready (Jobs complete) before the next starts. They
/// read the OCIRepository `<app>-<env>` in `flux-system`, whose artifact is this
/// environment directory.
pub(crate) fn flux_file(
    head: &str,
    app: &str,
    environment: &str,
    units: &[FluxUnit],
) -> Result<String, YamlError> {
    let mut text = format!(
        "{head}# Flux Kustomizations, applied in order (dependsOn), each waiting for its objects\n\
         # (wait: true; a Job is ready once it completed). They read the OCIRepository\n\
         # `{app}-{environment}` in namespace `{FLUX_NAMESPACE}`, whose artifact is this environment\n\
         # directory. Apply this file to the Flux cluster; it is not part of the app's\n\
         # kustomization. Jobs lose their TTL on this path: Flux would re-create a Job its TTL\n\
         # deleted and run it again; the finished Job stays until a new spec (a new name)\n\
         # replaces it and prune deletes it.\n"
    );
    let mut previous: Option<String> = None;
    for u in units {
        let k = FluxKustomization {
            api_version: FLUX_KUSTOMIZATION_API,
            kind: "Kustomization",
            metadata: FluxMeta {
                name: u.name.clone(),
                namespace: FLUX_NAMESPACE,
            },
            spec: FluxSpec {
                depends_on: previous
                    .take()
                    .map(|n| FluxRef { name: n })
                    .into_iter()
                    .collect(),
                interval: "10m",
                retry_interval: "2m",
                timeout: format!("{}m", u.timeout_minutes),
                source_ref: FluxSourceRef {
                    kind: "OCIRepository",
                    name: format!("{app}-{environment}"),
                },
                path: u.path.clone(),
                prune: true,
                wait: true,
                patches: if u.has_jobs {
                    vec![FluxPatch {
                        target: FluxTarget {
                            group: "batch",
                            version: "v1",
                            kind: "Job",
                        },
                        patch: KEEP_FINISHED_JOBS,
                    }]
                } else {
                    Vec::new()
                },
            },
        };
        text.push_str("---\n");
        text.push_str(&to_yaml(&k)?);
        previous = Some(u.name.clone());
    }
    Ok(text)
}

/// The comment at the top of the environment's `kustomization.yaml` when it has phases.
pub(crate) fn top_comment(phases: &[PhaseFiles]) -> String {
    let mut s = String::from(
        "#\n\
         # This environment has lifecycle hooks. Helm and Argo CD order them by their annotations;\n\
         # plain kubectl and Flux read none, so the objects are grouped in phases:\n",
    );
    for p in phases {
        let what = match p.phase {
            Phase::BeforeDeploy => {
                "namespaces, hooks that run before the application and what they use"
            }
            Phase::Deploy => "the application",
            Phase::AfterDeploy => "hooks that run once the application is rolled out",
        };
        s.push_str(&format!("#   {:<24} {what}\n", p.phase.dir()));
    }
    s.push_str(
        "# `kubectl apply -k` of this directory applies every phase at once (hooks would run\n\
         # alongside the rollout). With plain kubectl, run from this directory, stopping at the\n\
         # first failure:\n",
    );
    for line in kubectl_sequence(phases) {
        s.push_str(&format!("#   {line}\n"));
    }
    s.push_str(&format!(
        "# Flux: {FLUX_FILE} chains one Kustomization per phase (dependsOn, wait: true).\n"
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::object::Origin;
    use k8s_openapi::api::batch::v1::{Job, JobSpec};
    use k8s_openapi::api::core::v1::{
        ConfigMap, ConfigMapEnvSource, Container, EnvFromSource, PodTemplateSpec,
    };
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

    fn manifest(object: Object) -> Manifest {
        Manifest {
            origin: Origin {
                app: "shop".into(),
                environment: "production".into(),
                component: None,
                declared_at: None,
                ..Origin::default()
            },
            object,
        }
    }

    fn meta(name: &str, hook: Option<&str>) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.into()),
            namespace: Some("shop".into()),
            annotations: hook.map(|h| BTreeMap::from([(ARGO_HOOK.to_owned(), h.to_owned())])),
            ..Default::default()
        }
    }

    fn job(name: &str, hook: Option<&str>, config: &str) -> Object {
        Job {
            metadata: meta(name, hook),
            spec: Some(JobSpec {
                template: PodTemplateSpec {
                    spec: Some(PodSpec {
                        containers: vec![Container {
                            name: "main".into(),
                            env_from: Some(vec![EnvFromSource {
                                config_map_ref: Some(ConfigMapEnvSource {
                                    name: config.into(),
                                    ..Default::default()
                                }),
                                ..Default::default()
                            }]),
                            ..Default::default()
                        }],
                        ..Default::default()
                    }),
                    ..Default::default()
                },
                ..Default::default()
            }),
            ..Default::default()
        }
        .into()
    }

    fn config(name: &str) -> Object {
        ConfigMap {
            metadata: meta(name, None),
            ..Default::default()
        }
        .into()
    }

    #[test]
    fn no_hook_no_phases() {
        let m = [manifest(config("cfg")), manifest(job("run", None, "cfg"))];
        assert_eq!(phases(&m), None);
    }

    #[test]
    fn what_a_before_deploy_hook_uses_comes_before_it() {
        let m = [
            manifest(config("shared")),
            manifest(config("other")),
            manifest(job("migrate", Some("PreSync"), "shared")),
            manifest(job("seed", Some("PostSync"), "other")),
        ];
        assert_eq!(
            phases(&m).unwrap(),
            [
                Phase::BeforeDeploy,
                Phase::Deploy,
                Phase::BeforeDeploy,
                Phase::AfterDeploy
            ],
            "the migration's ConfigMap moves before it; the post hook's stays in deploy"
        );
    }

    #[test]
    fn the_kubectl_sequence_waits_for_each_phase() {
        let m = [
            manifest(config("shared")),
            manifest(config("app")),
            manifest(job("migrate", Some("PreSync"), "shared")),
        ];
        let grouped = group(&m, &phases(&m).unwrap());
        assert_eq!(
            kubectl_sequence(&grouped),
            [
                "kubectl apply -k phases/1-before-deploy",
                "kubectl wait --for=condition=complete --timeout=30m -f phases/1-before-deploy/job-migrate.yaml",
                "kubectl apply -k phases/2-deploy",
            ]
        );
    }
}
