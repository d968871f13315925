// `.storage(..)` takes storage that any number of replicas can share (an object store or a
// ReadWriteMany volume); a ReadWriteOnce volume is not one, so it cannot be slipped in
// next to `.replicas(..)` that way either.
use dsl::*;

const HTTP: NamedPort = NamedPort::new(port_name!("http"), port!(8000));

fn main() {
    let _api = HttpService::builder()
        .port(HTTP)
        .probes(Probes::http(&HTTP, http_path!("/health"), http_path!("/ready")))
        .replicas(Replicas::Fixed(3))
        .storage(SingleNodeVolume::new(storage!("50Gi"), "/var/lib/terrapod/storage"))
        .build();
}
