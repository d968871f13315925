//! Which source objects become which part of kairn's model.
//!
//! A Deployment becomes a component: an [`HttpService`](dsl::HttpService) when a Service
//! of the set selects its pods (that Service is the component's), otherwise a
//! [`Worker`](dsl::Worker); a DaemonSet a [`NodeAgent`](dsl::NodeAgent), a StatefulSet
//! with its Service a [`StatefulService`](dsl::StatefulService), a Job a
//! [`BatchJob`](dsl::BatchJob) (a lifecycle hook when Helm or Argo CD annotations say
//! so), a CronJob a [`ScheduledJob`](dsl::ScheduledJob). A Secret with data becomes an external secret (key names
//! only). Everything else is kept as an extra object; the objects kairn renders for a
//! component then take the place of the source objects they match (same kind and
//! name), see `engine.rs`.

use serde_json::Value;

use crate::normalize::Normalized;
use crate::plan::{CheckPlan, ComponentPlan, EnvPlan, ExtraPlan, HookPlan, KeptPlan, WorkloadPlan};

/// Kinds that live outside namespaces.
pub const CLUSTER_SCOPED: &[&str] = &[
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "StorageClass",
    "PersistentVolume",
    "IngressClass",
    "APIService",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "PriorityClass",
    "RuntimeClass",
    "CSIDriver",
    "Node",
];

/// What recognition decided for one environment.
#[derive(Clone, Debug)]
pub struct Recognized {
    /// The plan, without kept identity, edits or waivers yet.
    pub plan: EnvPlan,
    /// For each component, the source objects it stands for (indices into the objects).
    pub consumed: Vec<Vec<usize>>,
    /// For each extra object of the plan, its index into the objects.
    pub extra_index: Vec<usize>,
    /// Objects that became external secrets.
    pub secrets: Vec<usize>,
    /// Objects left out, and why.
    pub dropped: Vec<(usize, String)>,
}

/// Why an object is not part of the deployed app, if it is not: Helm's test hooks run
/// only under `helm test` (their names are often random per render).
pub fn not_deployed(o: &Normalized) -> Option<String> {
    let hook = o.json.pointer("/metadata/annotations/helm.sh~1hook")?.as_str()?;
    hook.split(',')
        .any(|h| matches!(h.trim(), "test" | "test-success" | "test-failure"))
        .then(|| format!("a Helm test hook (`helm.sh/hook: {hook}`): it runs only under `helm test`, not on deploy"))
}

/// kairn's labels on objects it wrote.
pub struct KairnLabels {
    /// `app.kubernetes.io/name`.
    pub app: String,
    /// `app.kubernetes.io/instance` (the base name).
    pub instance: String,
}

/// The app name and base name of a set kairn wrote, from any of its objects.
pub fn kairn_labels(objects: &[Normalized]) -> Option<KairnLabels> {
    objects.iter().find_map(|o| {
        let labels = o.labels();
        let get = |k: &str| labels.get(k).and_then(Value::as_str).map(str::to_owned);
        (get("app.kubernetes.io/managed-by").as_deref() == Some("kairn")).then_some(())?;
        Some(KairnLabels {
            app: get("app.kubernetes.io/name")?,
            instance: get("app.kubernetes.io/instance")?,
        })
    })
}

/// The namespace most namespaced objects are in (`default` when none says).
pub fn app_namespace(objects: &[Normalized], given: Option<&str>) -> String {
    if let Some(ns) = given {
        return ns.to_owned();
    }
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for o in objects {
        if let Some(ns) = &o.namespace {
            *counts.entry(ns).or_default() += 1;
        }
        if o.kind == "Namespace" {
            *counts.entry(&o.name).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(ns, n)| (*n, std::cmp::Reverse(*ns)))
        .map(|(ns, _)| ns.to_owned())
        .unwrap_or_else(|| "default".to_owned())
}

/// Decides the components of one environment.
pub fn recognize(env: &str, namespace: &str, objects: &[Normalized], kairn: bool) -> Recognized {
    let mut used = vec![false; objects.len()];
    let mut dropped = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        if let Some(why) = not_deployed(o) {
            used[i] = true;
            dropped.push((i, why));
        }
    }
    let mut components = Vec::new();
    let mut consumed = Vec::new();
    let mut secrets = Vec::new();
    let mut secret_plans = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        let Some(c) = workload(i, o, objects, &used, kairn) else {
            continue;
        };
        for &j in &c.1 {
            used[j] = true;
        }
        components.push(c.0);
        consumed.push(c.1);
    }
    for (i, o) in objects.iter().enumerate() {
        if o.kind == "Secret" && !used[i] {
            let mut keys: Vec<String> = ["/data", "/stringData"]
                .iter()
                .filter_map(|p| o.json.pointer(p).and_then(Value::as_object))
                .flat_map(|m| m.keys().cloned())
                .collect();
            keys.sort();
            keys.dedup();
            if !keys.is_empty() && dsl::Name::parse(o.name.clone()).is_ok() && keys.iter().all(|k| dsl::DataKey::parse(k.clone()).is_ok()) {
                used[i] = true;
                secrets.push(i);
                secret_plans.push((o.name.clone(), keys));
            }
        }
    }
    let mut extras = Vec::new();
    let mut extra_index = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        if used[i] {
            continue;
        }
        extras.push(ExtraPlan {
            at: o.at.clone(),
            api_version: o.api_version.clone(),
            kind: o.kind.clone(),
            value: o.json.clone(),
            typed: o.typed.is_some(),
        });
        extra_index.push(i);
    }
    Recognized {
        plan: EnvPlan {
            env: env.to_owned(),
            namespace: namespace.to_owned(),
            components,
            extras,
            secrets: secret_plans,
            waivers: Vec::new(),
        },
        consumed,
        extra_index,
        secrets,
        dropped,
    }
}

fn text(v: &Value, p: &str) -> Option<String> {
    v.pointer(p).and_then(Value::as_str).map(str::to_owned)
}

fn strings(v: &Value, p: &str) -> Vec<String> {
    v.pointer(p)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// The Service of the set that selects a pod's labels and is not another component's.
fn selecting_service(
    o: &Normalized,
    pod_labels: &serde_json::Map<String, Value>,
    objects: &[Normalized],
    used: &[bool],
) -> Option<usize> {
    objects.iter().enumerate().position(|(j, s)| {
        s.kind == "Service"
            && !used[j]
            && s.namespace == o.namespace
            && s.json
                .pointer("/spec/selector")
                .and_then(Value::as_object)
                .is_some_and(|sel| {
                    !sel.is_empty() && sel.iter().all(|(k, v)| pod_labels.get(k) == Some(v))
                })
            && s.json.pointer("/spec/ports/0").is_some()
    })
}

/// Ports of the main container, resolved the way kairn names them: a port's own name when
/// it is a valid port name, else `http` for the served port and `p<number>` for others.
struct Ports {
    ports: Vec<(Option<String>, u16)>,
    served: Option<u16>,
}

impl Ports {
    fn of(container: &Value) -> Ports {
        let ports = container
            .pointer("/ports")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|p| {
                        let n = p.get("containerPort").and_then(Value::as_u64)?;
                        let name = p.get("name").and_then(Value::as_str).map(str::to_owned);
                        Some((name, u16::try_from(n).ok()?))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ports { ports, served: None }
    }

    fn named(&self, number: u16) -> (String, u16) {
        let own = self
            .ports
            .iter()
            .find(|(_, n)| *n == number)
            .and_then(|(name, _)| name.clone())
            .filter(|n| dsl::PortName::parse(n.clone()).is_ok());
        let name = own.unwrap_or_else(|| {
            if self.served == Some(number) {
                "http".to_owned()
            } else {
                format!("p{number}")
            }
        });
        (name, number)
    }

    /// A `port` field (number or name) as a named port of the container.
    fn resolve(&self, port: &Value) -> Option<(String, u16)> {
        let number = match port {
            Value::Number(n) => u16::try_from(n.as_u64()?).ok()?,
            Value::String(name) => match name.parse::<u16>() {
                Ok(n) => n,
                Err(_) => self
                    .ports
                    .iter()
                    .find(|(n, _)| n.as_deref() == Some(name.as_str()))?
                    .1,
            },
            _ => return None,
        };
        (number > 0).then(|| self.named(number))
    }
}

/// Pod-owning objects as components, with the source objects each stands for.
fn workload(
    index: usize,
    o: &Normalized,
    objects: &[Normalized],
    used: &[bool],
    kairn: bool,
) -> Option<(ComponentPlan, Vec<usize>)> {
    let template = match o.kind.as_str() {
        "Deployment" | "DaemonSet" | "StatefulSet" | "Job" => "/spec/template",
        "CronJob" => "/spec/jobTemplate/spec/template",
        _ => return None,
    };
    let pod = o.json.pointer(template)?;
    let container = pod.pointer("/spec/containers/0")?;
    let image = text(container, "/image")?;
    dsl::Image::parse(image.clone()).ok()?;
    let name = if kairn {
        o.labels()
            .get("app.kubernetes.io/component")
            .and_then(Value::as_str)
            .map(str::to_owned)?
    } else {
        o.name.clone()
    };
    dsl::Name::parse(name.clone()).ok()?;
    let pod_labels = pod
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut consumed = vec![index];
    let replicas = o
        .json
        .pointer("/spec/replicas")
        .and_then(Value::as_u64)
        .map_or(1, |n| u32::try_from(n).unwrap_or(u32::MAX));
    let mut ports = Ports::of(container);
    let service = match o.kind.as_str() {
        "Deployment" | "StatefulSet" => selecting_service(o, &pod_labels, objects, used),
        _ => None,
    };
    // The port the Service routes to, as a container port.
    let served = service.and_then(|j| {
        let s = &objects[j].json;
        let target = s.pointer("/spec/ports/0/targetPort").cloned();
        let port = s.pointer("/spec/ports/0/port").cloned();
        let number = match target.or(port)? {
            Value::Number(n) => u16::try_from(n.as_u64()?).ok()?,
            Value::String(name) => ports.ports.iter().find(|(n, _)| n.as_deref() == Some(name.as_str()))?.1,
            _ => return None,
        };
        (number > 0).then_some(number)
    });
    ports.served = served;
    let checks = probe_checks(container, &ports);
    let no_probes = || "imported: the source has no liveness and readiness probes".to_owned();
    let job_spec = match o.kind.as_str() {
        "CronJob" => o.json.pointer("/spec/jobTemplate/spec"),
        _ => o.json.pointer("/spec"),
    };
    let backoff_limit = job_spec
        .and_then(|s| s.get("backoffLimit"))
        .and_then(Value::as_u64)
        .map_or(6, |n| u32::try_from(n).unwrap_or(u32::MAX));
    let ttl = job_spec
        .and_then(|s| s.get("ttlSecondsAfterFinished"))
        .and_then(Value::as_u64)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| "imported: the source keeps finished Jobs (no TTL)".to_owned());
    let workload = match (o.kind.as_str(), service, served) {
        ("Deployment", Some(j), Some(number)) => {
            consumed.push(j);
            WorkloadPlan::Http {
                port: ports.named(number),
                replicas,
                probes: checks.ok_or_else(no_probes),
            }
        }
        ("Deployment", ..) => WorkloadPlan::Worker {
            replicas,
            probes: checks,
        },
        ("DaemonSet", ..) => WorkloadPlan::NodeAgent {
            probes: checks.ok_or_else(no_probes),
        },
        ("StatefulSet", Some(j), Some(number)) => {
            consumed.push(j);
            WorkloadPlan::Stateful {
                port: ports.named(number),
                replicas: replicas.max(1),
                probes: checks?,
            }
        }
        ("Job", ..) => WorkloadPlan::Job {
            backoff_limit,
            ttl,
            hook: hook(o),
        },
        ("CronJob", ..) => {
            let schedule = text(&o.json, "/spec/schedule")?;
            dsl::CronSchedule::parse(schedule.clone()).ok()?;
            WorkloadPlan::Scheduled {
                schedule,
                backoff_limit,
                ttl,
            }
        }
        _ => return None,
    };
    let resources = [
        "/resources/requests/cpu",
        "/resources/limits/cpu",
        "/resources/requests/memory",
        "/resources/limits/memory",
    ]
    .map(|p| container.pointer(p).map(quantity_text));
    if resources.iter().flatten().any(|q| dsl::Memory::parse(q).is_err() && dsl::Cpu::parse(q).is_err()) {
        return None;
    }
    Some((
        ComponentPlan {
            name,
            sources: Vec::new(),
            image,
            resources,
            workload,
            command: strings(container, "/command"),
            args: strings(container, "/args"),
            kept: KeptPlan::default(),
            open_network: None,
            edits: Vec::new(),
        },
        consumed,
    ))
}

/// The lifecycle hook a Job's Helm or Argo CD annotations make it.
fn hook(o: &Normalized) -> Option<HookPlan> {
    let annotations = o.json.pointer("/metadata/annotations")?.as_object()?;
    let get = |k: &str| annotations.get(k).and_then(Value::as_str);
    let weight = get("helm.sh/hook-weight")
        .or_else(|| get("argocd.argoproj.io/sync-wave"))
        .and_then(|w| w.trim().parse::<i8>().ok())
        .unwrap_or(0);
    if let Some(helm) = get("helm.sh/hook") {
        let kinds: Vec<&str> = helm.split(',').map(str::trim).collect();
        let before = kinds.iter().any(|k| k.starts_with("pre-"));
        let after = kinds.iter().any(|k| k.starts_with("post-"));
        if before == after {
            return None;
        }
        let first_install = !kinds.iter().any(|k| k.ends_with("-upgrade"));
        return Some(HookPlan {
            before,
            first_install,
            weight,
        });
    }
    match get("argocd.argoproj.io/hook")? {
        "PreSync" => Some(HookPlan {
            before: true,
            first_install: false,
            weight,
        }),
        "PostSync" => Some(HookPlan {
            before: false,
            first_install: false,
            weight,
        }),
        _ => None,
    }
}

fn quantity_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Liveness and readiness checks kairn's `Check` expresses, when the source has both.
fn probe_checks(container: &Value, ports: &Ports) -> Option<(CheckPlan, CheckPlan)> {
    let one = |which: &str| -> Option<CheckPlan> {
        let p = container.get(which)?;
        if let Some(h) = p.get("httpGet") {
            let path = h.get("path").and_then(Value::as_str).unwrap_or("/");
            dsl::HttpPath::parse(path.to_owned()).ok()?;
            return Some(CheckPlan::Http(path.to_owned(), ports.resolve(h.get("port")?)?));
        }
        if let Some(t) = p.get("tcpSocket") {
            return Some(CheckPlan::Tcp(ports.resolve(t.get("port")?)?));
        }
        let command = strings(p, "/exec/command");
        (!command.is_empty()).then_some(CheckPlan::Exec(command))
    };
    Some((one("livenessProbe")?, one("readinessProbe")?))
}
