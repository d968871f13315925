//! The {{team}} team's applications. Each module declares one app and registers it with
//! `dsl::register!`; adding an app is a new module here.

{{app_modules}}
