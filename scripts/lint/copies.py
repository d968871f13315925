#!/usr/bin/env python3
"""Writes N copies of kairn's own output (`generated/`, YAML only) with renamed namespaces.

    python3 scripts/lint/copies.py N DIR [SOURCE]      (SOURCE: generated/)

Copy i renames every namespace the set uses (`gorax-prod` -> `gorax-prod-c007`), wherever
the name stands as a whole word (metadata, selectors, subjects, DNS names), and every
cluster-scoped object's name, so the copies do not collide. Deterministic: the same N gives
the same bytes. Real-shaped objects (kairn's own output) for the lint benchmark's per-byte
figure (scripts/bench-lint.sh --copies N).
"""
import os
import re
import shutil
import sys


def yaml_files(root):
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for f in sorted(files):
            if f.endswith((".yaml", ".yml")):
                yield os.path.join(d, f)


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    src = sys.argv[3] if len(sys.argv) > 3 else "generated"
    files = [(p, open(p, encoding="utf-8").read()) for p in yaml_files(src)]
    names = set()
    for _, text in files:
        names.update(re.findall(r"^\s*namespace: ([a-z0-9-]+)\s*$", text, re.M))
        # Names of cluster-scoped objects (Namespace, ClusterRole, ...): top-level kind
        # without a namespace in the same document.
        for doc in text.split("\n---"):
            kind = re.search(r"^kind: (\S+)", doc, re.M)
            if kind and kind.group(1).startswith(("Cluster", "Namespace")):
                name = re.search(r"^  name: ([a-z0-9.:-]+)", doc, re.M)
                if name:
                    names.add(name.group(1))
    word = re.compile(r"(?<![a-z0-9.-])(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")(?![a-z0-9-])")
    shutil.rmtree(out, ignore_errors=True)
    total = 0
    for i in range(n):
        for path, text in files:
            rel = os.path.relpath(path, src)
            dest = os.path.join(out, f"c{i:03}", rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            body = word.sub(lambda m: f"{m.group(1)}-c{i:03}", text)
            with open(dest, "w", encoding="utf-8") as f:
                f.write(body)
            total += len(body.encode())
    print(f"{n} copies, {len(files) * n} files, {total / 1e6:.1f} MB in {out}")


if __name__ == "__main__":
    main()
