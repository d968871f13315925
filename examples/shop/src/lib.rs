//! The shop: a small web shop declared with kairn, in two environments.
//!
//! One module per component, so each is read (and changed) on its own:
//!
//! | module | what |
//! |---|---|
//! | [`profile`] | the environments and everything that differs between them |
//! | [`stores`] | PostgreSQL and the payment provider: what the components talk to |
//! | [`redis`] | Redis, the queue and cache: a single-instance StatefulSet with its own claim |
//! | [`secrets`] | the external Secret and the keys the shop reads from it |
//! | [`config`] | the shop's configuration file, from a typed value |
//! | [`api`] | the HTTP API: Deployment, Service, Ingress route, autoscaling, disruption budget |
//! | [`worker`] | the queue worker |
//! | [`report`] | the nightly report, a CronJob |
//! | [`migrate`] | the schema migration, a Job run before every deploy |
//! | [`shop`] | the app: the components, the ingress and the Secret put together |
//! | [`logs`] | the log shipper, a node agent in an app of its own (`shop-logs`) |
//!
//! The walk-through is `docs/guide.md`; its code samples are doc tests of this crate.
//!
//! The output is `examples/shop/generated/`, written by the shop's own `kairn` (`src/main.rs`);
//! `guide_tests.rs` checks the guide's quoted samples verbatim against these files, and
//! `tests/support` lists this output root beside `generated/` for the checks against real
//! tools.

pub mod api;
pub mod config;
pub mod logs;
pub mod migrate;
pub mod profile;
pub mod redis;
pub mod report;
pub mod secrets;
pub mod shop;
pub mod stores;
pub mod worker;

pub use profile::{Env, Profile};
pub use shop::Shop;

/// The command that regenerates `examples/shop/generated/`, run from the root of kairn's
/// repository: named in the header of every generated file and in `check`'s advice.
pub const EMIT_COMMAND: &str = "cargo run -p shop-example -- emit --out examples/shop/generated";

/// Every app this crate registers (the shop and its log shipper), sorted by id.
pub fn registry() -> Vec<dsl::registry::AppEntry> {
    let this_crate = module_path!().split("::").next().unwrap_or_default();
    dsl::registry::registered()
        .into_iter()
        .filter(|a| a.module.split("::").next() == Some(this_crate))
        .collect()
}

/// The user guide, `docs/guide.md`: every Rust sample in it is compiled and run as a doc
/// test of this crate.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/guide.md")]
pub struct Guide;

#[cfg(test)]
mod guide_tests;
