// A liveness probe without a readiness probe sends traffic to pods that cannot serve
// it: the Probes builder requires both.
use dsl::*;

const HTTP: NamedPort = NamedPort::new(port_name!("http"), port!(8080));

fn main() {
    let _probes = Probes::builder()
        .liveness(
            Probe::builder()
                .check(Check::http(http_path!("/live"), &HTTP))
                .build(),
        )
        .build();
}
