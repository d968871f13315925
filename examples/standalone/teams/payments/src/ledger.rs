//! Ledger: an HTTP API in two environments.

use dsl::registry::{Declaration, InputError, Inputs};
use dsl::*;

environments! {
    /// Ledger's environments, in promotion order.
    pub enum Env {
        Staging => "staging",
        Production => "production",
    }
}

/// The ledger declaration.
pub struct Ledger;

dsl::register!(Ledger);

const IMAGE: Image = image!("registry.example.com/payments/ledger:2.4.1");
const HTTP: NamedPort = NamedPort::new(port_name!("http"), port!(8080));

impl Declaration for Ledger {
    type Env = Env;
    const ID: &'static str = "ledger";

    fn declare(env: Env, _inputs: &Inputs) -> Result<App, InputError> {
        let (namespace, replicas, disruption) = match env {
            Env::Staging => (name!("ledger-staging"), Replicas::Fixed(1), None),
            Env::Production => (
                name!("ledger-prod"),
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
            .name(name!("ledger"))
            .environment(env.name())
            .namespace(namespace)
            .create_namespace(true)
            .components([api])
            .build())
    }
}
