// A SecretRef's fields are private: it cannot be written as a struct literal, so every
// reference names a Secret declared with ExternalSecret.
use dsl::*;

fn main() {
    let _r = SecretRef {
        secret: name!("db"),
        key: key!("url"),
    };
}
