// Jobs a component creates go to a stated namespace: `SpawnedJobs` without
// `.namespace(..)` does not compile.
use dsl::*;

fn main() {
    let _runners = SpawnedJobs::builder()
        .service_account(name!("runner"))
        .build();
}
