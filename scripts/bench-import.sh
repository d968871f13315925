#!/usr/bin/env bash
# Speed of `kairn import` (issue 17, acceptance 4): a set of about 1,000 objects built from
# the real sets in tests/fixtures/import (scripts/import-bench-input.sh: copies with renamed
# namespaces, 30 apps in 55 environments), each environment imported as one app, release
# build. Prints the median of RUNS runs (default 5) with and without rustfmt (the formatting
# of the written modules), and the peak memory.
#   bash scripts/bench-import.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cargo build --release --locked -q -p cli
bin="${CARGO_TARGET_DIR:-target}/release/kairn"
bash scripts/import-bench-input.sh "$tmp/in" >/dev/null
mkdir "$tmp/flat"
tail -n +2 "$tmp/in/MANIFEST.tsv" | while IFS=$'\t' read -r app _set env dir _n; do
  ln -s "$tmp/in/$dir" "$tmp/flat/$app-$env"
done
objects="$(tail -n +2 "$tmp/in/MANIFEST.tsv" | awk -F'\t' '{n += $5} END {print n}')"
measure() { # label, then env assignments for the run
  local label="$1"
  shift
  local times=()
  for _ in $(seq "$runs"); do
    rm -rf "$tmp/out"
    /usr/bin/time -f "%e %M" -o "$tmp/time" env "$@" "$bin" import "$tmp"/flat/* --out "$tmp/out" >/dev/null 2>&1
    times+=("$(cat "$tmp/time")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" -v n="$runs" -v objects="$objects" \
    '{t[NR] = $1; m[NR] = $2} END {printf "%-28s %d objects: median %.2f s (min %.2f, max %.2f), peak %d MB\n", label, objects, t[int((n + 1) / 2)], t[1], t[n], m[n] / 1024}'
}
measure "import (with rustfmt)" KAIRN_BENCH=1
measure "import (no rustfmt)" RUSTFMT=/bin/false
