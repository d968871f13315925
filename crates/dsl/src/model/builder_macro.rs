//! `typestate_builder!`: writes a type-state builder for a model struct, so that a
//! missing required field is a compile error whose first line names the field and the
//! call that sets it.
//!
//! typed-builder reports a missing field as "this method takes 1 argument but 0
//! arguments were supplied", with the field's name only in a deprecation warning, and no
//! builder crate lets a message be written per field. This macro gives each required
//! field a type parameter (`Unset` until its setter runs, then the field's type) and a
//! marker trait carrying that field's `#[diagnostic::on_unimplemented]` message, which
//! `build()` requires. Optional fields are plain fields with defaults; "tracked" optional
//! fields also get a type parameter, so a method can require them unset
//! ([`single_node_volume`](super::builders::http::HttpServiceBuilder::single_node_volume)).
//!
//! Every setter keeps typed-builder's name and argument, so call sites do not change. A
//! required or tracked field is set once: a second call fails with [`NotYetSet`]'s
//! message, as typed-builder's "Repeated field" did.
//!
//! Grammar (every section present, possibly empty):
//!
//! ```text
//! typestate_builder! {
//!     /// builder docs
//!     pub struct FooBuilder for Foo {
//!         builder: #[track_caller] fn builder;       // attributes of `Foo::builder()`
//!         note: "a foo needs `.a(..)` and `.b(..)`";  // note of every missing-field error
//!         required {
//!             /// setter docs
//!             a [A: FooA]: Name = |a: Name| a,
//!                 message "this foo has no a: add `.a(..)`", label "`.a(..)` is missing";
//!         }
//!         tracked { /* like required, with `= default` before `, |..|` and no message */ }
//!         fixed { declared_at: &'static Location<'static> = Location::caller(); }
//!         optional {
//!             /// setter docs
//!             c: u32 = 3, |c: u32| c;
//!         }
//!     }
//! }
//! ```

/// A required or tracked builder field whose setter has not run yet.
#[diagnostic::on_unimplemented(
    message = "this builder field is already set (to a `{Self}`): each required field is set once",
    label = "set a second time here",
    note = "remove one of the two calls; on an `HttpService`, `.single_node_volume(..)` also sets `.replicas(..)` and `.storage(..)`"
)]
pub trait NotYetSet {}

impl NotYetSet for super::builder::Unset {}

macro_rules! typestate_builder {
    (
        $(#[$battr:meta])*
        $vis:vis struct $B:ident for $T:ident {
            builder: $(#[$fnattr:meta])* fn builder;
            note: $note:literal;
            required {
                $(
                    $(#[$rdoc:meta])*
                    $rf:ident [$RP:ident: $RT:ident]: $rty:ty = |$rarg:ident: $rargty:ty| $rconv:expr,
                        message $rmsg:literal, label $rlabel:literal;
                )*
            }
            tracked {
                $(
                    $(#[$tdoc:meta])*
                    $tf:ident [$TP:ident: $TT:ident]: $tty:ty = $tdefault:expr, |$targ:ident: $targty:ty| $tconv:expr;
                )*
            }
            fixed {
                $( $xf:ident: $xty:ty = $xdefault:expr; )*
            }
            optional {
                $(
                    $(#[$odoc:meta])*
                    $of:ident: $oty:ty = $odefault:expr, |$oarg:ident: $oargty:ty| $oconv:expr;
                )*
            }
        }
    ) => {
        $(#[$battr])*
        #[derive(Clone, Debug)]
        #[must_use = "a builder does nothing until `.build()`"]
        $vis struct $B<
            $($RP = $crate::model::builder::Unset,)*
            $($TP = $crate::model::builder::Unset,)*
        > {
            $($rf: $RP,)*
            $($tf: $TP,)*
            $($xf: $xty,)*
            $($of: $oty,)*
        }

        impl $T {
            #[doc = concat!("Starts declaring a [`", stringify!($T), "`]; finish with [`build`](", stringify!($B), "::build).")]
            $(#[$fnattr])*
            pub fn builder() -> $B {
                $B {
                    $($rf: $crate::model::builder::Unset,)*
                    $($tf: $crate::model::builder::Unset,)*
                    $($xf: $xdefault,)*
                    $($of: $odefault,)*
                }
            }
        }

        $(
            #[doc = concat!("Set by `.", stringify!($rf), "(..)` on [`", stringify!($B), "`], which `build()` requires.")]
            #[diagnostic::on_unimplemented(message = $rmsg, label = $rlabel, note = $note)]
            pub trait $RT {
                #[doc(hidden)]
                fn take(self) -> $rty;
            }
            impl $RT for $rty {
                fn take(self) -> $rty {
                    self
                }
            }
        )*

        $(
            #[doc = concat!("Set or defaulted: `.", stringify!($tf), "(..)` on [`", stringify!($B), "`].")]
            pub trait $TT {
                #[doc(hidden)]
                fn take(self) -> $tty;
            }
            impl $TT for $tty {
                fn take(self) -> $tty {
                    self
                }
            }
            impl $TT for $crate::model::builder::Unset {
                fn take(self) -> $tty {
                    $tdefault
                }
            }
        )*

        impl<$($RP,)* $($TP,)*> $B<$($RP,)* $($TP,)*> {
            $(
                $(#[$odoc])*
                pub fn $of(mut self, $oarg: $oargty) -> Self {
                    self.$of = $oconv;
                    self
                }
            )*

            #[doc = concat!("The [`", stringify!($T), "`]; ", $note, ".")]
            pub fn build(self) -> $T
            where
                $($RP: $RT,)*
                $($TP: $TT,)*
            {
                $T {
                    $($rf: <$RP as $RT>::take(self.$rf),)*
                    $($tf: <$TP as $TT>::take(self.$tf),)*
                    $($xf: self.$xf,)*
                    $($of: self.$of,)*
                }
            }
        }

        $crate::model::builder_macro::typestate_builder!(@setters $B
            [$($xf)* $($of)*]
            []
            [
                $(($rf $RP $rty; {$(#[$rdoc])*} |$rarg: $rargty| $rconv))*
                $(($tf $TP $tty; {$(#[$tdoc])*} |$targ: $targty| $tconv))*
            ]
        );
    };

    // One setter per required or tracked field: it changes that field's type parameter.
    (@setters $B:ident [$($keep:ident)*] [$(($pf:ident $PP:ident))*] []) => {};
    (@setters $B:ident [$($keep:ident)*] [$(($pf:ident $PP:ident))*]
        [($f:ident $P:ident $ty:ty; {$($doc:tt)*} |$arg:ident: $argty:ty| $conv:expr)
         $(($nf:ident $NP:ident $($nrest:tt)*))*]
    ) => {
        impl<$($PP,)* $P, $($NP,)*> $B<$($PP,)* $P, $($NP,)*> {
            $($doc)*
            pub fn $f(self, $arg: $argty) -> $B<$($PP,)* $ty, $($NP,)*>
            where
                $P: $crate::model::builder_macro::NotYetSet,
            {
                $B {
                    $($pf: self.$pf,)*
                    $f: $conv,
                    $($nf: self.$nf,)*
                    $($keep: self.$keep,)*
                }
            }
        }

        $crate::model::builder_macro::typestate_builder!(@setters $B
            [$($keep)*]
            [$(($pf $PP))* ($f $P)]
            [$(($nf $NP $($nrest)*))*]
        );
    };
}

pub(crate) use typestate_builder;
