// A secret environment variable takes a SecretRef (a Secret name and key), never the
// secret's value: passing the value as a string does not compile.
use dsl::*;

fn main() {
    let _db = EnvVar::secret(env_name!("DB"), "postgres://user:pass@db/x");
}
