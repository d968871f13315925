// A Secret key is read through the accessor its declaration generates, so a key the
// Secret does not list does not compile.
use dsl::*;

external_secret! {
    struct ShopSecrets {
        database_url: "database-url",
    }
}

fn main() {
    let secrets = ShopSecrets::named(name!("shop-secrets"));
    let _redis = EnvVar::secret(env_name!("REDIS_URL"), secrets.redis_url());
}
