// A liveness probe without a readiness probe sends traffic to pods that cannot serve
// it: the Probes builder requires both.
use dsl::*;

fn main() {
    let _probes = Probes::builder()
        .liveness(
            Probe::builder()
                .check(Check::Http {
                    path: http_path!("/live"),
                    port: port_name!("http"),
                })
                .build(),
        )
        .build();
}
