// A component label with the key `app.kubernetes.io/name` does not compile either: it
// would make the Deployment's selector miss its own pods.
use dsl::*;

fn main() {
    let worker = Component::builder()
        .name(name!("worker"))
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .resources(Resources::new(cpu!("100m"), cpu!("500m"), memory!("128Mi"), memory!("256Mi")))
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .label(label_key!("app.kubernetes.io/name"), label_value!("shop-worker"))
        .build();
    let _ = worker;
}
