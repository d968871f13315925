//! The list of declared applications, for the CLI.

use dsl::{App, Environment};

use crate::inputs::{InputError, Inputs};

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
    environments: fn() -> Vec<dsl::Name>,
    declare: fn(&str, &Inputs) -> Option<Result<App, InputError>>,
}

impl AppEntry {
    fn of<D: Declaration>() -> Self {
        AppEntry {
            id: D::ID,
            inputs: D::INPUTS,
            environments: || D::Env::ALL.iter().map(|e| e.name()).collect(),
            declare: |env, inputs| D::Env::from_name(env).map(|e| D::declare(e, inputs)),
        }
    }

    /// Environment names, in promotion order.
    pub fn environments(&self) -> Vec<dsl::Name> {
        (self.environments)()
    }

    /// Builds one environment; `None` if the app has no such environment.
    pub fn declare(&self, environment: &str, inputs: &Inputs) -> Option<Result<App, InputError>> {
        (self.declare)(environment, inputs)
    }
}

/// Every declared application, sorted by id.
pub fn registry() -> Vec<AppEntry> {
    let mut apps = vec![
        AppEntry::of::<crate::caelundas::Caelundas>(),
        AppEntry::of::<crate::gorax::Gorax>(),
        AppEntry::of::<crate::inquisitor::Inquisitor>(),
        AppEntry::of::<crate::terrapod::Terrapod>(),
        AppEntry::of::<crate::triage_warden::TriageWarden>(),
    ];
    apps.sort_by_key(|a| a.id);
    apps
}
