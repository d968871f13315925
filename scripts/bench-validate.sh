#!/usr/bin/env bash
# Benchmark (not a test): how much validation adds to emit, and how kairn compares with
# the tools people run today. Prints medians.
#
#   bash scripts/bench-validate.sh [ITERATIONS]      (default 300 in-process, 15 per command)
#
# 1. In process (cargo bench -p cli --bench validate): render only, validate only,
#    render + validate, render + YAML, render + validate + YAML, lint of the seed fixtures.
# 2. Whole commands, median wall time: `kairn emit --stdout` (render + validate + YAML),
#    `kairn lint generated/` (parse + validate), and, when installed,
#    `kubectl kustomize` over every generated environment and `kubernetes-validate`
#    (a kubeconform-like schema check, installed by scripts/test.sh under .tools/).
set -euo pipefail
cd "$(dirname "$0")/.."
iterations="${1:-300}"
runs=15

cargo bench -q -p cli --bench validate -- "$iterations"
cargo build -q --release -p cli
kairn=target/release/kairn

median_ms() { # command... -> median wall time in ms over $runs runs
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v n="$runs" 'NR == int((n + 1) / 2) { printf "%.1f ms", $1 / 1000 }'
}

envs=$(find generated -mindepth 2 -maxdepth 2 -type d | sort)
files=$(find generated -name '*.yaml' ! -name kustomization.yaml | sort)
echo "whole commands ($(echo "$envs" | wc -l) environments, $(echo "$files" | wc -w) files), median of $runs runs:"
echo "  kairn emit --stdout (render + validate + YAML)      $(median_ms "$kairn" emit --stdout)"
echo "  kairn lint generated/ (parse + validate)            $(median_ms "$kairn" lint generated)"
echo "  kairn lint tests/fixtures/seeds                     $(median_ms "$kairn" lint tests/fixtures/seeds)"
if command -v kubectl >/dev/null; then
  kustomize_all() { for e in $envs; do kubectl kustomize "$e"; done; }
  echo "  kubectl kustomize, every environment                $(median_ms kustomize_all)"
fi
validator=.tools/venv/bin/kubernetes-validate
if [ -x "$validator" ]; then
  # shellcheck disable=SC2086
  echo "  kubernetes-validate (schema only), every file       $(median_ms "$validator" --kubernetes-version 1.33 $files)"
fi
