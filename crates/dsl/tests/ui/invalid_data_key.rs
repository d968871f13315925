// ConfigMap and Secret keys may contain only letters, digits, '-', '_' and '.'.
use dsl::*;

fn main() {
    let _k = key!("db/url");
}
