// CPU and memory are distinct types: a CPU amount cannot be passed as a memory request.
use dsl::*;

fn main() {
    let _r = Resources::new(cpu!("250m"), cpu!("1"), cpu!("256m"), memory!("1Gi"));
}
