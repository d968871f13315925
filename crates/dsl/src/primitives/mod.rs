//! Primitive value types whose constructors reject every invalid value.

pub mod env;
pub mod image;
#[doc(hidden)]
pub mod literal;
pub mod port;
pub mod quantity;
pub mod secret;
pub mod text;

/// The `const fn` format checks, shared with the validator (`lint`).
pub(crate) use lint::checks;
