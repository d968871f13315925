// Storage sizes and memory amounts are distinct types: a volume size cannot be a memory limit.
use dsl::*;

fn main() {
    let _r = Resources::new(cpu!("250m"), cpu!("1"), memory!("256Mi"), storage!("1Gi"));
}
