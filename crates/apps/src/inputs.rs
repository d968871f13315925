//! Values given on the command line (`--set key=value`) that a declaration reads; they
//! live in [`dsl::registry`], re-exported here for the declarations written against
//! `crate::inputs`.

pub use dsl::registry::{InputError, Inputs};
