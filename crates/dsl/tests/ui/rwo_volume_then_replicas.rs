// The other order is rejected too: once `single_node_volume` fixed the service at one
// replica, `.replicas(..)` cannot be set again.
use dsl::*;

const HTTP: NamedPort = NamedPort::new(port_name!("http"), port!(8000));

fn main() {
    let _api = HttpService::builder()
        .port(HTTP)
        .probes(Probes::http(&HTTP, http_path!("/health"), http_path!("/ready")))
        .single_node_volume(SingleNodeVolume::new(storage!("50Gi"), "/var/lib/terrapod/storage"))
        .replicas(Replicas::Fixed(3))
        .build();
}
