// An autoscaler needs a metric: `autoscaling!(min..=max)` is only a range until
// `.cpu(percent)` or `.memory(percent)` says what to scale on.
use dsl::*;

fn main() {
    let _replicas = Replicas::Autoscaled(autoscaling!(2..=10));
}
