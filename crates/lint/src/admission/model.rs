//! ValidatingAdmissionPolicies and their bindings read from documents, with every CEL
//! expression compiled once.

use cel::{Env, Program};
use k8s_openapi::api::admissionregistration::v1::{
    ValidatingAdmissionPolicy, ValidatingAdmissionPolicyBinding,
    ValidatingAdmissionPolicyBindingSpec, ValidatingAdmissionPolicySpec,
};

use super::functions::{KNOWN_FUNCTIONS, NOT_EVALUATED};
use crate::source::Document;

/// The API versions read as policies and bindings (v1beta1 has the same fields).
const API_VERSIONS: &[&str] = &[
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1beta1",
];

/// One compiled expression and where it is written.
pub(crate) struct Compiled {
    /// The expression's text.
    pub source: String,
    /// Its field in the policy, e.g. `spec.validations[1].expression`.
    pub field: String,
    /// The program.
    pub program: Program,
    /// Why it cannot be evaluated here: it reads `authorizer`, which only the API
    /// server has, or calls a Kubernetes CEL function not implemented here.
    pub not_evaluated: Option<String>,
}

/// One `spec.validations` entry.
pub(crate) struct Validation {
    pub expression: Compiled,
    pub message: Option<String>,
    pub message_expression: Option<Compiled>,
    pub reason: Option<String>,
}

/// A policy, compiled.
pub(crate) struct Policy<'a> {
    pub name: String,
    pub doc: &'a Document,
    pub spec: ValidatingAdmissionPolicySpec,
    pub match_conditions: Vec<(String, Compiled)>,
    pub variables: Vec<(String, Compiled)>,
    pub validations: Vec<Validation>,
}

impl Policy<'_> {
    /// `failurePolicy: Fail`, the default: an error rejects the request.
    pub fn fails_closed(&self) -> bool {
        self.spec.failure_policy.as_deref() != Some("Ignore")
    }
}

/// A binding.
pub(crate) struct Binding<'a> {
    pub name: String,
    pub doc: &'a Document,
    pub spec: ValidatingAdmissionPolicyBindingSpec,
}

/// A policy or binding that cannot be used: the document and what is wrong.
pub(crate) struct Broken<'a> {
    pub doc: &'a Document,
    pub field: String,
    pub message: String,
}

/// Whether a document is a ValidatingAdmissionPolicy or its binding.
pub(crate) fn is_admission_document(doc: &Document) -> bool {
    API_VERSIONS.contains(&doc.api_version.as_str())
        && matches!(
            doc.kind.as_str(),
            "ValidatingAdmissionPolicy" | "ValidatingAdmissionPolicyBinding"
        )
}

/// Reads the policies and bindings among `docs`, compiling each expression with `env`.
pub(crate) fn read<'a>(
    docs: impl Iterator<Item = &'a Document>,
    env: &Env,
) -> (Vec<Policy<'a>>, Vec<Binding<'a>>, Vec<Broken<'a>>) {
    let (mut policies, mut bindings, mut broken) = (Vec::new(), Vec::new(), Vec::new());
    for doc in docs.filter(|d| is_admission_document(d)) {
        if doc.kind == "ValidatingAdmissionPolicy" {
            match policy(doc, env) {
                Ok(p) => policies.push(p),
                Err(b) => broken.push(b),
            }
        } else {
            let mut value = doc.value().clone();
            value["apiVersion"] = serde_json::json!("admissionregistration.k8s.io/v1");
            match crate::source::from_json::<ValidatingAdmissionPolicyBinding>(value) {
                Ok(b) => bindings.push(Binding {
                    name: doc.name.clone(),
                    doc,
                    spec: b.spec.unwrap_or_default(),
                }),
                Err(e) => broken.push(Broken {
                    doc,
                    field: String::new(),
                    message: format!(
                        "ValidatingAdmissionPolicyBinding '{}' does not read: {e}",
                        doc.name
                    ),
                }),
            }
        }
    }
    (policies, bindings, broken)
}

fn policy<'a>(doc: &'a Document, env: &Env) -> Result<Policy<'a>, Broken<'a>> {
    let name = doc.name.clone();
    // v1beta1 has the fields of v1; the typed reader checks the apiVersion.
    let mut value = doc.value().clone();
    value["apiVersion"] = serde_json::json!("admissionregistration.k8s.io/v1");
    let typed =
        crate::source::from_json::<ValidatingAdmissionPolicy>(value).map_err(|e| Broken {
            doc,
            field: String::new(),
            message: format!("ValidatingAdmissionPolicy '{name}' does not read: {e}"),
        })?;
    let spec = typed.spec.unwrap_or_default();
    let compile = |source: &str, field: String| -> Result<Compiled, Broken<'a>> {
        compile(env, source, &field).map_err(|why| Broken {
            doc,
            message: format!("ValidatingAdmissionPolicy '{name}': {field} does not compile: {why}"),
            field,
        })
    };
    let mut match_conditions = Vec::new();
    for (i, c) in spec.match_conditions.iter().flatten().enumerate() {
        let field = format!("spec.matchConditions[{i}].expression");
        match_conditions.push((c.name.clone(), compile(&c.expression, field)?));
    }
    let mut variables = Vec::new();
    for (i, v) in spec.variables.iter().flatten().enumerate() {
        let field = format!("spec.variables[{i}].expression");
        variables.push((v.name.clone(), compile(&v.expression, field)?));
    }
    let mut validations = Vec::new();
    for (i, v) in spec.validations.iter().flatten().enumerate() {
        let expression = compile(&v.expression, format!("spec.validations[{i}].expression"))?;
        let message_expression = match v.message_expression.as_deref() {
            Some(m) if !m.trim().is_empty() => Some(compile(
                m,
                format!("spec.validations[{i}].messageExpression"),
            )?),
            _ => None,
        };
        validations.push(Validation {
            expression,
            message: v.message.clone().filter(|m| !m.trim().is_empty()),
            message_expression,
            reason: v.reason.clone(),
        });
    }
    for (i, a) in spec.audit_annotations.iter().flatten().enumerate() {
        // Compiled only to report a broken one; audit annotations are not evaluated.
        compile(
            &a.value_expression,
            format!("spec.auditAnnotations[{i}].valueExpression"),
        )?;
    }
    Ok(Policy {
        name,
        doc,
        spec,
        match_conditions,
        variables,
        validations,
    })
}

/// The deepest nesting of brackets an expression may have: the parser recurses on
/// each level (the API server's parser stops at a depth too).
const MAX_NESTING: usize = 64;

/// The deepest bracket nesting of `source`, outside string literals.
fn nesting(source: &str) -> usize {
    let (mut depth, mut max, mut quote, mut escaped) = (0usize, 0usize, None, false);
    for c in source.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '"' | '\'' => quote = Some(c),
                '(' | '[' | '{' => {
                    depth += 1;
                    max = max.max(depth);
                }
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
    }
    max
}

/// Parses `source` and checks that every function it calls exists.
pub(crate) fn compile(env: &Env, source: &str, field: &str) -> Result<Compiled, String> {
    if nesting(source) > MAX_NESTING {
        return Err(format!(
            "the expression nests brackets more than {MAX_NESTING} levels deep"
        ));
    }
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| env.compile(source)))
        .map_err(|_| "the CEL parser failed on it (internal error)".to_owned())?;
    let program = parsed.map_err(|errors| {
        errors
            .errors
            .iter()
            .map(|e| e.to_string().lines().next().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let references = program.references();
    let mut unknown: Vec<&str> = references
        .functions()
        .into_iter()
        .filter(|f| {
            f.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && !KNOWN_FUNCTIONS.contains(f)
        })
        .collect();
    unknown.sort_unstable();
    let not_evaluated = if references.has_variable("authorizer") {
        Some("needs the API server's authorizer".to_owned())
    } else {
        unknown
            .iter()
            .find(|f| NOT_EVALUATED.contains(f))
            .map(|f| format!("calls `{f}`, a Kubernetes CEL function kairn does not implement"))
    };
    if let Some(f) = unknown.iter().find(|f| !NOT_EVALUATED.contains(f)) {
        return Err(format!("undeclared reference to '{f}'"));
    }
    Ok(Compiled {
        source: source.to_owned(),
        field: field.to_owned(),
        not_evaluated,
        program,
    })
}
