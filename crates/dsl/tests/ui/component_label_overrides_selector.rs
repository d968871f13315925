// A component's extra labels can never override the labels kairn derives either: a
// component label with a selector key (`app.kubernetes.io/component`) does not compile,
// so it cannot make the Deployment's selector miss its own pods.
use dsl::*;

fn main() {
    let http = NamedPort::new(port_name!("http"), port!(8080));
    let _api = Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .resources(Resources::new(cpu!("250m"), cpu!("1"), memory!("256Mi"), memory!("1Gi")))
        .workload(
            HttpService::builder()
                .port(http.clone())
                .probes(Probes::http(&http, http_path!("/live"), http_path!("/ready")))
                .replicas(Replicas::Fixed(2))
                .build(),
        )
        .label(label_key!("app.kubernetes.io/component"), label_value!("web"))
        .build();
}
