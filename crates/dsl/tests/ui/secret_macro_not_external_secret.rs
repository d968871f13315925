// `secret!` reads a key of a value whose type `external_secret!` declares; on anything
// else the error says so.
use dsl::*;

struct Settings {
    database_url: String,
}

fn main() {
    let settings = Settings { database_url: String::new() };
    let _ = &settings.database_url;
    let _database = secret!(settings.database_url);
}
