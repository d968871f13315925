// Every container gets CPU and memory requests and limits: a Component without
// `.resources(...)` does not compile.
use dsl::*;

fn main() {
    let _api = Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .build();
}
