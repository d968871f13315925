//! Storage backends: the filesystem claim, and what cloud backends add to pods.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PersistentVolumeClaim;

use super::meta::{component_labels, object_meta, with_annotations};
use super::workloads::retained_claim_annotations;
use crate::model::app::App;
use crate::model::component::{Component, Workload};
use crate::model::storage::ObjectStorage;
use crate::object::Object;
use crate::primitives::text::Name;

/// The component's storage backend, if it declares one.
pub(crate) fn storage_of(component: &Component) -> Option<&ObjectStorage> {
    match &component.workload {
        Workload::Http(h) => h.storage.as_ref(),
        _ => None,
    }
}

/// Name of a filesystem backend's claim: `<app>-<component>-storage`.
pub(crate) fn claim_name(app: &App, component: &Component) -> Name {
    app.object_name(&component.name).join("storage")
}

/// The PersistentVolumeClaim of a filesystem backend. Like a Job's output volume, it
/// outlives the release (Helm `keep`, Argo CD no prune/delete).
pub(crate) fn claim(app: &App, component: &Component) -> Option<Object> {
    let fs = storage_of(component)?.filesystem()?;
    Some(
        PersistentVolumeClaim {
            metadata: with_annotations(
                object_meta(
                    app,
                    &claim_name(app, component),
                    component_labels(app, component),
                ),
                retained_claim_annotations(),
            ),
            spec: Some(super::workloads::claim_spec(
                fs.access_mode,
                fs.storage_class.as_ref(),
                fs.size,
            )),
            ..Default::default()
        }
        .into(),
    )
}

/// ServiceAccount annotations binding the backend's cloud identity.
pub(crate) fn service_account_annotations(component: &Component) -> BTreeMap<String, String> {
    storage_of(component)
        .and_then(ObjectStorage::identity)
        .map(|id| id.service_account_annotations())
        .unwrap_or_default()
}

/// Pod labels the backend's cloud identity webhook needs.
pub(crate) fn pod_labels(component: &Component) -> BTreeMap<String, String> {
    storage_of(component)
        .and_then(ObjectStorage::identity)
        .map(|id| id.pod_labels())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use crate::*;

    fn render_api(service: HttpService) -> Vec<Value> {
        let api = Component::builder()
            .name(name!("api"))
            .image(image!("ghcr.io/acme/api:1.0.0"))
            .resources(Resources::new(
                cpu!("100m"),
                cpu!("500m"),
                memory!("128Mi"),
                memory!("256Mi"),
            ))
            .workload(service)
            .build();
        let app = App::builder()
            .name(name!("shop"))
            .environment(name!("production"))
            .namespace(name!("shop"))
            .components([api])
            .build();
        render(&app)
            .iter()
            .map(|m| serde_json::to_value(&m.object).unwrap_or_default())
            .collect()
    }

    fn base() -> HttpServiceBuilder<NamedPort, AgentProbes> {
        HttpService::builder()
            .port(NamedPort::new(port_name!("http"), port!(8000)))
            .probes(Probes::http(
                NamedPort::new(port_name!("http"), port!(8080)),
                http_path!("/health"),
                http_path!("/ready"),
            ))
    }

    fn kind<'a>(objects: &'a [Value], kind: &str) -> &'a Value {
        objects
            .iter()
            .find(|o| o["kind"] == kind)
            .unwrap_or(&Value::Null)
    }

    use crate::model::builders::http::HttpServiceBuilder;

    #[test]
    fn azure_identity_annotates_the_service_account_and_labels_pods() {
        let objects = render_api(
            base()
                .replicas(Replicas::Fixed(2))
                .storage(AzureContainer {
                    account_name: name!("store"),
                    container_name: name!("files"),
                    client_id: azure_client_id!("00000000-1111-2222-3333-444444444444"),
                })
                .build(),
        );
        assert_eq!(
            kind(&objects, "ServiceAccount")["metadata"]["annotations"]
                ["azure.workload.identity/client-id"],
            "00000000-1111-2222-3333-444444444444"
        );
        assert_eq!(
            kind(&objects, "Deployment")["spec"]["template"]["metadata"]["labels"]
                ["azure.workload.identity/use"],
            "true"
        );
        assert_eq!(
            kind(&objects, "ServiceAccount")["automountServiceAccountToken"],
            false
        );
    }

    #[test]
    fn gcs_opens_the_metadata_server() {
        let objects = render_api(
            base()
                .replicas(Replicas::Fixed(2))
                .storage(GcsBucket {
                    bucket: name!("files"),
                    project_id: name!("my-project"),
                    service_account: gcp_service_account!("api@my-project.iam.gserviceaccount.com"),
                })
                .build(),
        );
        let egress = kind(&objects, "NetworkPolicy")["spec"]["egress"].clone();
        assert!(egress
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| r["to"][0]["ipBlock"]["cidr"] == "169.254.169.254/32"));
    }

    #[test]
    fn shared_volume_keeps_rolling_updates_and_any_replicas() {
        let objects = render_api(
            base()
                .replicas(Replicas::Autoscaled(autoscaling!(2..=5).cpu(70)))
                .storage(SharedVolume::new(storage!("20Gi"), "/data").storage_class(name!("efs")))
                .build(),
        );
        let claim = kind(&objects, "PersistentVolumeClaim");
        assert_eq!(claim["spec"]["accessModes"], json!(["ReadWriteMany"]));
        assert!(kind(&objects, "Deployment")["spec"]
            .get("strategy")
            .is_none());
        assert_eq!(
            kind(&objects, "HorizontalPodAutoscaler")["spec"]["maxReplicas"],
            5
        );
    }

    #[test]
    fn load_balancer_exposure_limits_sources() {
        let objects = render_api(
            base()
                .replicas(Replicas::Fixed(2))
                .exposure(Exposure::LoadBalancer {
                    source_ranges: vec!["203.0.113.0/24".into()],
                })
                .build(),
        );
        let svc = &kind(&objects, "Service")["spec"];
        assert_eq!(svc["type"], "LoadBalancer");
        assert_eq!(svc["loadBalancerSourceRanges"], json!(["203.0.113.0/24"]));
        assert_eq!(svc["externalTrafficPolicy"], "Local");
        let ingress = &kind(&objects, "NetworkPolicy")["spec"]["ingress"][0];
        assert_eq!(ingress["from"][0]["ipBlock"]["cidr"], "203.0.113.0/24");
        assert_eq!(ingress["ports"][0]["port"], "http");
    }
}
