//! Inquisitor, the Apparatus System Harness (seed 003): a Raft cluster of 2f+1 members as
//! a StatefulSet (stable identities, a volume per member and per data directory, peers
//! derived from the member count and the headless Service), plus the stateless API layer
//! the seed autoscales, as its own Deployment in front of the cluster.

use std::collections::BTreeMap;

use dsl::*;

use crate::inputs::{InputError, Inputs};
use crate::registry::{Declaration, InputSpec};

environments! {
    /// Inquisitor's environments.
    pub enum Env { Production => "production" }
}

/// The Inquisitor declaration.
pub struct Inquisitor;

/// The seed publishes `v*` release tags; `latest` is mutable and, for a consensus
/// cluster, lets members run different versions.
const IMAGE: Image = image!("ghcr.io/wadelabs/apparatus-system-harness:v0.1.0");
/// The client port of every member and of the API layer.
const HTTP: NamedPort = NamedPort::new(port_name!("http"), port!(8000));

external_secret! {
    /// The Secret both components read (created outside kairn).
    struct Secrets {
        api_key: "api-key",
    }
}

/// `/health` (liveness) and `/ready` (readiness) on the named port, with the seed's timings.
fn probes() -> Probes {
    let http = |path: HttpPath| Check::http(path, &HTTP);
    Probes::builder()
        .liveness(
            Probe::builder()
                .check(http(http_path!("/health")))
                .initial_delay_seconds(30)
                .period_seconds(10)
                .build(),
        )
        .readiness(
            Probe::builder()
                .check(http(http_path!("/ready")))
                .initial_delay_seconds(10)
                .period_seconds(5)
                .build(),
        )
        .build()
}

fn metrics() -> Metrics {
    Metrics::builder()
        .port(&HTTP)
        .path(http_path!("/metrics"))
        .build()
}

dsl::register!(Inquisitor);

impl Declaration for Inquisitor {
    type Env = Env;
    const ID: &'static str = "inquisitor";
    const INPUTS: &'static [InputSpec] = &[InputSpec {
        key: "client-source-ranges",
        help: "comma-separated CIDR blocks allowed to reach the client API's load balancer \
               (default: the private ranges 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
    }];

    fn declare(env: Env, inputs: &Inputs) -> Result<App, InputError> {
        let (members, api_scaling, resources, storage_class) = match env {
            Env::Production => (
                quorum!(3),
                autoscaling!(2..=10).cpu(70),
                Resources::new(cpu!("500m"), cpu!("1"), memory!("1Gi"), memory!("2Gi")),
                name!("standard"),
            ),
        };
        let namespace = name!("inquisitor-system");
        let app_name = name!("inquisitor");
        let config_map = app_name.join("config");
        let secrets = Secrets::named(name!("inquisitor-secrets"));
        let api_key = EnvVar::secret(env_name!("API_KEY"), secrets.api_key());

        let raft = Component::builder()
            .name(name!("raft"))
            .image(IMAGE)
            .resources(resources)
            .workload(
                StatefulCluster::builder()
                    .members(members)
                    .port(HTTP)
                    .peer_port(NamedPort::new(port_name!("raft"), port!(4321)))
                    .probes(probes())
                    .volumes(vec![
                        MemberVolume::builder()
                            .name(name!("manifests"))
                            .size(storage!("5Gi"))
                            .mount_path("/app/manifests")
                            .storage_class(storage_class.clone())
                            .build(),
                        MemberVolume::builder()
                            .name(name!("artifacts"))
                            .size(storage!("10Gi"))
                            .mount_path("/app/artifacts")
                            .storage_class(storage_class)
                            .build(),
                    ])
                    .metrics(metrics())
                    .build(),
            )
            .env(vec![
                api_key.clone(),
                EnvVar::field(env_name!("POD_NAME"), PodField::Name),
                EnvVar::field(env_name!("POD_NAMESPACE"), PodField::Namespace),
            ])
            .env_from_config(true)
            .writable_dirs(vec![WritableDir::tmp(storage!("256Mi"))])
            .run_as(run_as!(1000, 1000))
            // The seed's Role: read its ConfigMaps and Secrets, here only its own.
            .api_access(vec![
                AccessRule::new("", ["configmaps"], ["get", "list", "watch"])
                    .named([config_map.to_string()]),
                AccessRule::new("", ["secrets"], ["get", "list", "watch"])
                    .named([secrets.name().to_string()]),
            ])
            .build();

        // The API layer the seed's HPA targets (`inquisitor-api`): stateless, scaled on
        // CPU, reaching the cluster through its client Service.
        let cluster_url = format!("http://{}.{namespace}.svc:80", app_name.join("raft"));
        let api = Component::builder()
            .name(name!("api"))
            .image(IMAGE)
            .resources(resources)
            .workload(
                HttpService::builder()
                    .port(HTTP)
                    .probes(probes())
                    .replicas(Replicas::Autoscaled(api_scaling))
                    .disruption(Disruption::MinAvailable(1))
                    .metrics(metrics())
                    .spread(Spread::AcrossNodes)
                    .exposure(Exposure::LoadBalancer {
                        source_ranges: client_ranges(inputs)?,
                    })
                    .build(),
            )
            .env(vec![
                api_key,
                EnvVar::literal(env_name!("INQUISITOR_CLUSTER_URL"), cluster_url),
                EnvVar::config_map(
                    env_name!("LOG_LEVEL"),
                    config_map.clone(),
                    key!("LOG_LEVEL"),
                ),
                EnvVar::config_map(env_name!("LOG_FORMAT"), config_map, key!("LOG_FORMAT")),
            ])
            .writable_dirs(vec![WritableDir::tmp(storage!("256Mi"))])
            .talks_to([&raft])
            .run_as(run_as!(1000, 1000))
            .build();

        Ok(App::builder()
            .name(app_name)
            .environment(env.name())
            .namespace(namespace)
            .create_namespace(true)
            .components((raft, api))
            .config(BTreeMap::from([
                (key!("LOG_LEVEL"), "INFO".to_owned()),
                (key!("LOG_FORMAT"), "json".to_owned()),
                (key!("MANIFEST_DIR"), "/app/manifests".to_owned()),
                (key!("ARTIFACT_DIR"), "/app/artifacts".to_owned()),
            ]))
            .secrets(vec![secrets.declaration()])
            .monitoring(
                Monitoring::builder()
                    .alerts(vec![
                        AlertRule::builder()
                            .alert("InquisitorDown")
                            .expr(r#"sum(up{job="{job}"}) == 0 or absent(up{job="{job}"})"#)
                            .for_("5m")
                            .severity(Severity::Critical)
                            .summary("Inquisitor is down")
                            .description("No Inquisitor target has been up for 5 minutes.")
                            .build(),
                        AlertRule::builder()
                            .alert("InquisitorNoRaftLeader")
                            .expr(r#"max(inquisitor_raft_leader{job="{job}"}) < 1"#)
                            .for_("5m")
                            .severity(Severity::Critical)
                            .summary("The Inquisitor Raft cluster has no leader")
                            .description(
                                "No member has reported itself Raft leader for 5 minutes: quorum is probably lost.",
                            )
                            .build(),
                    ])
                    .build(),
            )
            .build())
    }
}

/// The client CIDR blocks allowed through the API's load balancer: the input
/// `client-source-ranges`, or the private ranges (clients in the cluster's networks).
fn client_ranges(inputs: &Inputs) -> Result<Vec<String>, InputError> {
    let key = "client-source-ranges";
    let Some(given) = inputs.get(key) else {
        return Ok(dsl::render::PRIVATE_RANGES.map(str::to_owned).to_vec());
    };
    let error = |message: String| InputError {
        app: Inquisitor::ID.to_owned(),
        key: key.to_owned(),
        message,
    };
    let ranges: Vec<String> = given
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect();
    if ranges.is_empty() {
        return Err(error(
            "name at least one CIDR block, e.g. 203.0.113.0/24".into(),
        ));
    }
    for r in &ranges {
        let valid = r.split_once('/').is_some_and(|(ip, bits)| {
            match (ip.parse::<std::net::IpAddr>(), bits.parse::<u8>()) {
                (Ok(std::net::IpAddr::V4(_)), Ok(b)) => b <= 32,
                (Ok(std::net::IpAddr::V6(_)), Ok(b)) => b <= 128,
                _ => false,
            }
        });
        if !valid {
            return Err(error(format!(
                "{r:?} is not a CIDR block; write address/prefix, e.g. 203.0.113.0/24"
            )));
        }
        if r == "0.0.0.0/0" || r == "::/0" {
            return Err(error(format!(
                "{r} would expose the unauthenticated API to the internet; name the client networks"
            )));
        }
    }
    Ok(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(v: &str) -> Inputs {
        Inputs::new(BTreeMap::from([(
            "client-source-ranges".to_owned(),
            v.to_owned(),
        )]))
    }

    #[test]
    fn client_ranges_default_to_private_networks_and_accept_cidrs() {
        assert_eq!(client_ranges(&Inputs::default()).unwrap().len(), 3);
        assert_eq!(
            client_ranges(&inputs("203.0.113.0/24, 2001:db8::/32")).unwrap(),
            ["203.0.113.0/24", "2001:db8::/32"]
        );
        assert!(client_ranges(&inputs("203.0.113.0")).is_err());
        assert!(client_ranges(&inputs("0.0.0.0/0")).is_err());
        assert!(client_ranges(&inputs("10.0.0.0/33")).is_err());
        assert!(client_ranges(&inputs("")).is_err());
    }
}
