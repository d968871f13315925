// A SecretRef's fields are private: it cannot be written as a struct literal, so every
// reference names a key a Secret declaration lists.
use dsl::*;

fn main() {
    let _r = SecretRef {
        secret: name!("db"),
        key: key!("url"),
    };
}
