//! The Secret the shop reads. Its values never pass through kairn: the Secret is created
//! outside (by a secret manager or an operator); the declaration lists its keys, and a
//! reference to a key it does not list does not compile.

use dsl::external_secret;

external_secret! {
    /// The shop's Secret, `shop-secrets` in the app's namespace.
    pub struct ShopSecrets {
        /// The PostgreSQL connection string.
        database_url: "database-url",
        /// The Redis connection string, password included.
        redis_url: "redis-url",
        /// The payment provider's API key.
        payments_api_key: "payments-api-key",
        /// Redis's configuration file, with the password that `redis_url` contains.
        redis_conf: "redis.conf",
    }
}
