//! What the API server would reject that a schema check does not.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::Container;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::checks::{env_name_check, EnvNameCheck};
use crate::image::reference_problem;
use crate::object::Object;
use crate::set::{
    dns1035_label, dns_label, dns_subdomain, each, iana_port_name, label_value, qualified_name,
    quantity, selector_is_empty, selector_matches, Set, Sink, Workload,
};
use crate::source::join_key;

pub(super) fn run(set: &Set<'_>, sink: &mut Sink) {
    parse_errors(set, sink);
    deprecated_api_versions(set, sink);
    names(set, sink);
    labels(set, sink);
    duplicate_objects(set, sink);
    namespace_missing(set, sink);
    for w in &set.workloads {
        pod(set, w, sink);
    }
    selectors(set, sink);
    services(set, sink);
    claims(set, sink);
    other_fields(set, sink);
}

fn parse_errors(set: &Set<'_>, sink: &mut Sink) {
    for (i, item) in set.items.iter().enumerate() {
        if let Some(e) = item.doc.and_then(|d| d.error.as_ref()) {
            sink.add(
                i,
                "object-invalid",
                e.field.clone(),
                format!("the document is not a valid {}: {}", item.kind, e.message),
                "correct the field's type or value (e.g. quote strings, unquote numbers, add required fields)",
            );
        }
    }
}

/// `(apiVersion, kind or "*", replacement)`.
const DEPRECATED_API_VERSIONS: &[(&str, &str, &str)] = &[
    ("extensions/v1beta1", "Ingress", "networking.k8s.io/v1"),
    (
        "extensions/v1beta1",
        "NetworkPolicy",
        "networking.k8s.io/v1",
    ),
    ("extensions/v1beta1", "*", "apps/v1"),
    ("apps/v1beta1", "*", "apps/v1"),
    ("apps/v1beta2", "*", "apps/v1"),
    ("networking.k8s.io/v1beta1", "*", "networking.k8s.io/v1"),
    (
        "policy/v1beta1",
        "*",
        "policy/v1 (PodSecurityPolicy was removed: use Pod Security Admission)",
    ),
    ("autoscaling/v2beta1", "*", "autoscaling/v2"),
    ("autoscaling/v2beta2", "*", "autoscaling/v2"),
    ("batch/v1beta1", "*", "batch/v1"),
    ("batch/v2alpha1", "*", "batch/v1"),
    (
        "rbac.authorization.k8s.io/v1beta1",
        "*",
        "rbac.authorization.k8s.io/v1",
    ),
    (
        "rbac.authorization.k8s.io/v1alpha1",
        "*",
        "rbac.authorization.k8s.io/v1",
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "*",
        "admissionregistration.k8s.io/v1",
    ),
    (
        "apiextensions.k8s.io/v1beta1",
        "*",
        "apiextensions.k8s.io/v1",
    ),
    (
        "apiregistration.k8s.io/v1beta1",
        "*",
        "apiregistration.k8s.io/v1",
    ),
    ("certificates.k8s.io/v1beta1", "*", "certificates.k8s.io/v1"),
    ("coordination.k8s.io/v1beta1", "*", "coordination.k8s.io/v1"),
    ("discovery.k8s.io/v1beta1", "*", "discovery.k8s.io/v1"),
    ("events.k8s.io/v1beta1", "*", "events.k8s.io/v1"),
    ("node.k8s.io/v1beta1", "*", "node.k8s.io/v1"),
    ("scheduling.k8s.io/v1beta1", "*", "scheduling.k8s.io/v1"),
    ("scheduling.k8s.io/v1alpha1", "*", "scheduling.k8s.io/v1"),
    ("storage.k8s.io/v1beta1", "*", "storage.k8s.io/v1"),
    (
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "*",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "*",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "*",
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    (
        "external-secrets.io/v1alpha1",
        "*",
        "external-secrets.io/v1",
    ),
    (
        "external-secrets.io/v1beta1",
        "*",
        "external-secrets.io/v1 (v1beta1 is no longer served from External Secrets Operator v0.17)",
    ),
    ("cert-manager.io/v1alpha2", "*", "cert-manager.io/v1"),
    ("cert-manager.io/v1alpha3", "*", "cert-manager.io/v1"),
    ("cert-manager.io/v1beta1", "*", "cert-manager.io/v1"),
];

fn deprecated_api_versions(set: &Set<'_>, sink: &mut Sink) {
    for (i, item) in set.items.iter().enumerate() {
        let Some(doc) = item.doc else { continue };
        let hit = DEPRECATED_API_VERSIONS
            .iter()
            .find(|(v, k, _)| *v == doc.api_version && (*k == "*" || *k == doc.kind));
        if let Some((v, _, replacement)) = hit {
            sink.add(
                i,
                "deprecated-api-version",
                "apiVersion",
                format!("{} `{v}` is deprecated or no longer served; applying it fails with \"no matches for kind\"", doc.kind),
                format!("use {replacement} and migrate the fields that changed"),
            );
        }
    }
}

fn names(set: &Set<'_>, sink: &mut Sink) {
    for (i, item) in set.items.iter().enumerate() {
        let Some(object) = item.object else { continue };
        let meta = object.metadata();
        let name = meta.name.as_deref().unwrap_or_default();
        if name.is_empty() {
            if meta.generate_name.is_none() {
                sink.add(
                    i,
                    "required-field",
                    "metadata.name",
                    format!("the {} has no name", item.kind),
                    "set metadata.name",
                );
            }
            continue;
        }
        let problem = match object.kind() {
            "Service" => dns1035_label(name),
            "Namespace" | "StatefulSet" | "Job" => dns_label(name),
            "Role" | "RoleBinding" => {
                (name.contains('/') || name.contains('%') || name == "." || name == "..")
                    .then_some("a Role or RoleBinding name must not contain '/' or '%'")
            }
            _ => dns_subdomain(name),
        };
        if let Some(p) = problem {
            sink.add(
                i,
                "name-format",
                "metadata.name",
                format!("`{name}`: {p}"),
                "rename it with lowercase letters, digits and '-'",
            );
        }
    }
}

fn check_labels(
    idx: usize,
    field: &str,
    labels: &BTreeMap<String, String>,
    what: &str,
    sink: &mut Sink,
) {
    for (k, v) in labels {
        if let Some(p) = qualified_name(k) {
            sink.add(
                idx,
                "label-format",
                join_key(field, k),
                format!("{what} key `{k}`: {p}"),
                "use `[prefix/]name` with a DNS-subdomain prefix and a name of at most 63 characters",
            );
        }
        if let Some(p) = label_value(v) {
            sink.add(
                idx,
                "label-format",
                join_key(field, k),
                format!("{what} `{k}` value `{v}`: {p}"),
                "use at most 63 characters of letters, digits, '-', '_' and '.', starting and ending alphanumeric",
            );
        }
    }
}

fn check_selector(idx: usize, field: &str, sel: &LabelSelector, sink: &mut Sink) {
    if let Some(ml) = &sel.match_labels {
        check_labels(idx, &format!("{field}.matchLabels"), ml, "selector", sink);
    }
    for (j, e) in sel.match_expressions.iter().flatten().enumerate() {
        let f = format!("{field}.matchExpressions[{j}]");
        if !matches!(
            e.operator.as_str(),
            "In" | "NotIn" | "Exists" | "DoesNotExist"
        ) {
            sink.add(
                idx,
                "invalid-value",
                format!("{f}.operator"),
                format!("unknown selector operator `{}`", e.operator),
                "use In, NotIn, Exists or DoesNotExist",
            );
        }
        let values = e.values.as_deref().unwrap_or_default();
        let needs_values = matches!(e.operator.as_str(), "In" | "NotIn");
        if needs_values == values.is_empty() {
            sink.add(
                idx,
                "invalid-value",
                format!("{f}.values"),
                format!(
                    "operator `{}` {} values",
                    e.operator,
                    if needs_values { "needs" } else { "takes no" }
                ),
                "give values only with In and NotIn",
            );
        }
    }
}

fn check_meta(idx: usize, prefix: &str, meta: &ObjectMeta, sink: &mut Sink) {
    if let Some(l) = &meta.labels {
        check_labels(idx, &format!("{prefix}labels"), l, "label", sink);
    }
    for k in meta.annotations.iter().flat_map(|a| a.keys()) {
        if let Some(p) = qualified_name(k) {
            sink.add(idx, "label-format", join_key(&format!("{prefix}annotations"), k), format!("annotation key `{k}`: {p}"), "use `[prefix/]name` with a DNS-subdomain prefix and a name of at most 63 characters");
        }
    }
}

fn labels(set: &Set<'_>, sink: &mut Sink) {
    for (i, item) in set.items.iter().enumerate() {
        let Some(object) = item.object else { continue };
        check_meta(i, "metadata.", object.metadata(), sink);
        match object {
            Object::Deployment(d) => {
                if let Some(s) = &d.spec {
                    check_selector(i, "spec.selector", &s.selector, sink);
                    if let Some(m) = &s.template.metadata {
                        check_meta(i, "spec.template.metadata.", m, sink);
                    }
                }
            }
            Object::StatefulSet(d) => {
                if let Some(s) = &d.spec {
                    check_selector(i, "spec.selector", &s.selector, sink);
                    if let Some(m) = &s.template.metadata {
                        check_meta(i, "spec.template.metadata.", m, sink);
                    }
                }
            }
            Object::Job(j) => {
                if let Some(m) = j.spec.as_ref().and_then(|s| s.template.metadata.as_ref()) {
                    check_meta(i, "spec.template.metadata.", m, sink);
                }
            }
            Object::CronJob(c) => {
                let job = c.spec.as_ref().map(|s| &s.job_template);
                if let Some(m) = job.and_then(|j| j.metadata.as_ref()) {
                    check_meta(i, "spec.jobTemplate.metadata.", m, sink);
                }
                let template = job.and_then(|j| j.spec.as_ref()).map(|s| &s.template);
                if let Some(m) = template.and_then(|t| t.metadata.as_ref()) {
                    check_meta(i, "spec.jobTemplate.spec.template.metadata.", m, sink);
                }
            }
            Object::Service(s) => {
                if let Some(sel) = s.spec.as_ref().and_then(|s| s.selector.as_ref()) {
                    check_labels(i, "spec.selector", sel, "selector", sink);
                }
            }
            Object::PodDisruptionBudget(p) => {
                if let Some(sel) = p.spec.as_ref().and_then(|s| s.selector.as_ref()) {
                    check_selector(i, "spec.selector", sel, sink);
                }
            }
            Object::NetworkPolicy(n) => {
                let Some(spec) = &n.spec else { continue };
                if let Some(sel) = &spec.pod_selector {
                    check_selector(i, "spec.podSelector", sel, sink);
                }
                let peers = super::policy_peers(spec);
                for (f, peer) in peers {
                    if let Some(s) = &peer.pod_selector {
                        check_selector(i, &format!("{f}.podSelector"), s, sink);
                    }
                    if let Some(s) = &peer.namespace_selector {
                        check_selector(i, &format!("{f}.namespaceSelector"), s, sink);
                    }
                }
            }
            Object::ServiceMonitor(m) => check_selector(i, "spec.selector", &m.spec.selector, sink),
            _ => {}
        }
    }
}

fn is_cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "IngressClass"
            | "StorageClass"
            | "PersistentVolume"
            | "CustomResourceDefinition"
            | "PriorityClass"
            | "ClusterIssuer"
            | "ClusterSecretStore"
            | "ValidatingWebhookConfiguration"
            | "MutatingWebhookConfiguration"
    )
}

fn duplicate_objects(set: &Set<'_>, sink: &mut Sink) {
    let mut seen = BTreeSet::new();
    for (i, item) in set.items.iter().enumerate() {
        if item.name.is_empty() || (item.namespace.is_none() && !is_cluster_scoped(item.kind)) {
            continue;
        }
        if !seen.insert((item.kind, item.namespace, item.name)) {
            sink.add(
                i,
                "duplicate-object",
                "metadata.name",
                format!(
                    "another {} named `{}` is already in the set{}",
                    item.kind,
                    item.name,
                    item.namespace
                        .map(|n| format!(" (namespace {n})"))
                        .unwrap_or_default()
                ),
                "rename one of them or remove the duplicate",
            );
        }
    }
}

/// Untyped kinds known to be namespaced.
const KNOWN_NAMESPACED: &[&str] = &[
    "DaemonSet",
    "ReplicaSet",
    "ReplicationController",
    "CronJob",
    "Pod",
    "ExternalSecret",
    "SecretStore",
    "SealedSecret",
    "Certificate",
    "Issuer",
    "PodMonitor",
    "Lease",
    "LimitRange",
    "ResourceQuota",
    "Endpoints",
    "EndpointSlice",
];

fn namespace_missing(set: &Set<'_>, sink: &mut Sink) {
    if !set.namespaces_stated() {
        return;
    }
    let stated: BTreeSet<&str> = set.items.iter().filter_map(|i| i.namespace).collect();
    for (i, item) in set.items.iter().enumerate() {
        let namespaced = item.object.is_some() || KNOWN_NAMESPACED.contains(&item.kind);
        if item.namespace.is_none() && namespaced && !is_cluster_scoped(item.kind) {
            sink.add(
                i,
                "namespace-missing",
                "metadata.namespace",
                format!("the {} has no namespace, so it lands in whatever namespace the current context uses; the rest of the set uses {}", item.kind, stated.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")),
                "set metadata.namespace",
            );
        }
    }
}

const PROTOCOLS: &[&str] = &["TCP", "UDP", "SCTP"];

fn container(w: &Workload<'_>, f: &str, c: &Container, sink: &mut Sink) {
    let idx = w.idx;
    if c.name.is_empty() {
        sink.add(
            idx,
            "required-field",
            format!("{f}.name"),
            "a container has no name",
            "name the container",
        );
    } else if let Some(p) = dns_label(&c.name) {
        sink.add(
            idx,
            "name-format",
            format!("{f}.name"),
            format!("container name `{}`: {p}", c.name),
            "use a DNS label (lowercase letters, digits and '-')",
        );
    }
    if c.image.as_deref().is_none_or(|s| s.trim().is_empty()) {
        sink.add(
            idx,
            "required-field",
            format!("{f}.image"),
            format!("container `{}` has no image", c.name),
            "set the image, pinned to a version tag or digest",
        );
    } else if let Some(image) = c.image.as_deref() {
        if let Some(problem) = reference_problem(image) {
            sink.add(
                idx,
                "invalid-value",
                format!("{f}.image"),
                format!("image `{image}` is not a valid image reference, so the kubelet cannot pull it (InvalidImageName): {problem}"),
                "write [HOST[:PORT]/]PATH:TAG, [HOST[:PORT]/]PATH@sha256:<64 hex digits> or both (PATH:TAG@sha256:...), with a lowercase PATH, e.g. ghcr.io/acme/app:1.2.3",
            );
        }
    }
    if let Some(p) = &c.image_pull_policy {
        if !matches!(p.as_str(), "Always" | "IfNotPresent" | "Never") {
            sink.add(
                idx,
                "invalid-value",
                format!("{f}.imagePullPolicy"),
                format!("unknown imagePullPolicy `{p}`"),
                "use Always, IfNotPresent or Never",
            );
        }
    }
    for (j, p) in c.ports.iter().flatten().enumerate() {
        let pf = format!("{f}.ports[{j}]");
        if !(1..=65535).contains(&p.container_port) {
            sink.add(
                idx,
                "invalid-value",
                format!("{pf}.containerPort"),
                format!("port {} is outside 1-65535", p.container_port),
                "use a port between 1 and 65535",
            );
        }
        if let Some(h) = p.host_port {
            if !(0..=65535).contains(&h) {
                sink.add(
                    idx,
                    "invalid-value",
                    format!("{pf}.hostPort"),
                    format!("hostPort {h} is outside 1-65535"),
                    "use a port between 1 and 65535, or none",
                );
            }
        }
        if let Some(proto) = &p.protocol {
            if !PROTOCOLS.contains(&proto.as_str()) {
                sink.add(
                    idx,
                    "invalid-value",
                    format!("{pf}.protocol"),
                    format!("unknown protocol `{proto}`"),
                    "use TCP, UDP or SCTP",
                );
            }
        }
        if let Some(name) = &p.name {
            if let Some(e) = iana_port_name(name) {
                sink.add(idx, "port-name-format", format!("{pf}.name"), format!("container port name `{name}`: {e}"), "use at most 15 lowercase letters, digits and single '-', with at least one letter");
            }
        }
    }
    let mut env_seen = BTreeSet::new();
    for (j, e) in c.env.iter().flatten().enumerate() {
        let ef = format!("{f}.env[{j}]");
        match env_name_check(&e.name) {
            EnvNameCheck::Portable => {}
            EnvNameCheck::Rejected(why) => sink.add(
                idx,
                "env-name-format",
                format!("{ef}.name"),
                format!("`{}`: {why}", e.name),
                "rename the variable, e.g. in UPPER_SNAKE_CASE",
            ),
            EnvNameCheck::NotPortable(why) => sink.add(
                idx,
                "env-name-portable",
                format!("{ef}.name"),
                format!(
                    "`{}`: {why} (Kubernetes accepts the name; kairn's DSL does not, as shells and many programs cannot read it)",
                    e.name
                ),
                "rename the variable, e.g. in UPPER_SNAKE_CASE",
            ),
        }
        if !env_seen.insert(e.name.as_str()) {
            sink.add(
                idx,
                "duplicate-env",
                format!("{ef}.name"),
                format!(
                    "container `{}` sets `{}` more than once; only the last value counts",
                    c.name, e.name
                ),
                "remove the duplicate entry",
            );
        }
        if e.value.is_some() && e.value_from.is_some() {
            sink.add(
                idx,
                "invalid-value",
                ef,
                format!("`{}` sets both value and valueFrom", e.name),
                "keep one of them",
            );
        }
    }
    if let Some(r) = &c.resources {
        for (part, map) in [("requests", &r.requests), ("limits", &r.limits)] {
            for (k, q) in map.iter().flatten() {
                if quantity(&q.0).is_none() {
                    sink.add(
                        idx,
                        "quantity-format",
                        join_key(&format!("{f}.resources.{part}"), k),
                        format!("`{}` is not a quantity", q.0),
                        "write e.g. \"250m\" or \"2\" for CPU and \"512Mi\" or \"2Gi\" for memory",
                    );
                }
            }
        }
    }
}

fn pod(set: &Set<'_>, w: &Workload<'_>, sink: &mut Sink) {
    let spec = &w.spec;
    let prefix = w.prefix;
    if spec.containers.is_empty() {
        sink.add(
            w.idx,
            "required-field",
            format!("{prefix}.containers"),
            "the pod has no containers",
            "declare at least one container",
        );
    }
    let mut names = BTreeSet::new();
    let mut port_names = BTreeSet::new();
    for (f, c) in w.containers() {
        container(w, &f, c, sink);
        if !c.name.is_empty() && !names.insert(c.name.clone()) {
            sink.add(
                w.idx,
                "duplicate-container",
                format!("{f}.name"),
                format!("container name `{}` is used twice in the pod", c.name),
                "give every container and init container its own name",
            );
        }
        for (j, p) in c.ports.iter().flatten().enumerate() {
            if let Some(n) = &p.name {
                if !port_names.insert(n.clone()) {
                    sink.add(
                        w.idx,
                        "duplicate-port",
                        format!("{f}.ports[{j}].name"),
                        format!("port name `{n}` is used twice in the pod"),
                        "give every container port its own name",
                    );
                }
            }
        }
    }
    // Volumes and mounts.
    let mut volumes: BTreeSet<String> = BTreeSet::new();
    for (j, v) in spec.volumes.iter().flatten().enumerate() {
        if let Some(p) = dns_label(&v.name) {
            sink.add(
                w.idx,
                "name-format",
                format!("{prefix}.volumes[{j}].name"),
                format!("volume name `{}`: {p}", v.name),
                "use a DNS label",
            );
        }
        if !volumes.insert(v.name.clone()) {
            sink.add(
                w.idx,
                "invalid-value",
                format!("{prefix}.volumes[{j}].name"),
                format!("volume `{}` is declared twice", v.name),
                "give every volume its own name",
            );
        }
        if let Some(ed) = &v.empty_dir {
            if let Some(q) = &ed.size_limit {
                if quantity(&q.0).is_none() {
                    sink.add(
                        w.idx,
                        "quantity-format",
                        format!("{prefix}.volumes[{j}].emptyDir.sizeLimit"),
                        format!("`{}` is not a quantity", q.0),
                        "write e.g. \"256Mi\"",
                    );
                }
            }
        }
    }
    if let Some(Object::StatefulSet(s)) = set.items[w.idx].object {
        for t in s
            .spec
            .iter()
            .flat_map(|s| s.volume_claim_templates.iter().flatten())
        {
            if let Some(n) = &t.metadata.name {
                volumes.insert(n.clone());
            }
        }
    }
    for (f, c) in w.containers() {
        for (j, m) in c.volume_mounts.iter().flatten().enumerate() {
            if !volumes.contains(&m.name) {
                sink.add(w.idx, "volume-mount-undeclared", format!("{f}.volumeMounts[{j}].name"), format!("container `{}` mounts `{}`, which the pod does not declare", c.name, m.name), "declare the volume in spec.volumes (or volumeClaimTemplates), or fix the mount's name");
            }
        }
    }
    // Restart policy per kind.
    let restart = spec.restart_policy.as_deref();
    match (w.kind, restart) {
        ("Job" | "CronJob", None) => sink.add(
            w.idx,
            "required-field",
            format!("{prefix}.restartPolicy"),
            "a Job's pods need a restartPolicy",
            "set restartPolicy: Never (or OnFailure)",
        ),
        ("Job" | "CronJob", Some(r)) if r != "Never" && r != "OnFailure" => sink.add(
            w.idx,
            "invalid-value",
            format!("{prefix}.restartPolicy"),
            format!("restartPolicy `{r}` is not allowed for a Job"),
            "use Never or OnFailure",
        ),
        ("Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet", Some(r)) if r != "Always" => {
            sink.add(
                w.idx,
                "invalid-value",
                format!("{prefix}.restartPolicy"),
                format!("restartPolicy `{r}` is not allowed for a {}", w.kind),
                "remove it (Always is the only value allowed)",
            )
        }
        _ => {}
    }
    if w.replicas.is_some_and(|r| r < 0) {
        sink.add(
            w.idx,
            "invalid-value",
            "spec.replicas",
            "replicas is negative",
            "use 0 or more",
        );
    }
}

fn selectors(set: &Set<'_>, sink: &mut Sink) {
    for w in &set.workloads {
        let sel = match set.items[w.idx].object {
            Some(Object::Deployment(d)) => d.spec.as_ref().map(|s| &s.selector),
            Some(Object::StatefulSet(d)) => d.spec.as_ref().map(|s| &s.selector),
            _ => None,
        };
        let Some(sel) = sel else { continue };
        if selector_is_empty(sel) {
            sink.add(w.idx, "selector-mismatch", "spec.selector", format!("the {} selector is empty", w.kind), "select the pods by their immutable labels (e.g. app.kubernetes.io/name and app.kubernetes.io/instance)");
        } else if !selector_matches(sel, &w.labels) {
            sink.add(
                w.idx,
                "selector-mismatch",
                "spec.selector",
                format!(
                    "the {} selector does not match its pod template labels",
                    w.kind
                ),
                "make spec.template.metadata.labels include every selector label",
            );
        }
    }
}

fn services(set: &Set<'_>, sink: &mut Sink) {
    for (i, svc) in each!(set, Service) {
        let Some(spec) = &svc.spec else { continue };
        let ty = spec.type_.as_deref().unwrap_or("ClusterIP");
        if !matches!(
            ty,
            "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName"
        ) {
            sink.add(
                i,
                "invalid-value",
                "spec.type",
                format!("unknown Service type `{ty}`"),
                "use ClusterIP, NodePort, LoadBalancer or ExternalName",
            );
        }
        let headless = spec.cluster_ip.as_deref() == Some("None");
        let ports = spec.ports.as_deref().unwrap_or_default();
        if ports.is_empty() && ty != "ExternalName" && !headless {
            sink.add(
                i,
                "required-field",
                "spec.ports",
                "the Service has no ports",
                "declare at least one port",
            );
        }
        let mut names = BTreeSet::new();
        let mut numbers = BTreeSet::new();
        for (j, p) in ports.iter().enumerate() {
            let f = format!("spec.ports[{j}]");
            if !(1..=65535).contains(&p.port) {
                sink.add(
                    i,
                    "invalid-value",
                    format!("{f}.port"),
                    format!("port {} is outside 1-65535", p.port),
                    "use a port between 1 and 65535",
                );
            }
            if let Some(IntOrString::Int(t)) = &p.target_port {
                if !(1..=65535).contains(t) {
                    sink.add(
                        i,
                        "invalid-value",
                        format!("{f}.targetPort"),
                        format!("targetPort {t} is outside 1-65535"),
                        "use a port between 1 and 65535 or a container port name",
                    );
                }
            }
            if let Some(IntOrString::String(t)) = &p.target_port {
                if let Some(e) = iana_port_name(t) {
                    sink.add(
                        i,
                        "port-name-format",
                        format!("{f}.targetPort"),
                        format!("targetPort `{t}`: {e}"),
                        "name a container port (at most 15 characters)",
                    );
                }
            }
            let proto = p.protocol.as_deref().unwrap_or("TCP");
            if !PROTOCOLS.contains(&proto) {
                sink.add(
                    i,
                    "invalid-value",
                    format!("{f}.protocol"),
                    format!("unknown protocol `{proto}`"),
                    "use TCP, UDP or SCTP",
                );
            }
            match p.name.as_deref() {
                Some(n) if !n.is_empty() => {
                    if let Some(e) = dns_label(n) {
                        sink.add(
                            i,
                            "port-name-format",
                            format!("{f}.name"),
                            format!("Service port name `{n}`: {e}"),
                            "use a DNS label",
                        );
                    }
                    if !names.insert(n) {
                        sink.add(
                            i,
                            "duplicate-port",
                            format!("{f}.name"),
                            format!("Service port name `{n}` is used twice"),
                            "give every Service port its own name",
                        );
                    }
                }
                _ if ports.len() > 1 => sink.add(
                    i,
                    "port-name-format",
                    format!("{f}.name"),
                    "a Service with several ports must name every port",
                    "name the port (e.g. after the container port it targets)",
                ),
                _ => {}
            }
            if !numbers.insert((p.port, proto)) {
                sink.add(
                    i,
                    "duplicate-port",
                    format!("{f}.port"),
                    format!("port {}/{proto} is declared twice", p.port),
                    "remove the duplicate port",
                );
            }
        }
    }
}

fn claims(set: &Set<'_>, sink: &mut Sink) {
    for (i, pvc) in each!(set, PersistentVolumeClaim) {
        let Some(spec) = &pvc.spec else {
            sink.add(
                i,
                "required-field",
                "spec",
                "the claim has no spec",
                "set accessModes and resources.requests.storage",
            );
            continue;
        };
        let modes = spec.access_modes.as_deref().unwrap_or_default();
        if modes.is_empty() {
            sink.add(
                i,
                "required-field",
                "spec.accessModes",
                "the claim has no access mode",
                "set accessModes, e.g. [ReadWriteOnce]",
            );
        }
        for (j, m) in modes.iter().enumerate() {
            if !matches!(
                m.as_str(),
                "ReadWriteOnce" | "ReadOnlyMany" | "ReadWriteMany" | "ReadWriteOncePod"
            ) {
                sink.add(
                    i,
                    "invalid-value",
                    format!("spec.accessModes[{j}]"),
                    format!("unknown access mode `{m}`"),
                    "use ReadWriteOnce, ReadOnlyMany, ReadWriteMany or ReadWriteOncePod",
                );
            }
        }
        match spec
            .resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get("storage"))
        {
            None => sink.add(
                i,
                "required-field",
                "spec.resources.requests.storage",
                "the claim requests no storage size",
                "set resources.requests.storage, e.g. 10Gi",
            ),
            Some(q) if quantity(&q.0).is_none_or(|v| v <= 0.0) => sink.add(
                i,
                "quantity-format",
                "spec.resources.requests.storage",
                format!("`{}` is not a positive quantity", q.0),
                "write e.g. \"10Gi\"",
            ),
            Some(_) => {}
        }
    }
}

fn other_fields(set: &Set<'_>, sink: &mut Sink) {
    for (i, cm) in each!(set, ConfigMap) {
        for k in cm
            .data
            .iter()
            .flat_map(|d| d.keys())
            .chain(cm.binary_data.iter().flat_map(|d| d.keys()))
        {
            if let Some(e) = crate::checks::data_key(k) {
                sink.add(
                    i,
                    "invalid-value",
                    join_key("data", k),
                    format!("key `{k}`: {e}"),
                    "rename the key",
                );
            }
        }
    }
    for (i, s) in each!(set, Secret) {
        for k in s
            .data
            .iter()
            .flat_map(|d| d.keys())
            .chain(s.string_data.iter().flat_map(|d| d.keys()))
        {
            if let Some(e) = crate::checks::data_key(k) {
                sink.add(
                    i,
                    "invalid-value",
                    join_key("data", k),
                    format!("key `{k}`: {e}"),
                    "rename the key",
                );
            }
        }
    }
    for (i, h) in each!(set, HorizontalPodAutoscaler) {
        let Some(spec) = &h.spec else { continue };
        if spec.scale_target_ref.name.is_empty() {
            sink.add(
                i,
                "required-field",
                "spec.scaleTargetRef.name",
                "the autoscaler names no target",
                "name the Deployment or StatefulSet to scale",
            );
        }
    }
    for (i, p) in each!(set, PodDisruptionBudget) {
        if let Some(s) = &p.spec {
            if s.min_available.is_some() && s.max_unavailable.is_some() {
                sink.add(
                    i,
                    "invalid-value",
                    "spec",
                    "minAvailable and maxUnavailable are both set",
                    "keep one of them",
                );
            }
        }
    }
    for (i, ing) in each!(set, Ingress) {
        let Some(spec) = &ing.spec else { continue };
        for (r, rule) in spec.rules.iter().flatten().enumerate() {
            for (p, path) in rule.http.iter().flat_map(|h| h.paths.iter()).enumerate() {
                let f = format!("spec.rules[{r}].http.paths[{p}]");
                if !matches!(
                    path.path_type.as_str(),
                    "Exact" | "Prefix" | "ImplementationSpecific"
                ) {
                    sink.add(
                        i,
                        "invalid-value",
                        format!("{f}.pathType"),
                        format!("unknown pathType `{}`", path.path_type),
                        "use Prefix, Exact or ImplementationSpecific",
                    );
                }
                if path.path_type != "ImplementationSpecific"
                    && !path.path.as_deref().unwrap_or("/").starts_with('/')
                {
                    sink.add(
                        i,
                        "invalid-value",
                        format!("{f}.path"),
                        "a Prefix or Exact path must start with '/'",
                        "start the path with '/'",
                    );
                }
                let b = &path.backend;
                if b.resource.is_none() && b.service.as_ref().is_none_or(|s| s.name.is_empty()) {
                    sink.add(
                        i,
                        "required-field",
                        format!("{f}.backend"),
                        "the path has no backend Service",
                        "set backend.service.name and port",
                    );
                }
            }
        }
    }
    for (i, rb) in each!(set, RoleBinding) {
        if rb.role_ref.name.is_empty() {
            sink.add(
                i,
                "required-field",
                "roleRef.name",
                "the binding names no role",
                "set roleRef.name",
            );
        }
    }
    for (i, m) in each!(set, ServiceMonitor) {
        if m.spec.endpoints.is_empty() {
            sink.add(
                i,
                "required-field",
                "spec.endpoints",
                "the ServiceMonitor has no endpoints",
                "declare the port to scrape",
            );
        }
    }
}
