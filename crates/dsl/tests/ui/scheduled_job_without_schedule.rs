// A CronJob runs on a schedule: `ScheduledJob::builder()` without `.schedule(..)` does
// not compile, and the error names the call to add.
use dsl::*;

fn main() {
    let _nightly = ScheduledJob::builder()
        .backoff_limit(2)
        .ttl_seconds_after_finished(86_400)
        .build();
}
