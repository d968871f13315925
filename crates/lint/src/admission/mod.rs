//! The cluster's own ValidatingAdmissionPolicies, evaluated at review time.
//!
//! The policies and bindings of the linted set, and those read from `kairn lint
//! --policy` (with their param objects), are compiled once with the `cel` crate
//! ([`functions`] adds what the Kubernetes CEL libraries have and it lacks). Each object
//! of the set is then taken as the API server would take its creation: matched against
//! every binding and its policy (resource rules, namespace and object selectors,
//! `paramRef`, `matchConditions`), and every validation evaluated with `object`,
//! `oldObject` (null), `request`, `params`, `namespaceObject` and `variables`.
//! Findings carry the API server's own message and follow the binding's
//! `validationActions`: Deny is an error, Warn a warning, Audit a note.

mod convert;
mod eval;
mod functions;
mod matching;
mod model;
mod request;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use cel::Value as Cel;

use crate::finding::{Note, Severity};
use crate::set::Hit;
use crate::source::{Document, LoadError, Loaded};
use eval::Decision;

/// The rule id of every admission-policy finding.
pub(crate) const RULE: &str = "admission-policy";

/// What the policies found: hits on the set's documents (by index), notes, and the
/// policies that could not be used.
#[derive(Default)]
pub(crate) struct Outcome {
    pub hits: Vec<Hit>,
    pub notes: Vec<Note>,
    pub errors: Vec<LoadError>,
}

/// Whether a document is a ValidatingAdmissionPolicy or ValidatingAdmissionPolicyBinding.
pub fn is_policy_document(doc: &Document) -> bool {
    model::is_admission_document(doc)
}

fn note(doc: &Document, message: String) -> Note {
    Note {
        file: Some(doc.file.clone()),
        line: Some(doc.line),
        message,
    }
}

/// Evaluates the policies of `set` and `extra` on every object of `set`.
pub(crate) fn evaluate(set: &Loaded, extra: &Loaded) -> Outcome {
    let mut out = Outcome::default();
    let all = || set.documents.iter().chain(extra.documents.iter());
    if !all().any(model::is_admission_document) {
        return out;
    }
    let env = Arc::new(functions::environment());
    let (policies, bindings, broken) = model::read(all(), &env);
    for b in broken {
        out.errors.push(LoadError {
            file: b.doc.file.clone(),
            line: Some(b.doc.line_of_path(&b.field)),
            message: b.message,
        });
    }
    let policies: BTreeMap<&str, &model::Policy<'_>> =
        policies.iter().map(|p| (p.name.as_str(), p)).collect();
    for p in policies.values() {
        if !bindings
            .iter()
            .any(|b| b.spec.policy_name.as_deref() == Some(p.name.as_str()))
        {
            out.notes.push(note(
                p.doc,
                format!("ValidatingAdmissionPolicy '{}' has no binding in the set or the --policy files: the API server does not enforce it, and it is not evaluated", p.name),
            ));
        }
    }
    let namespaces = request::namespaces(set, extra);
    let mut unknown = BTreeSet::new();
    let scope = Scope {
        env: &env,
        policies: &policies,
        bindings: &bindings,
        set,
        extra,
    };
    for (idx, doc) in set.documents.iter().enumerate() {
        if doc.kind.is_empty() || doc.error.is_some() {
            continue;
        }
        let req = request::request(doc, &namespaces);
        let object = request::admitted_object(doc, &req);
        let decided = scope.decide(&req, &object, &namespaces, &mut unknown);
        let mut applied = Vec::new();
        for (policy, binding, decision) in decided {
            applied.push((policy.name.as_str(), binding.name.as_str()));
            report(&mut out, idx, doc, policy, binding, decision, None);
        }
        // The pods a workload's controller creates are admitted one by one: a policy on
        // pods that the workload itself does not meet rejects them.
        if let Some((field, pod)) = request::template_pod(doc, &req) {
            let pod_doc = Document {
                api_version: "v1".to_owned(),
                kind: "Pod".to_owned(),
                name: String::new(),
                value: std::sync::OnceLock::from(pod),
                ..doc.clone()
            };
            let pod_req = request::request(&pod_doc, &namespaces);
            let pod_object = request::admitted_object(&pod_doc, &pod_req);
            for (policy, binding, decision) in
                scope.decide(&pod_req, &pod_object, &namespaces, &mut unknown)
            {
                if !applied.contains(&(policy.name.as_str(), binding.name.as_str())) {
                    report(&mut out, idx, doc, policy, binding, decision, Some(field));
                }
            }
        }
    }
    for (binding, ns) in unknown {
        if let Some(b) = bindings.iter().find(|b| b.name == binding) {
            out.notes.push(note(b.doc, format!("ValidatingAdmissionPolicyBinding '{binding}' selects namespaces by labels, and namespace '{ns}' is in neither the linted files nor --policy: only its `kubernetes.io/metadata.name` label is known, so its objects were taken as not selected (add the Namespace to see them judged)")));
        }
    }
    out
}

/// The compiled policies and bindings, and where params are found.
struct Scope<'s, 'a> {
    env: &'s Arc<cel::Env>,
    policies: &'s BTreeMap<&'s str, &'s model::Policy<'a>>,
    bindings: &'s [model::Binding<'a>],
    set: &'s Loaded,
    extra: &'s Loaded,
}

impl<'s, 'a> Scope<'s, 'a> {
    /// Every decision of every binding (and its policy) that selects the request.
    fn decide(
        &self,
        req: &matching::Request,
        object: &serde_json::Value,
        namespaces: &BTreeMap<&str, &Document>,
        unknown: &mut BTreeSet<(&'s str, String)>,
    ) -> Vec<(&'s model::Policy<'a>, &'s model::Binding<'a>, Decision)> {
        let mut out = Vec::new();
        let base = eval::Inputs {
            object: convert::to_cel(object),
            request: request::request_value(req),
            params: Cel::Null,
            namespace_object: request::namespace_object(req, namespaces),
        };
        for binding in self.bindings {
            let Some(policy) = binding
                .spec
                .policy_name
                .as_deref()
                .and_then(|n| self.policies.get(n))
            else {
                continue;
            };
            if !matching::matches(policy.spec.match_constraints.as_ref(), req)
                || !matching::matches(binding.spec.match_resources.as_ref(), req)
            {
                let policy_rules = policy.spec.match_constraints.as_ref();
                let binding_rules = binding.spec.match_resources.as_ref();
                let otherwise = matching::matches_except_namespace(policy_rules, req)
                    && matching::matches_except_namespace(binding_rules, req);
                let left_out = otherwise
                    .then(|| {
                        request::unknown_namespace(binding_rules, req, namespaces)
                            .or_else(|| request::unknown_namespace(policy_rules, req, namespaces))
                    })
                    .flatten();
                if let Some(ns) = left_out {
                    unknown.insert((binding.name.as_str(), ns));
                }
                continue;
            }
            let params = match request::params(policy, binding, req, self.set, self.extra) {
                Ok(p) => p,
                Err(request::NoParams::Allow) => continue,
                Err(request::NoParams::Deny(message)) => {
                    let decision = if policy.fails_closed() {
                        Decision::Reject {
                            message,
                            reason: None,
                        }
                    } else {
                        Decision::Ignored(message)
                    };
                    out.push((*policy, binding, decision));
                    continue;
                }
            };
            for param in params {
                let inputs = eval::Inputs {
                    params: param,
                    object: base.object.clone(),
                    request: base.request.clone(),
                    namespace_object: base.namespace_object.clone(),
                };
                for decision in eval::evaluate(policy, self.env, &inputs) {
                    out.push((*policy, binding, decision));
                }
            }
        }
        out
    }
}

/// Adds a decision to `out`; `template` is the field of the pod template when the
/// decision is on the pods a workload creates.
fn report(
    out: &mut Outcome,
    idx: usize,
    doc: &Document,
    policy: &model::Policy<'_>,
    binding: &model::Binding<'_>,
    decision: Decision,
    template: Option<&str>,
) {
    let (p, b) = (&policy.name, &binding.name);
    let field = template.unwrap_or_default().to_owned();
    let pods = if template.is_some() {
        format!("the {} would be created, but not its pods: ", doc.kind)
    } else {
        String::new()
    };
    let at = format!("{}:{}", policy.doc.file, policy.doc.line);
    match decision {
        Decision::Reject { message, reason } => {
            let actions = binding.spec.validation_actions.clone().unwrap_or_default();
            let reason = reason.map(|r| format!("; the API server answers with reason {r}")).unwrap_or_default();
            let fix = format!("change the object so that the policy admits it, or change the policy or its binding (policy at {at}; binding at {}:{}, validationActions [{}]){reason}", binding.doc.file, binding.doc.line, actions.join(", "));
            if actions.iter().any(|a| a == "Deny") {
                out.hits.push(hit(idx, &field, format!("{pods}ValidatingAdmissionPolicy '{p}' with binding '{b}' denied request: {message}"), fix.clone(), None));
            } else if actions.iter().any(|a| a == "Warn") {
                out.hits.push(hit(idx, &field, format!("{pods}Validation failed for ValidatingAdmissionPolicy '{p}' with binding '{b}': {message}"), fix.clone(), Some(Severity::Warning)));
            }
            if actions.iter().any(|a| a == "Audit") {
                out.notes.push(note(doc, format!("{}/{}: ValidatingAdmissionPolicy '{p}' with binding '{b}' would record an audit annotation{}: {message}", doc.kind, doc.name, if template.is_some() { " for its pods" } else { "" })));
            }
        }
        Decision::Ignored(error) => out.notes.push(note(
            doc,
            format!("{}/{}: ValidatingAdmissionPolicy '{p}' with binding '{b}' failed and is ignored (failurePolicy: Ignore){}: {error}", doc.kind, doc.name, if template.is_some() { " on its pods" } else { "" }),
        )),
        Decision::NotEvaluated(field, why) => out.notes.push(note(
            doc,
            format!("{}/{}: ValidatingAdmissionPolicy '{p}' {field} {why}; not evaluated", doc.kind, doc.name),
        )),
    }
}

fn hit(idx: usize, field: &str, message: String, fix: String, severity: Option<Severity>) -> Hit {
    Hit {
        idx,
        rule: RULE,
        field: field.to_owned(),
        message,
        fix,
        severity,
    }
}
