#!/usr/bin/env bash
# Installs the external tools the integration tests run, into .tools/ (git-ignored):
#
#   .tools/venv   a Python virtualenv with kubernetes-validate (official Kubernetes
#                 JSON schemas, strict mode) and PyYAML (a YAML 1.1 parser, like go-yaml v2
#                 under `kubectl apply`), at the exact versions pinned below.
#
# kubectl itself (with kustomize built in) must already be on PATH; it is not a Python
# package and is checked here, not installed.
#
# Idempotent: when the venv already holds exactly these pins it only prints them (well
# under a second). Change a pin and the next run rebuilds the venv.
#
# Tests find the tools through KAIRN_TOOLS_BIN (default: <repo>/.tools/venv/bin).
#
# Schema validation of CRDs: kubernetes-validate ships schemas for built-in kinds only.
# For ServiceMonitor/PrometheusRule (monitoring.coreos.com/v1) it prints
# "WARN ... Couldn't find schema for kind ..." and does not fail; there is no flag for
# this and none is needed (`--no-warn` only hides the warning). Strict validation of
# every built-in kind is unaffected. tests/schema_validation.rs therefore requires that
# every non-CRD file is reported as "passed" and that "no schema" warnings name only the
# known CRD kinds, and it validates the CRD objects' metadata and selectors against the
# official 1.33 strict ObjectMeta/LabelSelector schemas bundled with kubernetes-validate.
set -euo pipefail

cd "$(dirname "$0")/.."

TOOLS_DIR=.tools
VENV="$TOOLS_DIR/venv"
STAMP="$VENV/.kairn-pins"

# Pinned: the two tools we use, and every package they pull in, so a new release
# upstream cannot change what the tests check.
PINS=(
  "kubernetes-validate==1.37.0"
  "PyYAML==6.0.4"
  "jsonschema==4.26.0"
  "jsonschema-specifications==2025.9.1"
  "referencing==0.37.0"
  "rpds-py==2026.9.1"
  "attrs==26.1.0"
  "importlib_resources==7.1.0"
  "packaging==26.3"
  "typing_extensions==4.16.0"
)

fail() {
  echo "install-test-tools: error: $*" >&2
  exit 1
}

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null || fail "$PYTHON not found; install Python 3 (3.10 or newer)"
command -v kubectl >/dev/null || fail "kubectl not found on PATH; the tests need kubectl (1.27 or newer, kustomize built in)"

want="$(printf '%s\n' "${PINS[@]}")"
if [[ -x "$VENV/bin/kubernetes-validate" && -x "$VENV/bin/python" && -f "$STAMP" ]] &&
  [[ "$(cat "$STAMP")" == "$want" ]]; then
  echo "install-test-tools: up to date in $VENV"
else
  echo "install-test-tools: installing into $VENV"
  rm -rf "$VENV"
  mkdir -p "$TOOLS_DIR"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    --no-deps "${PINS[@]}"
  "$VENV/bin/python" -m pip check --disable-pip-version-check >/dev/null ||
    fail "the pinned packages are inconsistent: $("$VENV/bin/python" -m pip check)"
  printf '%s\n' "$want" >"$STAMP"
fi

# Smoke checks: the tools run, and strict 1.33 schemas are there.
"$VENV/bin/kubernetes-validate" --help >/dev/null || fail "kubernetes-validate --help failed"
"$VENV/bin/python" -c 'import yaml, kubernetes_validate' || fail "cannot import yaml / kubernetes_validate"
"$VENV/bin/python" - <<'PY' || fail "kubernetes-validate has no strict schemas for Kubernetes 1.33"
import importlib_resources
d = importlib_resources.files("kubernetes_validate") / "kubernetes-json-schema" / "v1.33.0-local-strict"
assert (d / "deployment-apps-v1.json").is_file(), d
PY

echo "install-test-tools: kubernetes-validate $("$VENV/bin/kubernetes-validate" --version 2>&1 | awk '{print $NF}')," \
  "PyYAML $("$VENV/bin/python" -c 'import yaml; print(yaml.__version__)')," \
  "$("$VENV/bin/python" --version)," \
  "kubectl $(kubectl version --client -o json 2>/dev/null | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["clientVersion"]["gitVersion"])')" \
  "(kustomize $(kubectl version --client -o json 2>/dev/null | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin).get("kustomizeVersion", "?"))'))"
echo "install-test-tools: tests use KAIRN_TOOLS_BIN=$PWD/$VENV/bin"
