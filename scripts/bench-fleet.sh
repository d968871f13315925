#!/usr/bin/env bash
# Fleet benchmark (not a test): how kairn scales to N apps, today's layout against the
# new one, next to helm template and kubectl kustomize doing the same work. Prints a
# markdown table (also written to $FLEET_DIR/results-<SHAPE>-<N>.md); quote medians.
#
#   bash scripts/bench-fleet.sh [N...]             (default: 10 100 1000)
#   SHAPE=gorax bash scripts/bench-fleet.sh 10 100 (N copies of Gorax, new layout only)
#
# Environment: SHAPE (the apps: `mix`, the default, or `gorax`), FLEET_DIR (default
# target/fleet), RUNS (runs per timed step, default 5), BASE (git revision of "today",
# default 8edf356, the last commit before issue 10; empty: skip it; with SHAPE=gorax it is
# always skipped, whatever BASE says: that kairn cannot compile today's Gorax), HELM
# (default .tools/bin/helm, from scripts/install-test-tools.sh), KUBECTL (default kubectl
# on PATH). Needs GNU time (/usr/bin/time: apt-get install time).
#
# For each N, scripts/fleet/generate.py writes N apps. SHAPE=mix: synthetic apps, a
# deterministic mix of the seed shapes, 1-4 environments each. SHAPE=gorax: renamed copies
# of the real Gorax app (crates/apps/src/gorax.rs: API, worker, migration Job, Ingress;
# three environments, 56 objects), each with an `owner` config key for the edit step.
# The layouts:
#   new:   a workspace of its own over kairn as a path dependency, one crate per team of
#          10 apps, each app registering itself; a one-line binary (examples/standalone).
#   today: a copy of kairn at $BASE with every app in crates/apps and its registry.rs,
#          built with `cargo build -p cli` as the README said.
# Steps: cold build (own target directory, dependencies included) with rustc's peak
# memory; edit one app (change a config value) and rebuild; that rebuild plus
# `emit --app` of the edited app (edit -> YAML); emit into an empty tree (fresh) and again
# (unchanged, with emit's cache and with KAIRN_CACHE_DIR= as after a rebuild) with peak
# memory; check (with and without the cache); lint of the output; helm template of an umbrella chart of every environment's
# chart; kubectl kustomize of a kustomization over every environment directory.
set -euo pipefail
cd "$(dirname "$0")/.."
kairn_root=$PWD
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10 100 1000)
fleet=${FLEET_DIR:-$kairn_root/target/fleet}
runs=${RUNS:-5}
shape=${SHAPE:-mix}
case $shape in
  mix) base=${BASE-8edf356} ;;
  gorax) # the kairn of $BASE predates today's DSL: no "today" column
    [ -z "${BASE:-}" ] || echo "bench-fleet.sh: SHAPE=gorax: BASE=$BASE ignored (no baseline for this shape)" >&2
    base="" ;;
  *) echo "bench-fleet.sh: SHAPE must be mix or gorax, not '$shape'" >&2; exit 2 ;;
esac
helm=${HELM:-$kairn_root/.tools/bin/helm}
kubectl=${KUBECTL:-kubectl}
mkdir -p "$fleet"
[ -x /usr/bin/time ] || { echo "bench-fleet.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }

# timed LOG command...: runs it under GNU time; prints "SECONDS MAXRSS_MB"
timed() {
  local log=$1
  shift
  /usr/bin/time -f '%e %M' -o "$log.time" "$@" >"$log" 2>&1 || { echo "FAILED: $* (see $log)" >&2; tail -5 "$log" >&2; return 1; }
  awk '{ printf "%s %.0f\n", $1, $2 / 1024 }' "$log.time"
}
# median of "SECONDS MB" lines on stdin: "SECONDS MB" (each column's median)
median() {
  local lines n i
  lines=$(cat)
  n=$(wc -l <<<"$lines")
  i=$(((n + 1) / 2))
  echo "$(cut -d' ' -f1 <<<"$lines" | sort -g | sed -n "${i}p") $(cut -d' ' -f2 <<<"$lines" | sort -g | sed -n "${i}p")"
}
# repeat N LOG command...: median of N timed runs
repeat() {
  local n=$1 log=$2
  shift 2
  for _ in $(seq "$n"); do timed "$log" "$@"; done | median
}
# row LABEL TODAY NEW: one table row; no "today" column when there is no baseline
row() { if [ -n "$base" ]; then echo "| $1 | $2 | $3 |"; else echo "| $1 | $3 |"; fi; }
fmt() { awk '{ printf "%.2f s, %d MB", $1, $2 }' <<<"$1"; }
secs() { awk '{ printf "%.2f s", $1 }' <<<"$1"; }

# bench LABEL DIR BIN BUILD... : the kairn steps for one built workspace
bench() {
  local label=$1 dir=$2 bin=$3
  shift 3
  local build=("$@")
  cd "$dir"
  rm -rf target generated
  echo "[$label] cold build..." >&2
  cold=$(CARGO_TARGET_DIR=$dir/target timed "$dir/build.log" "${build[@]}")
  # One app edited, the same one each time: its config value toggles.
  local app_file
  app_file=$(grep -rl 'key!("owner")' --include='*.rs' . | grep -v '^./target' | sort | head -1)
  local app_id
  app_id=$(sed -n 's/.*const ID: &.static str = "\(.*\)";/\1/p' "$app_file")
  "$bin" emit >/dev/null 2>&1
  echo "[$label] edit -> build -> emit ($app_id)..." >&2
  local rebuild_lines=() loop_lines=()
  for i in $(seq "$runs"); do
    sed -i "s/\"team-\([0-9]*\)[a-z]*\".to_owned/\"team-\1$( [ $((i % 2)) = 1 ] && echo x)\".to_owned/" "$app_file"
    local t0 t1
    t0=$(date +%s%N)
    rebuild_lines+=("$(CARGO_TARGET_DIR=$dir/target timed "$dir/rebuild.log" "${build[@]}")")
    "$bin" emit --app "$app_id" >/dev/null 2>&1
    t1=$(date +%s%N)
    loop_lines+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f 0\n", (b - a) / 1e9 }')")
  done
  rebuild=$(printf '%s\n' "${rebuild_lines[@]}" | median)
  edit_loop=$(printf '%s\n' "${loop_lines[@]}" | median)
  # The same edit through the team crate's own kairn (teams/<team>/examples/kairn.rs,
  # `kairn::main_partial`): only that crate's apps are compiled and linked.
  team_loop=""
  local team
  team=$(echo "$app_file" | sed -n 's|^\./teams/\([^/]*\)/.*|\1|p')
  if [ -n "$team" ] && [ -f "teams/$team/examples/kairn.rs" ]; then
    CARGO_TARGET_DIR=$dir/target cargo build -q -p "$team" --example kairn
    local team_lines=()
    for i in $(seq "$runs"); do
      sed -i "s/\"team-\([0-9]*\)[a-z]*\".to_owned/\"team-\1$( [ $((i % 2)) = 1 ] && echo y)\".to_owned/" "$app_file"
      local t0 t1
      t0=$(date +%s%N)
      CARGO_TARGET_DIR=$dir/target cargo build -q -p "$team" --example kairn
      "$dir/target/debug/examples/kairn" emit --app "$app_id" >/dev/null 2>&1
      t1=$(date +%s%N)
      team_lines+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f 0\n", (b - a) / 1e9 }')")
    done
    team_loop=$(printf '%s\n' "${team_lines[@]}" | median)
    sed -i "s/\"team-\([0-9]*\)[a-z]*\".to_owned/\"team-\1\".to_owned/" "$app_file"
    "$bin" emit >/dev/null 2>&1
  fi
  echo "[$label] emit..." >&2
  local fresh_lines=()
  # The previous tree is moved aside and the disk settled first: deleting ~40,000 files
  # right before the emit puts seconds of the kernel's work (ext4, discard) on the emit.
  for i in $(seq "$runs"); do
    mv generated "generated.old.$i"
    sync
    sleep 3
    fresh_lines+=("$(timed "$dir/emit.log" "$bin" emit)")
    rm -rf "generated.old.$i"
    sync
  done
  fresh=$(printf '%s\n' "${fresh_lines[@]}" | median)
  # With emit's cache (the default), and without it: what the first emit after a rebuild
  # does, when every environment is rendered again.
  unchanged=$(repeat "$runs" "$dir/emit.log" "$bin" emit)
  uncached=$(repeat "$runs" "$dir/emit.log" env KAIRN_CACHE_DIR= "$bin" emit)
  envs=$(sed -n 's/^emitted \([0-9]*\) environment.*, \([0-9]*\) file(s).*/\1 environments, \2 files/p' "$dir/emit.log")
  check=$(repeat "$runs" "$dir/check.log" "$bin" check)
  check_uncached=$(repeat "$runs" "$dir/check.log" env KAIRN_CACHE_DIR= "$bin" check)
  lint=$(repeat "$runs" "$dir/lint.log" "$bin" lint generated)
  size=$(du -sm generated | cut -f1)
  cd "$kairn_root"
}

for n in "${sizes[@]}"; do
  out=$fleet/$shape-n$n
  results=$fleet/results-$shape-$n.md
  {
    echo "## N = $n, shape $shape"
    echo
    echo "machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1), load before: $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F)"
    echo
  } >"$results"

  rm -rf "$out/new"
  python3 scripts/fleet/generate.py "$n" "$out/new" "$kairn_root" --shape "$shape" >&2
  bench new "$out/new" "$out/new/target/debug/kairn" cargo build
  new=("$cold" "$rebuild" "$edit_loop" "$team_loop" "$fresh" "$unchanged" "$uncached" "$check" "$check_uncached" "$lint")
  echo "N = $n ($shape): $envs, $size MB of YAML" >>"$results"

  today=("" "" "" "" "" "" "" "" "" "")
  if [ -n "$base" ]; then
    rm -rf "$out/today"
    mkdir -p "$out/today"
    git archive "$base" | tar -x -C "$out/today"
    python3 scripts/fleet/generate.py "$n" - "$out/today" --layout baseline >&2
    bench today "$out/today" "$out/today/target/debug/kairn" cargo build -p cli
    today=("$cold" "$rebuild" "$edit_loop" "$team_loop" "$fresh" "$unchanged" "$uncached" "$check" "$check_uncached" "$lint")
  fi

  # Peers doing the same work: every environment of every app.
  cd "$out/new"
  rm -rf helm umbrella kustomize
  target/debug/kairn emit --format helm --out helm >/dev/null 2>&1
  mkdir -p umbrella/charts kustomize
  printf 'apiVersion: v2\nname: fleet\nversion: 0.1.0\n' >umbrella/Chart.yaml
  for chart in helm/*/*/; do cp -r "$chart" "umbrella/charts/$(basename "$(dirname "$chart")")-$(basename "$chart")"; done
  {
    echo "apiVersion: kustomize.config.k8s.io/v1beta1"
    echo "kind: Kustomization"
    echo "resources:"
    for d in generated/*/*/; do echo "  - ../${d%/}"; done
  } >kustomize/kustomization.yaml
  helm_t="n/a" kust_t="n/a"
  peer_runs=$runs
  [ "$n" -lt 1000 ] || peer_runs=1 # kubectl kustomize takes minutes at N = 1000
  if [ -x "$helm" ]; then helm_t=$(repeat "$peer_runs" "$out/helm.log" "$helm" template fleet umbrella); fi
  # kubectl kustomize grows faster than linearly (18 s at N = 100); give up after 5 minutes.
  if command -v "$kubectl" >/dev/null; then
    kust_t=$(repeat "$peer_runs" "$out/kustomize.log" timeout 300 "$kubectl" kustomize --load-restrictor LoadRestrictionsNone kustomize) || kust_t="n/a"
  fi
  cd "$kairn_root"

  {
    echo
    row step "today ($base, one apps crate)" "new, $shape apps (a crate per 10 apps)"
    if [ -n "$base" ]; then echo "|---|---|---|"; else echo "|---|---|"; fi
    labels=("cold build (with dependencies), rustc peak" "edit one app: rebuild" "edit one app: rebuild + \`emit --app\` of it (edit → YAML)" "the same through the team crate's kairn (\`--example kairn\`)" "emit, fresh tree" "emit, nothing changed" "emit, nothing changed, cache off (as after a rebuild)" "check" "check, cache off" "lint generated/")
    for i in "${!labels[@]}"; do
      t=${today[$i]} w=${new[$i]}
      if [ "$i" = 2 ] || [ "$i" = 3 ]; then row "${labels[$i]}" "$( [ -n "$t" ] && secs "$t")" "$(secs "$w")"
      else row "${labels[$i]}" "$( [ -n "$t" ] && fmt "$t")" "$(fmt "$w")"; fi
    done
    row "helm template of an umbrella chart of every environment (same objects)" "" "$( [ "$helm_t" != n/a ] && fmt "$helm_t" || echo n/a)"
    row "kubectl kustomize over every environment directory" "" "$( [ "$kust_t" != n/a ] && fmt "$kust_t" || echo "n/a (not installed, or over 300 s)")"
    echo
    if [ "$runs" = 1 ]; then
      echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); single runs (RUNS=1), not medians"
    else
      echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); medians of $runs runs (cold build: one run; helm and kustomize: $peer_runs)"
    fi
  } >>"$results"
  cat "$results"
done
