// A SecretRef can only come from a Secret declaration (an `external_secret!` accessor):
// there is no conversion from a string, so a secret value cannot pose as a reference.
use dsl::*;

fn main() {
    let _from_value: SecretRef = "postgres://user:pass@db/x".into();
}
