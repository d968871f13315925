#!/usr/bin/env bash
# The project's one test command (CI runs it through .ci/run):
#   1. installs the pinned external test tools into .tools/ (scripts/install-test-tools.sh):
#      kubernetes-validate, PyYAML, zizmor, actionlint, ShellCheck, Helm v4, kubectl 1.34,
#      checkov (its own venv), and Debian's docker-registry (needs root the first time).
#      It runs in the background while steps 2 and 3 compile (mostly downloads: about a
#      minute on a fresh machine) and is waited for before the first test runs.
#   2. cargo fmt --check
#   3. cargo clippy on every target, warnings are errors; then the test build
#      (`cargo test --no-run`)
#   4. cargo test for the whole workspace: unit, doc, trybuild, and the integration tests
#      that run kubectl, kustomize, kubernetes-validate (strict, Kubernetes 1.33) and PyYAML
#      on the generated manifests and check that generated/ is current, checkov on
#      generated/, examples/shop/generated/ and examples/standalone/generated/ (only the findings accepted in
#      tests/fixtures/checkov-accepted.yaml, see docs/security.md), and actionlint
#      (with ShellCheck) and zizmor --offline on .github/workflows/.
#   5. rustdoc of the dsl and lint crates with warnings as errors (no broken doc links)
#      The shop example's own binary (examples/shop/tests/check.rs) runs `check` of its
#      committed generated/ in this step too, built with the workspace's features.
#   6. examples/standalone (a team's repository over kairn as a path dependency): fmt,
#      clippy, and `kairn check` of its committed generated/
#   7. `kairn new`: a new team repository in a temporary directory builds, passes fmt and
#      clippy, emits with no findings and then checks clean
#   8. `kairn import`: every real set imported into one workspace builds, emits and round-trips
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
      "install test tools") echo "scripts/test.sh: needs python3 (3.11+) with venv/pip, kubectl on PATH, PyPI, and root (or sudo) once for apt-get install docker-registry" >&2 ;;
    esac
    exit 1
  fi
  echo "<== $name: ok ($((SECONDS - start))s)"
}

# In CI every build starts from nothing and nobody attaches a debugger: incremental
# compilation only adds work, and full debug info of kairn's own crates, the test binaries
# and trybuild's project (which has no profile of its own) only adds compile and link time;
# line tables keep file:line in every backtrace. A developer's run keeps both.
if [ "${CI:-}" = true ]; then
  export CARGO_INCREMENTAL=0 CARGO_PROFILE_DEV_DEBUG=line-tables-only
fi

# The tools are mostly downloads: fetched while fmt, clippy and the test build run, at the
# lowest priority so that pip's unpacking and byte-compiling take no core from the compiler.
tools_log="$(mktemp)"
nice -n 19 bash scripts/install-test-tools.sh >"$tools_log" 2>&1 &
tools_pid=$!
# A step that fails before the install is waited for does not leave it running (and the
# clean-up never changes the script's exit status).
stop_tools() {
  pkill -P "$tools_pid" 2>/dev/null || true
  kill "$tools_pid" 2>/dev/null || true
  rm -f "$tools_log"
}
trap stop_tools EXIT
install_test_tools() {
  local status=0
  wait "$tools_pid" || status=$?
  cat "$tools_log"
  return "$status"
}

step "cargo fmt --check" cargo fmt --all -- --check
step "cargo clippy" cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo test (build)" cargo test --workspace --locked --no-run
step "install test tools" install_test_tools
# Where the tests find the pinned tools (scripts/install-test-tools.sh says what each is).
KAIRN_TOOLS_BIN="$PWD/.tools/venv/bin"          # kubernetes-validate, python, zizmor, actionlint, shellcheck
KAIRN_HELM="$PWD/.tools/bin/helm"               # Helm v4
KAIRN_KUBECTL_134="$PWD/.tools/bin/kubectl-1.34" # kubectl 1.34
KAIRN_DOCKER_REGISTRY="$(command -v docker-registry)" # CNCF distribution registry (Debian package)
KAIRN_CHECKOV="$PWD/.tools/checkov-venv/bin/checkov" # checkov, in a venv of its own
export KAIRN_TOOLS_BIN KAIRN_HELM KAIRN_KUBECTL_134 KAIRN_DOCKER_REGISTRY KAIRN_CHECKOV
step "cargo test" cargo test --workspace --locked
# The kairn binary the test build made (cli's tests run it), for `kairn new` below:
# `cargo run -p cli` would resolve features for that one package and compile every crate again.
kairn_bin="${CARGO_TARGET_DIR:-$PWD/target}/debug/kairn"
step "rustdoc (dsl, lint)" env RUSTDOCFLAGS="-D warnings" cargo doc --locked --no-deps -q -p dsl -p lint
# A team's own repository over kairn as a path dependency (examples/standalone, a
# workspace of its own): it builds, lints clean under clippy, and its committed
# generated/ is current. Compiled dependencies are reused from target/ (build-dir): its
# registry crates resolve to kairn's features (tests/team_features.rs), so k8s-openapi,
# serde_json, serde-saphyr and the rest are the units step 4 compiled. kairn's own crates
# compile again (Cargo tells a path dependency apart by its path from the workspace root),
# with the test profile as in step 4 (lint and dsl at opt-level 0, .cargo/config.toml).
# Its binary goes to target/standalone/ so it never replaces this repository's kairn.
standalone() (
  cd examples/standalone
  export CARGO_BUILD_BUILD_DIR="$PWD/../../target" CARGO_TARGET_DIR="$PWD/../../target/standalone"
  cargo fmt --all -- --check
  cargo clippy --all-targets --workspace --locked -- -D warnings
  cargo run --locked -q --profile test -- check
  # The team crate's own kairn (teams/payments/examples/kairn.rs: its apps alone) leaves
  # another app's directory in place, which the workspace's binary, holding every app,
  # removes as no longer declared.
  local out
  out="$(mktemp -d -p "$PWD/../../target" team-scope.XXXXXX)"
  cp -r generated/. "$out"
  mkdir -p "$out/other/production"
  echo "a: 1" >"$out/other/production/a.yaml"
  (cd "$out/other/production" && sha256sum a.yaml >.kairn-manifest)
  cargo run --locked -q --profile test -p payments --example kairn -- emit --out "$out" 2>/dev/null
  test -f "$out/other/production/a.yaml" || { echo "the team's kairn removed another app's directory" >&2; return 1; }
  cargo run --locked -q --profile test -- emit --out "$out" 2>/dev/null
  test ! -e "$out/other/production" || { echo "the workspace's kairn kept an undeclared app's directory" >&2; return 1; }
  rm -rf "$out"
)
step "standalone example" standalone
# `kairn new DIR` as a new team runs it: the repository it writes (path dependency on this
# checkout) is formatted, lints clean, emits with no finding and then checks clean, all
# offline (its Cargo.lock starts as kairn's). Compiled dependencies are reused from
# target/ as for the standalone example (only the team's crates and the binary compile;
# the repository is written under target/ so that kairn's .cargo/config.toml applies).
new_repository() (
  local root="$PWD" tmp
  mkdir -p target
  tmp="$(mktemp -d -p "$PWD/target" new-repository.XXXXXX)"
  trap 'rm -rf "$tmp"' EXIT
  "$kairn_bin" new "$tmp/repo" --app bookstore --team shop
  cd "$tmp/repo"
  local in_repo=(env CARGO_BUILD_BUILD_DIR="$root/target" CARGO_TARGET_DIR="$root/target/new-repository")
  "${in_repo[@]}" cargo fmt --all -- --check
  "${in_repo[@]}" cargo clippy --offline --all-targets --workspace -q -- -D warnings
  "${in_repo[@]}" cargo run --offline -q --profile test -- emit 2>"$tmp/emit.log" || { cat "$tmp/emit.log" >&2; return 1; }
  if grep -Eq "^(warning|error|note)[[:punct:]]" "$tmp/emit.log"; then
    echo "kairn new: the first app has findings:" >&2
    cat "$tmp/emit.log" >&2
    return 1
  fi
  "${in_repo[@]}" cargo run --offline -q --profile test -- check
)
step "kairn new" new_repository
# `kairn import` end to end (tests/import_roundtrip.rs): every real set (tests/fixtures/import
# with Helm and kustomize environments, both corpora, kairn's own generated/ and the shop's)
# is imported into one team workspace, which builds, emits with no error and gives back its
# sources: kairn's output object for object, the rest with no field lost silently, no flow
# denied and at least 80 % of workload objects as components. Dependencies come from target/.
# (`--workspace` selects the same features as step 4, so nothing recompiles.)
step "kairn import" cargo test --workspace --locked -q --test import_roundtrip -- --ignored --nocapture

echo
echo "scripts/test.sh: all steps passed"
