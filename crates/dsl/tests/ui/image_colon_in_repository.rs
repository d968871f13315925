// A ':' may only separate the tag (once, in the last path component) or a registry port:
// "app:1:2" is not an image the kubelet can pull.
use dsl::*;

fn main() {
    let _i = image!("ghcr.io/acme/app:1:2");
}
