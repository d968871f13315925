// A worker states how many replicas run: `Worker::builder()` without `.replicas(..)`
// does not compile, and the error names the call to add.
use dsl::*;

fn main() {
    let _worker = Worker::builder().build();
}
