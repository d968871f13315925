// `app.kubernetes.io/name` is derived by kairn and selects a component's pods: neither an
// app's labels nor a component's `.label(..)` can override it.
use std::collections::BTreeMap;

use dsl::*;

fn main() {
    let _app_labels = BTreeMap::from([(label_key!("app.kubernetes.io/name"), label_value!("shop"))]);
}
