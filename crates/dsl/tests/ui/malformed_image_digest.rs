// A digest must be "sha256:" followed by 64 lowercase hex digits.
use dsl::*;

fn main() {
    let _i = image!("ghcr.io/acme/app@sha256:abc123");
}
