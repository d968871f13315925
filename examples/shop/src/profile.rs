//! The shop's environments and everything that differs between them, decided in one
//! exhaustive `match`: a new environment does not compile until its numbers are chosen.

use dsl::*;

environments! {
    /// The shop's environments, in promotion order.
    pub enum Env {
        Staging => "staging",
        Production => "production",
    }
}

/// Everything that differs between the shop's environments.
#[derive(Clone, Debug)]
pub struct Profile {
    /// Namespace of every object.
    pub namespace: Name,
    /// Namespace of the log shipper (`shop-logs`), whose pods need host access.
    pub logs_namespace: Name,
    /// The host the API is served on.
    pub host: Host,
    /// API replicas, or its autoscaling range.
    pub api_replicas: Replicas,
    /// API requests and limits.
    pub api_resources: Resources,
    /// Queue workers.
    pub workers: u32,
    /// Worker requests and limits.
    pub worker_resources: Resources,
    /// How the API's and the workers' pods are spread over the cluster.
    pub spread: Spread,
    /// `log_level` in the configuration file.
    pub log_level: &'static str,
}

impl Profile {
    /// The settings of one environment.
    pub fn of(env: Env) -> Profile {
        match env {
            Env::Staging => Profile {
                namespace: name!("shop-staging"),
                logs_namespace: name!("shop-staging-logs"),
                host: host!("shop.staging.example.com"),
                api_replicas: Replicas::Fixed(2),
                api_resources: Resources::new(
                    cpu!("100m"),
                    cpu!("500m"),
                    memory!("128Mi"),
                    memory!("256Mi"),
                ),
                workers: 1,
                worker_resources: Resources::new(
                    cpu!("100m"),
                    cpu!("250m"),
                    memory!("128Mi"),
                    memory!("256Mi"),
                ),
                // Staging's nodes may all be in one zone: spread over zones where it can.
                spread: Spread::AcrossZonesBestEffort,
                log_level: "debug",
            },
            Env::Production => Profile {
                namespace: name!("shop-prod"),
                logs_namespace: name!("shop-prod-logs"),
                host: host!("shop.example.com"),
                api_replicas: Replicas::Autoscaled(autoscaling!(3..=12).cpu(70)),
                api_resources: Resources::new(
                    cpu!("250m"),
                    cpu!("1"),
                    memory!("256Mi"),
                    memory!("512Mi"),
                ),
                workers: 3,
                worker_resources: Resources::new(
                    cpu!("250m"),
                    cpu!("500m"),
                    memory!("256Mi"),
                    memory!("512Mi"),
                ),
                spread: Spread::AcrossZones,
                log_level: "info",
            },
        }
    }
}
