// Repository paths are lowercase; only the registry host may contain capitals.
use dsl::*;

fn main() {
    let _i = image!("ghcr.io/Acme/app:1.0.0");
}
