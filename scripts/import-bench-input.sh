#!/usr/bin/env bash
# Input of the import speed benchmark (issue 17, acceptance 4): about N objects (default
# 1000) of real shapes, copies of the sets in tests/fixtures/import/ with renamed
# namespaces (and cluster-scoped names), as plain YAML, one app directory per copy with one
# directory per environment. Not the benchmark itself.
#
#   bash scripts/import-bench-input.sh DIR [N]
#
# DIR must not exist or be empty (nothing is overwritten). Writes
# DIR/<set>-c<k>/<env>/<NNN>-<kind>-<name>.yaml and DIR/MANIFEST.tsv (app, set, env,
# directory, objects); see scripts/import-bench/generate.py for the renaming rules.
# The same N gives the same files. Environment: HELM, KUBECTL, PYTHON as for
# scripts/render-import-fixtures.sh (PyYAML needed).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: bash scripts/import-bench-input.sh DIR [N]" >&2
  exit 2
fi
out=$1
n=${2:-1000}
case "$n" in '' | *[!0-9]*) echo "import-bench-input.sh: N must be a number, not '$n'" >&2; exit 2 ;; esac
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then
  echo "import-bench-input.sh: $out exists and is not empty; give a new or empty directory" >&2
  exit 2
fi
if [ -z "${PYTHON:-}" ]; then
  if [ -x "$root/.tools/venv/bin/python" ]; then PYTHON=$root/.tools/venv/bin/python; else PYTHON=python3; fi
fi
export PYTHON
rendered=$(mktemp -d)
trap 'rm -rf "$rendered"' EXIT
bash "$root/scripts/render-import-fixtures.sh" "$rendered" >/dev/null
mkdir -p "$out"
"$PYTHON" "$root/scripts/import-bench/generate.py" "$rendered" "$root/tests/fixtures/import/sets.tsv" "$out" "$n"
