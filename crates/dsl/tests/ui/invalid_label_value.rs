// Label values must start and end with a letter or digit.
use dsl::*;

fn main() {
    let _v = label_value!("-release-");
}
