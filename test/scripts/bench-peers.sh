#!/usr/bin/env bash
# Side by side with the tools users would pick instead (issue 17): the same
# N releases of test/e2e/testdata/charts/small (a ConfigMap and a one-replica
# Deployment) installed by each tool in turn, each on its own fresh local
# cluster (test/cluster), so no tool sees another's objects:
#
#   floor     one `kubectl apply --server-side` of all N releases' rendered
#             manifests (pono compile's output), then `kubectl wait` until
#             every Deployment is Available: no release bookkeeping at all
#   pono      `pono apply` at its default concurrency (8) and at Flux's (4)
#   Flux      source-controller + helm-controller as local processes (built
#             by build-peers.sh), chart served as a HelmRepository on
#             loopback, N HelmReleases created at once; helm-controller at
#             its default --concurrent 4 and at pono's 8; timed until all
#             are Ready
#   helmfile  `helmfile sync` (default concurrency, helmDefaults.wait so it
#             waits for readiness as the others do)
#   helm      `helm upgrade --install --wait` once per release in sequence
#             (only for N <= 100)
#
# Figures per tool: full install to all ready (wall time, peak RSS of the
# tool's processes, API writes), a no-op pass (nothing changed: wall time,
# writes) and one release's values changed (time until applied, writes),
# for pono also the idle `pono reconcile` cycle (mean time, writes, RSS),
# and the mean 1-minute load average while the tool ran (the machine is
# shared). The no-op and change passes run for each tool's default only.
# Flux's no-op is one forced reconcile of every HelmRelease
# (reconcile.fluxcd.io/requestedAt); its change is a patch of one
# HelmRelease's values, timed until the ConfigMap holds the new value and
# the HelmRelease observed its new generation.
#
# API writes are counted from the API server's audit log (every write of the
# admin user, which all tools run as). The script's own kubectl requests that
# stand for the user's edit (creating or patching HelmReleases) are left
# out; the floor's kubectl requests are the floor's work and are counted.
# Peak RSS: /proc sampled for the tool's process tree (test/scripts/peakrss.py:
# helmfile with its helm children summed); for Flux the VmHWM of both
# controllers summed.
#
# Usage: test/scripts/bench-peers.sh N | --quick   (--quick: N=20)
#   RUNS=3       repeat everything (fresh clusters each time); medians reported
#   IDLE_CYCLES=10  idle `pono reconcile` cycles timed after pono's passes
#   FIGURES_OUT  also write every figure as "key value" lines to this file
#   PONO_BIN     the pono binary to measure (default: built from this tree)
#   PONO_CONCURRENCY="16 32"  pono at these concurrencies too (full install)
#   TOOLS="floor pono pono32 flux4"  only these columns, in this order
#   KCM_QPS=200  every cluster's controller-manager at this client rate
#                (burst twice that) instead of its default 20/s: at the
#                default its writes bound every tool (docs/benchmarks.md)
# The table goes to stdout; progress to stderr. See docs/benchmarks.md.
set -euo pipefail

case "${1:-}" in
  --quick) N=20 ;;
  '' | *[!0-9]*)
    echo "usage: $0 N | --quick" >&2
    exit 2
    ;;
  *) N=$1 ;;
esac
RUNS=${RUNS:-1}
IDLE_CYCLES=${IDLE_CYCLES:-10}
TIMEOUT=${TIMEOUT:-60m}
KCM_QPS=${KCM_QPS:-0}
case $KCM_QPS in '' | *[!0-9]*) echo "bench-peers: KCM_QPS must be a number" >&2; exit 2 ;; esac

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${PONO_CACHE:-$HOME/.cache/pono}
export PONO_TOOLS=${PONO_TOOLS:-$cache/tools}
chart=$repo/test/e2e/testdata/charts/small
peakrss=$repo/test/scripts/peakrss.py

for cmd in python3 awk; do
  if ! command -v "$cmd" >/dev/null 2>&1; then
    echo "bench-peers: $cmd is missing" >&2
    exit 1
  fi
done
bash "$repo/test/scripts/build-tools.sh" >&2
bash "$repo/test/scripts/build-peers.sh" >&2
bin=$PONO_TOOLS/bin
# The cached kubectl (same version as the API server) comes first.
export PATH=$bin:$PATH

work=$(mktemp -d "${TMPDIR:-/tmp}/pono-bench-peers.XXXXXX")
if [ -n "${PONO_BIN:-}" ]; then
  cp "$PONO_BIN" "$work/pono"
else
  (cd "$repo" && go build -o "$work/pono" ./cmd/pono)
fi
(cd "$repo" && go build -o "$work/clusterctl" ./test/cluster/clusterctl)
pids=()
cluster=""
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  [ -z "$cluster" ] || "$work/clusterctl" -dir "$cluster" -tools "$PONO_TOOLS" down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# fail MSG: stops with the logs kept for a look.
fail() {
  echo "bench-peers: $*; logs in $work (kept)" >&2
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  [ -z "$cluster" ] || "$work/clusterctl" -dir "$cluster" -tools "$PONO_TOOLS" down >/dev/null 2>&1 || true
  trap - EXIT
  exit 1
}

# free_port: a loopback TCP port nobody listens on now.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# values_yaml NS: the globals pono's compiler passes every extension.
values_yaml() {
  printf 'global: {admin_namespace: %s-admin, services_namespace: %s-services, extensions_namespace: %s-ext, helm_namespace: %s-ext}\n' "$1" "$1" "$1" "$1"
}
# pono_platform DIR PREFIX: N instances of the small chart (inside the
# platform: pono refuses chart sources outside it), in namespaces PREFIX-*.
pono_platform() {
  mkdir -p "$1/charts"
  cp -r "$chart" "$1/charts/"
  {
    echo "name: $2"
    echo "namespaces: {admin: $2-admin, services: $2-services, extensions: $2-ext}"
    echo "sources: {local: {path: ./charts}}"
    echo "extensions:"
    echo "  small:"
    echo "    version: \"1.0.0\""
    echo "    instances:"
    for i in $(seq -w 1 "$N"); do echo "      i$i: {}"; done
  } >"$1/platform.yaml"
}
# Not `seq | head -1`: under pipefail, seq dying of SIGPIPE once head has
# its line (N >= 1000 writes more than one buffer) ended the script silently.
first=$(printf "%0${#N}d" 1)

# --- measuring ----------------------------------------------------------------

# The load average is sampled every 2 s through the whole script.
(while :; do echo "$(date +%s) $(cut -d' ' -f1 /proc/loadavg)"; sleep 2; done) >"$work/load" &
pids+=($!)
load_mean() { awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b { s += $2; n++ } END { printf "%.1f", n ? s / n : 0 }' "$work/load"; }

# cluster_up NAME: a fresh cluster for one tool; sets KUBECONFIG and audit.
cluster_up() {
  cluster=$work/cluster-$1
  "$work/clusterctl" -dir "$cluster" -tools "$PONO_TOOLS" -kcm-qps "$KCM_QPS" up >"$work/cluster-$1.log" 2>&1 || fail "cluster for $1 did not start"
  export KUBECONFIG=$cluster/kubeconfig
  audit=$cluster/logs/audit.log
}
cluster_down() {
  "$work/clusterctl" -dir "$cluster" -tools "$PONO_TOOLS" down >/dev/null 2>&1 || true
  cluster=""
}

# writes [all]: the admin user's writes so far, without the script's own
# kubectl requests (with "all": with them) and the harness's markers. The
# log is written after each answer, so a short pause lets the last land.
writes() {
  sleep 1
  if [ "${1:-}" = all ]; then
    grep -v -e '"userAgent":"pono-audit-marker' "$audit" 2>/dev/null | grep -c '"stage":"ResponseComplete"' || true
  else
    grep -v -e '"userAgent":"kubectl' -e '"userAgent":"pono-audit-marker' "$audit" 2>/dev/null | grep -c '"stage":"ResponseComplete"' || true
  fi
}
vmhwm_kib() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$1/status"; }

# measure KEY WRITES CMD...: runs CMD under peakrss.py and records KEY_s,
# KEY_rss (MiB of CMD's process tree) and KEY_writes (WRITES: "all" counts
# the script's kubectl requests too, "tool" leaves them out).
measure() {
  local key=$1 mode=$2 w0 secs kib
  shift 2
  w0=$(writes "$mode")
  python3 "$peakrss" "$work/time" "$@" >"$work/$key.out" 2>&1 || {
    tail -20 "$work/$key.out" >&2
    fail "$key: $* failed"
  }
  read -r secs kib <"$work/time"
  fig "${key}_s" "$secs"
  fig "${key}_rss" $((kib / 1024))
  fig "${key}_writes" $(($(writes "$mode") - w0))
  echo "bench-peers: $key ${secs}s, $((kib / 1024)) MiB, $(figv "${key}_writes") writes" >&2
}
# fig KEY VALUE: one figure of this run; figv KEY reads it back.
fig() {
  sed -i "/^$1 /d" "$work/figures.$run"
  echo "$1 $2" >>"$work/figures.$run"
}
figv() { awk -v k="$1" '$1 == k { v = $2 } END { print v }' "$work/figures.$run"; }
# column NAME FUNCTION: one tool on a fresh cluster, with its load average.
column() {
  local t0 t1
  echo "bench-peers: run $run, $1, $N releases" >&2
  cluster_up "$1"
  t0=$(date +%s)
  "$2" "$1"
  t1=$(date +%s)
  fig "$1_load" "$(load_mean "$t0" "$t1")"
  cluster_down
}

# --- the tools ------------------------------------------------------------------

floor() {
  local m=$work/floor-manifests wait_all
  for ns in floor-admin floor-services floor-ext; do kubectl create namespace "$ns" >/dev/null; done
  rm -rf "$work/floor" "$work/floor-out"
  pono_platform "$work/floor" floor
  "$work/pono" compile "$work/floor" --output-dir "$work/floor-out" --cache-dir "$work/pono-cache" >/dev/null
  rm -rf "$m" && cp -r "$work/floor-out/manifests" "$m"
  wait_all="kubectl apply --server-side -f '$m' >/dev/null && kubectl wait --for=condition=Available deployment --all -n floor-services --timeout=$TIMEOUT >/dev/null"
  measure floor_full all bash -c "$wait_all"
  measure floor_noop all bash -c "$wait_all"
  sed -i 's/message: hello/message: changed/' "$m/small-i$first.yaml"
  grep -q 'message: changed' "$m/small-i$first.yaml" || fail "floor: no message to change in $m/small-i$first.yaml"
  measure floor_change all bash -c "$wait_all"
}

# pono_col NAME: pono apply at its default concurrency (pono), or at C for
# ponoC (pono4: Flux's default).
pono_col() {
  local flags=() p=$work/platform-$1
  [ "$1" = pono ] || flags=(--concurrency "${1#pono}")
  rm -rf "$p"
  pono_platform "$p" "$1"
  measure "$1_full" tool "$work/pono" apply "$p" --cache-dir "$work/pono-cache-$1" "${flags[@]}"
  [ "$1" = pono ] || return 0
  measure pono_noop tool "$work/pono" apply "$p" --cache-dir "$work/pono-cache-$1"
  sed -i "s/^      i$first: {}\$/      i$first: {values: {global: {message: changed}}}/" "$p/platform.yaml"
  measure pono_change tool "$work/pono" apply "$p" --cache-dir "$work/pono-cache-$1"
  reconcile_idle "$p"
}

# metric NAME: the sum over labels of one of the reconciler's metrics.
metric() {
  curl -fsS "http://127.0.0.1:$rec_port/metrics" 2>/dev/null | awk -v n="$1" '$1 == n || index($1, n "{") == 1 { s += $2 } END { printf "%.6f", s }'
}
# reconcile_idle DIR: `pono reconcile` following a git repository of the
# platform just applied, a cycle every second; after its first cycle
# (fetch, compile, plan: nothing to change), the mean duration of the next
# IDLE_CYCLES cycles (ls-remote, plan, drift check, status), the API writes
# in that time and the process's peak RSS.
reconcile_idle() {
  local prepo=$work/pono-repo rec_pid c0 s0 c1 s1 w0 deadline
  rm -rf "$prepo" && mkdir -p "$prepo" && cp -r "$1"/. "$prepo"/
  git -C "$prepo" init -q -b main && git -C "$prepo" add -A &&
    git -C "$prepo" -c user.name=bench -c user.email=bench@localhost commit -qm platform
  kubectl create namespace pono-system >/dev/null
  rec_port=$(free_port)
  "$work/pono" reconcile --repo "$prepo" --interval 1s --listen "127.0.0.1:$rec_port" --leader-elect=false \
    --namespace pono-system --cache-dir "$work/pono-cache-reconcile" --status-heartbeat 0 >"$work/reconcile.log" 2>&1 &
  rec_pid=$!
  pids+=("$rec_pid")
  deadline=$((SECONDS + 600))
  until [ "$(metric pono_reconcile_cycles_total)" != "" ] && awk -v c="$(metric pono_reconcile_cycles_total)" 'BEGIN { exit !(c >= 2) }'; do
    kill -0 "$rec_pid" 2>/dev/null || { tail -20 "$work/reconcile.log" >&2; fail "pono reconcile exited"; }
    [ "$SECONDS" -lt "$deadline" ] || fail "pono reconcile: no second cycle in 10 minutes"
    sleep 0.5
  done
  c0=$(metric pono_reconcile_cycle_duration_seconds_count) s0=$(metric pono_reconcile_cycle_duration_seconds_sum)
  w0=$(writes tool)
  until awk -v a="$(metric pono_reconcile_cycle_duration_seconds_count)" -v b="$c0" -v n="$IDLE_CYCLES" 'BEGIN { exit !(a >= b + n) }'; do
    kill -0 "$rec_pid" 2>/dev/null || { tail -20 "$work/reconcile.log" >&2; fail "pono reconcile exited"; }
    sleep 0.5
  done
  c1=$(metric pono_reconcile_cycle_duration_seconds_count) s1=$(metric pono_reconcile_cycle_duration_seconds_sum)
  fig pono_idle_writes $(($(writes tool) - w0))
  fig pono_idle_ms "$(awk -v a="$s0" -v b="$s1" -v m="$c0" -v n="$c1" 'BEGIN { printf "%.0f", (b - a) / (n - m) * 1000 }')"
  fig pono_idle_rss $(($(vmhwm_kib "$rec_pid") / 1024))
  kill "$rec_pid" && wait "$rec_pid" 2>/dev/null || true
  echo "bench-peers: pono reconcile idle cycle $(figv pono_idle_ms) ms over $((${c1%.*} - ${c0%.*})) cycles, $(figv pono_idle_writes) writes, $(figv pono_idle_rss) MiB" >&2
}

# flux_col NAME: flux4 (helm-controller's default --concurrent 4) or flux8.
flux_col() {
  local src_dir hc_dir repo_port storage_port sc_pid hc_pid w0 t0 secs ts
  src_dir=$(cd / && go mod download -json github.com/fluxcd/source-controller@"$(cat "$bin/.source-controller.version")" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  hc_dir=$(cd / && go mod download -json github.com/fluxcd/helm-controller@"$(cat "$bin/.helm-controller.version")" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  kubectl apply --server-side -f "$src_dir/config/crd/bases" -f "$hc_dir/config/crd/bases" >/dev/null
  kubectl wait --for=condition=Established crd --all --timeout=2m >/dev/null
  for ns in flux-system flux-admin flux-services flux-ext; do kubectl create namespace "$ns" >/dev/null; done

  # The chart as a Helm repository on loopback.
  rm -rf "$work/repo" && mkdir -p "$work/repo"
  helm package "$chart" -d "$work/repo" >/dev/null
  repo_port=$(free_port)
  helm repo index "$work/repo" --url "http://127.0.0.1:$repo_port" >/dev/null
  python3 -m http.server --bind 127.0.0.1 --directory "$work/repo" "$repo_port" >"$work/repo.log" 2>&1 &
  pids+=($!)
  storage_port=$(free_port)
  rm -rf "$work/storage" && mkdir -p "$work/storage"
  RUNTIME_NAMESPACE=flux-system source-controller \
    --storage-path "$work/storage" --storage-addr "127.0.0.1:$storage_port" --storage-adv-addr "127.0.0.1:$storage_port" \
    --metrics-addr "127.0.0.1:$(free_port)" --health-addr "127.0.0.1:$(free_port)" \
    --enable-leader-election=false --log-level error >"$work/$1-source-controller.log" 2>&1 &
  sc_pid=$!
  pids+=("$sc_pid")
  RUNTIME_NAMESPACE=flux-system helm-controller --concurrent "${1#flux}" \
    --metrics-addr "127.0.0.1:$(free_port)" --health-addr "127.0.0.1:$(free_port)" \
    --enable-leader-election=false --log-level error >"$work/$1-helm-controller.log" 2>&1 &
  hc_pid=$!
  pids+=("$hc_pid")
  kubectl apply -f - >/dev/null <<EOF
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: bench, namespace: flux-system}
spec: {url: "http://127.0.0.1:$repo_port", interval: 10m}
EOF
  for i in $(seq -w 1 "$N"); do
    cat <<EOF
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: small-i$i, namespace: flux-ext}
spec:
  interval: 10m
  releaseName: small-i$i
  chart:
    spec:
      chart: small
      version: "1.0.0"
      sourceRef: {kind: HelmRepository, name: bench, namespace: flux-system}
  values:
    $(values_yaml flux)
EOF
  done >"$work/helmreleases.yaml"

  # The user's edits are kubectl's (not counted); Flux's work is timed
  # until kubectl wait sees it done.
  measure "$1_full" tool bash -c "kubectl apply -f '$work/helmreleases.yaml' >/dev/null &&
    kubectl wait --for=condition=Ready helmrelease --all -n flux-ext --timeout=$TIMEOUT >/dev/null"
  fig "$1_full_rss" $((($(vmhwm_kib "$sc_pid") + $(vmhwm_kib "$hc_pid")) / 1024))
  if [ "$1" = flux4 ]; then
    ts=$(date +%s.%N)
    measure flux4_noop tool bash -c "kubectl annotate helmrelease --all -n flux-ext --overwrite reconcile.fluxcd.io/requestedAt=$ts >/dev/null &&
      kubectl wait --for=jsonpath='{.status.lastHandledReconcileAt}'=$ts helmrelease --all -n flux-ext --timeout=$TIMEOUT >/dev/null"
    measure flux4_change tool bash -c "kubectl patch helmrelease small-i$first -n flux-ext --type merge -p '{\"spec\":{\"values\":{\"global\":{\"message\":\"changed\"}}}}' >/dev/null &&
      kubectl wait --for=jsonpath='{.data.message}'=changed configmap/small-i$first -n flux-services --timeout=$TIMEOUT >/dev/null &&
      kubectl wait --for=jsonpath='{.status.observedGeneration}'=2 helmrelease/small-i$first -n flux-ext --timeout=$TIMEOUT >/dev/null"
  fi
  # SIGKILL: the figures are taken, and helm-controller's graceful shutdown
  # may wait up to 10 minutes.
  kill -KILL "$hc_pid" "$sc_pid"
  wait "$hc_pid" "$sc_pid" 2>/dev/null || true
}

helmfile_col() {
  local d=$work/helmfile
  for ns in hf-admin hf-services hf-ext; do kubectl create namespace "$ns" >/dev/null; done
  rm -rf "$d" && mkdir -p "$d"
  {
    echo "helmDefaults: {wait: true, timeout: 600}"
    echo "releases:"
    for i in $(seq -w 1 "$N"); do
      echo "- name: small-i$i"
      echo "  namespace: hf-ext"
      echo "  chart: $chart"
      echo "  values:"
      echo "  - $(values_yaml hf)"
    done
  } >"$d/helmfile.yaml"
  measure helmfile_full tool helmfile --helm-binary "$bin/helm" -f "$d/helmfile.yaml" sync
  measure helmfile_noop tool helmfile --helm-binary "$bin/helm" -f "$d/helmfile.yaml" sync
  # The first release's values get the changed message (the line after its
  # "values:"), and sync runs as a user would, for every release.
  awk -v r="- name: small-i$first" '$0 == r { hit = 1 } hit && /^  - global: \{/ { sub(/\}$/, ", message: changed}"); hit = 0 } { print }' \
    "$d/helmfile.yaml" >"$d/helmfile.new" && mv "$d/helmfile.new" "$d/helmfile.yaml"
  grep -q 'message: changed' "$d/helmfile.yaml" || fail "helmfile: the change was not written"
  measure helmfile_change tool helmfile --helm-binary "$bin/helm" -f "$d/helmfile.yaml" sync
}

helm_col() {
  for ns in helm-admin helm-services helm-ext; do kubectl create namespace "$ns" >/dev/null; done
  values_yaml helm >"$work/helm-values.yaml"
  measure helm_full tool bash -c "for i in \$(seq -w 1 $N); do
    helm upgrade --install small-i\$i '$chart' --namespace helm-ext -f '$work/helm-values.yaml' --wait --timeout 10m >/dev/null || exit 1
  done"
  measure helm_change tool helm upgrade --install "small-i$first" "$chart" --namespace helm-ext \
    -f "$work/helm-values.yaml" --set global.message=changed --wait --timeout 10m
}

# --- the runs -------------------------------------------------------------------

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
cols=(floor pono pono4)
for c in ${PONO_CONCURRENCY:-}; do cols+=("pono$c"); done
cols+=(flux4 flux8 helmfile)
[ "$N" -gt 100 ] || cols+=(helm)
# TOOLS="floor pono flux4": only these columns (when the others are too slow).
[ -z "${TOOLS:-}" ] || read -r -a cols <<<"$TOOLS"
for run in $(seq 1 "$RUNS"); do
  : >"$work/figures.$run"
  for c in "${cols[@]}"; do
    case $c in
      floor) column floor floor ;;
      pono*) column "$c" pono_col ;;
      flux4 | flux8) column "$c" flux_col ;;
      helmfile) column helmfile helmfile_col ;;
      helm) column helm helm_col ;;
    esac
  done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# med KEY: the median over the runs (the lower middle one for an even count).
med() {
  cat "$work"/figures.* | awk -v k="$1" '$1 == k { print $2 }' | sort -g |
    awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}
if [ -n "${FIGURES_OUT:-}" ]; then
  cat "$work"/figures.* | awk '{ print $1 }' | sort -u | while read -r k; do echo "$k $(med "$k")"; done >"$FIGURES_OUT"
fi
# cell KEY UNIT: "median UNIT", or "–" where the tool has no such figure.
cell() {
  local v
  v=$(med "$1")
  if [ -z "$v" ]; then printf '–'; else printf '%s%s' "$v" "$2"; fi
}
row() {
  local label=$1 suffix=$2 unit=$3 c
  printf '| %s |' "$label"
  for c in "${cols[@]}"; do printf ' %s |' "$(cell "${c}${suffix}" "$unit")"; done
  printf '\n'
}
# setup: how the figures were taken, for the heading.
setup=""
[ "$RUNS" = 1 ] || setup=", medians of $RUNS runs"
[ "$KCM_QPS" = 0 ] || setup="$setup, controller-manager at --kube-api-qps $KCM_QPS"
cat <<EOF

## side by side, $N releases ($(date -u +%Y-%m-%d), $(nproc) cores$setup; load average $load_start at the start, $load_end at the end)

EOF
printf '| figure |'
for c in "${cols[@]}"; do
  case $c in
    floor) printf ' floor (kubectl apply --server-side + wait) |' ;;
    pono) printf ' pono apply (--concurrency 8, default) |' ;;
    pono?*) printf ' pono apply --concurrency %s |' "${c#pono}" ;;
    flux4) printf ' Flux (--concurrent 4, default) |' ;;
    flux8) printf ' Flux --concurrent 8 |' ;;
    helmfile) printf ' helmfile sync |' ;;
    helm) printf ' helm upgrade --install × %s, sequential |' "$N" ;;
  esac
done
printf '\n|---|'
for c in "${cols[@]}"; do printf -- '---|'; done
printf '\n'
row "full install to all ready: wall time" _full_s " s"
row "peak RSS of the tool's processes" _full_rss " MiB"
row "API writes, full install" _full_writes ""
row "no-op pass: wall time" _noop_s " s"
row "no-op pass: API writes" _noop_writes ""
row "one release's values changed: time until applied" _change_s " s"
row "one release's values changed: API writes" _change_writes ""
row "reconcile idle cycle (nothing changed): mean wall time" _idle_ms " ms"
row "reconcile idle cycles: API writes" _idle_writes ""
row "reconcile process: peak RSS" _idle_rss " MiB"
row "load average (1 min, mean while the tool ran)" _load ""
