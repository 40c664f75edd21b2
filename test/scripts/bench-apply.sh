#!/usr/bin/env bash
# Benchmarks `pono apply` on a fresh local cluster (test/cluster):
#
#   1. full apply of $N_FULL releases of a small chart (a ConfigMap and a
#      one-replica Deployment), waiting for readiness, against
#      `helm upgrade --install --wait` run once per release in sequence
#      (helm CLI v3.22.0 from `make tools`), side by side in one run;
#   2. no-op apply of $N_NOOP releases: wall time, API write requests
#      (pono apply --stats counts them client-side) and peak RSS
#      (/usr/bin/time).
#
# Usage: test/scripts/bench-apply.sh   (N_FULL=100 N_NOOP=200 NOOP_RUNS=5)
# Results go to stdout as a Markdown table; see docs/benchmarks.md.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${PONO_CACHE:-$HOME/.cache/pono}
export PONO_TOOLS=${PONO_TOOLS:-$cache/tools}
N_FULL=${N_FULL:-100}
N_NOOP=${N_NOOP:-200}
NOOP_RUNS=${NOOP_RUNS:-5}
chart=$repo/test/e2e/testdata/charts/small

if [ ! -x /usr/bin/time ]; then
  echo "bench-apply: /usr/bin/time is missing: apt-get install -y time" >&2
  exit 1
fi
bash "$repo/test/scripts/build-tools.sh" >&2
helm=$PONO_TOOLS/bin/helm

work=$(mktemp -d "${TMPDIR:-/tmp}/pono-bench-apply.XXXXXX")
(cd "$repo" && go build -o "$work/pono" ./cmd/pono && go build -o "$work/clusterctl" ./test/cluster/clusterctl)
pono=$work/pono
cleanup() {
  "$work/clusterctl" -dir "$work/cluster" -tools "$PONO_TOOLS" down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
"$work/clusterctl" -dir "$work/cluster" -tools "$PONO_TOOLS" up >&2
export KUBECONFIG=$work/cluster/kubeconfig

# platform NAME N DIR: N instances of the small chart, in namespaces NAME-*.
platform() {
  local name=$1 n=$2 dir=$3 i
  # The chart sits inside the platform: pono refuses chart sources outside
  # the platform directory (docs/platform.md, chart sources).
  mkdir -p "$dir/charts"
  cp -r "$chart" "$dir/charts/"
  {
    echo "name: $name"
    echo "namespaces: {admin: $name-admin, services: $name-services, extensions: $name-ext}"
    echo "sources: {local: {path: ./charts}}"
    echo "extensions:"
    echo "  small:"
    echo "    version: \"1.0.0\""
    echo "    instances:"
    for i in $(seq -w 1 "$n"); do echo "      i$i: {}"; done
  } >"$dir/platform.yaml"
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# 1. Full apply: pono, then helm in sequence, same cluster, same chart.
platform bench-full "$N_FULL" "$work/full"
echo "bench-apply: pono apply of $N_FULL releases" >&2
t0=$(now)
"$pono" apply "$work/full" --cache-dir "$work/cache" --stats >"$work/full.out" 2>"$work/full.err"
t1=$(now)
pono_full=$(elapsed "$t0" "$t1")
tail -1 "$work/full.out" >&2

echo "bench-apply: helm upgrade --install --wait x $N_FULL, in sequence" >&2
t0=$(now)
for i in $(seq -w 1 "$N_FULL"); do
  "$helm" upgrade --install "small-h$i" "$chart" --namespace helm-bench --create-namespace \
    --set global.services_namespace=helm-bench --wait --timeout 2m >/dev/null
done
t1=$(now)
helm_full=$(elapsed "$t0" "$t1")
speedup=$(awk -v a="$helm_full" -v b="$pono_full" 'BEGIN { printf "%.1f", a / b }')

# 2. No-op apply of N_NOOP releases (installed first, not timed here).
platform bench-noop "$N_NOOP" "$work/noop"
echo "bench-apply: installing $N_NOOP releases for the no-op runs" >&2
t0=$(now)
"$pono" apply "$work/noop" --cache-dir "$work/cache" >/dev/null 2>"$work/noop-setup.err"
t1=$(now)
pono_setup=$(elapsed "$t0" "$t1")
best=""
for r in $(seq 1 "$NOOP_RUNS"); do
  /usr/bin/time -f "%e %M" -o "$work/time" "$pono" apply "$work/noop" --cache-dir "$work/cache" --stats \
    >"$work/noop.out" 2>"$work/noop.err"
  read -r secs rss_kb <"$work/time"
  writes=$(sed -n 's/^api requests: \([0-9]*\) reads, \([0-9]*\) writes$/\2/p' "$work/noop.err")
  reads=$(sed -n 's/^api requests: \([0-9]*\) reads, \([0-9]*\) writes$/\1/p' "$work/noop.err")
  unchanged=$(grep -c ' unchanged ' "$work/noop.out" || true)
  echo "bench-apply: no-op run $r: ${secs}s, ${rss_kb} KiB peak RSS, $reads reads, $writes writes, $unchanged unchanged" >&2
  echo "$secs $rss_kb $reads $writes $unchanged" >>"$work/noop.runs"
done
read -r med_secs med_rss reads writes unchanged < <(sort -n "$work/noop.runs" | awk -v n="$NOOP_RUNS" 'NR == int((n + 1) / 2)')
max_rss=$(awk 'BEGIN { m = 0 } { if ($2 > m) m = $2 } END { print m }' "$work/noop.runs")
max_writes=$(awk 'BEGIN { m = 0 } { if ($4 > m) m = $4 } END { print m }' "$work/noop.runs")

cat <<EOF

## pono apply benchmark ($(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m))

| case | result |
|---|---|
| full apply, $N_FULL releases, pono (--wait, concurrency 8) | ${pono_full} s |
| full apply, $N_FULL releases, helm upgrade --install --wait, sequential | ${helm_full} s |
| speed-up | ${speedup}x |
| install of $N_NOOP releases (setup for the no-op runs) | ${pono_setup} s |
| no-op apply, $N_NOOP releases, median of $NOOP_RUNS | ${med_secs} s |
| no-op apply: write requests (max over runs) | ${max_writes} |
| no-op apply: read requests | ${reads} |
| no-op apply: peak RSS (max over runs) | $((max_rss / 1024)) MiB |
EOF
