// Finished Jobs must be cleaned up: a BatchJob without `ttl_seconds_after_finished`
// does not compile.
use dsl::*;

fn main() {
    let _job = BatchJob::builder().backoff_limit(3).build();
}
