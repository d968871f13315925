// An alert has a severity (it decides who is paged): an `AlertRule` without
// `.severity(..)` does not compile.
use dsl::*;

fn main() {
    let _alert = AlertRule::builder()
        .alert("HighErrorRate")
        .expr("rate(errors[5m]) > 1")
        .for_("5m")
        .summary("Errors are high")
        .build();
}
