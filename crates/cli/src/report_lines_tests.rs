//! End to end: a finding is reported (in `emit`'s text format) at the line of the
//! builder call that set the field it is about, not at `Component::builder()`.

use dsl::*;

use crate::report;

/// The 1-based line of this file that first contains `needle`.
fn line_of(needle: &str) -> usize {
    include_str!("report_lines_tests.rs")
        .lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| i + 1)
}

fn app_with_a_duplicate_env_var() -> App {
    let worker = Component::builder()
        .name(name!("worker"))
        .image(image!("ghcr.io/acme/worker:1.0.0"))
        .resources(Resources::new(
            cpu!("250m"),
            cpu!("1"),
            memory!("256Mi"),
            memory!("1Gi"),
        ))
        .workload(Worker::builder().replicas(Replicas::Fixed(2)).build())
        .env(vec![
            EnvVar::literal(env_name!("MODE"), "fast"),
            EnvVar::literal(env_name!("MODE"), "slow"),
        ])
        .build();
    App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(vec![worker])
        .build()
}

#[test]
fn a_finding_on_env_is_reported_at_the_env_call() {
    let app = app_with_a_duplicate_env_var();
    let report = dsl::validate(&render(&app), &dsl::validate::context_for(&app));
    let mut text = Vec::new();
    report::write_text(&mut text, &report).unwrap_or_default();
    let text = String::from_utf8_lossy(&text);

    // Needles split in two so that these lines do not match themselves.
    let env_line = line_of(&[".env", "(vec!["].concat());
    let builder_line = line_of(&["let worker = Component", "::builder()"].concat());
    assert!(
        env_line > builder_line && builder_line > 0,
        "lines not found"
    );
    let at_env = format!("{}:{env_line}", file!());

    let duplicate = report
        .findings
        .iter()
        .find(|f| f.rule == "duplicate-env")
        .unwrap_or_else(|| panic!("no duplicate-env finding in:\n{text}"));
    assert_eq!(duplicate.declared_at.as_deref(), Some(at_env.as_str()));
    assert_eq!(
        duplicate.field,
        "spec.template.spec.containers[0].env[1].name"
    );
    // As printed: the finding's block ends with the line of the `.env(..)` call.
    let printed = text
        .split_inclusive("\n")
        .skip_while(|l| !l.starts_with("warning[duplicate-env]"))
        .find(|l| l.starts_with("  declared at "));
    assert_eq!(
        printed,
        Some(format!("  declared at {at_env}\n").as_str()),
        "{text}"
    );

    // A finding on the workload's own fields (no spread) points at `.workload(..)`.
    let workload_line = line_of(&[".workload(", "Worker::builder()"].concat());
    let spread = report
        .findings
        .iter()
        .find(|f| f.rule == "deployment-no-spread");
    assert_eq!(
        spread.and_then(|f| f.declared_at.clone()),
        Some(format!("{}:{workload_line}", file!()))
    );
}
