//! Registration of application declarations, for the `kairn` CLI.
//!
//! An application is a type implementing [`Declaration`]. Any crate registers it with
//! [`register!`](crate::register) next to its declaration; no central list exists, so a
//! repository can hold its apps in one crate per app or per team and editing one app
//! recompiles only its crate. [`registered`] collects every registration linked into the
//! binary (through the `inventory` crate: each registration is a static constructor,
//! without a proc-macro), and `kairn::main(registered())` is the CLI over them.
//!
//! Inputs (`--set key=value`) are values a declaration reads, such as a batch run's
//! release name or git commit. Nothing is read from the clock or the environment, so the
//! same inputs always give the same output.
//!
//! ## Many apps, many crates
//!
//! A repository with hundreds of apps keeps the cost of an edit independent of the fleet's
//! size by splitting its declarations over crates (one per team of about ten apps, or one per
//! app) and registering each app where it is declared:
//!
//! ```text
//! teams/<team>/src/<app>.rs   impl Declaration for App { ... }   dsl::register!(App);
//! teams/<team>/Cargo.toml     depends on dsl only (compiles in parallel with ship and cli)
//! src/main.rs                 use <team> as _; ...   kairn::main(kairn::registered())
//! ```
//!
//! - Registration goes through `inventory`, chosen over `linkme` because it is a declarative
//!   macro with no proc-macro or `syn` dependency (nothing added to compile time), works on
//!   every platform Rust links for without linker-section support, and costs one pointer per
//!   app at start-up. The cost of any link-time registration: a crate the binary never refers
//!   to is not linked, hence one `use <team> as _;` line per crate (not per app) in the
//!   binary. A generated registry (a `build.rs` writing the list) was rejected: it is the
//!   central file again, rewritten on every added app, and forces the binary's crate to
//!   recompile.
//! - Editing one app recompiles its crate and relinks the binary; the other crates'
//!   artefacts are reused. In one crate of all apps, every edit recompiles every declaration.
//! - Two crates registering the same app id are reported by `kairn::main` with both
//!   registering modules, and every command exits 2.

use std::collections::BTreeMap;
use std::fmt;

use crate::{App, Environment, Name};

#[doc(hidden)]
pub use inventory;

/// Named input values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inputs {
    values: BTreeMap<String, String>,
}

impl Inputs {
    /// Inputs from `key=value` pairs.
    pub fn new(values: BTreeMap<String, String>) -> Self {
        Inputs { values }
    }

    /// The value of an input, if given.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    /// The keys given.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }
}

/// An input value a declaration rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// Application id.
    pub app: String,
    /// Input key.
    pub key: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: input `{}`: {}", self.app, self.key, self.message)
    }
}

impl std::error::Error for InputError {}

/// An input a declaration accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InputSpec {
    /// Key, as given to `--set`.
    pub key: &'static str,
    /// What it sets and its default.
    pub help: &'static str,
}

/// One application's declaration.
pub trait Declaration {
    /// The application's environments.
    type Env: Environment;
    /// Application id, as used on the command line and as the output directory.
    const ID: &'static str;
    /// Inputs the declaration reads.
    const INPUTS: &'static [InputSpec] = &[];
    /// Builds the application for one environment.
    fn declare(env: Self::Env, inputs: &Inputs) -> Result<App, InputError>;
}

/// A registered application, with its environments erased to names.
#[derive(Clone, Copy)]
pub struct AppEntry {
    /// Application id.
    pub id: &'static str,
    /// Inputs it reads.
    pub inputs: &'static [InputSpec],
    /// The module that registered it (`module_path!()` of [`register!`](crate::register)).
    pub module: &'static str,
    environments: fn() -> Vec<Name>,
    declare: fn(&str, &Inputs) -> Option<Result<App, InputError>>,
}

impl fmt::Debug for AppEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppEntry")
            .field("id", &self.id)
            .field("module", &self.module)
            .finish_non_exhaustive()
    }
}

// The two functions below are compiled once per registered declaration: plain loops and
// matches, no iterator adapters or closures, so each adds a few small functions to its
// crate rather than a copy of `collect` and `find`.

fn environments_of<D: Declaration>() -> Vec<Name> {
    let all = D::Env::ALL;
    let mut names = Vec::with_capacity(all.len());
    let mut i = 0;
    while i < all.len() {
        names.push(all[i].name());
        i += 1;
    }
    names
}

#[allow(clippy::manual_map)] // `Option::map` would instantiate a closure per declaration
fn declare_of<D: Declaration>(env: &str, inputs: &Inputs) -> Option<Result<App, InputError>> {
    match D::Env::from_name(env) {
        Some(e) => Some(D::declare(e, inputs)),
        None => None,
    }
}

impl AppEntry {
    /// The entry of `D`, registered from `module`.
    pub const fn of<D: Declaration>(module: &'static str) -> Self {
        AppEntry {
            id: D::ID,
            inputs: D::INPUTS,
            module,
            environments: environments_of::<D>,
            declare: declare_of::<D>,
        }
    }

    /// Environment names, in promotion order.
    pub fn environments(&self) -> Vec<Name> {
        (self.environments)()
    }

    /// Builds one environment; `None` if the app has no such environment.
    pub fn declare(&self, environment: &str, inputs: &Inputs) -> Option<Result<App, InputError>> {
        (self.declare)(environment, inputs)
    }
}

inventory::collect!(AppEntry);

/// Registers a [`Declaration`] with the CLI: `dsl::register!(Gorax);` at module level,
/// in any crate the binary links (a crate nothing else refers to needs `use app_crate as
/// _;` in the binary, or the linker never sees it).
#[macro_export]
macro_rules! register {
    ($declaration:ty) => {
        $crate::registry::inventory::submit! {
            $crate::registry::AppEntry::of::<$declaration>(::core::module_path!())
        }
    };
}

/// Every registered application linked into this binary, sorted by id (for equal ids, by
/// registering module; [`duplicates`] reports them).
pub fn registered() -> Vec<AppEntry> {
    let mut apps: Vec<AppEntry> = inventory::iter::<AppEntry>.into_iter().copied().collect();
    apps.sort_by(|a, b| a.id.cmp(b.id).then(a.module.cmp(b.module)));
    apps
}

/// Ids registered more than once, with the modules that registered them.
pub fn duplicates(apps: &[AppEntry]) -> Vec<String> {
    let mut by_id: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for a in apps {
        by_id.entry(a.id).or_default().push(a.module);
    }
    by_id
        .into_iter()
        .filter(|(_, m)| m.len() > 1)
        .map(|(id, modules)| {
            format!(
                "app id `{id}` is declared more than once: in {}",
                modules.join(", ")
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{environments, name};

    environments! {
        /// One environment.
        pub enum Env {
            Only => "only",
        }
    }

    struct A;
    struct B;

    impl Declaration for A {
        type Env = Env;
        const ID: &'static str = "same";
        fn declare(_: Env, _: &Inputs) -> Result<App, InputError> {
            Err(InputError {
                app: Self::ID.into(),
                key: "k".into(),
                message: "not built in this test".into(),
            })
        }
    }

    impl Declaration for B {
        type Env = Env;
        const ID: &'static str = "same";
        fn declare(env: Env, inputs: &Inputs) -> Result<App, InputError> {
            A::declare(env, inputs)
        }
    }

    crate::register!(A);

    #[test]
    fn register_links_an_entry_and_duplicates_are_named() {
        let all = registered();
        assert!(all
            .iter()
            .any(|e| e.id == "same" && e.module == module_path!()));
        assert_eq!(all[0].environments(), vec![name!("only")]);
        assert!(all[0].declare("other", &Inputs::default()).is_none());
        let both = [AppEntry::of::<A>("x::a"), AppEntry::of::<B>("x::b")];
        assert_eq!(
            duplicates(&both),
            ["app id `same` is declared more than once: in x::a, x::b"]
        );
        assert!(duplicates(&both[..1]).is_empty());
    }
}
