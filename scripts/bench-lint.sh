#!/usr/bin/env bash
# Benchmark (not a test): `kairn lint` on generated sets of 1,000, 10,000 and 20,000 objects,
# and on renamed copies of kairn's own output (the per-byte figure).
#
#   bash scripts/bench-lint.sh [--release] [--copies C] [N...]   (default N: 1000 10000 20000)
#
# `--copies C` adds a set of C copies of generated/ with renamed namespaces
# (scripts/lint/copies.py; 100 copies: 13,600 objects, 19 MB), real-shaped objects.
#
# Builds the CLI (dev profile: the workspace's dependencies optimised, kairn's own crates
# at opt-level 0; `--release` for the release profile), generates each set with
# scripts/lint/generate.py (deterministic) under target/lint-bench/, and prints a markdown
# table: median wall time and peak RSS of `kairn lint --format json` (scripts/lint/bench.py).
# KAIRN=path/to/kairn skips the build and measures that binary (e.g. an older one).
set -euo pipefail
cd "$(dirname "$0")/.."
profile=dev
if [ "${1:-}" = "--release" ]; then
  profile=release
  shift
fi
copies=""
if [ "${1:-}" = "--copies" ]; then
  copies=$2
  shift 2
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || [ -n "$copies" ] || sizes=(1000 10000 20000)
label="kairn lint, $profile profile"
if [ -n "${KAIRN:-}" ]; then
  label="kairn lint, $KAIRN"
else
  if [ "$profile" = release ]; then
    cargo build -q --release -p cli
    KAIRN=target/release/kairn
  else
    cargo build -q -p cli
    KAIRN=target/debug/kairn
  fi
fi
sets=target/lint-bench
names=()
for n in "${sizes[@]}"; do
  rm -rf "${sets:?}/$n"
  python3 scripts/lint/generate.py "$n" "$sets/$n" >/dev/null
  names+=("$n")
done
if [ -n "$copies" ]; then
  python3 scripts/lint/copies.py "$copies" "$sets/copies$copies" >/dev/null
  names+=("copies$copies")
fi
python3 scripts/lint/bench.py "$KAIRN" "$sets" "${names[@]}" --label "$label"
