//! Evaluating one policy through one binding on one object, as the API server's
//! validating admission would for a CREATE of that object.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use cel::objects::{Key, Map};
use cel::{Context, Env, Value as Cel};

use super::convert::display;
use super::model::{Compiled, Policy};

/// What one validation (or the binding's configuration) decided.
pub(crate) enum Decision {
    /// The validation is false, or it failed with `failurePolicy: Fail`: the message
    /// the API server gives, and the validation's `reason`.
    Reject {
        message: String,
        reason: Option<String>,
    },
    /// It failed with `failurePolicy: Ignore`: admitted; the error.
    Ignored(String),
    /// Not evaluated: the field and why (the authorizer, an unimplemented function).
    NotEvaluated(String, String),
}

/// The CEL variables of one request, without `variables`.
pub(crate) struct Inputs {
    pub object: Cel,
    pub request: Cel,
    pub params: Cel,
    pub namespace_object: Cel,
}

/// The context of one request: its variables converted once.
fn root(env: &Arc<Env>, inputs: &Inputs) -> Context<'static, 'static> {
    let mut ctx = Context::with_env(Arc::clone(env));
    ctx.add_variable_from_value("object", inputs.object.clone());
    ctx.add_variable_from_value("oldObject", Cel::Null);
    ctx.add_variable_from_value("request", inputs.request.clone());
    ctx.add_variable_from_value("params", inputs.params.clone());
    ctx.add_variable_from_value("namespaceObject", inputs.namespace_object.clone());
    ctx
}

fn run(program: &Compiled, root: &Context<'_, '_>, variables: &Cel) -> Result<Cel, String> {
    let mut ctx = root.new_inner_scope();
    ctx.add_variable_from_value("variables", variables.clone());
    match catch_unwind(AssertUnwindSafe(|| program.program.execute(&ctx))) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("internal error of the CEL interpreter".to_owned()),
    }
}

/// The API server's message for an expression that failed with `error`.
fn failed(program: &Compiled, error: &str) -> String {
    format!(
        "expression '{}' resulted in error: {error}",
        program.source.trim()
    )
}

/// Every decision of `policy` on the request; empty when it admits it or its match
/// conditions leave it out.
pub(crate) fn evaluate(policy: &Policy<'_>, env: &Arc<Env>, inputs: &Inputs) -> Vec<Decision> {
    let fail = |message: String| {
        if policy.fails_closed() {
            Decision::Reject {
                message,
                reason: None,
            }
        } else {
            Decision::Ignored(message)
        }
    };
    let root = root(env, inputs);
    // Variables, in order; one that fails is left out and its error kept for an
    // expression that uses it (the API server evaluates them lazily).
    let mut values: HashMap<Key, Cel> = HashMap::new();
    let mut failed_variables: Vec<(String, String)> = Vec::new();
    for (name, compiled) in &policy.variables {
        if compiled.not_evaluated.is_some() {
            continue;
        }
        let current = Cel::Map(Map {
            map: Arc::new(values.clone()),
        });
        match run(compiled, &root, &current) {
            Ok(v) => {
                values.insert(Key::String(Arc::new(name.clone())), v);
            }
            Err(e) => failed_variables.push((name.clone(), e)),
        }
    }
    let variables = Cel::Map(Map {
        map: Arc::new(values),
    });
    // An expression that reads a variable that failed fails with that variable's error.
    let explain = |program: &Compiled, e: String| -> String {
        let inner = failed_variables
            .iter()
            .find(|(name, _)| e == format!("No such key: {name}"))
            .map_or(e, |(_, why)| why.clone());
        failed(program, &inner)
    };
    let not_evaluated = |c: &Compiled| -> Option<Decision> {
        let why = c.not_evaluated.clone().or_else(|| {
            policy
                .variables
                .iter()
                .filter(|(n, _)| c.source.contains(&format!("variables.{n}")))
                .find_map(|(n, v)| {
                    v.not_evaluated
                        .as_ref()
                        .map(|w| format!("uses variables.{n}, which {w}"))
                })
        })?;
        Some(Decision::NotEvaluated(c.field.clone(), why))
    };
    for (name, condition) in &policy.match_conditions {
        if let Some(skip) = not_evaluated(condition) {
            return vec![skip];
        }
        match run(condition, &root, &variables) {
            Ok(Cel::Bool(true)) => {}
            Ok(Cel::Bool(false)) => return Vec::new(),
            Ok(other) => {
                return vec![fail(format!(
                    "matchCondition '{name}' resulted in {}, not a bool",
                    display(&other)
                ))]
            }
            Err(e) => return vec![fail(explain(condition, e))],
        }
    }
    let mut decisions = Vec::new();
    for validation in &policy.validations {
        let expression = &validation.expression;
        if let Some(skip) = not_evaluated(expression) {
            decisions.push(skip);
            continue;
        }
        match run(expression, &root, &variables) {
            Ok(Cel::Bool(true)) => {}
            Ok(Cel::Bool(false)) => {
                let from_expression =
                    validation.message_expression.as_ref().and_then(|m| {
                        match run(m, &root, &variables) {
                            Ok(Cel::String(s))
                                if !s.trim().is_empty() && !s.trim().contains('\n') =>
                            {
                                Some(s.trim().to_owned())
                            }
                            _ => None,
                        }
                    });
                let message = from_expression
                    .or_else(|| validation.message.as_ref().map(|m| m.trim().to_owned()))
                    .unwrap_or_else(|| format!("failed expression: {}", expression.source.trim()));
                decisions.push(Decision::Reject {
                    message,
                    reason: validation.reason.clone(),
                });
            }
            Ok(other) => decisions.push(fail(format!(
                "expression '{}' resulted in a {}, not a bool",
                expression.source.trim(),
                display(&other)
            ))),
            Err(e) => decisions.push(fail(explain(expression, e))),
        }
    }
    decisions
}
