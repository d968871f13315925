//! The plan as a `dsl::App`, built in process with the same calls the written Rust makes
//! (`rust.rs`), so the import can render, compare and validate what the crate will emit.

use std::sync::Arc;

use dsl::object::{Object, ObjectKind};
use dsl::*;

use crate::plan::{
    AppPlan, CheckPlan, ComponentPlan, EnvPlan, HookPlan, KindEdits, PortPlan, WorkloadPlan,
};
use crate::residual;
use crate::ImportError;

fn bad(what: &str, value: &str, e: impl std::fmt::Display) -> ImportError {
    ImportError::Other(format!(
        "import: {what} {value:?} is not valid in kairn: {e}"
    ))
}

fn name(value: &str) -> Result<Name, ImportError> {
    Name::parse(value.to_owned()).map_err(|e| bad("name", value, e))
}

/// The app of one environment.
pub fn app(plan: &AppPlan, env: &EnvPlan) -> Result<App, ImportError> {
    let components = env
        .components
        .iter()
        .map(component)
        .collect::<Result<Vec<_>, _>>()?;
    let mut extras = Vec::new();
    for extra in &env.extras {
        extras.push(extra_object(&extra.value, &extra.at)?);
    }
    let secrets = env
        .secrets
        .iter()
        .map(|(n, keys)| {
            let keys = keys
                .iter()
                .map(|k| DataKey::parse(k.clone()).map_err(|e| bad("secret key", k, e)))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ExternalSecret::new(name(n)?, keys))
        })
        .collect::<Result<Vec<_>, ImportError>>()?;
    let waivers = env
        .waivers
        .iter()
        .map(|w| dsl::validate::Waiver::new(&w.rule, &w.kind, &w.name, &w.reason))
        .collect();
    let builder = App::builder()
        .name(name(&plan.id)?)
        .environment(name(&env.env)?)
        .namespace(name(&env.namespace)?)
        .components(components)
        .secrets(secrets)
        .waivers(waivers)
        .extra_objects(extras);
    let builder = match &env.name_prefix {
        Some(p) => builder.name_prefix(name(p)?),
        None => builder,
    };
    let builder = match &env.instance {
        Some(i) => builder.instance(name(i)?),
        None => builder,
    };
    Ok(builder.build())
}

/// An object kept as it is.
pub fn extra_object(value: &serde_json::Value, at: &str) -> Result<ExtraObject, ImportError> {
    match Object::from_value(value.clone()) {
        Ok(Some(object)) => Ok(ExtraObject::new(object)),
        Ok(None) => ExtraObject::json(value.clone()).map_err(|e| ImportError::Object {
            at: at.to_owned(),
            message: e.to_string(),
        }),
        Err(e) => Err(ImportError::Object {
            at: at.to_owned(),
            message: e.to_string(),
        }),
    }
}

fn named_port(port: &PortPlan) -> Result<NamedPort, ImportError> {
    Ok(NamedPort::new(
        PortName::parse(port.0.clone()).map_err(|e| bad("port name", &port.0, e))?,
        Port::parse(u32::from(port.1)).map_err(|e| bad("port", &port.1.to_string(), e))?,
    ))
}

fn check(c: &CheckPlan) -> Result<Check, ImportError> {
    Ok(match c {
        CheckPlan::Http(path, port) => Check::http(
            HttpPath::parse(path.clone()).map_err(|e| bad("HTTP path", path, e))?,
            &named_port(port)?,
        ),
        CheckPlan::Tcp(port) => Check::tcp(&named_port(port)?),
        CheckPlan::Exec(command) => Check::exec(command[0].clone(), command[1..].iter().cloned()),
    })
}

fn probes(pair: &(CheckPlan, CheckPlan)) -> Result<Probes, ImportError> {
    Ok(Probes::builder()
        .liveness(Probe::builder().check(check(&pair.0)?).build())
        .readiness(Probe::builder().check(check(&pair.1)?).build())
        .build())
}

fn reason(why: &str) -> Result<Reason, ImportError> {
    Reason::parse(why.to_owned()).map_err(|e| bad("reason", why, e))
}

fn hook(h: &HookPlan) -> Hook {
    let hook = match (h.before, h.first_install) {
        (true, false) => Hook::before_deploy(),
        (true, true) => Hook::before_install(),
        (false, false) => Hook::after_deploy(),
        (false, true) => Hook::after_install(),
    };
    hook.weight(h.weight)
}

fn resources(values: &[Option<String>; 4]) -> Result<Resources, ImportError> {
    let cpu = |v: &Option<String>| {
        v.as_deref()
            .map(|s| Cpu::parse(s).map_err(|e| bad("CPU", s, e)))
            .transpose()
    };
    let memory = |v: &Option<String>| {
        v.as_deref()
            .map(|s| Memory::parse(s).map_err(|e| bad("memory", s, e)))
            .transpose()
    };
    let (a, b, c, d) = (
        cpu(&values[0])?,
        cpu(&values[1])?,
        memory(&values[2])?,
        memory(&values[3])?,
    );
    Ok(match (a, b, c, d) {
        (Some(a), Some(b), Some(c), Some(d)) => Resources::new(a, b, c, d),
        (a, b, c, d) => Resources::as_source(
            ResourcesAsSource {
                cpu_request: a,
                cpu_limit: b,
                memory_request: c,
                memory_limit: d,
            },
            reason("imported: the source sets not every request and limit")?,
        ),
    })
}

/// One component, with its edits as customisations.
pub fn component(plan: &ComponentPlan) -> Result<Component, ImportError> {
    let builder = Component::builder()
        .name(name(&plan.name)?)
        .image(Image::parse(plan.image.clone()).map_err(|e| bad("image", &plan.image, e))?)
        .resources(resources(&plan.resources)?);
    let builder = if plan.command.is_empty() {
        builder
    } else {
        builder.command(plan.command.clone())
    };
    let builder = if plan.args.is_empty() {
        builder
    } else {
        builder.args(plan.args.clone())
    };
    let mut component: Component = match &plan.workload {
        WorkloadPlan::Http {
            port,
            replicas,
            probes: checks,
        } => {
            let service = HttpService::builder().port(named_port(port)?);
            let service = match checks {
                Ok(pair) => service
                    .probes(probes(pair)?)
                    .replicas(Replicas::Fixed(*replicas))
                    .build(),
                Err(why) => service
                    .without_probes(reason(why)?)
                    .replicas(Replicas::Fixed(*replicas))
                    .build(),
            };
            builder.workload(service).build().into()
        }
        WorkloadPlan::Worker {
            replicas,
            probes: checks,
        } => {
            let worker = Worker::builder().replicas(Replicas::Fixed(*replicas));
            let worker = match checks {
                Some(pair) => worker.probes(probes(pair)?).build(),
                None => worker.build(),
            };
            builder.workload(worker).build()
        }
        WorkloadPlan::NodeAgent { probes: checks } => {
            let agent = match checks {
                Ok(pair) => NodeAgent::builder().probes(probes(pair)?).build(),
                Err(why) => NodeAgent::builder().without_probes(reason(why)?).build(),
            };
            builder.workload(agent).build()
        }
        WorkloadPlan::Stateful {
            port,
            replicas,
            probes: pair,
        } => {
            let members = std::num::NonZeroU32::new(*replicas).unwrap_or(std::num::NonZeroU32::MIN);
            let stateful = StatefulService::builder()
                .replicas(members)
                .port(named_port(port)?)
                .probes(probes(pair)?)
                .build();
            builder.workload(stateful).build()
        }
        WorkloadPlan::Job {
            backoff_limit,
            ttl,
            hook: h,
        } => {
            let job = BatchJob::builder().backoff_limit(*backoff_limit);
            let job = match h {
                Some(h) => job.hook(hook(h)),
                None => job,
            };
            let job = match ttl {
                Ok(seconds) => job.ttl_seconds_after_finished(*seconds).build(),
                Err(why) => job.without_ttl(reason(why)?).build(),
            };
            builder.workload(job).build()
        }
        WorkloadPlan::Scheduled {
            schedule,
            backoff_limit,
            ttl,
        } => {
            let job = ScheduledJob::builder()
                .schedule(
                    CronSchedule::parse(schedule.clone())
                        .map_err(|e| bad("schedule", schedule, e))?,
                )
                .backoff_limit(*backoff_limit);
            let job = match ttl {
                Ok(seconds) => job.ttl_seconds_after_finished(*seconds).build(),
                Err(why) => job.without_ttl(reason(why)?).build(),
            };
            builder.workload(job).build()
        }
    };
    if let Some(why) = &plan.open_network {
        component = component.open_network(reason(why)?);
    }
    if !plan.kept.is_empty() {
        component = component.keep(kept(&plan.kept));
    }
    for edits in &plan.edits {
        component.customizations.push(customization(edits)?);
    }
    Ok(component)
}

/// The kept identity as the model's value.
pub fn kept(k: &crate::plan::KeptPlan) -> Kept {
    let map = |v: &Option<Vec<(String, String)>>| v.as_ref().map(|v| v.iter().cloned().collect());
    Kept {
        workload_name: k.workload_name.clone(),
        service_name: k.service_name.clone(),
        headless_service_name: k.headless_service_name.clone(),
        labels: map(&k.labels),
        selector: map(&k.selector),
        pod_labels: map(&k.pod_labels),
        container_name: k.container_name.clone(),
        service_account: k.service_account.clone(),
    }
}

fn typed<T>(edits: &KindEdits) -> Customization
where
    T: ObjectKind
        + serde::Serialize
        + serde::de::DeserializeOwned
        + k8s_openapi::Metadata<Ty = k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta>,
{
    let edits = Arc::new(edits.clone());
    Customization::new(move |object: &mut T| {
        if let Some(name) = &edits.name {
            if object.metadata().name.as_deref() != Some(name.as_str()) {
                return;
            }
        }
        let Ok(mut value) = serde_json::to_value(&*object) else {
            return;
        };
        residual::apply(&mut value, &edits.edits);
        if let Ok(changed) = lint::source::from_json(value) {
            *object = changed;
        }
    })
}

/// The kinds whose rendered objects an import edits.
pub const EDITABLE: &[&str] = &[
    "Deployment",
    "Service",
    "ServiceAccount",
    "NetworkPolicy",
    "PodDisruptionBudget",
    "HorizontalPodAutoscaler",
    "ConfigMap",
    "DaemonSet",
    "StatefulSet",
    "Job",
    "CronJob",
];

fn customization(edits: &KindEdits) -> Result<Customization, ImportError> {
    use k8s_openapi::api::{apps, autoscaling, batch, core, networking, policy};
    Ok(match edits.kind.as_str() {
        "Deployment" => typed::<apps::v1::Deployment>(edits),
        "Service" => typed::<core::v1::Service>(edits),
        "DaemonSet" => typed::<apps::v1::DaemonSet>(edits),
        "StatefulSet" => typed::<apps::v1::StatefulSet>(edits),
        "Job" => typed::<batch::v1::Job>(edits),
        "CronJob" => typed::<batch::v1::CronJob>(edits),
        "ServiceAccount" => typed::<core::v1::ServiceAccount>(edits),
        "ConfigMap" => typed::<core::v1::ConfigMap>(edits),
        "NetworkPolicy" => typed::<networking::v1::NetworkPolicy>(edits),
        "PodDisruptionBudget" => typed::<policy::v1::PodDisruptionBudget>(edits),
        "HorizontalPodAutoscaler" => typed::<autoscaling::v2::HorizontalPodAutoscaler>(edits),
        other => {
            return Err(ImportError::Other(format!(
                "import: cannot edit a rendered {other} (not in build::EDITABLE)"
            )))
        }
    })
}
