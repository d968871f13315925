// Object names are RFC 1123 labels: '_' is not allowed (use '-').
use dsl::*;

fn main() {
    let _n = name!("shop_api");
}
