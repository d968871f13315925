//! Which source line a finding is reported at: the most specific declaration that set
//! the field the finding is about, else the one that declared the whole object.
//!
//! A rendered object's `Origin` carries `(field path prefix, file:line)` pairs (written by
//! `dsl`'s `render/field_locations.rs` from the lines its builder recorded); a finding is
//! reported at the longest prefix covering its field, else at the object's declaring line.
//! A finding on an object a `customize` closure changed also names the closure
//! (`Finding::customized_at`).

use std::panic::Location;

use crate::object::Origin;

/// The location of the longest prefix in `at` that covers `field` (a kubectl-style
/// path such as `spec.template.spec.containers[0].env[1]`): the prefix equals `field`,
/// or is followed in it by `.` or `[`. `None` when no prefix covers it.
pub fn most_specific(
    field: &str,
    at: &[(String, &'static Location<'static>)],
) -> Option<&'static Location<'static>> {
    at.iter()
        .filter(|(prefix, _)| covers(prefix, field))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, location)| *location)
}

fn covers(prefix: &str, field: &str) -> bool {
    !prefix.is_empty()
        && field
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
}

/// `file:line` a finding on `field` of an object of this origin is reported at.
pub(crate) fn finding_location(origin: &Origin, field: &str) -> Option<String> {
    most_specific(field, &origin.field_locations)
        .or(origin.declared_at)
        .map(file_line)
}

/// `file:line` of each `customize` closure that changed an object of this origin,
/// without repeats, in the order they ran.
pub(crate) fn customized_at(origin: &Origin) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in origin.customized_at.iter().map(|l| file_line(l)) {
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

/// Whether a finding on `field` of an object of this origin is reported at a
/// `customize` closure: the closure changed that field (or a field containing it).
pub fn located_at_closure(origin: &Origin, field: &str) -> bool {
    most_specific(field, &origin.field_locations).is_some_and(|l| origin.customized_at.contains(&l))
}

fn file_line(l: &Location<'_>) -> String {
    format!("{}:{}", l.file(), l.line())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn here() -> &'static Location<'static> {
        Location::caller()
    }

    #[test]
    fn the_longest_covering_prefix_wins() {
        let (spec, env) = (here(), here());
        let at = vec![
            ("spec".to_owned(), spec),
            ("spec.template.spec.containers[0].env".to_owned(), env),
        ];
        let field = "spec.template.spec.containers[0].env[1].name";
        assert_eq!(
            most_specific(field, &at).map(Location::line),
            Some(env.line())
        );
        let replicas = "spec.replicas";
        assert_eq!(
            most_specific(replicas, &at).map(Location::line),
            Some(spec.line())
        );
        assert_eq!(
            most_specific("spec", &at).map(Location::line),
            Some(spec.line())
        );
    }

    #[test]
    fn a_prefix_covers_whole_segments_only() {
        let at = vec![("spec.template.spec.containers[0].env".to_owned(), here())];
        assert!(most_specific("spec.template.spec.containers[0].envFrom[0]", &at).is_none());
        assert!(most_specific("metadata.name", &at).is_none());
        assert!(most_specific("", &at).is_none());
        assert!(most_specific("anything", &[("".to_owned(), here())]).is_none());
    }

    #[test]
    fn without_a_covering_prefix_the_object_declaration_is_used() {
        let object = here();
        let origin = Origin {
            declared_at: Some(object),
            field_locations: vec![("spec.egress".to_owned(), here())],
            ..Origin::default()
        };
        let expected = format!("{}:{}", object.file(), object.line());
        assert_eq!(finding_location(&origin, "spec.ingress[0]"), Some(expected));
        assert_eq!(finding_location(&Origin::default(), "spec"), None);
    }

    #[test]
    fn only_a_field_a_closure_changed_is_located_at_it() {
        // One call per line: a finding's location is `file:line`.
        let component = here();
        let workload = here();
        let closure = here();
        let origin = Origin {
            declared_at: Some(component),
            field_locations: vec![
                ("spec".to_owned(), workload),
                ("spec.minReadySeconds".to_owned(), closure),
            ],
            customized_at: vec![closure, closure],
            ..Origin::default()
        };
        let at = |l: &Location<'_>| format!("{}:{}", l.file(), l.line());
        assert_eq!(
            finding_location(&origin, "spec.minReadySeconds"),
            Some(at(closure))
        );
        assert!(located_at_closure(&origin, "spec.minReadySeconds"));
        assert_eq!(
            finding_location(&origin, "spec.template.spec.containers[0].readinessProbe"),
            Some(at(workload))
        );
        assert!(!located_at_closure(&origin, "spec.template"));
        assert_eq!(customized_at(&origin), vec![at(closure)]);
        assert!(customized_at(&Origin::default()).is_empty());
    }
}
