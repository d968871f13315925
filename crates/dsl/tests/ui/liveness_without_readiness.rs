// A Service routes to a pod once it is ready: a workload behind one (here an HTTP
// service) needs a readiness probe, so a liveness probe alone, which a worker, node agent
// or further container may have (`Probes::liveness_only`), does not compile here.
use dsl::*;

const HTTP: NamedPort = NamedPort::new(port_name!("http"), port!(8080));

fn main() {
    let _api = HttpService::builder()
        .port(HTTP)
        .probes(Probes::liveness_only(
            Probe::builder()
                .check(Check::http(http_path!("/live"), &HTTP))
                .build(),
        ))
        .replicas(Replicas::Fixed(2))
        .build();
}
