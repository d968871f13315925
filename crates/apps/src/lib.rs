//! The real applications, declared with the kairn DSL.
//!
//! Each module declares one application: its environments (a closed enum) and a
//! `declare` function that builds the [`dsl::App`] for one environment. [`registry`]
//! lists them for the CLI.

mod caelundas;
mod inputs;
mod registry;
mod triage_warden;

pub use inputs::{InputError, Inputs};
pub use registry::{registry, AppEntry, Declaration, InputSpec};
