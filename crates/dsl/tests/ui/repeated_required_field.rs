// A required builder field is set once: a second `.backoff_limit(..)` does not compile
// (the first would be silently lost).
use dsl::*;

fn main() {
    let _job = BatchJob::builder()
        .backoff_limit(3)
        .backoff_limit(5)
        .ttl_seconds_after_finished(600)
        .build();
}
