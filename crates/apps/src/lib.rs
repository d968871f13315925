//! The real applications, declared with the kairn DSL.
//!
//! Each module declares one application: its environments (a closed enum) and a
//! `declare` function that builds the [`dsl::App`] for one environment. [`registry`]
//! lists them for the CLI.

mod caelundas;
mod gorax;
mod inputs;
mod inquisitor;
mod registry;
mod terrapod;
mod triage_warden;

pub use inputs::{InputError, Inputs};
pub use registry::{registry, AppEntry, Declaration, InputSpec};
