// Environments are a closed set: a declaration that does not handle every environment
// does not compile (no silent default for a newly added environment).
dsl::environments! {
    /// Where the shop runs.
    pub enum ShopEnv { Staging => "staging", Production => "production" }
}

fn replicas(env: ShopEnv) -> u32 {
    match env {
        ShopEnv::Production => 3,
    }
}

fn main() {
    let _ = replicas(ShopEnv::Staging);
}
