#!/usr/bin/env bash
# Renders every environment of every set in tests/fixtures/import/ (listed in its
# sets.tsv) the way `kairn import` reads it, and checks the object count against the
# `objects` column. Writes OUT/<set>/<env>.yaml and prints a Markdown table of the
# objects per kind.
#
#   bash scripts/render-import-fixtures.sh [OUT]      (default: target/import-fixtures)
#
# Environment: HELM (default .tools/bin/helm, Helm v4 from scripts/install-test-tools.sh),
# KUBECTL (default kubectl on PATH; kustomize built in), PYTHON (default .tools/venv/bin/python
# when present, else python3; needs PyYAML). Exits 1 when a count differs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
fixtures=$root/tests/fixtures/import
out=${1:-$root/target/import-fixtures}
helm=${HELM:-${KAIRN_HELM:-$root/.tools/bin/helm}}
kubectl=${KUBECTL:-kubectl}
if [ -z "${PYTHON:-}" ]; then
  if [ -x "$root/.tools/venv/bin/python" ]; then PYTHON=$root/.tools/venv/bin/python; else PYTHON=python3; fi
fi
mkdir -p "$out"

# kinds FILE: "COUNT<TAB>Kind n, Kind n, ..." for the documents of FILE
kinds() {
  "$PYTHON" - "$1" <<'PY'
import collections, sys, yaml
c = collections.Counter()
with open(sys.argv[1]) as f:
    for d in yaml.safe_load_all(f):
        if d:
            c[d["kind"]] += 1
print(f"{sum(c.values())}\t" + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
PY
}

status=0
echo "| set | env | objects | kinds |"
echo "|---|---|---|---|"
while IFS=$'\t' read -r set env kind source values release namespace objects; do
  case "$set" in '#'* | '') continue ;; esac
  dir=$fixtures/$set
  mkdir -p "$out/$set"
  file=$out/$set/$env.yaml
  case "$kind" in
    helm) "$helm" template "$release" "$dir/$source" --namespace "$namespace" -f "$dir/$values" >"$file" ;;
    kustomize) "$kubectl" kustomize "$dir/$source" >"$file" ;;
    yaml)
      : >"$file"
      for f in "$dir/$source"/*.yaml "$dir/$source"/*.yml; do
        [ -f "$f" ] || continue
        {
          printf -- '---\n# Source: %s\n' "${f#"$dir"/}"
          cat "$f"
          printf '\n'
        } >>"$file"
      done
      ;;
    *)
      echo "render-import-fixtures.sh: $set/$env: unknown kind '$kind' in sets.tsv" >&2
      exit 2
      ;;
  esac
  IFS=$'\t' read -r count summary < <(kinds "$file")
  mark=""
  if [ "$count" != "$objects" ]; then
    mark=" (expected $objects)"
    status=1
  fi
  echo "| $set | $env | $count$mark | $summary |"
done <"$fixtures/sets.tsv"
[ "$status" = 0 ] || echo "render-import-fixtures.sh: object counts differ from sets.tsv (see the table)" >&2
exit "$status"
