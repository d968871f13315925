// Leader election needs a lock: `LeaderElection::builder()` without `.lock(..)` does
// not compile.
use dsl::*;

fn main() {
    let _election = LeaderElection::builder()
        .env_prefix(env_name!("TW_"))
        .build();
}
