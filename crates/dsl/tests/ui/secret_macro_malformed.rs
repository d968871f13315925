// `secret!` takes a path to a value and a listed key, `secret!(secrets.database_url)`;
// anything else says how to write it.
use dsl::*;

external_secret! {
    struct ShopSecrets {
        database_url: "database-url",
    }
}

fn main() {
    let secrets = ShopSecrets::named(name!("shop-secrets"));
    let _database = secret!(secrets, "database-url");
}
