#!/usr/bin/env bash
# The project's one test command (CI runs it through .ci/run):
#   1. installs the pinned external test tools into .tools/ (scripts/install-test-tools.sh)
#   2. cargo fmt --check
#   3. cargo clippy on every target, warnings are errors
#   4. cargo test for the whole workspace: unit, doc, trybuild, and the integration tests
#      that run kubectl, kustomize, kubernetes-validate (strict, Kubernetes 1.33) and PyYAML
#      on the generated manifests and check that generated/ is current.
# Stops at the first failing step and says which one failed.
set -euo pipefail

cd "$(dirname "$0")/.."

step() {
  local name="$1"
  shift
  echo
  echo "==> $name"
  local start=$SECONDS
  if ! "$@"; then
    echo >&2
    echo "scripts/test.sh: FAILED at step: $name ($((SECONDS - start))s)" >&2
    echo "scripts/test.sh: command: $*" >&2
    case "$name" in
      "cargo fmt --check") echo "scripts/test.sh: fix with: cargo fmt --all" >&2 ;;
      "install test tools") echo "scripts/test.sh: needs python3 (3.10+) with venv/pip, kubectl on PATH, and PyPI" >&2 ;;
    esac
    exit 1
  fi
  echo "<== $name: ok ($((SECONDS - start))s)"
}

step "install test tools" bash scripts/install-test-tools.sh
KAIRN_TOOLS_BIN="$PWD/.tools/venv/bin"
export KAIRN_TOOLS_BIN

step "cargo fmt --check" cargo fmt --all -- --check
step "cargo clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo test" cargo test --workspace --locked

echo
echo "scripts/test.sh: all steps passed"
