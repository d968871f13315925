// "MB" is not a Kubernetes unit (it is "M" or "Mi"); the typo is rejected at compile time.
use dsl::*;

fn main() {
    let _m = memory!("512MB");
}
