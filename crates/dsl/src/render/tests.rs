//! Rendering of workload kinds and escape hatches not covered by the seeds (with the
//! validator's verdict: `validate/render_tests/general.rs`), and fixtures the other render
//! tests and `validate/render_tests/` share.

use k8s_openapi::api::batch::v1::CronJob;

use crate::*;

pub(crate) fn resources() -> Resources {
    Resources::new(
        cpu!("100m"),
        cpu!("500m"),
        memory!("128Mi"),
        memory!("256Mi"),
    )
}

pub(crate) fn report_component() -> Component {
    Component::builder()
        .name(name!("report"))
        .image(image!("ghcr.io/acme/report:2.0.1"))
        .resources(resources())
        .args(vec!["--since=24h".into()])
        .writable_dirs(vec![WritableDir::tmp(storage!("64Mi"))])
        .workload(
            ScheduledJob::builder()
                .schedule(cron!("30 2 * * MON-FRI"))
                .time_zone(time_zone!("Europe/Berlin"))
                .starting_deadline_seconds(600)
                .backoff_limit(2)
                .active_deadline_seconds(3600)
                .ttl_seconds_after_finished(86_400)
                .build(),
        )
        .build()
}

pub(crate) fn shop(components: Vec<Component>) -> App {
    App::builder()
        .name(name!("shop"))
        .environment(name!("production"))
        .namespace(name!("shop"))
        .components(components)
        .build()
}

pub(crate) fn cron_job(manifests: &[Manifest]) -> &CronJob {
    manifests
        .iter()
        .find_map(|m| match &m.object {
            Object::CronJob(c) => Some(c),
            _ => None,
        })
        .expect("a CronJob")
}

#[test]
fn a_scheduled_job_serialises_as_batch_v1_with_the_api_field_names() {
    let app = shop(vec![report_component()]);
    let manifests = render(&app);
    let m = manifests
        .iter()
        .find(|m| m.object.kind() == "CronJob")
        .expect("CronJob");
    assert_eq!(m.object.file_name(), "cronjob-shop-report.yaml");
    let v = serde_json::to_value(&m.object).expect("json");
    assert_eq!(v["apiVersion"], "batch/v1");
    assert_eq!(v["kind"], "CronJob");
    assert_eq!(v["spec"]["timeZone"], "Europe/Berlin");
    assert_eq!(v["spec"]["concurrencyPolicy"], "Forbid");
    assert_eq!(
        v["spec"]["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"],
        "Never"
    );
    // Round trip through the typed reader `lint` uses.
    let back = Object::from_value(v).expect("parses").expect("known kind");
    assert_eq!(back, m.object);
}

#[test]
fn concurrency_and_suspend_are_rendered_as_declared() {
    let mut c = report_component();
    if let Workload::Scheduled(j) = &mut c.workload {
        j.concurrency = ConcurrencyPolicy::Replace;
        j.suspend = true;
        j.restart = JobRestart::OnFailure;
    }
    let manifests = render(&shop(vec![c]));
    let spec = cron_job(&manifests).spec.as_ref().expect("spec");
    assert_eq!(spec.concurrency_policy.as_deref(), Some("Replace"));
    assert_eq!(spec.suspend, Some(true));
    let pod = spec
        .job_template
        .spec
        .as_ref()
        .and_then(|j| j.template.spec.as_ref());
    assert_eq!(
        pod.and_then(|p| p.restart_policy.as_deref()),
        Some("OnFailure")
    );
}

#[test]
fn a_customised_cron_job_is_customised() {
    let report = report_component().customize_cron_job(|c| {
        c.spec.as_mut().expect("spec").schedule = "0 4 * * *".into();
    });
    let manifests = render(&shop(vec![report]));
    assert_eq!(
        cron_job(&manifests)
            .spec
            .as_ref()
            .map(|s| s.schedule.as_str()),
        Some("0 4 * * *")
    );
}
