//! The functions added to the CEL environment, and those of the `cel` crate's
//! extensions that Kubernetes policies use.

use cel::Context;

use super::*;

fn eval(expr: &str) -> Result<Cel, String> {
    let env = Arc::new(environment());
    let program = env.compile(expr).map_err(|e| e.to_string())?;
    let ctx = Context::with_env(env);
    program.execute(&ctx).map_err(|e| e.to_string())
}

#[test]
fn kubernetes_list_functions() {
    assert_eq!(eval("[1, 2, 3].isSorted()"), Ok(Cel::Bool(true)));
    assert_eq!(eval("['b', 'a'].isSorted()"), Ok(Cel::Bool(false)));
    assert_eq!(eval("[1, 2, 3].sum()"), Ok(Cel::Int(6)));
    assert_eq!(eval("[].sum()"), Ok(Cel::Int(0)));
    assert_eq!(eval("[1.5, 2.0].sum()"), Ok(Cel::Float(3.5)));
    assert_eq!(eval("[3, 1, 2].min()"), Ok(Cel::Int(1)));
    assert_eq!(eval("[3, 1, 2].max()"), Ok(Cel::Int(3)));
    assert!(eval("[].max()").is_err());
    assert_eq!(eval("[1, 2, 1].indexOf(1)"), Ok(Cel::Int(0)));
    assert_eq!(eval("[1, 2, 1].lastIndexOf(1)"), Ok(Cel::Int(2)));
    assert_eq!(eval("['a'].indexOf('z')"), Ok(Cel::Int(-1)));
    assert!(eval("[9223372036854775807, 1].sum()").is_err());
}

#[test]
fn kubernetes_string_and_regex_functions() {
    assert_eq!(
        eval("'abc 123'.find('[0-9]+')"),
        Ok(Cel::String(Arc::new("123".into())))
    );
    assert_eq!(
        eval("'abc'.find('[0-9]+')"),
        Ok(Cel::String(Arc::new(String::new())))
    );
    assert_eq!(
        eval("'a1b22c333'.findAll('[0-9]+').size()"),
        Ok(Cel::Int(3))
    );
    assert_eq!(
        eval("'a1b22c333'.findAll('[0-9]+', 2)"),
        eval("['1', '22']")
    );
    assert!(eval("'a'.find('(')").is_err());
    // From the extensions of the `cel` crate.
    assert_eq!(
        eval("'TacoCat'.lowerAscii()"),
        Ok(Cel::String(Arc::new("tacocat".into())))
    );
    assert_eq!(eval("'a,b'.split(',').size()"), Ok(Cel::Int(2)));
    assert_eq!(
        eval("['a', 'b'].join('-')"),
        Ok(Cel::String(Arc::new("a-b".into())))
    );
    assert_eq!(eval("'hello'.indexOf('l')"), Ok(Cel::Int(2)));
    assert_eq!(eval("' x '.trim()"), Ok(Cel::String(Arc::new("x".into()))));
    assert_eq!(
        eval("'abc'.substring(1)"),
        Ok(Cel::String(Arc::new("bc".into())))
    );
    assert_eq!(
        eval("'registry.k8s.io/x'.matches('^registry')"),
        Ok(Cel::Bool(true))
    );
}

#[test]
fn known_functions_exist() {
    // Every name of the list reaches an implementation: no `undeclared reference`.
    for expr in [
        "[1].isSorted()",
        "[1].sum()",
        "[1].min()",
        "[1].max()",
        "[1].indexOf(1)",
        "[1].lastIndexOf(1)",
        "'a'.find('a')",
        "'a'.findAll('a')",
        "[1].slice(0, 1)",
        "[[1]].flatten()",
        "[1].distinct()",
        "[1].sort()",
        "'a'.reverse()",
        "'a'.charAt(0)",
        "'a'.upperAscii()",
        "'a'.replace('a', 'b')",
        "math.greatest(1, 2)",
        "optional.of(1).orValue(2)",
        "{'a': 1}.?b.orValue(2) == 2",
        "lists.range(2)",
        "'%s'.format(['a'])",
    ] {
        let result = eval(expr);
        assert!(result.is_ok(), "{expr}: {result:?}");
    }
}
