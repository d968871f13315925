//! Inline waivers written on an object, `kairn.dev/waive.<rule>: <reason>` (the form
//! `emit` writes): the validator honours them; this checks them, so a waiver of a rule
//! that does not exist or one without a reason is a `waiver-invalid` finding at the
//! annotation's file and line instead of silently doing nothing.

use dsl::validate::source::NodeValue;
use dsl::validate::{self, Finding, Loaded, WAIVE_ANNOTATION_PREFIX};

use super::select::unknown_rule;

/// A `waiver-invalid` finding for every waiver annotation in `loaded` that names an
/// unknown rule or has no reason.
pub fn check(loaded: &Loaded) -> Vec<Finding> {
    let info = validate::rule("waiver-invalid").expect("registered rule");
    let mut out = Vec::new();
    for d in &loaded.documents {
        // In key order, as a JSON object holds them. A typed object's annotations are the
        // tree's (each a string), and reading them does not build a tree the document
        // let go; the JSON form of every document is built only on demand.
        let annotations: Vec<(&str, Option<&str>)> = match &d.object {
            Some(object) => object
                .metadata()
                .annotations
                .iter()
                .flatten()
                .map(|(k, v)| (k.as_str(), Some(v.as_str())))
                .collect(),
            None => {
                let Some(NodeValue::Map(entries)) = d
                    .tree()
                    .get("metadata")
                    .and_then(|m| m.get("annotations"))
                    .map(|a| &a.value)
                else {
                    continue;
                };
                let mut annotations: Vec<(&str, Option<&str>)> = entries
                    .iter()
                    .map(|(k, _, v)| (k.as_str(), v.as_str()))
                    .collect();
                annotations.sort_by(|a, b| a.0.cmp(b.0));
                annotations
            }
        };
        for (key, value) in annotations {
            let Some(rule) = key.strip_prefix(WAIVE_ANNOTATION_PREFIX) else {
                continue;
            };
            let (message, fix) = if validate::rule(rule).is_none() {
                (
                    format!("the annotation `{key}` waives an {}", unknown_rule(rule)),
                    "use a rule id from docs/rules.md".to_owned(),
                )
            } else if value.is_none_or(|r| r.trim().is_empty()) {
                (
                    format!("the annotation `{key}` has no reason, so it waives nothing"),
                    "write why the finding is acceptable as the annotation's value".to_owned(),
                )
            } else {
                continue;
            };
            let field = format!("metadata.annotations[{key:?}]");
            out.push(Finding {
                rule: info.id,
                severity: info.severity,
                app: None,
                environment: None,
                kind: d.kind.clone(),
                name: d.name.clone(),
                namespace: d.namespace.clone(),
                line: Some(d.line_of_path(&field)),
                file: Some(d.file.clone()),
                field,
                message,
                fix,
                declared_at: None,
                customized_at: Vec::new(),
                unit: None,
                waived: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_rules_and_empty_reasons_are_findings_at_the_annotation() {
        let loaded = validate::parse_str(
            "a.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: ns\n  annotations:\n    \
             kairn.dev/waive.image-lates: typo\n    kairn.dev/waive.image-latest: ''\n    \
             kairn.dev/waive.pdb-missing: fine\n    other: x\n",
        )
        .expect("parses");
        let found = check(&loaded);
        assert_eq!(found.len(), 2, "{found:#?}");
        let unknown = found.iter().find(|f| f.line == Some(7)).expect("typo");
        let blank = found.iter().find(|f| f.line == Some(8)).expect("empty");
        assert_eq!(unknown.rule, "waiver-invalid");
        assert!(
            unknown
                .message
                .contains("unknown rule `image-lates`; did you mean `image-latest`"),
            "{}",
            unknown.message
        );
        assert_eq!(unknown.file.as_deref(), Some("a.yaml"));
        assert!(blank.message.contains("no reason"), "{}", blank.message);
        assert!(blank.is_error());
    }
}
