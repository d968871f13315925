// `autoscaling!` takes two integer literals; a range held in variables goes through
// `AutoscalingRange::parse`, and the error says so.
use dsl::*;

fn main() {
    let (min, max) = (2, 10);
    let _replicas = Replicas::Autoscaled(autoscaling!(min..=max).cpu(70));
}
