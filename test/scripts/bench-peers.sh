#!/usr/bin/env bash
# Side by side with the tools users would pick instead (issue 17): the same
# N releases of test/e2e/testdata/charts/small (a ConfigMap and a one-replica
# Deployment) installed into one fresh local cluster (test/cluster), in turn,
# by
#
#   Flux      source-controller + helm-controller as local processes (built
#             by build-peers.sh), chart served as a HelmRepository on
#             loopback, N HelmReleases; timed from creation to all Ready
#   helmfile  `helmfile sync` (default concurrency, helmDefaults.wait so it
#             waits for readiness as the others do), then a second sync with
#             nothing changed
#   pono      `pono apply` of a platform with the same N instances, then a
#             no-op apply
#
# Each gets its own namespaces, so no tool sees another's releases. Writes
# are counted from the API server's audit log (every write of the admin
# user, which all tools use; kubectl's own creates of the HelmReleases are
# left out). Peak RSS: VmHWM of both Flux controllers summed; /usr/bin/time's
# maximum for helmfile (its largest process, helmfile or one helm child) and
# pono.
#
# Usage: test/scripts/bench-peers.sh N | --quick   (--quick: N=20)
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

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${PONO_CACHE:-$HOME/.cache/pono}
export PONO_TOOLS=${PONO_TOOLS:-$cache/tools}
chart=$repo/test/e2e/testdata/charts/small
TIMEOUT=${TIMEOUT:-30m}

for cmd in /usr/bin/time kubectl python3; do
  if ! command -v "$cmd" >/dev/null 2>&1; then
    echo "bench-peers: $cmd is missing" >&2
    exit 1
  fi
done
bash "$repo/test/scripts/build-tools.sh" >&2
bash "$repo/test/scripts/build-peers.sh" >&2
bin=$PONO_TOOLS/bin
export PATH=$bin:$PATH

work=$(mktemp -d "${TMPDIR:-/tmp}/pono-bench-peers.XXXXXX")
(cd "$repo" && go build -o "$work/pono" ./cmd/pono && go build -o "$work/clusterctl" ./test/cluster/clusterctl)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  "$work/clusterctl" -dir "$work/cluster" -tools "$PONO_TOOLS" down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
"$work/clusterctl" -dir "$work/cluster" -tools "$PONO_TOOLS" up >/dev/null
export KUBECONFIG=$work/cluster/kubeconfig
audit=$work/cluster/logs/audit.log
load_start=$(cut -d' ' -f1-3 /proc/loadavg)

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
# free_port: a loopback TCP port nobody listens on now.
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# writes: audit events so far that are not kubectl's (the script's own
# creates) nor the test harness's markers. The log is written after each
# answer (blocking mode), so a short pause lets the last ones land.
writes() {
  sleep 1
  grep -v -e '"userAgent":"kubectl' -e '"userAgent":"pono-audit-marker' "$audit" 2>/dev/null | grep -c '"stage":"ResponseComplete"' || true
}
vmhwm_kib() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$1/status"; }
# values NS: the globals pono's compiler passes every extension (compiler/build.go).
values_yaml() {
  printf 'global: {admin_namespace: %s-admin, services_namespace: %s-services, extensions_namespace: %s-ext, helm_namespace: %s-ext}\n' "$1" "$1" "$1" "$1"
}

# --- Flux -------------------------------------------------------------------
src_dir=$(cd / && go mod download -json github.com/fluxcd/source-controller@"$(cat "$bin/.source-controller.version")" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
hc_dir=$(cd / && go mod download -json github.com/fluxcd/helm-controller@"$(cat "$bin/.helm-controller.version")" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
kubectl apply --server-side -f "$src_dir/config/crd/bases" -f "$hc_dir/config/crd/bases" >/dev/null
kubectl wait --for=condition=Established crd --all --timeout=2m >/dev/null
kubectl create namespace flux-system >/dev/null
for ns in flux-admin flux-services flux-ext; do kubectl create namespace "$ns" >/dev/null; done

# The chart as a Helm repository on loopback.
mkdir -p "$work/repo"
helm package "$chart" -d "$work/repo" >/dev/null
repo_port=$(free_port)
helm repo index "$work/repo" --url "http://127.0.0.1:$repo_port" >/dev/null
python3 -m http.server --bind 127.0.0.1 --directory "$work/repo" "$repo_port" >"$work/repo.log" 2>&1 &
pids+=($!)

storage_port=$(free_port)
mkdir -p "$work/storage"
RUNTIME_NAMESPACE=flux-system source-controller \
  --storage-path "$work/storage" --storage-addr "127.0.0.1:$storage_port" --storage-adv-addr "127.0.0.1:$storage_port" \
  --metrics-addr "127.0.0.1:$(free_port)" --health-addr "127.0.0.1:$(free_port)" \
  --enable-leader-election=false --log-level error >"$work/source-controller.log" 2>&1 &
sc_pid=$!
pids+=("$sc_pid")
RUNTIME_NAMESPACE=flux-system helm-controller \
  --metrics-addr "127.0.0.1:$(free_port)" --health-addr "127.0.0.1:$(free_port)" \
  --enable-leader-election=false --log-level error >"$work/helm-controller.log" 2>&1 &
hc_pid=$!
pids+=("$hc_pid")

{
  cat <<EOF
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: bench, namespace: flux-system}
spec: {url: "http://127.0.0.1:$repo_port", interval: 10m}
EOF
} | kubectl apply -f - >/dev/null
{
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
  done
} >"$work/helmreleases.yaml"

echo "bench-peers: Flux, $N HelmReleases" >&2
w0=$(writes)
t0=$(now)
kubectl apply -f "$work/helmreleases.yaml" >/dev/null
if ! kubectl wait --for=condition=Ready helmrelease --all -n flux-ext --timeout="$TIMEOUT" >/dev/null; then
  echo "bench-peers: Flux did not get all HelmReleases Ready; logs in $work (kept)" >&2
  kubectl get helmrelease -n flux-ext >&2 || true
  trap - EXIT
  exit 1
fi
t1=$(now)
flux_full=$(elapsed "$t0" "$t1")
flux_writes=$(($(writes) - w0))
flux_rss=$((($(vmhwm_kib "$sc_pid") + $(vmhwm_kib "$hc_pid")) / 1024))
echo "bench-peers: Flux ${flux_full}s, $flux_writes writes, ${flux_rss} MiB" >&2
# Stop Flux before the next tool so it does not compete for the 2 cores
# (SIGKILL: its figures are taken, and helm-controller's graceful shutdown
# may wait up to 10 minutes).
kill -KILL "$hc_pid" "$sc_pid"
wait "$hc_pid" "$sc_pid" 2>/dev/null || true

# --- helmfile ---------------------------------------------------------------
mkdir -p "$work/helmfile"
for ns in hf-admin hf-services hf-ext; do kubectl create namespace "$ns" >/dev/null; done
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
} >"$work/helmfile/helmfile.yaml"

hf_run() {
  local w0
  w0=$(writes)
  /usr/bin/time -f "%e %M" -o "$work/time" helmfile --helm-binary "$bin/helm" -f "$work/helmfile/helmfile.yaml" sync \
    >"$work/helmfile.out" 2>&1 || {
    tail -20 "$work/helmfile.out" >&2
    return 1
  }
  read -r hf_secs hf_rss <"$work/time"
  hf_writes=$(($(writes) - w0))
}
echo "bench-peers: helmfile sync of $N releases" >&2
hf_run
hf_full=$hf_secs hf_full_rss=$((hf_rss / 1024)) hf_full_writes=$hf_writes
echo "bench-peers: helmfile ${hf_full}s, $hf_full_writes writes" >&2
hf_run
hf_noop=$hf_secs hf_noop_writes=$hf_writes
echo "bench-peers: helmfile no-op ${hf_noop}s, $hf_noop_writes writes" >&2

# --- pono -------------------------------------------------------------------
mkdir -p "$work/pono-platform"
{
  echo "name: pono"
  echo "namespaces: {admin: pono-admin, services: pono-services, extensions: pono-ext}"
  echo "sources: {local: {path: $(dirname "$chart")}}"
  echo "extensions:"
  echo "  small:"
  echo "    version: \"1.0.0\""
  echo "    instances:"
  for i in $(seq -w 1 "$N"); do echo "      i$i: {}"; done
} >"$work/pono-platform/platform.yaml"
pono_run() {
  local w0
  w0=$(writes)
  /usr/bin/time -f "%e %M" -o "$work/time" "$work/pono" apply "$work/pono-platform" --allow-external-sources --cache-dir "$work/pono-cache" \
    >"$work/pono.out" 2>&1 || {
    tail -20 "$work/pono.out" >&2
    return 1
  }
  read -r pono_secs pono_rss <"$work/time"
  pono_writes=$(($(writes) - w0))
}
echo "bench-peers: pono apply of $N releases" >&2
pono_run
pono_full=$pono_secs pono_full_rss=$((pono_rss / 1024)) pono_full_writes=$pono_writes
echo "bench-peers: pono ${pono_full}s, $pono_full_writes writes" >&2
pono_run
pono_noop=$pono_secs pono_noop_writes=$pono_writes
echo "bench-peers: pono no-op ${pono_noop}s, $pono_noop_writes writes" >&2

cat <<EOF

## side by side, $N releases ($(date -u +%Y-%m-%d), $(nproc) cores, load average $load_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end)

| figure | pono apply | Flux (helm-controller --concurrent 4) | helmfile sync |
|---|---|---|---|
| full install to all ready: wall time | ${pono_full} s | ${flux_full} s | ${hf_full} s |
| peak RSS | ${pono_full_rss} MiB | ${flux_rss} MiB (both controllers) | ${hf_full_rss} MiB (largest process) |
| API writes, full install | ${pono_full_writes} | ${flux_writes} | ${hf_full_writes} |
| no-op: wall time, API writes | ${pono_noop} s, ${pono_noop_writes} | (reconciles on its interval) | ${hf_noop} s, ${hf_noop_writes} |
EOF
