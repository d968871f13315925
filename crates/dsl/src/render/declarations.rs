//! Records what a declaration knows, but the objects alone would not show, as
//! annotations on the emitted objects. `kairn lint` reads the same annotations, so linting
//! emitted YAML agrees with the validation `emit` ran:
//!
//! - each code waiver becomes `kairn.dev/waive.<rule>: <reason>` on the object it waives;
//! - each workload lists the Secrets created outside kairn that its pods need in
//!   `kairn.dev/external-secrets` (also a checklist for whoever applies the manifests);
//! - each workload lists the existing PersistentVolumeClaims its pods mount in
//!   `kairn.dev/external-claims`;
//! - a ServiceAccount used only by pods created at run time (spawned Jobs) carries
//!   `kairn.dev/runtime-service-account: "true"`.
//! - a workload with containers whose resources are declared as the source has them
//!   ([`Resources::as_source`](crate::Resources::as_source)) says why in
//!   `kairn.dev/resources-as-source`, one `<container>: <reason>` per line;
//! - a workload whose pods run as a ServiceAccount its component keeps
//!   ([`Kept::service_account`](crate::Kept)), and a RoleBinding granting to it, name that
//!   existing account in `kairn.dev/external-service-account`.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::PodSpec;

use crate::model::app::App;
use crate::object::{Manifest, Object};

use lint::WAIVE_ANNOTATION_PREFIX;
pub use lint::{
    EXTERNAL_CLAIMS_ANNOTATION, EXTERNAL_SECRETS_ANNOTATION, EXTERNAL_SERVICE_ACCOUNT_ANNOTATION,
    RESOURCES_AS_SOURCE_ANNOTATION, RUNTIME_SERVICE_ACCOUNT_ANNOTATION,
};

/// `<container>: <reason>` for each container of the component whose resources are
/// declared as the source has them, one per line.
fn resources_as_source(component: &crate::Component) -> Option<String> {
    let main = std::iter::once((
        super::kept::container_name(component),
        component.resources.as_source,
    ));
    let further = component.containers.iter().map(|pc| {
        (
            pc.container.name.to_string(),
            pc.container.resources.as_source,
        )
    });
    let lines: Vec<String> = main
        .chain(further)
        .filter_map(|(name, reason)| reason.map(|r| format!("{name}: {r}")))
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// Names of the existing claims a component mounts ([`Volume::claim`](crate::Volume::claim)),
/// created outside kairn.
pub fn external_claims(component: &crate::Component) -> Vec<String> {
    component
        .pod
        .volumes
        .iter()
        .filter_map(|v| match v {
            crate::Volume::Claim(c) => Some(c.claim.to_string()),
            crate::Volume::Files(_) => None,
        })
        .collect()
}

/// Secret names a pod spec references (env, envFrom, volumes, image pull secrets).
pub fn secrets_referenced(spec: &PodSpec) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let containers = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten());
    for c in containers {
        for e in c.env.iter().flatten() {
            if let Some(r) = e
                .value_from
                .as_ref()
                .and_then(|v| v.secret_key_ref.as_ref())
            {
                names.insert(r.name.clone());
            }
        }
        for e in c.env_from.iter().flatten() {
            if let Some(r) = &e.secret_ref {
                names.insert(r.name.clone());
            }
        }
    }
    for v in spec.volumes.iter().flatten() {
        if let Some(name) = v.secret.as_ref().and_then(|s| s.secret_name.clone()) {
            names.insert(name);
        }
        for source in v.projected.iter().flat_map(|p| p.sources.iter().flatten()) {
            if let Some(s) = &source.secret {
                names.insert(s.name.clone());
            }
        }
    }
    for r in spec.image_pull_secrets.iter().flatten() {
        names.insert(r.name.clone());
    }
    names
}

fn pod_spec(object: &Object) -> Option<&PodSpec> {
    let template = match object {
        Object::Deployment(d) => d.spec.as_ref().map(|s| &s.template),
        Object::StatefulSet(s) => s.spec.as_ref().map(|s| &s.template),
        Object::DaemonSet(d) => d.spec.as_ref().map(|s| &s.template),
        Object::Job(j) => j.spec.as_ref().map(|s| &s.template),
        Object::CronJob(c) => c
            .spec
            .as_ref()
            .and_then(|s| s.job_template.spec.as_ref())
            .map(|s| &s.template),
        _ => None,
    };
    template.and_then(|t| t.spec.as_ref())
}

fn annotate(object: &mut Object, key: String, value: String) {
    object
        .metadata_mut()
        .annotations
        .get_or_insert_with(BTreeMap::new)
        .insert(key, value);
}

/// Adds the declaration annotations to the rendered objects of `app`.
pub(crate) fn record(app: &App, manifests: &mut [Manifest]) {
    let external: BTreeSet<String> = app
        .secrets
        .iter()
        .map(|s| s.name().to_string())
        .chain(app.image_pull_secrets.iter().map(|n| n.to_string()))
        .chain(
            app.components
                .iter()
                .flat_map(|c| c.pod.image_pull_secrets.iter().map(|n| n.to_string())),
        )
        .collect();
    let claims: BTreeSet<String> = app.components.iter().flat_map(external_claims).collect();
    let runtime_accounts: Vec<(String, String)> = app
        .components
        .iter()
        .filter_map(|c| c.spawns_jobs.as_ref())
        .map(|j| (j.namespace.to_string(), j.service_account.to_string()))
        .collect();
    for m in manifests.iter_mut() {
        for w in &app.waivers {
            let names_it =
                w.name == m.object.name() || Some(w.name.as_str()) == m.origin.component.as_deref();
            if w.kind == m.object.kind() && names_it && !w.reason.trim().is_empty() {
                annotate(
                    &mut m.object,
                    format!("{WAIVE_ANNOTATION_PREFIX}{}", w.rule),
                    w.reason.clone(),
                );
            }
        }
        let needed: Vec<String> = pod_spec(&m.object)
            .map(|spec| {
                secrets_referenced(spec)
                    .intersection(&external)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        if !needed.is_empty() {
            annotate(
                &mut m.object,
                EXTERNAL_SECRETS_ANNOTATION.to_owned(),
                needed.join(","),
            );
        }
        let mounted: Vec<String> = pod_spec(&m.object)
            .map(|spec| {
                spec.volumes
                    .iter()
                    .flatten()
                    .filter_map(|v| v.persistent_volume_claim.as_ref())
                    .map(|c| c.claim_name.clone())
                    .filter(|c| claims.contains(c))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect()
            })
            .unwrap_or_default();
        if !mounted.is_empty() {
            annotate(
                &mut m.object,
                EXTERNAL_CLAIMS_ANNOTATION.to_owned(),
                mounted.join(","),
            );
        }
        let component = m
            .origin
            .component
            .as_deref()
            .and_then(|c| app.components.iter().find(|x| x.name.as_str() == c));
        if let Some(why) = component
            .filter(|_| pod_spec(&m.object).is_some())
            .and_then(resources_as_source)
        {
            annotate(
                &mut m.object,
                RESOURCES_AS_SOURCE_ANNOTATION.to_owned(),
                why,
            );
        }
        let kept_account = component.and_then(super::kept::external_service_account);
        if let Some(account) = kept_account {
            let runs_as = pod_spec(&m.object)
                .is_some_and(|s| s.service_account_name.as_deref() == Some(account));
            let binds = matches!(&m.object, Object::RoleBinding(b)
                if b.subjects.iter().flatten().any(|s| s.kind == "ServiceAccount" && s.name == account));
            if runs_as || binds {
                annotate(
                    &mut m.object,
                    EXTERNAL_SERVICE_ACCOUNT_ANNOTATION.to_owned(),
                    account.to_owned(),
                );
            }
        }
        if let Object::ServiceAccount(sa) = &m.object {
            let id = (
                sa.metadata.namespace.clone().unwrap_or_default(),
                m.object.name().to_owned(),
            );
            if runtime_accounts.contains(&id) {
                annotate(
                    &mut m.object,
                    RUNTIME_SERVICE_ACCOUNT_ANNOTATION.to_owned(),
                    "true".to_owned(),
                );
            }
        }
    }
}
