//! Jobs a component spawns at run time: the launcher's Role and RoleBinding in the jobs'
//! namespace, the jobs' ServiceAccount, and (in a namespace of their own) the Namespace
//! and a NetworkPolicy for the spawned pods.

use k8s_openapi::api::core::v1::ServiceAccount;
use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicySpec};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use super::identity::namespace_object;
use super::meta::{app_labels, component_labels, with_annotations, Labels};
use super::network::egress_rules;
use crate::model::app::App;
use crate::model::component::Component;
use crate::model::jobs::SpawnedJobs;
use crate::object::Object;
use crate::primitives::text::Name;

fn meta(name: &Name, namespace: &Name, labels: Labels) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: Some(namespace.to_string()),
        labels: Some(labels),
        ..Default::default()
    }
}

fn rule(group: &str, resources: &[&str], verbs: &[&str]) -> PolicyRule {
    PolicyRule {
        api_groups: Some(vec![group.to_owned()]),
        resources: Some(resources.iter().map(|s| (*s).to_owned()).collect()),
        verbs: verbs.iter().map(|s| (*s).to_owned()).collect(),
        ..Default::default()
    }
}

/// The rules a launcher needs: create Jobs, follow them, delete them (cancelled runs,
/// propagating to their pods); with `read_logs`, also read their pods and logs.
pub(crate) fn launcher_rules(jobs: &SpawnedJobs) -> Vec<PolicyRule> {
    let mut rules = vec![rule(
        "batch",
        &["jobs"],
        &["create", "delete", "get", "list", "watch"],
    )];
    if jobs.read_logs {
        rules.push(rule("", &["pods"], &["get", "list", "watch"]));
        rules.push(rule("", &["pods/log"], &["get"]));
    }
    rules
}

/// Whether the spawned jobs live in a namespace of their own.
pub(crate) fn separate_namespace(app: &App, jobs: &SpawnedJobs) -> bool {
    jobs.namespace != app.namespace
}

/// Every object around the jobs a component spawns.
pub(crate) fn spawned_jobs(app: &App, component: &Component) -> Vec<Object> {
    let Some(jobs) = &component.spawns_jobs else {
        return Vec::new();
    };
    let launcher = app.object_name(&component.name);
    let rbac_name = launcher.join("jobs");
    let labels = component_labels(app, component);
    let mut out: Vec<Object> = Vec::new();
    if separate_namespace(app, jobs) && app.create_namespace {
        out.push(namespace_object(app, &jobs.namespace));
    }
    out.push(
        Role {
            metadata: meta(&rbac_name, &jobs.namespace, labels.clone()),
            rules: Some(launcher_rules(jobs)),
        }
        .into(),
    );
    out.push(super::identity::role_binding(
        meta(&rbac_name, &jobs.namespace, labels.clone()),
        rbac_name.as_str(),
        &super::kept::service_account_name(app, component),
        app.namespace.as_str(),
    ));
    out.push(
        ServiceAccount {
            metadata: with_annotations(
                meta(&jobs.service_account, &jobs.namespace, app_labels(app)),
                jobs.annotations(),
            ),
            automount_service_account_token: Some(false),
            ..Default::default()
        }
        .into(),
    );
    if separate_namespace(app, jobs) {
        // Every pod in the jobs' namespace: nothing may connect to them, and they reach
        // only DNS and what they declare.
        out.push(
            NetworkPolicy {
                metadata: meta(&jobs.service_account, &jobs.namespace, app_labels(app)),
                spec: Some(NetworkPolicySpec {
                    pod_selector: Some(LabelSelector::default()),
                    policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
                    ingress: Some(Vec::new()),
                    egress: Some(egress_rules(app, jobs.talks_to.iter(), true)),
                }),
            }
            .into(),
        );
    }
    out
}
