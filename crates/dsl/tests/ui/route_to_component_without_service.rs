// An ingress route is built from the handle of a component that serves HTTP: a worker
// has no Service, so routing to it does not compile.
use dsl::*;

fn main() {
    let worker = Component::builder()
        .name(name!("worker"))
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .resources(Resources::new(cpu!("250m"), cpu!("1"), memory!("256Mi"), memory!("1Gi")))
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .build();
    let _rules = HostRules::all_to(host!("shop.example.com"), &worker);
}
