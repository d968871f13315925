//! Checkout: an HTTP API and a queue worker, in three environments.

use dsl::registry::{Declaration, InputError, Inputs};
use dsl::*;

environments! {
    /// Checkout's environments, in promotion order.
    pub enum Env {
        Development => "development",
        Staging => "staging",
        Production => "production",
    }
}

/// The checkout declaration.
pub struct Checkout;

dsl::register!(Checkout);

const IMAGE: Image = image!("registry.example.com/payments/checkout:1.9.0");
const HTTP: NamedPort = NamedPort::new(port_name!("http"), port!(8080));

impl Declaration for Checkout {
    type Env = Env;
    const ID: &'static str = "checkout";

    fn declare(env: Env, _inputs: &Inputs) -> Result<App, InputError> {
        let (namespace, api_replicas, workers) = match env {
            Env::Development => (name!("checkout-dev"), Replicas::Fixed(1), 1),
            Env::Staging => (name!("checkout-staging"), Replicas::Fixed(2), 1),
            Env::Production => (
                name!("checkout-prod"),
                Replicas::Autoscaled(autoscaling!(3..=12).cpu(70)),
                3,
            ),
        };
        let resources = Resources::new(cpu!("200m"), cpu!("1"), memory!("256Mi"), memory!("512Mi"));
        // More than one pod: a node drain keeps all but one running.
        let disruption = (env != Env::Development).then_some(Disruption::MaxUnavailable(1));
        let mut service = HttpService::builder()
            .port(HTTP)
            .probes(Probes::http(
                &HTTP,
                http_path!("/health/live"),
                http_path!("/health/ready"),
            ))
            .replicas(api_replicas)
            .build();
        service.disruption = disruption;
        // The worker serves no port: its health is a command in the container (the same
        // binary checks its queue connection), so a hung worker is restarted.
        let health = || {
            Probe::builder()
                .check(Check::exec("/app/worker", ["health"]))
                .build()
        };
        let mut queue = Worker::builder()
            .replicas(Replicas::Fixed(workers))
            .probes(
                Probes::builder()
                    .liveness(health())
                    .readiness(health())
                    .build(),
            )
            .build();
        queue.disruption = (workers > 1).then_some(Disruption::MaxUnavailable(1));
        let api = Component::builder()
            .name(name!("api"))
            .image(IMAGE)
            .resources(resources)
            .workload(service)
            .build();
        let worker = Component::builder()
            .name(name!("worker"))
            .image(IMAGE)
            .resources(resources)
            .command(vec!["/app/worker".to_owned()])
            .workload(queue)
            .build();
        Ok(App::builder()
            .name(name!("checkout"))
            .environment(env.name())
            .namespace(namespace)
            .create_namespace(true)
            .components((api, worker))
            .build())
    }
}
