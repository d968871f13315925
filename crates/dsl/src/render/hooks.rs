//! Lifecycle hook annotations for Helm and Argo CD, and content-addressed hook Job names.
//! See [`crate::model::hook`] for the semantics.
//!
//! A Job that is not a hook is made run-once (`make_run_once`): named by its spec hash and
//! an Argo CD `Sync` hook; the Flux file removes its TTL (`output/phases.rs`; the
//! semantics per deployment path are in `docs/parity.md`).

use std::collections::BTreeMap;

use crate::model::hook::Hook;
use crate::object::Object;

/// `helm.sh/hook`
pub const HELM_HOOK: &str = "helm.sh/hook";
/// `helm.sh/hook-weight`
pub const HELM_HOOK_WEIGHT: &str = "helm.sh/hook-weight";
/// `helm.sh/hook-delete-policy`
pub const HELM_HOOK_DELETE_POLICY: &str = "helm.sh/hook-delete-policy";
/// `argocd.argoproj.io/hook`
pub const ARGO_HOOK: &str = "argocd.argoproj.io/hook";
/// `argocd.argoproj.io/hook-delete-policy`
pub const ARGO_HOOK_DELETE_POLICY: &str = "argocd.argoproj.io/hook-delete-policy";
/// `argocd.argoproj.io/sync-wave`
pub const ARGO_SYNC_WAVE: &str = "argocd.argoproj.io/sync-wave";

/// FNV-1a, 64 bit: stable across runs, platforms and Rust versions.
pub(crate) fn fnv64(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn annotations(hook: &Hook, weight: i16, job: bool) -> BTreeMap<String, String> {
    let (helm_delete, argo_delete) = if job {
        // Deleted once it succeeded; a failed run stays until its TTL for inspection.
        (
            "before-hook-creation,hook-succeeded",
            "BeforeHookCreation,HookSucceeded",
        )
    } else {
        // The Job's prerequisites stay until the next run replaces them.
        ("before-hook-creation", "BeforeHookCreation")
    };
    BTreeMap::from([
        (HELM_HOOK.to_owned(), hook.helm_events().to_owned()),
        (HELM_HOOK_WEIGHT.to_owned(), weight.to_string()),
        (HELM_HOOK_DELETE_POLICY.to_owned(), helm_delete.to_owned()),
        (ARGO_HOOK.to_owned(), hook.argo_phase().to_owned()),
        (ARGO_SYNC_WAVE.to_owned(), weight.to_string()),
        (ARGO_HOOK_DELETE_POLICY.to_owned(), argo_delete.to_owned()),
    ])
}

/// Appends the first 8 hex digits of a hash of the Job's spec to its name: a Job's pod
/// template is immutable, so a changed Job must be a new Job.
fn name_by_spec(job: &mut k8s_openapi::api::batch::v1::Job) {
    let spec = serde_json::to_vec(&job.spec).unwrap_or_default();
    let hash = format!("{:016x}", fnv64(spec));
    let name = job.metadata.name.clone().unwrap_or_default();
    job.metadata.name = Some(format!("{name}-{}", &hash[..8]));
}

/// Makes a Job that is not a hook run once per distinct spec on every path:
///
/// - its name ends in a hash of its spec, so a new image or input is a new Job (and a new
///   run) instead of a failed `kubectl apply` on the immutable pod template, and an
///   unchanged spec is the same Job: re-applying it while it exists runs nothing;
/// - Argo CD: a `Sync` hook (`BeforeHookCreation`, wave 1, after the claim and
///   ServiceAccount of wave 0). Hooks are not part of the sync status, so its TTL deleting
///   it does not put the application out of sync and self-heal never re-creates it; it
///   runs once per sync operation;
/// - Flux re-creates whatever is missing, so the Flux file removes the TTL on that path
///   instead (see [`crate::output::phases`]).
///
/// Helm and plain kubectl keep the TTL; an unchanged spec applied again after the TTL
/// deleted the Job runs it again (documented in `docs/parity.md`).
///
/// A Job whose name is kept from an imported app ([`Kept::workload_name`](crate::Kept))
/// keeps it: it names a Job that exists already.
pub(crate) fn make_run_once(objects: &mut [Object], kept_name: bool) {
    for object in objects.iter_mut() {
        let Object::Job(job) = object else { continue };
        if !kept_name {
            name_by_spec(job);
        }
        job.metadata
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .extend([
                (ARGO_HOOK.to_owned(), "Sync".to_owned()),
                (
                    ARGO_HOOK_DELETE_POLICY.to_owned(),
                    "BeforeHookCreation".to_owned(),
                ),
                (ARGO_SYNC_WAVE.to_owned(), "1".to_owned()),
            ]);
    }
}

/// Turns a hook component's objects into hooks: the Job gets the hook annotations and a
/// name ending in a hash of its spec; its ServiceAccount, RBAC, NetworkPolicy and
/// ConfigMaps become hooks of the same phase that run just before it. Claims that must
/// outlive the Job are left as ordinary objects. A kept Job name is not hashed (see
/// [`make_run_once`]).
pub(crate) fn make_hooks(hook: &Hook, objects: &mut [Object], kept_name: bool) {
    for object in objects.iter_mut() {
        let is_job = matches!(object, Object::Job(_));
        let support = matches!(
            object,
            Object::ServiceAccount(_)
                | Object::Role(_)
                | Object::RoleBinding(_)
                | Object::NetworkPolicy(_)
                | Object::ConfigMap(_)
        );
        if !is_job && !support {
            continue;
        }
        if let (Object::Job(job), false) = (&mut *object, kept_name) {
            name_by_spec(job);
        }
        let weight = if is_job {
            i16::from(hook.weight)
        } else {
            i16::from(hook.weight) - 1
        };
        let meta = object.metadata_mut();
        meta.annotations
            .get_or_insert_with(BTreeMap::new)
            .extend(annotations(hook, weight, is_job));
    }
}

#[cfg(test)]
mod tests {
    use crate::*;

    fn app(image: Image) -> App {
        let migrate = Component::builder()
            .name(name!("migrate"))
            .image(image)
            .resources(Resources::new(
                cpu!("100m"),
                cpu!("500m"),
                memory!("128Mi"),
                memory!("256Mi"),
            ))
            .workload(
                BatchJob::builder()
                    .backoff_limit(1)
                    .ttl_seconds_after_finished(600)
                    .hook(Hook::before_deploy().weight(3))
                    .build(),
            )
            .build();
        App::builder()
            .name(name!("shop"))
            .environment(name!("production"))
            .namespace(name!("shop"))
            .components(vec![migrate])
            .build()
    }

    fn job_name(app: &App) -> String {
        render(app)
            .iter()
            .find(|m| m.object.kind() == "Job")
            .map(|m| m.object.name().to_owned())
            .unwrap_or_default()
    }

    #[test]
    fn hook_jobs_are_named_by_their_spec() {
        let a = job_name(&app(image!("ghcr.io/acme/shop:1.0.0")));
        let b = job_name(&app(image!("ghcr.io/acme/shop:1.0.1")));
        assert!(a.starts_with("shop-migrate-") && a.len() == "shop-migrate-".len() + 8);
        assert_ne!(
            a, b,
            "a new image must be a new Job: pod templates are immutable"
        );
        assert_eq!(a, job_name(&app(image!("ghcr.io/acme/shop:1.0.0"))));
    }

    #[test]
    fn hook_and_its_prerequisites_are_annotated_for_helm_and_argo() {
        let manifests = render(&app(image!("ghcr.io/acme/shop:1.0.0")));
        for m in &manifests {
            let a = m.object.metadata().annotations.clone().unwrap_or_default();
            let (weight, delete) = if m.object.kind() == "Job" {
                ("3", "before-hook-creation,hook-succeeded")
            } else {
                ("2", "before-hook-creation")
            };
            assert_eq!(
                a[super::HELM_HOOK],
                "pre-install,pre-upgrade",
                "{}",
                m.object.kind()
            );
            assert_eq!(a[super::HELM_HOOK_WEIGHT], weight);
            assert_eq!(a[super::HELM_HOOK_DELETE_POLICY], delete);
            assert_eq!(a[super::ARGO_HOOK], "PreSync");
            assert_eq!(a[super::ARGO_SYNC_WAVE], weight);
        }
    }
}
