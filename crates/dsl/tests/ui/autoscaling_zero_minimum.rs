// An autoscaler keeps at least one replica.
use dsl::*;

fn main() {
    let _replicas = Replicas::Autoscaled(autoscaling!(0..=3).cpu(70));
}
