//! kube-linter's default checks that the other rule families did not cover
//! (`docs/kube-linter.md` maps every default check to its kairn rule): sensitive host
//! mounts and container runtime sockets, secrets in literal environment variables, SSH
//! ports, pod spreading of multi-replica Deployments, and PodDisruptionBudgets without an
//! unhealthy pod eviction policy.

use crate::set::{each, Set, Sink, Workload};

/// Container runtime sockets: whoever mounts one controls every container on the node.
const RUNTIME_SOCKETS: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
    "/run/cri-dockerd.sock",
];

/// Host paths whose mount exposes the node (kube-linter's `sensitive-host-mounts` list,
/// plus the kubelet's and the runtime's state).
const SENSITIVE_PATHS: &[&str] = &[
    "/",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/proc",
    "/sys",
    "/usr",
    "/root",
    "/var/run",
    "/run",
    "/var/lib/kubelet",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/etc/kubernetes",
];

pub(super) fn run(set: &Set<'_>, sink: &mut Sink) {
    for w in &set.workloads {
        host_mounts(w, sink);
        containers(w, sink);
        spread(w, sink);
    }
    disruption_budgets(set, sink);
}

fn host_mounts(w: &Workload<'_>, sink: &mut Sink) {
    for (j, v) in w.spec.volumes.iter().flatten().enumerate() {
        let Some(h) = &v.host_path else { continue };
        let trimmed = h.path.trim_end_matches('/');
        let path = if trimmed.is_empty() { "/" } else { trimmed };
        let f = format!("{}.volumes[{j}].hostPath.path", w.prefix);
        if RUNTIME_SOCKETS.contains(&path) || path.ends_with("/docker.sock") {
            sink.add(w.idx, "host-runtime-socket", f, format!("volume `{}` mounts the container runtime socket `{path}`: the pod can start privileged containers and read every container on the node", v.name), "do not mount the runtime socket; build images with a rootless builder (BuildKit rootless, kaniko) and read container state through the Kubernetes API");
        } else if SENSITIVE_PATHS.contains(&path) {
            sink.add(w.idx, "sensitive-host-mount", f, format!("volume `{}` mounts the host's `{path}`, which exposes the node's system files, credentials or devices to the pod", v.name), "mount only the specific file or directory needed, read-only, or avoid hostPath");
        }
    }
}

/// Whether an environment variable name says it holds a secret.
fn secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let secretive = [
        "secret",
        "password",
        "passwd",
        "token",
        "api_key",
        "apikey",
        "private_key",
    ]
    .iter()
    .any(|s| n.contains(s));
    let pointer = [
        "_file", "_path", "_dir", "_name", "_ref", "_url", "_enabled",
    ]
    .iter()
    .any(|s| n.ends_with(s));
    secretive && !pointer
}

/// Whether a literal value looks like a value rather than a flag, path or reference.
fn secret_value(v: &str) -> bool {
    let v = v.trim();
    !v.is_empty()
        && !v.starts_with('/')
        && !v.starts_with("$(")
        && !matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "none" | "null"
        )
        && v.parse::<f64>().is_err()
}

fn containers(w: &Workload<'_>, sink: &mut Sink) {
    for (f, c) in w.containers() {
        for (j, e) in c.env.iter().flatten().enumerate() {
            if e.value_from.is_none()
                && secret_name(&e.name)
                && e.value.as_deref().is_some_and(secret_value)
            {
                sink.add(w.idx, "env-literal-secret", format!("{f}.env[{j}].value"), format!("container `{}` sets `{}` to a literal value: a secret written into the manifest is readable by everyone who can read the workload and ends up in version control", c.name, e.name), "read it from a Secret with valueFrom.secretKeyRef");
            }
        }
        for (j, p) in c.ports.iter().flatten().enumerate() {
            if p.container_port == 22 && p.protocol.as_deref().unwrap_or("TCP") == "TCP" {
                sink.add(w.idx, "ssh-port", format!("{f}.ports[{j}].containerPort"), format!("container `{}` exposes port 22 (SSH): a shell server in a container is an extra way in that bypasses the API server's authentication and audit", c.name), "remove the SSH server; use kubectl exec or debug containers");
            }
        }
    }
}

/// kube-linter `no-anti-affinity`, for Deployments (StatefulSets: `statefulset-no-spread`).
fn spread(w: &Workload<'_>, sink: &mut Sink) {
    if w.kind != "Deployment" || w.max < 2 {
        return;
    }
    let anti = w
        .spec
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .is_some_and(|p| {
            p.required_during_scheduling_ignored_during_execution
                .as_ref()
                .is_some_and(|v| !v.is_empty())
                || p.preferred_during_scheduling_ignored_during_execution
                    .as_ref()
                    .is_some_and(|v| !v.is_empty())
        });
    let spread = w
        .spec
        .topology_spread_constraints
        .as_ref()
        .is_some_and(|v| !v.is_empty());
    if !anti && !spread {
        sink.add(w.idx, "deployment-no-spread", format!("{}.affinity", w.prefix), format!("the Deployment runs up to {} replicas with no pod anti-affinity or topology spread, so they can all land on one node and fail together", w.max), "add a topologySpreadConstraint on kubernetes.io/hostname (whenUnsatisfiable: ScheduleAnyway) or a preferred pod anti-affinity");
    }
}

/// kube-linter `pdb-unhealthy-pod-eviction-policy`.
fn disruption_budgets(set: &Set<'_>, sink: &mut Sink) {
    for (i, p) in each!(set, PodDisruptionBudget) {
        let Some(spec) = &p.spec else { continue };
        if spec.unhealthy_pod_eviction_policy.is_none() {
            sink.add(i, "pdb-unhealthy-eviction-policy", "spec.unhealthyPodEvictionPolicy", "the budget does not set unhealthyPodEvictionPolicy: with the default (IfHealthyBudget) pods that are running but not ready cannot be evicted while the budget is exhausted, so a crash-looping pod can block node drains", "set unhealthyPodEvictionPolicy: AlwaysAllow");
        }
    }
}
