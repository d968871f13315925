// Port names are at most 15 characters (IANA service name).
use dsl::*;

fn main() {
    let _p = port_name!("prometheus-metrics");
}
