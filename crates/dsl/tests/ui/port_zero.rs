// Port 0 is not a port.
use dsl::*;

fn main() {
    let _p = port!(0);
}
