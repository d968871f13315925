#!/usr/bin/env python3
"""Generates a realistic manifest set of about N objects for scripts/bench-lint.sh.

    generate.py N OUT_DIR [APPS_PER_NAMESPACE]      (default 20)

Deterministic (fixed seed, no clock): the same N gives byte-identical files. The set is
a fleet of namespaces, each holding about 20 apps; an app is a deterministic mix of

- a workload: Deployment (most), StatefulSet (+ headless Service), DaemonSet or CronJob,
  with resources, probes, a restricted security context and a digest-pinned image;
- its Service, ServiceAccount, Role + RoleBinding, ConfigMap and Secret (mounted and
  referenced by `envFrom`), NetworkPolicy, PodDisruptionBudget, HorizontalPodAutoscaler,
  Ingress and ServiceMonitor, each present with a fixed probability;

plus, per namespace, the Namespace itself and a default-deny NetworkPolicy, and a few
ClusterRoles and ClusterRoleBindings binding ServiceAccounts across the fleet. One
multi-document file per namespace (as `helm template` or `kubectl kustomize` write).
The set is realistic, not clean: lint reports some findings on it, the same every run.
"""
import os
import random
import sys

APPS_PER_NAMESPACE = 20
WORDS = ["orders", "billing", "search", "notify", "ledger", "audit", "catalog", "auth",
         "media", "reports", "pricing", "ingest", "export", "profile", "inbox", "quota"]
TEAMS = ["payments", "platform", "growth", "data", "identity", "support", "risk", "ops"]
DIGEST = "sha256:" + "0123456789abcdef" * 4


def labels(ns, app, indent):
    pad = " " * indent
    return (f"{pad}app.kubernetes.io/name: {app}\n"
            f"{pad}app.kubernetes.io/instance: {app}-{ns}\n"
            f"{pad}app.kubernetes.io/part-of: {ns}\n")


def meta(kind, api, name, ns, app):
    return (f"apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
            f"  labels:\n{labels(ns, app, 4)}")


def pod_template(ns, app, port, sa, config, secret, indent):
    p = " " * indent
    env_from = ""
    if config or secret:
        env_from = f"{p}    envFrom:\n"
        if config:
            env_from += f"{p}      - configMapRef:\n{p}          name: {app}-config\n"
        if secret:
            env_from += f"{p}      - secretRef:\n{p}          name: {app}-secret\n"
    return (f"{p}metadata:\n{p}  labels:\n{labels(ns, app, indent + 4)}"
            f"{p}spec:\n"
            f"{p}  serviceAccountName: {sa}\n"
            f"{p}  automountServiceAccountToken: false\n"
            f"{p}  securityContext:\n{p}    runAsNonRoot: true\n{p}    runAsUser: 10001\n"
            f"{p}    seccompProfile:\n{p}      type: RuntimeDefault\n"
            f"{p}  containers:\n"
            f"{p}  - name: {app}\n"
            f"{p}    image: registry.example.com/{ns}/{app}:1.{port % 7}.{port % 13}@{DIGEST}\n"
            f"{p}    ports:\n{p}    - name: http\n{p}      containerPort: {port}\n"
            f"{env_from}"
            f"{p}    resources:\n{p}      requests:\n{p}        cpu: 100m\n{p}        memory: 128Mi\n"
            f"{p}      limits:\n{p}        cpu: 500m\n{p}        memory: 256Mi\n"
            f"{p}    readinessProbe:\n{p}      httpGet:\n{p}        path: /ready\n{p}        port: http\n"
            f"{p}    livenessProbe:\n{p}      httpGet:\n{p}        path: /live\n{p}        port: http\n"
            f"{p}    securityContext:\n{p}      allowPrivilegeEscalation: false\n"
            f"{p}      readOnlyRootFilesystem: true\n"
            f"{p}      capabilities:\n{p}        drop: [ALL]\n")


def selector(ns, app, indent):
    p = " " * indent
    return (f"{p}selector:\n{p}  matchLabels:\n{p}    app.kubernetes.io/name: {app}\n"
            f"{p}    app.kubernetes.io/instance: {app}-{ns}\n")


def app_objects(rng, ns, app):
    """The objects of one app, as YAML documents."""
    port = 8000 + rng.randrange(1000)
    sa = f"{app}-sa"
    config, secret = rng.random() < 0.8, rng.random() < 0.6
    shape = rng.choices(["Deployment", "StatefulSet", "DaemonSet", "CronJob"], [70, 12, 6, 12])[0]
    docs = []
    serving = shape in ("Deployment", "StatefulSet")
    if shape == "CronJob":
        docs.append(meta("CronJob", "batch/v1", app, ns, app)
                    + "spec:\n  schedule: \"17 * * * *\"\n  concurrencyPolicy: Forbid\n"
                    + "  jobTemplate:\n    spec:\n      backoffLimit: 2\n      template:\n"
                    + pod_template(ns, app, port, sa, config, secret, 8).replace(
                        "        spec:\n", "        spec:\n          restartPolicy: Never\n", 1))
    else:
        api = "apps/v1"
        spec = "spec:\n"
        if shape != "DaemonSet":
            spec += f"  replicas: {rng.choice([2, 3])}\n"
        if shape == "StatefulSet":
            spec += f"  serviceName: {app}-headless\n"
        docs.append(meta(shape, api, app, ns, app) + spec + selector(ns, app, 2)
                    + "  template:\n" + pod_template(ns, app, port, sa, config, secret, 4))
    docs.append(meta("ServiceAccount", "v1", sa, ns, app)
                + "automountServiceAccountToken: false\n")
    if config:
        docs.append(meta("ConfigMap", "v1", f"{app}-config", ns, app)
                    + f"data:\n  LOG_LEVEL: info\n  PORT: \"{port}\"\n")
    if secret:
        docs.append(meta("Secret", "v1", f"{app}-secret", ns, app)
                    + "type: Opaque\nstringData:\n  TOKEN: not-a-real-token\n")
    if rng.random() < 0.7:
        docs.append(meta("Role", "rbac.authorization.k8s.io/v1", f"{app}-reader", ns, app)
                    + "rules:\n- apiGroups: [\"\"]\n  resources: [configmaps]\n"
                    + f"  resourceNames: [{app}-config]\n  verbs: [get, watch]\n")
        docs.append(meta("RoleBinding", "rbac.authorization.k8s.io/v1", f"{app}-reader", ns, app)
                    + "roleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n"
                    + f"  name: {app}-reader\nsubjects:\n- kind: ServiceAccount\n"
                    + f"  name: {sa}\n  namespace: {ns}\n")
    if not serving:
        return docs, sa
    docs.append(meta("Service", "v1", app, ns, app)
                + "spec:\n" + "  selector:\n    app.kubernetes.io/name: " + app + "\n"
                + f"    app.kubernetes.io/instance: {app}-{ns}\n"
                + "  ports:\n  - name: http\n    port: 80\n    targetPort: http\n")
    if shape == "StatefulSet":
        docs.append(meta("Service", "v1", f"{app}-headless", ns, app)
                    + "spec:\n  clusterIP: None\n  selector:\n    app.kubernetes.io/name: " + app
                    + f"\n    app.kubernetes.io/instance: {app}-{ns}\n"
                    + "  ports:\n  - name: http\n    port: 80\n    targetPort: http\n")
    docs.append(meta("NetworkPolicy", "networking.k8s.io/v1", app, ns, app)
                + "spec:\n  podSelector:\n    matchLabels:\n"
                + f"      app.kubernetes.io/name: {app}\n  policyTypes: [Ingress]\n"
                + "  ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n"
                + "          kubernetes.io/metadata.name: ingress-nginx\n"
                + f"    ports:\n    - port: {port}\n")
    if rng.random() < 0.8:
        docs.append(meta("PodDisruptionBudget", "policy/v1", app, ns, app)
                    + "spec:\n  maxUnavailable: 1\n" + selector(ns, app, 2))
    if shape == "Deployment" and rng.random() < 0.5:
        docs.append(meta("HorizontalPodAutoscaler", "autoscaling/v2", app, ns, app)
                    + "spec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n"
                    + f"    name: {app}\n  minReplicas: 2\n  maxReplicas: {rng.randint(4, 20)}\n"
                    + "  metrics:\n  - type: Resource\n    resource:\n      name: cpu\n"
                    + "      target:\n        type: Utilization\n        averageUtilization: 70\n")
    if rng.random() < 0.4:
        docs.append(meta("Ingress", "networking.k8s.io/v1", app, ns, app)
                    + "spec:\n  ingressClassName: nginx\n  tls:\n"
                    + f"  - hosts: [{app}.{ns}.example.com]\n    secretName: {app}-tls\n"
                    + f"  rules:\n  - host: {app}.{ns}.example.com\n    http:\n      paths:\n"
                    + "      - path: /\n        pathType: Prefix\n        backend:\n"
                    + f"          service:\n            name: {app}\n            port:\n"
                    + "              name: http\n")
    if rng.random() < 0.5:
        docs.append(meta("ServiceMonitor", "monitoring.coreos.com/v1", app, ns, app)
                    + "spec:\n" + selector(ns, app, 2)
                    + "  endpoints:\n  - port: http\n    path: /metrics\n    interval: 30s\n")
    return docs, sa


def namespace_objects(rng, ns, apps_per_namespace):
    team = rng.choice(TEAMS)
    docs = [f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n  labels:\n"
            f"    team: {team}\n    pod-security.kubernetes.io/enforce: restricted\n",
            meta("NetworkPolicy", "networking.k8s.io/v1", "default-deny", ns, "default-deny")
            + "spec:\n  podSelector: {}\n  policyTypes: [Ingress]\n"]
    accounts = []
    for i in range(apps_per_namespace):
        app = f"{WORDS[i % len(WORDS)]}-{i // len(WORDS)}" if i >= len(WORDS) else WORDS[i]
        objs, sa = app_objects(rng, ns, app)
        docs.extend(objs)
        accounts.append(sa)
    return docs, accounts


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    target, out = int(sys.argv[1]), sys.argv[2]
    per_ns = int(sys.argv[3]) if len(sys.argv) == 4 else APPS_PER_NAMESPACE
    rng = random.Random(11)
    os.makedirs(out, exist_ok=True)
    total, n, all_accounts = 0, 0, []
    while total < target:
        ns = f"{rng.choice(TEAMS)}-{n:04d}"
        docs, accounts = namespace_objects(rng, ns, per_ns)
        all_accounts.extend((ns, a) for a in accounts[:2])
        with open(os.path.join(out, f"{n:04d}-{ns}.yaml"), "w") as f:
            f.write("---\n".join(docs))
        total += len(docs)
        n += 1
    # Cluster-wide RBAC: a reader ClusterRole per team, bound to a few accounts of each
    # namespace (subjects across the whole fleet).
    docs = []
    for t, team in enumerate(TEAMS):
        docs.append("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n"
                    f"metadata:\n  name: {team}-node-reader\nrules:\n- apiGroups: [\"\"]\n"
                    "  resources: [nodes]\n  verbs: [get, list, watch]\n")
        subjects = "".join(f"- kind: ServiceAccount\n  name: {a}\n  namespace: {ns}\n"
                           for ns, a in all_accounts[t::len(TEAMS)])
        docs.append("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
                    f"metadata:\n  name: {team}-node-reader\nroleRef:\n"
                    "  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n"
                    f"  name: {team}-node-reader\nsubjects:" + (f"\n{subjects}" if subjects else " []\n"))
    with open(os.path.join(out, "cluster-rbac.yaml"), "w") as f:
        f.write("---\n".join(docs))
    total += len(docs)
    print(f"{total} objects in {n} namespaces under {out}")


if __name__ == "__main__":
    main()
