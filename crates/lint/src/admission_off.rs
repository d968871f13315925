//! ValidatingAdmissionPolicies in a `lint` built without the `admission` feature (a team's
//! repository over `cli` with `default-features = false`): recognised, so they are not
//! linted as unknown objects, and each noted as not evaluated, with the feature to enable.

use crate::finding::Note;
use crate::set::Hit;
use crate::source::{Document, LoadError, Loaded};

/// What the policies found: nothing but the notes.
#[derive(Default)]
pub(crate) struct Outcome {
    pub hits: Vec<Hit>,
    pub notes: Vec<Note>,
    pub errors: Vec<LoadError>,
}

const API_VERSIONS: &[&str] = &[
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1beta1",
];

/// Whether a document is a ValidatingAdmissionPolicy or ValidatingAdmissionPolicyBinding.
pub fn is_policy_document(doc: &Document) -> bool {
    API_VERSIONS.contains(&doc.api_version.as_str())
        && matches!(
            doc.kind.as_str(),
            "ValidatingAdmissionPolicy" | "ValidatingAdmissionPolicyBinding"
        )
}

/// A note on each policy of `set` and `extra`: not evaluated in this build.
pub(crate) fn evaluate(set: &Loaded, extra: &Loaded) -> Outcome {
    let notes = set
        .documents
        .iter()
        .chain(extra.documents.iter())
        .filter(|d| d.kind == "ValidatingAdmissionPolicy" && is_policy_document(d))
        .map(|d| Note {
            file: Some(d.file.clone()),
            line: Some(d.line),
            message: format!(
                "ValidatingAdmissionPolicy '{}' not evaluated: this kairn is built without \
                 the `admission` feature (enable the `admission` feature of the `cli` \
                 dependency)",
                d.name
            ),
        })
        .collect();
    Outcome {
        notes,
        ..Outcome::default()
    }
}
