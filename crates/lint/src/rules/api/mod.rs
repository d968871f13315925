//! What the API server would reject that a schema check does not.

mod claims;
mod container;
mod deprecated_api_version;
mod duplicate_object;
mod labels;
mod names;
mod namespace_missing;
mod object_invalid;
mod other_fields;
mod pod;
mod scope;
mod selector_mismatch;
mod service_fields;

use crate::set::{Set, Sink};

use claims::claims;
use deprecated_api_version::deprecated_api_versions;
use duplicate_object::duplicate_objects;
use labels::labels;
use names::names;
use namespace_missing::namespace_missing;
use object_invalid::parse_errors;
use other_fields::other_fields;
use pod::pod;
use selector_mismatch::selectors;
use service_fields::services;

pub(super) fn run(set: &Set<'_>, sink: &mut Sink) {
    parse_errors(set, sink);
    deprecated_api_versions(set, sink);
    names(set, sink);
    labels(set, sink);
    duplicate_objects(set, sink);
    namespace_missing(set, sink);
    for w in &set.workloads {
        pod(set, w, sink);
    }
    selectors(set, sink);
    services(set, sink);
    claims(set, sink);
    other_fields(set, sink);
}
