// `talks_to` takes the handle a dependency declaration returns, so a dependency that
// was never declared (here a name) does not compile.
use dsl::*;

fn main() {
    let _api = Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .resources(Resources::new(cpu!("250m"), cpu!("1"), memory!("256Mi"), memory!("1Gi")))
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .talks_to([name!("postgres")])
        .build();
}
