// An image must be pinned by tag or digest: an untagged image silently means :latest.
use dsl::*;

fn main() {
    let _i = image!("ghcr.io/acme/app");
}
