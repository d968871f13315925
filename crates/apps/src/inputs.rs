//! Values given on the command line (`--set key=value`) that a declaration reads,
//! such as a batch run's release name or git commit. Nothing is read from the clock
//! or the environment, so the same inputs always give the same output.

use std::collections::BTreeMap;
use std::fmt;

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
