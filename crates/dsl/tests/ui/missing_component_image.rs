// A Component must name its container image: leaving out `.image(...)` does not compile.
use dsl::*;

fn main() {
    let _api = Component::builder()
        .name(name!("api"))
        .resources(Resources::new(
            cpu!("250m"),
            cpu!("1"),
            memory!("256Mi"),
            memory!("1Gi"),
        ))
        .workload(Worker::builder().replicas(Replicas::Fixed(1)).build())
        .build();
}
