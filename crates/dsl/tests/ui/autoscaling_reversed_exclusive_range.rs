// `12..10` is both exclusive and reversed: the error says to write the inclusive range
// with the minimum first, `10..=12`.
use dsl::*;

fn main() {
    let _replicas = Replicas::Autoscaled(autoscaling!(12..10).cpu(70));
}
