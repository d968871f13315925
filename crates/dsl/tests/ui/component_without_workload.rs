// A component states its workload; the error says which field is missing.
use dsl::*;

fn main() {
    let _api = Component::builder()
        .name(name!("api"))
        .image(image!("ghcr.io/acme/shop:1.4.2"))
        .resources(Resources::new(cpu!("250m"), cpu!("1"), memory!("256Mi"), memory!("1Gi")))
        .build();
}
