// Host names are lowercase RFC 1123 subdomains.
use dsl::*;

fn main() {
    let _h = host!("Api.Example.com");
}
