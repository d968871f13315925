// Environment variable names are C identifiers: they cannot start with a digit.
use dsl::*;

fn main() {
    let _e = env_name!("1BAD");
}
