// Extra labels can never override the labels kairn derives: the selector labels
// (`app.kubernetes.io/name`, `instance`, `component`) select a component's pods, so a
// label key that names one of them does not compile.
use std::collections::BTreeMap;

use dsl::*;

fn main() {
    let _labels = BTreeMap::from([(
        label_key!("app.kubernetes.io/component"),
        label_value!("api"),
    )]);
}
