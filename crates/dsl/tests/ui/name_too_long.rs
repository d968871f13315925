// Object names are at most 63 characters (RFC 1123 label).
use dsl::*;

fn main() {
    let _n = name!("a-component-name-that-is-much-longer-than-sixty-three-characters-x");
}
