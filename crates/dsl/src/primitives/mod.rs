//! Primitive value types whose constructors reject every invalid value.

pub(crate) mod checks;
pub mod env;
pub mod image;
#[doc(hidden)]
pub mod literal;
pub mod port;
pub mod quantity;
pub mod secret;
pub mod text;
