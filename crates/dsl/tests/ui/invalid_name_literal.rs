// Object names are RFC 1123 labels: upper case and '_' are rejected at compile time.
use dsl::*;

fn main() {
    let _n = name!("Bad_Name");
}
