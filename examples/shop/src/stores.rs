//! What the shop's components talk to outside the app. Each is a [`Dependency`]: the
//! NetworkPolicies allow exactly the traffic the components declare with `talks_to`.
//! Redis is the shop's own component ([`crate::redis`]), reached through its handle.

use dsl::*;

/// The services the shop depends on.
#[derive(Clone, Debug)]
pub struct Stores {
    /// The shop's database, PostgreSQL pods in the app's namespace.
    pub postgres: Dependency,
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
            payments: Dependency::public_https(name!("payments")),
        }
    }

    /// All of them, for [`App`]'s `dependencies`.
    pub fn into_vec(self) -> Vec<Dependency> {
        vec![self.postgres, self.payments]
    }
}
