//! What the shop's components talk to. Each is a [`Dependency`]: the NetworkPolicies
//! allow exactly the traffic the components declare with `talks_to`.

use dsl::*;

/// The services the shop depends on.
#[derive(Clone, Debug)]
pub struct Stores {
    /// The shop's database, PostgreSQL pods in the app's namespace.
    pub postgres: Dependency,
    /// The job queue and cache, Redis pods in the app's namespace.
    pub redis: Dependency,
    /// The payment provider's HTTPS API on the internet.
    pub payments: Dependency,
}

impl Stores {
    /// The shop's dependencies, the same in every environment.
    pub fn declare() -> Stores {
        Stores {
            postgres: Dependency::postgres_in_cluster(
                name!("postgres"),
                [("app.kubernetes.io/name", "postgresql")],
            ),
            redis: Dependency::redis_in_cluster(
                name!("redis"),
                [("app.kubernetes.io/name", "redis")],
            ),
            payments: Dependency::public_https(name!("payments")),
        }
    }

    /// All of them, for [`App`]'s `dependencies`.
    pub fn into_vec(self) -> Vec<Dependency> {
        vec![self.postgres, self.redis, self.payments]
    }
}
