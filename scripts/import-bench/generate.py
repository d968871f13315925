#!/usr/bin/env python3
"""Builds the input of the import speed benchmark (issue 17, acceptance 4) from the real
sets of tests/fixtures/import/, rendered by scripts/render-import-fixtures.sh.

    generate.py RENDERED SETS_TSV OUT_DIR [N]      (N: objects wanted, default 1000)

RENDERED holds <set>/<env>.yaml. Copies of the sets (all their environments), copy k
named `<set>-c<k>`, are added whole in round-robin order over the sets until the total
number of objects reaches N, so the result is N or a little more, always the same for
the same N. In copy k:
- every namespace of the set (metadata.namespace, Helm's --namespace, Namespace objects,
  `namespace` fields such as RBAC subjects and webhook services, namespace selectors by
  `kubernetes.io/metadata.name`, `matchNames`, and `.<ns>.svc` inside strings) becomes
  `<ns>-c<k>`; namespaced objects without a namespace get their environment's one (what
  `helm install -n` would give them), so copies never collide;
- cluster-scoped objects are renamed `<name>-c<k>` (ClusterRoleBinding roleRefs follow),
  except CustomResourceDefinitions, whose names are fixed by their group: they are kept
  in copy 0 only, as one cluster has one copy of an operator's CRDs;
- Helm test hooks (`helm.sh/hook: test`, or the older `test-success`) are left out: their
  names are random.
Object names inside a namespace, labels and selectors are kept: the shapes stay real.

Writes OUT_DIR/<app>/<env>/<NNN>-<kind>-<name>.yaml (one object per file, NNN its
position in the render) and OUT_DIR/MANIFEST.tsv (app, set, env, directory, objects), and
prints a summary.
"""
import collections
import os
import re
import sys

import yaml

CLUSTER_SCOPED = {
    "APIService", "ClusterRole", "ClusterRoleBinding", "CSIDriver",
    "CustomResourceDefinition", "IngressClass", "MutatingWebhookConfiguration", "Namespace",
    "PersistentVolume", "PriorityClass", "RuntimeClass", "StorageClass",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
}


class Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


Dumper.add_representer(str, _str)


def read_sets(path):
    """[(set, env, helm_namespace or None)] in sets.tsv order."""
    rows = []
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            rows.append((cols[0], cols[1], None if cols[6] == "-" else cols[6]))
    return rows


def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def is_test_hook(obj):
    hook = (obj.get("metadata", {}).get("annotations") or {}).get("helm.sh/hook", "")
    return any(h.strip() in ("test", "test-success", "test-failure") for h in hook.split(","))


def namespaces_of(objs, default_ns):
    found = set()
    if default_ns:
        found.add(default_ns)
    for o in objs:
        meta = o.get("metadata", {})
        if o["kind"] == "Namespace":
            found.add(meta["name"])
        elif meta.get("namespace"):
            found.add(meta["namespace"])
    return found


def remap(value, nsmap, svc_re):
    """A copy of value with the set's namespaces renamed wherever they appear."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k in ("namespace", "kubernetes.io/metadata.name") and isinstance(v, str) and v in nsmap:
                out[k] = nsmap[v]
            elif k == "matchNames" and isinstance(v, list):
                out[k] = [nsmap.get(x, x) if isinstance(x, str) else x for x in v]
            else:
                out[k] = remap(v, nsmap, svc_re)
        return out
    if isinstance(value, list):
        return [remap(v, nsmap, svc_re) for v in value]
    if isinstance(value, str) and svc_re is not None and ".svc" in value:
        return svc_re.sub(lambda m: "." + nsmap[m.group(1)] + ".svc", value)
    return value


def copy_env(objs, default_ns, k):
    """The objects of one environment as copy k has them."""
    suffix = f"-c{k}"
    nsmap = {ns: ns + suffix for ns in namespaces_of(objs, default_ns)}
    env_ns = nsmap.get(default_ns or "", None) or "default" + suffix
    svc_re = re.compile(r"\.(" + "|".join(re.escape(n) for n in sorted(nsmap, key=len, reverse=True)) + r")\.svc") if nsmap else None
    out = []
    for o in objs:
        kind = o["kind"]
        if is_test_hook(o):
            continue
        if kind == "CustomResourceDefinition" and k > 0:
            continue
        o = remap(o, nsmap, svc_re)
        meta = o.setdefault("metadata", {})
        if kind == "Namespace":
            meta["name"] = nsmap.get(meta["name"], meta["name"] + suffix)
        elif kind in CLUSTER_SCOPED:
            if kind != "CustomResourceDefinition":
                meta["name"] = meta["name"] + suffix
            if kind == "ClusterRoleBinding" and o.get("roleRef", {}).get("kind") == "ClusterRole":
                o["roleRef"]["name"] += suffix
        elif not meta.get("namespace"):
            meta["namespace"] = env_ns
        out.append(o)
    return out


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    rendered, sets_tsv, out_dir = sys.argv[1:4]
    wanted = int(sys.argv[4]) if len(sys.argv) == 5 else 1000
    if wanted < 1:
        sys.exit("generate.py: N must be at least 1")
    rows = read_sets(sets_tsv)
    sets = list(dict.fromkeys(r[0] for r in rows))
    envs = {s: [(e, ns, load(os.path.join(rendered, s, e + ".yaml"))) for (s2, e, ns) in rows if s2 == s] for s in sets}

    manifest = ["# app\tset\tenv\tdirectory\tobjects"]
    kinds = collections.Counter()
    total = apps = k = 0
    while total < wanted:
        for s in sets:
            if total >= wanted:
                break
            app = f"{s}-c{k}"
            for env, ns, objs in envs[s]:
                objs = copy_env(objs, ns, k)
                d = os.path.join(out_dir, app, env)
                os.makedirs(d)
                for i, o in enumerate(objs):
                    name = re.sub(r"[^a-z0-9.-]", "-", o["metadata"]["name"].lower())
                    with open(os.path.join(d, f"{i:03d}-{o['kind'].lower()}-{name}.yaml"), "w") as f:
                        yaml.dump(o, f, Dumper=Dumper, sort_keys=False, default_flow_style=False, width=100)
                    kinds[o["kind"]] += 1
                manifest.append(f"{app}\t{s}\t{env}\t{app}/{env}\t{len(objs)}")
                total += len(objs)
            apps += 1
        k += 1
    with open(os.path.join(out_dir, "MANIFEST.tsv"), "w") as f:
        f.write("\n".join(manifest) + "\n")
    envs_n = len(manifest) - 1
    print(f"{total} objects in {apps} apps ({envs_n} environments) under {out_dir}")
    print(", ".join(f"{kd} {n}" for kd, n in sorted(kinds.items())))


if __name__ == "__main__":
    main()
