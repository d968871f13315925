// A CPU quantity is a number of cores or millicores: "250x" is rejected at compile time.
use dsl::*;

fn main() {
    let _c = cpu!("250x");
}
