// Probe, metrics and ingress paths are absolute: they must start with '/'.
use dsl::*;

fn main() {
    let _p = http_path!("healthz");
}
