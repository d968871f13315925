//! Environments as a closed, typed set per application.
//!
//! An application declares its environments with [`environments!`](crate::environments)
//! and builds its [`App`](crate::App) with an exhaustive `match` over them, so adding an
//! environment the declaration does not handle is a compile error, not a silent default.

use crate::primitives::text::Name;

/// A closed set of environments.
pub trait Environment: Copy + Eq + std::fmt::Debug + 'static {
    /// Every environment, in promotion order (e.g. development, staging, production).
    const ALL: &'static [Self];

    /// The environment's name, used as the output directory name.
    fn name(self) -> Name;

    /// Looks an environment up by name.
    fn from_name(name: &str) -> Option<Self> {
        // An indexed loop, not an iterator chain: this is compiled once per declaration
        // (per `Self`), and adapters would add a dozen generic functions to each.
        let mut i = 0;
        while i < Self::ALL.len() {
            if Self::ALL[i].name().as_str() == name {
                return Some(Self::ALL[i]);
            }
            i += 1;
        }
        None
    }
}

/// Declares an enum of environments and implements [`Environment`] for it.
///
/// ```
/// dsl::environments! {
///     /// Where the shop runs.
///     pub enum ShopEnv { Staging => "staging", Production => "production" }
/// }
/// use dsl::Environment;
/// assert_eq!(ShopEnv::ALL.len(), 2);
/// assert_eq!(ShopEnv::from_name("staging"), Some(ShopEnv::Staging));
/// ```
#[macro_export]
macro_rules! environments {
    ($(#[$meta:meta])* $vis:vis enum $ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $ty {
            $(
                #[doc = concat!("The `", $name, "` environment.")]
                $variant,
            )+
        }

        impl $crate::Environment for $ty {
            const ALL: &'static [Self] = &[$($ty::$variant),+];

            fn name(self) -> $crate::Name {
                match self {
                    $($ty::$variant => $crate::name!($name),)+
                }
            }
        }
    };
}
