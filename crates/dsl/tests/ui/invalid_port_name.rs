// Port names are IANA service names: '_' is not allowed.
use dsl::*;

fn main() {
    let _p = port_name!("http_metrics");
}
