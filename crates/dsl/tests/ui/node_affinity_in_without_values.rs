// `In` with no values is refused by the API server; it cannot be written.
use dsl::*;

fn main() {
    let _arch = NodeRequirement::is_in(label_key!("kubernetes.io/arch"), []);
}
