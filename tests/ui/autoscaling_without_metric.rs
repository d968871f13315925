// An autoscaler needs a metric: `Autoscaling::new(min, max)` is only a range until
// `.cpu(percent)` or `.memory(percent)` says what to scale on.
use dsl::*;

fn main() {
    let _replicas = Replicas::Autoscaled(Autoscaling::new(2, 10));
}
