//! Every rule the validator knows: stable id, severity, family and one-line meaning.
//! `docs/rules.md` is generated from this table (a test keeps them equal).

use crate::finding::Severity;

/// The three families of rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Family {
    /// What the API server would reject that a schema check does not.
    Api,
    /// References between objects.
    Wiring,
    /// Operational and security policy.
    Policy,
}

impl Family {
    /// Section title in the docs.
    pub const fn title(self) -> &'static str {
        match self {
            Family::Api => "API server would reject",
            Family::Wiring => "Cross-object wiring",
            Family::Policy => "Operational and security policy",
        }
    }
}

/// One registered rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    /// Stable kebab-case id.
    pub id: &'static str,
    /// Severity of every finding of this rule.
    pub severity: Severity,
    /// Family.
    pub family: Family,
    /// One-line meaning.
    pub summary: &'static str,
    /// Whether the severity depends on the set: an error only where the set shows the
    /// condition (see [`RuleInfo::scope`]), a warning elsewhere.
    pub conditional: bool,
    /// What the rule resolves and how it treats what lies outside the set.
    pub scope: Option<&'static str>,
}

use Family::{Api, Policy, Wiring};

macro_rules! sev {
    (E) => {
        (Severity::Error, false)
    };
    (W) => {
        (Severity::Warning, false)
    };
    // An error where the set shows the condition, a warning elsewhere.
    (C) => {
        (Severity::Error, true)
    };
}

macro_rules! rules {
    ($(($id:literal, $sev:ident, $fam:ident, $summary:literal $(, $scope:literal)?)),+ $(,)?) => {
        /// Every rule, grouped by family.
        pub const RULES: &[RuleInfo] = &[
            $(RuleInfo {
                id: $id,
                severity: sev!($sev).0,
                conditional: sev!($sev).1,
                family: $fam,
                summary: $summary,
                scope: rules!(@scope $($scope)?),
            },)+
        ];
    };
    (@scope) => { None };
    (@scope $scope:literal) => { Some($scope) };
}

rules!(
    // API server would reject
    ("object-invalid", E, Api, "A YAML document does not deserialize as its kind (wrong type, unknown enum value, missing required field)."),
    ("deprecated-api-version", E, Api, "The apiVersion is deprecated or no longer served (e.g. `extensions/v1beta1`, `external-secrets.io/v1beta1`)."),
    ("required-field", E, Api, "A field the API server requires is missing or empty (container image, Service ports, PVC size and access modes, ...)."),
    ("invalid-value", E, Api, "A field has a value the API server or the kubelet rejects (port out of range, restart policy for the kind, unknown protocol, bad data key, malformed image reference, ...)."),
    ("name-format", E, Api, "`metadata.name` is not a valid DNS-1123 subdomain, or label for Services, Namespaces, StatefulSets and Jobs."),
    ("label-format", E, Api, "A label key or value, selector entry or annotation key has an invalid format or length."),
    ("port-name-format", E, Api, "A container port name is not an IANA service name (1-15 chars, a letter, no `--`), or a Service port name is not a DNS label; Services with several ports must name them."),
    ("env-name-format", E, Api, "An environment variable name is empty, contains `=` or a character that is not printable ASCII: the names Kubernetes 1.33 rejects (names it accepts but kairn's DSL does not are `env-name-portable`)."),
    ("quantity-format", E, Api, "A CPU, memory or storage quantity does not parse (e.g. `512MB`, `1.5.0`)."),
    ("duplicate-object", E, Api, "Two objects have the same kind, namespace and name."),
    ("duplicate-container", E, Api, "Two containers (or init containers) of a pod have the same name."),
    ("duplicate-port", E, Api, "A pod repeats a container port name, or a Service repeats a port name or number."),
    ("duplicate-env", W, Api, "A container sets the same environment variable twice; only the last one counts."),
    ("selector-mismatch", E, Api, "A Deployment or StatefulSet selector is empty or does not match its pod template labels."),
    ("volume-mount-undeclared", E, Api, "A volumeMount names a volume the pod does not declare."),
    ("namespace-missing", W, Api, "A namespaced object has no `metadata.namespace` while the rest of the set does, so it lands in the current context's namespace."),
    ("topology-spread-invalid", E, Api, "A topologySpreadConstraint the API server rejects: maxSkew below 1, no or malformed topologyKey, whenUnsatisfiable other than DoNotSchedule/ScheduleAnyway, minDomains below 1 or with ScheduleAnyway, a repeated (topologyKey, whenUnsatisfiable) pair (`validateTopologySpreadConstraints`)."),
    ("init-container-probe", E, Api, "An init container sets a liveness, readiness or startup probe or lifecycle hooks without `restartPolicy: Always` (a sidecar), or a container sets a restartPolicy it may not (`validateInitContainers`, `validateContainers`)."),
    ("rollout-invalid", E, Api, "A rolling update the API server rejects: maxSurge and maxUnavailable both 0 (counting defaults), a value that is neither an integer nor a percentage, maxUnavailable above 100%, rollingUpdate with Recreate, `progressDeadlineSeconds` not above `minReadySeconds` (`ValidateDeploymentSpec`, `ValidateRollingUpdateDaemonSet`)."),
    ("cronjob-schedule-invalid", E, Api, "A CronJob schedule that robfig/cron `ParseStandard` rejects (five fields with their ranges, or `@hourly`...`@yearly`, `@every <duration>`), a `TZ=`/`CRON_TZ=` prefix (use `spec.timeZone`), or a malformed `timeZone` (`validateScheduleFormat`, `validateTimeZone`)."),
    ("cidr-invalid", E, Api, "An `ipBlock.cidr`, `ipBlock.except` entry or `loadBalancerSourceRanges` entry is not a CIDR (`ValidateIPBlock`, `ValidateService`)."),
    ("netpol-peer-invalid", E, Api, "A NetworkPolicy peer with no selector or ipBlock, ipBlock combined with a selector, an `except` that is not a strict subset of its `cidr`, or an `endPort` below its port or with a named port (`ValidateNetworkPolicyPeer`, `ValidateIPBlock`, `ValidateNetworkPolicyPort`)."),
    ("toleration-invalid", E, Api, "A toleration with `tolerationSeconds` but an effect other than NoExecute, an empty key without `operator: Exists`, a value with Exists, or an unknown operator or effect (`validateTolerations`)."),
    ("affinity-invalid", E, Api, "An affinity the API server rejects: a preferred term's weight outside 1-100, a required node affinity without terms, a node selector requirement whose values do not fit its operator, a pod affinity term without topologyKey (`validateAffinity`)."),
    ("dns-config-invalid", E, Api, "A pod DNS config the API server rejects: more than 3 nameservers, a nameserver that is not an IP, more than 32 search domains or over 2048 characters, a malformed search domain, an option without name, `dnsPolicy: None` without nameservers, an unknown dnsPolicy (`validatePodDNSConfig`)."),
    ("ingress-invalid", E, Api, "An Ingress the API server rejects: neither rules nor defaultBackend, an IP address as host, http without paths, a backend with both service and resource, a backend port with both or neither of name and number (`ValidateIngressSpec`)."),
    ("service-invalid", E, Api, "A Service the API server rejects: ExternalName without a valid `externalName`, a nodePort on a ClusterIP Service, `loadBalancerSourceRanges` on a Service that is not a LoadBalancer (`ValidateService`)."),
    ("admission-policy", C, Api, "A ValidatingAdmissionPolicy of the set or of `--policy` rejects the object: a validation is false, or fails with `failurePolicy: Fail` (the API server's message, with the policy and binding names).", "An error for a binding with `validationActions: [Deny]`, a warning for `[Warn]`; `Audit`, failures under `failurePolicy: Ignore` and expressions that need the authorizer are notes. Namespaces outside the set are known only by their `kubernetes.io/metadata.name` label; params come from the set and the `--policy` files."),
    ("hpa-behavior-invalid", E, Api, "A HorizontalPodAutoscaler behaviour the API server rejects: stabilizationWindowSeconds outside 0-3600, an unknown selectPolicy, a policy type other than Pods/Percent, a value not above 0, periodSeconds outside 1-1800 (`validateBehavior`)."),
    // Cross-object wiring
    ("service-selects-nothing", E, Wiring, "A Service selector matches no pod template in the set.", "Resolves the selector against the pod templates of every workload kind, counting the labels controllers add (`pod-template-hash`, `statefulset.kubernetes.io/pod-name`, `job-name`, ...). No match: an error only where the set owns the namespace for pods; otherwise `reference-unresolved`."),
    ("service-target-port-missing", E, Wiring, "A Service `targetPort` name is not a container port of the pods it selects.", "Checks the pods the Service selects in the set; pods outside the set are not seen."),
    ("numeric-port-reference", W, Wiring, "A Service targetPort or probe uses a number where the container port has a name."),
    ("probe-port-undeclared", E, Wiring, "A probe uses a named port the container does not declare."),
    ("ingress-backend-missing", E, Wiring, "An Ingress backend names a Service that is not in the set.", "Resolves the backend Service in the Ingress's namespace; outside an owned namespace `reference-unresolved`."),
    ("ingress-backend-port-missing", E, Wiring, "An Ingress backend port (name or number) is not a port of its Service.", "Checks the ports of a backend Service found in the set."),
    ("ingress-tls-host-mismatch", W, Wiring, "An Ingress rule host is not covered by any of its TLS hosts."),
    ("hpa-target-missing", E, Wiring, "A HorizontalPodAutoscaler's `scaleTargetRef` names no workload in the set.", "Resolves `scaleTargetRef` to a workload in the set; outside an owned namespace `reference-unresolved`."),
    ("hpa-missing-requests", E, Wiring, "A HorizontalPodAutoscaler scales on CPU or memory utilization of containers without that request.", "Checks the containers of a target found in the set."),
    ("pdb-selects-nothing", E, Wiring, "A PodDisruptionBudget selector matches no pod template in the set.", "As `service-selects-nothing`, for the budget's label selector."),
    ("secret-missing", E, Wiring, "A pod references a Secret that is neither in the set nor declared as external.", "Resolves the Secret in the set, an ExternalSecret or SealedSecret that makes it, or a declared external Secret; outside an owned namespace (e.g. when RBAC in the set lets a Job create Secrets there) `reference-unresolved`. A missing image pull Secret is always only `reference-unresolved`."),
    ("secret-key-missing", E, Wiring, "A pod reads a key that its Secret (or external Secret declaration) does not have.", "Checks keys only of a Secret whose keys the set shows (not an empty Secret filled at run time, nor a service-account token)."),
    ("configmap-missing", E, Wiring, "A pod references a ConfigMap that is not in the set.", "Resolves the ConfigMap in the set; `kube-root-ca.crt` exists in every namespace. Outside an owned namespace `reference-unresolved`."),
    ("configmap-key-missing", E, Wiring, "A pod reads a key that its ConfigMap does not have.", "Checks keys of a ConfigMap in the set (and `ca.crt` of `kube-root-ca.crt`)."),
    ("pvc-missing", E, Wiring, "A pod mounts a PersistentVolumeClaim that is not in the set.", "Resolves the claim in the set; outside an owned namespace `reference-unresolved`."),
    ("pvc-rwo-shared", E, Wiring, "A ReadWriteOnce claim is mounted by a workload that can run more than one pod."),
    ("service-account-missing", E, Wiring, "A pod runs as a ServiceAccount that is not in the set.", "Resolves the ServiceAccount in the set (`default` exists everywhere); outside an owned namespace `reference-unresolved`."),
    ("statefulset-service", E, Wiring, "A StatefulSet's `serviceName` is not an existing headless Service (`clusterIP: None`) selecting its pods.", "Resolves `serviceName` in the set; a missing Service outside an owned namespace is `reference-unresolved`."),
    ("servicemonitor-selects-nothing", E, Wiring, "A ServiceMonitor selector matches no Service in the set.", "Resolves the selector against Services in the namespaces the `namespaceSelector` reaches; an error only if the set owns all of them (`any: true` and system namespaces such as `kube-system` never are), otherwise `reference-unresolved`."),
    ("servicemonitor-port-missing", E, Wiring, "A ServiceMonitor endpoint port is not a named port of the Services it selects.", "Checks the ports of the Services found in the set."),
    ("rbac-role-missing", E, Wiring, "A RoleBinding's `roleRef` names a Role that is not in the set.", "Resolves a RoleBinding's Role in the set; the Roles built into `kube-system` and `kube-public` (`system:*`, `extension-apiserver-authentication-reader`) exist. Outside an owned namespace `reference-unresolved`. A ClusterRole reference outside the set that is not built in (`system:*`, `cluster-admin`, `admin`, `edit`, `view`) is always `reference-unresolved`."),
    ("rbac-subject-missing", E, Wiring, "A binding's ServiceAccount subject is not in the set.", "Resolves ServiceAccount subjects of RoleBindings and ClusterRoleBindings in the set; outside an owned namespace `reference-unresolved`."),
    ("rbac-subject-namespace", W, Wiring, "A binding's ServiceAccount subject has no namespace (implicit; rejected in ClusterRoleBindings)."),
    ("dangling-reference", E, Wiring, "A declaration names a component or dependency that the app does not declare (or declares twice, or two different dependencies of one name), or a probe or metrics endpoint refers to a port whose name the container declares with another number: a `talks_to`, leader lock, spawned jobs' `talks_to`, Ingress route or port reference that would otherwise be dropped or point elsewhere."),
    ("pod-containers", E, Wiring, "The containers a component declares cannot share one pod: two use one port number (one network namespace), a writable directory name is reused with other settings, an init container declares a served port, or an exec probe or preStop hook has no command."),
    ("legacy-sidecar-job", E, Wiring, "A Job or CronJob has a sidecar rendered as a regular container (`SidecarMode::Legacy`, for clusters before 1.29): its pods would never complete while the sidecar runs."),
    ("kept-identity", E, Wiring, "A component keeps the identity of a running app (`Component::keep`) inconsistently: pod labels that lack the kept selector (the workload would select no pod: the API server rejects it), a kept ServiceAccount while kairn would annotate the component's own for a cloud identity, or a kept Service or headless Service name on a component that renders no such Service.", "Declared apps only (`emit`, `check`)."),
    ("annotation-overridden", E, Wiring, "A component annotation names a key kairn also sets, with another value, on one of its objects (a ServiceAccount's cloud identity, a claim's `argocd.argoproj.io/sync-options`): kairn's value would win there, silently."),
    ("reference-unresolved", W, Wiring, "A reference the set cannot resolve, in a scope the set does not own (a namespace it does not create, a system namespace, the cluster scope, a partial set): it may exist in the cluster, made by kubectl, a controller or another set.", "Every reference the set cannot resolve and whose scope it does not own: it may exist in the cluster."),
    ("netpol-egress-dependency", E, Wiring, "The NetworkPolicies of a component do not allow egress to a dependency it declares."),
    ("netpol-dns-missing", E, Wiring, "An egress-restricting NetworkPolicy allows no DNS (port 53), so every name lookup fails."),
    ("netpol-dns-tcp", E, Wiring, "A NetworkPolicy allows DNS over UDP/53 but not TCP/53, so truncated answers fail."),
    ("netpol-namespace-name-label", C, Wiring, "A namespaceSelector uses the `name` label, which namespaces do not carry; it matches nothing.", "An error when the Namespace the value names is in the set (its labels are all known); a warning when it is not (whoever created it may have labelled it `name`)."),
    ("netpol-blocks-scrape", E, Wiring, "NetworkPolicies admit no traffic from Prometheus to pods that a ServiceMonitor or scrape annotation expects to scrape.", "Namespaces outside the set are assumed to carry only `kubernetes.io/metadata.name`; a selector on other labels of such a namespace is given the benefit of the doubt."),
    ("netpol-blocks-load-balancer", E, Wiring, "NetworkPolicies drop the external traffic a LoadBalancer or NodePort Service sends to its pods."),
    ("networkpolicy-selects-nothing", E, Wiring, "A NetworkPolicy podSelector matches no pod template in the set, so the policy applies to no pod.", "As `service-selects-nothing`, for the policy's podSelector; an empty podSelector selects every pod of the namespace and is never reported."),
    ("netpol-blocks-peers", E, Wiring, "NetworkPolicies block the pods of a multi-replica StatefulSet from reaching each other."),
    ("metrics-exposed-by-ingress", W, Wiring, "An Ingress path publicly routes to the Service port and path that Prometheus scrapes for metrics."),
    ("secret-unused", W, Wiring, "A Secret in the set is referenced by no pod, ServiceAccount or Ingress.", "Counts references from the set only."),
    ("service-account-unused", W, Wiring, "A ServiceAccount in the set is used by no pod template.", "Counts pod templates of the set (and declared run-time users) only."),
    // Operational and security policy
    ("pss-privileged", C, Policy, "Pod Security Standard (baseline): a container is privileged.", "An error where a Namespace in the set enforces the level the check belongs to (`pod-security.kubernetes.io/enforce: restricted`, or `baseline` for the baseline checks), so Pod Security Admission rejects the pods; a warning elsewhere. Declared apps are held to restricted."),
    ("pss-host-namespaces", C, Policy, "Pod Security Standard (baseline): the pod uses the host network, PID or IPC namespace.", "An error where a Namespace in the set enforces the level the check belongs to (`pod-security.kubernetes.io/enforce: restricted`, or `baseline` for the baseline checks), so Pod Security Admission rejects the pods; a warning elsewhere. Declared apps are held to restricted. Host access the workload declares in `kairn.dev/host-access` (hostNetwork, a hostPath, a hostPort, an added capability, runAsRoot; each with a reason) is accepted where the Namespace in the set enforces a level that admits it, an error where it enforces one that does not, and a warning saying which level the namespace needs when the set has no Namespace."),
    ("pss-host-ports", C, Policy, "Pod Security Standard (baseline): a container uses a hostPort.", "An error where a Namespace in the set enforces the level the check belongs to (`pod-security.kubernetes.io/enforce: restricted`, or `baseline` for the baseline checks), so Pod Security Admission rejects the pods; a warning elsewhere. Declared apps are held to restricted. Host access the workload declares in `kairn.dev/host-access` (hostNetwork, a hostPath, a hostPort, an added capability, runAsRoot; each with a reason) is accepted where the Namespace in the set enforces a level that admits it, an error where it enforces one that does not, and a warning saying which level the namespace needs when the set has no Namespace."),
    ("pss-volume-types", C, Policy, "Pod Security Standard (restricted; hostPath: baseline): the pod uses a volume type other than configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected or secret.", "An error where a Namespace in the set enforces the level the check belongs to (`pod-security.kubernetes.io/enforce: restricted`, or `baseline` for the baseline checks), so Pod Security Admission rejects the pods; a warning elsewhere. Declared apps are held to restricted. Host access the workload declares in `kairn.dev/host-access` (hostNetwork, a hostPath, a hostPort, an added capability, runAsRoot; each with a reason) is accepted where the Namespace in the set enforces a level that admits it, an error where it enforces one that does not, and a warning saying which level the namespace needs when the set has no Namespace."),
    ("pss-privilege-escalation", C, Policy, "Restricted Pod Security Standard: a container does not set `allowPrivilegeEscalation: false`.", "An error where a Namespace in the set enforces the level the check belongs to (`pod-security.kubernetes.io/enforce: restricted`, or `baseline` for the baseline checks), so Pod Security Admission rejects the pods; a warning elsewhere. Declared apps are held to restricted."),
    ("pss-capabilities", C, Policy, "Pod Security Standard (restricted; adding one outside the baseline set: baseline): a container does not drop ALL capabilities, or adds one other than NET_BIND_SERVICE.", "An error where a Namespace in the set enforces the level the check belongs to (`pod-security.kubernetes.io/enforce: restricted`, or `baseline` for the baseline checks), so Pod Security Admission rejects the pods; a warning elsewhere. Declared apps are held to restricted. Host access the workload declares in `kairn.dev/host-access` (hostNetwork, a hostPath, a hostPort, an added capability, runAsRoot; each with a reason) is accepted where the Namespace in the set enforces a level that admits it, an error where it enforces one that does not, and a warning saying which level the namespace needs when the set has no Namespace."),
    ("pss-run-as-non-root", C, Policy, "Restricted Pod Security Standard: `runAsNonRoot: true` is not set for every container, or a UID is 0.", "An error where a Namespace in the set enforces the level the check belongs to (`pod-security.kubernetes.io/enforce: restricted`, or `baseline` for the baseline checks), so Pod Security Admission rejects the pods; a warning elsewhere. Declared apps are held to restricted. A workload declaring `runAsRoot` in `kairn.dev/host-access` (with a reason) is accepted where the Namespace in the set enforces baseline or less, an error where it enforces restricted, and a warning saying the namespace needs baseline when the set has no Namespace."),
    ("pss-seccomp", C, Policy, "Pod Security Standard (restricted; `Unconfined` set explicitly: baseline): no `seccompProfile.type` RuntimeDefault or Localhost for every container.", "An error where a Namespace in the set enforces the level the check belongs to (`pod-security.kubernetes.io/enforce: restricted`, or `baseline` for the baseline checks), so Pod Security Admission rejects the pods; a warning elsewhere. Declared apps are held to restricted."),
    ("pss-sysctls", C, Policy, "Pod Security Standard (baseline): the pod sets a sysctl outside the safe set (`kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`, `net.ipv4.ip_unprivileged_port_start`, `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`, `net.ipv4.ip_local_reserved_ports`, `net.ipv4.tcp_keepalive_time`/`_intvl`/`_probes`, `net.ipv4.tcp_fin_timeout`).", "An error where a Namespace in the set enforces the level the check belongs to (`pod-security.kubernetes.io/enforce: restricted`, or `baseline` for the baseline checks), so Pod Security Admission rejects the pods; a warning elsewhere. Declared apps are held to restricted."),
    ("pss-proc-mount", C, Policy, "Pod Security Standard (baseline): a container sets `procMount` other than Default (Unmasked).", "An error where a Namespace in the set enforces the level the check belongs to (`pod-security.kubernetes.io/enforce: restricted`, or `baseline` for the baseline checks), so Pod Security Admission rejects the pods; a warning elsewhere. Declared apps are held to restricted."),
    ("pss-apparmor", C, Policy, "Pod Security Standard (baseline): an AppArmor profile other than RuntimeDefault/Localhost (`securityContext.appArmorProfile.type`) or than `runtime/default`/`localhost/*` (annotation `container.apparmor.security.beta.kubernetes.io/*`).", "An error where a Namespace in the set enforces the level the check belongs to (`pod-security.kubernetes.io/enforce: restricted`, or `baseline` for the baseline checks), so Pod Security Admission rejects the pods; a warning elsewhere. Declared apps are held to restricted."),
    ("pss-selinux", C, Policy, "Pod Security Standard (baseline): `seLinuxOptions` sets a type other than container_t, container_init_t, container_kvm_t or container_engine_t, or sets user or role.", "An error where a Namespace in the set enforces the level the check belongs to (`pod-security.kubernetes.io/enforce: restricted`, or `baseline` for the baseline checks), so Pod Security Admission rejects the pods; a warning elsewhere. Declared apps are held to restricted."),
    ("pss-host-process", C, Policy, "Pod Security Standard (baseline): the pod or a container runs as a Windows HostProcess (`windowsOptions.hostProcess: true`).", "An error where a Namespace in the set enforces the level the check belongs to (`pod-security.kubernetes.io/enforce: restricted`, or `baseline` for the baseline checks), so Pod Security Admission rejects the pods; a warning elsewhere. Declared apps are held to restricted."),
    ("env-name-portable", W, Policy, "An environment variable name is not a portable identifier `[A-Za-z_][A-Za-z0-9_]*`, which kairn's DSL requires: Kubernetes accepts it (since 1.32, any printable ASCII but `=`), but shells cannot read it and API servers before 1.32 reject names beyond `[-._a-zA-Z][-._a-zA-Z0-9]*`."),
    ("read-only-root-filesystem", W, Policy, "A container's root filesystem is writable (`readOnlyRootFilesystem` is not true)."),
    ("resources-missing", W, Policy, "A container lacks a CPU or memory request or limit."),
    ("requests-exceed-limits", E, Policy, "A container requests more CPU or memory than its limit."),
    ("image-latest", E, Policy, "An image uses the mutable `latest` tag or no tag at all, outside the development environment."),
    ("hpa-min-max", E, Policy, "A HorizontalPodAutoscaler's minReplicas is below 1 or above maxReplicas."),
    ("replicas-with-hpa", W, Policy, "A workload sets `spec.replicas` although a HorizontalPodAutoscaler manages it; every apply resets the scale."),
    ("pdb-blocks-eviction", W, Policy, "A PodDisruptionBudget allows no voluntary eviction (minAvailable at or above the replicas, or maxUnavailable 0), blocking node drains."),
    ("pdb-missing", W, Policy, "A Deployment or StatefulSet that can run several replicas has no PodDisruptionBudget."),
    ("liveness-without-readiness", W, Policy, "A serving container has a liveness probe but no readiness probe."),
    ("deprecated-annotation", E, Policy, "An annotation is deprecated and ignored or superseded by a field (e.g. `kubernetes.io/ingress.class`)."),
    ("deprecated-field", W, Policy, "A field is deprecated (e.g. `serviceAccount`, `loadBalancerIP`)."),
    ("secret-literal-data", E, Policy, "A Secret carries literal values in `data`/`stringData` committed with the manifests."),
    ("namespace-pss-not-enforced", W, Policy, "A Namespace does not enforce the restricted Pod Security Standard (`pod-security.kubernetes.io/enforce: restricted`).", "Except a Namespace that enforces exactly the level the host access declared by its workloads (`kairn.dev/host-access`) needs, explains it in `kairn.dev/pod-security-exception`, and keeps `audit` and `warn` at restricted (what kairn renders for a node agent)."),
    ("service-account-token-automount", W, Policy, "A ServiceAccount does not set `automountServiceAccountToken: false` although no pod in the set uses it with API permissions.", "Counts pods and RBAC bindings of the set only."),
    ("pod-token-automount", W, Policy, "A pod mounts a service-account token although its ServiceAccount has no RBAC binding in the set.", "Counts RBAC bindings of the set only."),
    ("pod-default-service-account", W, Policy, "A pod runs as the namespace's `default` ServiceAccount."),
    ("rbac-secrets-read", W, Policy, "A Role or ClusterRole grants list, watch or `*` on Secrets without `resourceNames`, which returns every Secret's contents (often needed by controllers: the warning says the risk).", "A rule with `resourceNames` is limited to the Secrets it names and is not reported."),
    ("rbac-api-group-invalid", E, Policy, "A Role or ClusterRole rule names an API group with a version (`apps/v1`): groups have no `/`, so the rule silently grants nothing (the API server does not check)."),
    ("rbac-cluster-admin-binding", W, Policy, "A RoleBinding or ClusterRoleBinding grants the `cluster-admin` ClusterRole: full control of the namespace, or of the cluster (kube-linter `cluster-admin-role-binding`)."),
    ("rbac-wildcard", W, Policy, "A Role or ClusterRole rule uses `*` in verbs, resources or apiGroups, granting everything that exists now or is added later (kube-linter `wildcard-in-rules`)."),
    ("rbac-pod-exec", W, Policy, "A Role or ClusterRole grants create on `pods/exec` or `pods/attach`: running commands in pods, with their ServiceAccounts and Secrets."),
    ("rbac-escalate-verbs", W, Policy, "A Role or ClusterRole grants `bind`, `escalate` or `impersonate`, which let its subjects give themselves permissions they do not hold or act as someone else."),
    ("rbac-nodes-proxy", W, Policy, "A Role or ClusterRole grants access to `nodes/proxy`, the kubelet API (commands in every pod of a node, bypassing audit and admission)."),
    ("rbac-token-create", W, Policy, "A Role or ClusterRole grants create on `serviceaccounts/token`: minting tokens of other ServiceAccounts."),
    ("host-runtime-socket", W, Policy, "A hostPath volume mounts a container runtime socket (`docker.sock`, containerd, CRI-O): control of every container on the node (kube-linter `docker-sock`)."),
    ("sensitive-host-mount", W, Policy, "A hostPath volume mounts a sensitive host directory (`/`, `/etc`, `/proc`, `/sys`, `/dev`, `/var/lib/kubelet`, ...) (kube-linter `sensitive-host-mounts`)."),
    ("env-literal-secret", W, Policy, "An environment variable whose name says it holds a secret (`*PASSWORD*`, `*SECRET*`, `*TOKEN*`, `*API_KEY*`) has a literal value instead of a Secret reference (kube-linter `env-var-secret`)."),
    ("ssh-port", W, Policy, "A container exposes TCP port 22 (kube-linter `ssh-port`)."),
    ("deployment-no-spread", W, Policy, "A Deployment that can run several replicas has no pod anti-affinity or topology spread, so all replicas can land on one node (kube-linter `no-anti-affinity`)."),
    ("pdb-unhealthy-eviction-policy", W, Policy, "A PodDisruptionBudget does not set `unhealthyPodEvictionPolicy`; with the default, running but unready pods cannot be evicted and can block node drains (kube-linter `pdb-unhealthy-pod-eviction-policy`).", "Not reported on what kairn renders (declared apps, and YAML labelled `app.kubernetes.io/managed-by: kairn`): the renderer does not set the field yet."),
    ("cloud-identity-placeholder", E, Policy, "A cloud workload-identity annotation holds a placeholder or malformed value (role ARN, GCP service account, Azure client id), including the AWS documentation account `123456789012` and `your-…` names."),
    ("config-placeholder", E, Policy, "A ConfigMap value or literal environment variable holds an unmistakable placeholder: `your-…`, `changeme`, `<…>` (outside markup), or an AWS documentation account id in an ARN."),
    ("oidc-issuer-example-domain", W, Policy, "An OIDC issuer URL (a ConfigMap or environment key naming an issuer) is on a reserved example domain (`example.com`/`.net`/`.org`, `.example`, `.test`, `.invalid`)."),
    ("service-external-load-balancer", W, Policy, "A LoadBalancer Service exposes pods to the internet directly, with no source ranges and no internal-load-balancer annotation (often the point, e.g. for an ingress controller: the warning says the risk)."),
    ("statefulset-headless-not-ready", W, Policy, "The headless Service of a multi-replica StatefulSet whose pods have a readiness probe does not publish not-ready addresses, so peers cannot find each other while the cluster forms."),
    ("statefulset-ordered-ready", W, Policy, "A multi-replica StatefulSet with readiness probes uses OrderedReady pod management, which can deadlock quorum bootstrap."),
    ("statefulset-no-spread", W, Policy, "A multi-replica StatefulSet has no pod anti-affinity or topology spread, so all members can land on one node."),
    ("netpol-dns-too-broad", W, Policy, "A NetworkPolicy allows DNS to every pod in every namespace (or anywhere) instead of kube-dns."),
    ("netpol-missing", W, Policy, "No NetworkPolicy selects a workload's pods."),
    ("prometheus-scrape-annotations", W, Policy, "`prometheus.io/*` scrape annotations are used without a ServiceMonitor; the Prometheus Operator ignores them."),
    ("alert-up-without-absent", W, Policy, "An alert on `up == 0` has no `absent(...)`, so it never fires when the target disappears."),
    ("alert-error-rate-not-ratio", W, Policy, "An error-rate alert compares an absolute 5xx rate to a threshold instead of a ratio of all requests."),
    ("job-ttl-missing", W, Policy, "A Job has no `ttlSecondsAfterFinished`, so finished Jobs and their pods accumulate."),
    ("node-agent-shares-namespace", E, Policy, "A node agent whose declared host access needs a Pod Security level below restricted shares its app's namespace with other pods, which the namespace's one enforced level would then admit with host access too.", "Declared apps only (`emit`, `check`): the app's other components are known there. Accepted with `.shared_namespace_with_node_agents(reason!(..))` on the app, written into `kairn.dev/pod-security-exception`."),
    ("host-path-unreadable", W, Policy, "A container mounts a hostPath volume but runs as a non-root user without `DAC_READ_SEARCH` or `DAC_OVERRIDE`: the node's files there (`/var/log`, ...) are mostly root's, so it probably cannot read them.", "kairn cannot see the node's permissions: waive it when the files are readable by the pod's user."),
    ("daemonset-probes-missing", W, Policy, "A DaemonSet's main container has no liveness or readiness probe and the DaemonSet gives no reason in `kairn.dev/no-probes` (what kairn writes for a node agent declared `.without_probes(reason!(..))`)."),
    ("daemonset-surge-host-port", E, Policy, "A DaemonSet rolls out with `maxSurge` above 0 while its pods use `hostNetwork` or a `hostPort`: the new pod cannot schedule beside the old one holding the port, so the rollout stalls."),
    ("pre-stop-beyond-grace", W, Policy, "A container's `preStop` sleep is as long as the pod's termination grace period (default 30 s), so the process is killed before it can shut down gracefully."),
    ("job-backoff-limit-missing", W, Policy, "A Job has no explicit `backoffLimit` (the default retries 6 times)."),
    ("waiver-invalid", E, Policy, "A waiver names an unknown rule or has no written reason."),
    ("waiver-unmatched", W, Policy, "A waiver matches no finding; remove it or fix its rule, kind or name."),
);

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id == id)
}

/// The generated table section of `docs/rules.md`.
pub fn markdown_table() -> String {
    let mut out = String::new();
    for family in [Api, Wiring, Policy] {
        out.push_str(&format!("\n### {}\n\n", family.title()));
        out.push_str(
            "| id | severity | meaning | references outside the set |\n|---|---|---|---|\n",
        );
        for r in RULES.iter().filter(|r| r.family == family) {
            let severity = if r.conditional {
                "error or warning".to_owned()
            } else {
                r.severity.to_string()
            };
            out.push_str(&format!(
                "| `{}` | {severity} | {} | {} |\n",
                r.id,
                r.summary,
                r.scope.unwrap_or("—")
            ));
        }
    }
    out
}
