// A further container of a pod states its image; the error says which call to add.
use dsl::*;

fn main() {
    let _exporter = Container::builder()
        .name(name!("exporter"))
        .resources(Resources::new(cpu!("10m"), cpu!("100m"), memory!("32Mi"), memory!("64Mi")))
        .build();
}
