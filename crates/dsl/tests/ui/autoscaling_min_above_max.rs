// An autoscaling range is checked at compile time: 12..=10 has its minimum above its maximum.
use dsl::*;

fn main() {
    let _replicas = Replicas::Autoscaled(autoscaling!(12..=10).cpu(70));
}
