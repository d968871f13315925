//! The payments team's applications. Each module declares one app and registers it;
//! adding an app is a new module here, and editing one recompiles this crate only.

mod checkout;
mod ledger;
