// An HTTP service behind a Service must declare liveness and readiness probes.
use dsl::*;

fn main() {
    let _svc = HttpService::builder()
        .port(NamedPort::new(port_name!("http"), port!(8080)))
        .replicas(Replicas::Fixed(2))
        .build();
}
