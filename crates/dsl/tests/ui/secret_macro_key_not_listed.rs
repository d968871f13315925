// `secret!(secrets.key)` reads a key of an `external_secret!` type; a key the declaration
// does not list fails the build with a message that says where to list it.
use dsl::*;

external_secret! {
    struct ShopSecrets {
        database_url: "database-url",
    }
}

fn main() {
    let secrets = ShopSecrets::named(name!("shop-secrets"));
    let _database = EnvVar::secret(env_name!("DATABASE_URL"), secret!(secrets.database_url));
    let _redis = EnvVar::secret(env_name!("REDIS_URL"), secret!(secrets.redis_url));
}
