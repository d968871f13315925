// Ports are 16-bit: 70000 does not fit.
use dsl::*;

fn main() {
    let _p = port!(70000);
}
