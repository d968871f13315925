//! {{app}}: an HTTP API in two environments.

use dsl::registry::{Declaration, InputError, Inputs};
use dsl::*;

environments! {
    /// The environments of {{app}}, in promotion order.
    pub enum Env {
        Staging => "staging",
        Production => "production",
    }
}

/// The {{app}} declaration.
pub struct {{app_type}};

dsl::register!({{app_type}});

// The image the API runs: replace it with your own.
const IMAGE: Image = image!("registry.example.com/{{app}}:0.1.0");
const HTTP: NamedPort = NamedPort::new(port_name!("http"), port!(8080));
const NAME: Name = name!("{{app}}");
// One namespace per environment (created by the manifests: `create_namespace(true)`).
const STAGING: Name = name!("{{app}}-staging");
const PRODUCTION: Name = name!("{{app}}-production");

impl Declaration for {{app_type}} {
    type Env = Env;
    const ID: &'static str = "{{app}}";

    fn declare(env: Env, _inputs: &Inputs) -> Result<App, InputError> {
        let (namespace, replicas, disruption) = match env {
            Env::Staging => (STAGING, Replicas::Fixed(1), None),
            Env::Production => (
                PRODUCTION,
                Replicas::Autoscaled(autoscaling!(2..=6).cpu(70)),
                Some(Disruption::MaxUnavailable(1)),
            ),
        };
        let mut service = HttpService::builder()
            .port(HTTP)
            .probes(Probes::http(
                &HTTP,
                http_path!("/livez"),
                http_path!("/readyz"),
            ))
            .replicas(replicas)
            // Replicas on different nodes, so one node going down leaves the others.
            .spread(Spread::AcrossNodes)
            .build();
        service.disruption = disruption;
        let api = Component::builder()
            .name(name!("api"))
            .image(IMAGE)
            .resources(Resources::new(
                cpu!("100m"),
                cpu!("500m"),
                memory!("128Mi"),
                memory!("256Mi"),
            ))
            .workload(service)
            .build();
        Ok(App::builder()
            .name(NAME)
            .environment(env.name())
            .namespace(namespace)
            .create_namespace(true)
            .components([api])
            .build())
    }
}
