// A filesystem on a ReadWriteOnce volume is mounted by one pod only. Attaching one to a
// service that already chose more replicas (or an autoscaler) does not compile:
// `single_node_volume` sets the replica count to one itself.
use dsl::*;

const HTTP: NamedPort = NamedPort::new(port_name!("http"), port!(8000));

fn main() {
    let _api = HttpService::builder()
        .port(HTTP)
        .probes(Probes::http(&HTTP, http_path!("/health"), http_path!("/ready")))
        .replicas(Replicas::Autoscaled(autoscaling!(2..=10).cpu(70)))
        .single_node_volume(SingleNodeVolume::new(storage!("50Gi"), "/var/lib/terrapod/storage"))
        .build();
}
