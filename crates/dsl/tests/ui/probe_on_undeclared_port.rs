// A probe is built from the port the component declares (its `NamedPort`), so a probe on
// a port name that was never declared does not compile: here the component declares
// `http`, and the probe names `health`.
use dsl::*;

fn main() {
    let http = NamedPort::new(port_name!("http"), port!(8080));
    let _service = HttpService::builder()
        .port(http)
        .probes(Probes::http(port_name!("health"), http_path!("/live"), http_path!("/ready")))
        .replicas(Replicas::Fixed(2))
        .build();
}
