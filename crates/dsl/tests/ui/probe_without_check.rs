// A probe checks something: `Probe::builder()` without `.check(..)` does not compile.
use dsl::*;

fn main() {
    let _probe = Probe::builder().failure_threshold(30).build();
}
