//! Namespace, ServiceAccounts and RBAC.

use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::meta::{app_labels, component_labels, object_meta, with_annotations};
use crate::model::app::App;
use crate::model::component::Component;
use crate::object::Object;
use crate::primitives::text::Name;

/// The namespace, enforcing the restricted Pod Security Standard.
pub(crate) fn namespace(app: &App) -> Object {
    namespace_object(app, &app.namespace)
}

/// A namespace of the app (its own, or one its spawned jobs run in), enforcing the
/// restricted Pod Security Standard.
pub(crate) fn namespace_object(app: &App, namespace: &Name) -> Object {
    let mut labels = app_labels(app);
    for mode in ["enforce", "audit", "warn"] {
        labels.insert(
            format!("pod-security.kubernetes.io/{mode}"),
            "restricted".into(),
        );
    }
    labels.insert("kubernetes.io/metadata.name".into(), namespace.to_string());
    Namespace {
        metadata: ObjectMeta {
            name: Some(namespace.to_string()),
            labels: Some(labels),
            ..Default::default()
        },
        ..Default::default()
    }
    .into()
}

/// Whether the component needs an API token in its pods: it was granted API access, or
/// it launches Jobs.
pub(crate) fn needs_api_token(component: &Component) -> bool {
    !component.api_access.is_empty() || component.spawns_jobs.is_some()
}

/// The component's ServiceAccount, plus Role and RoleBinding when it has API access.
pub(crate) fn service_account(app: &App, component: &Component) -> Vec<Object> {
    let name = app.object_name(&component.name);
    let labels = component_labels(app, component);
    let mut annotations = component.service_account_annotations.clone();
    annotations.extend(super::storage::service_account_annotations(component));
    // A kept ServiceAccount exists already and is not kairn's: none is rendered.
    let account = super::kept::service_account_name(app, component);
    let mut out: Vec<Object> = Vec::new();
    if super::kept::external_service_account(component).is_none() {
        out.push(
            ServiceAccount {
                metadata: with_annotations(object_meta(app, &name, labels.clone()), annotations),
                automount_service_account_token: Some(needs_api_token(component)),
                ..Default::default()
            }
            .into(),
        );
    }
    if !component.api_access.is_empty() {
        let rules = component
            .api_access
            .iter()
            .map(|r| PolicyRule {
                api_groups: Some(vec![r.api_group.clone()]),
                resources: Some(r.resources.clone()),
                verbs: r.verbs.clone(),
                resource_names: (!r.resource_names.is_empty()).then(|| r.resource_names.clone()),
                ..Default::default()
            })
            .collect();
        out.push(
            Role {
                metadata: object_meta(app, &name, labels.clone()),
                rules: Some(rules),
            }
            .into(),
        );
        out.push(role_binding(
            object_meta(app, &name, labels),
            name.as_str(),
            &account,
            app.namespace.as_str(),
        ));
    }
    out
}

/// A RoleBinding (named by `metadata`) granting the Role `role` to one ServiceAccount.
pub(crate) fn role_binding(
    metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    role: &str,
    service_account: &str,
    service_account_namespace: &str,
) -> Object {
    RoleBinding {
        metadata,
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".into(),
            kind: "Role".into(),
            name: role.to_owned(),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".into(),
            name: service_account.to_owned(),
            namespace: Some(service_account_namespace.to_owned()),
            ..Default::default()
        }]),
    }
    .into()
}
