// An autoscaling range is inclusive: `2..10` (exclusive) does not compile, and the error
// says to write `2..=10`.
use dsl::*;

fn main() {
    let _replicas = Replicas::Autoscaled(autoscaling!(2..10).cpu(70));
}
