//! Which part of a rendered object each recorded component setting produced: the
//! `(field path prefix, location)` pairs of [`Origin::field_locations`](crate::Origin),
//! so a validator finding is reported at the builder call that set the field rather
//! than at `Component::builder()`.

use std::panic::Location;

use crate::model::set_at::{SetAt, Setting};

/// Path of the pod spec in an object of `kind`, if it runs pods.
fn pod_spec(kind: &str) -> Option<&'static str> {
    match kind {
        "Deployment" | "StatefulSet" | "Job" => Some("spec.template.spec"),
        "CronJob" => Some("spec.jobTemplate.spec.template.spec"),
        _ => None,
    }
}

/// The field path prefixes `setting` renders to in an object of `kind`. `set_at` tells
/// which other settings were made, for fields two settings share (volumes: writable
/// directories and files; Role rules: API access and spawned jobs), which are attributed
/// only when one of the two was made.
fn prefixes(kind: &str, setting: Setting, set_at: &SetAt) -> Vec<String> {
    let alone = |other: Setting| !set_at.contains_key(&other);
    if let Some(pod) = pod_spec(kind) {
        let container = format!("{pod}.containers[0]");
        let in_container = |field: &str| vec![format!("{container}.{field}")];
        return match setting {
            Setting::Image => in_container("image"),
            Setting::Resources => in_container("resources"),
            Setting::Command => in_container("command"),
            Setting::Args => in_container("args"),
            Setting::Env => in_container("env"),
            Setting::EnvFromConfig => in_container("envFrom"),
            Setting::PreStop => in_container("lifecycle"),
            Setting::RunAs => vec![
                format!("{pod}.securityContext"),
                format!("{container}.securityContext"),
            ],
            Setting::ApiAccess => vec![format!("{pod}.automountServiceAccountToken")],
            Setting::NodeSelector => vec![format!("{pod}.nodeSelector")],
            Setting::Tolerations => vec![format!("{pod}.tolerations")],
            Setting::PriorityClass => vec![format!("{pod}.priorityClassName")],
            Setting::TerminationGracePeriod => {
                vec![format!("{pod}.terminationGracePeriodSeconds")]
            }
            Setting::WritableDirs | Setting::Files => {
                let other = if setting == Setting::Files {
                    Setting::WritableDirs
                } else {
                    Setting::Files
                };
                if alone(other) {
                    vec![
                        format!("{pod}.volumes"),
                        format!("{container}.volumeMounts"),
                    ]
                } else {
                    Vec::new()
                }
            }
            Setting::Workload => vec!["spec".to_owned()],
            Setting::Keep => {
                let template = pod.strip_suffix(".spec").unwrap_or(pod);
                vec![
                    "spec.selector".to_owned(),
                    format!("{template}.metadata.labels"),
                    format!("{pod}.serviceAccountName"),
                    format!("{container}.name"),
                ]
            }
            Setting::TalksTo
            | Setting::ServiceAccountAnnotations
            | Setting::SpawnsJobs
            | Setting::OpenNetwork => Vec::new(),
        };
    }
    match (kind, setting) {
        ("Service" | "HorizontalPodAutoscaler" | "PodDisruptionBudget", Setting::Workload) => {
            vec!["spec".to_owned()]
        }
        ("NetworkPolicy", Setting::TalksTo) => vec!["spec.egress".to_owned()],
        ("NetworkPolicy", Setting::OpenNetwork) => vec!["spec".to_owned()],
        ("Service" | "PodDisruptionBudget", Setting::Keep) => vec!["spec.selector".to_owned()],
        ("ServiceAccount", Setting::ServiceAccountAnnotations) => {
            vec!["metadata.annotations".to_owned()]
        }
        ("ConfigMap", Setting::Files) => vec!["data".to_owned()],
        ("Role", Setting::ApiAccess) if alone(Setting::SpawnsJobs) => vec!["rules".to_owned()],
        ("Role", Setting::SpawnsJobs) if alone(Setting::ApiAccess) => vec!["rules".to_owned()],
        _ => Vec::new(),
    }
}

/// `(field path prefix, location)` of every recorded setting that renders into an
/// object of `kind`, in a fixed order.
pub(crate) fn field_locations(
    kind: &str,
    set_at: &SetAt,
) -> Vec<(String, &'static Location<'static>)> {
    set_at
        .iter()
        .flat_map(|(setting, at)| {
            prefixes(kind, *setting, set_at)
                .into_iter()
                .map(move |prefix| (prefix, *at))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn here() -> &'static Location<'static> {
        Location::caller()
    }

    fn prefixes_of(kind: &str, set_at: &SetAt) -> Vec<(String, u32)> {
        field_locations(kind, set_at)
            .into_iter()
            .map(|(p, l)| (p, l.line()))
            .collect()
    }

    #[test]
    fn container_settings_map_into_the_pod_template_of_each_workload_kind() {
        let (env, resources) = (here(), here());
        let set_at = SetAt::from([(Setting::Env, env), (Setting::Resources, resources)]);
        assert_eq!(
            prefixes_of("Deployment", &set_at),
            [
                (
                    "spec.template.spec.containers[0].resources".to_owned(),
                    resources.line()
                ),
                (
                    "spec.template.spec.containers[0].env".to_owned(),
                    env.line()
                ),
            ]
        );
        assert_eq!(
            prefixes_of("CronJob", &set_at)[1].0,
            "spec.jobTemplate.spec.template.spec.containers[0].env"
        );
        assert!(prefixes_of("Service", &set_at).is_empty());
    }

    #[test]
    fn other_objects_map_the_settings_they_come_from() {
        let set_at = SetAt::from([
            (Setting::TalksTo, here()),
            (Setting::Workload, here()),
            (Setting::ServiceAccountAnnotations, here()),
        ]);
        let only = |kind: &str| -> Vec<String> {
            prefixes_of(kind, &set_at)
                .into_iter()
                .map(|(p, _)| p)
                .collect()
        };
        assert_eq!(only("NetworkPolicy"), ["spec.egress"]);
        assert_eq!(only("Service"), ["spec"]);
        assert_eq!(only("ServiceAccount"), ["metadata.annotations"]);
        assert_eq!(only("StatefulSet"), ["spec"]);
    }

    #[test]
    fn shared_fields_are_attributed_only_when_one_setting_made_them() {
        let dirs = SetAt::from([(Setting::WritableDirs, here())]);
        assert_eq!(prefixes_of("Job", &dirs).len(), 2);
        let both = SetAt::from([(Setting::WritableDirs, here()), (Setting::Files, here())]);
        assert!(prefixes_of("Job", &both).is_empty());
        assert!(prefixes_of("Deployment", &SetAt::new()).is_empty());
    }
}
