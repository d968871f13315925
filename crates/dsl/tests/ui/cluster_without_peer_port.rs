// A consensus cluster's members talk to each other on a port of their own: a
// `StatefulCluster` without `.peer_port(..)` does not compile.
use dsl::*;

const HTTP: NamedPort = NamedPort::new(port_name!("http"), port!(8000));

fn main() {
    let _raft = StatefulCluster::builder()
        .members(quorum!(3))
        .port(HTTP)
        .probes(Probes::http(&HTTP, http_path!("/health"), http_path!("/ready")))
        .build();
}
