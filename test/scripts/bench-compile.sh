#!/usr/bin/env bash
# Side-by-side: `pono compile` of a generated N-extension platform vs running
# the `helm template` CLI once per release, as helmfile does. Both render the
# same charts with the same values; pono also renders every release twice
# (determinism check), resolves and locks charts and checks policy.
# Usage: test/scripts/bench-compile.sh [N] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-200}
RUNS=${2:-5}
PONO_TOOLS=${PONO_TOOLS:-$HOME/.cache/pono/tools}
HELM="$PONO_TOOLS/bin/helm"
if [ ! -x "$HELM" ]; then
  echo "bench-compile: building the helm CLI v3.22.0 (make tools)" >&2
  bash test/scripts/build-tools.sh >&2
fi
go build -o bin/pono ./cmd/pono
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go run ./test/bench/genplatform -n "$N" -o "$work/p"

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

pono_times=()
helm_times=()
for r in $(seq "$RUNS"); do
  rm -rf "$work/out"
  t0=$(now)
  ./bin/pono compile "$work/p" --output-dir "$work/out" --cache-dir "$work/cache" >/dev/null 2>&1
  t1=$(now)
  pono_times+=("$(awk -v a="$t0" -v b="$t1" "BEGIN{print b-a}")")

  t0=$(now)
  for i in $(seq 0 $((N-1))); do
    name=$(printf 'ext-%03d' "$i")
    "$HELM" template "$name-chart" "$work/p/charts/$name-chart" --namespace admin --kube-version v1.36.3 \
      --set global.greeting=hello --set global.size=medium --set global.services_namespace=services >/dev/null
  done
  t1=$(now)
  helm_times+=("$(awk -v a="$t0" -v b="$t1" "BEGIN{print b-a}")")
done
pm=$(printf '%s\n' "${pono_times[@]}" | median)
hm=$(printf '%s\n' "${helm_times[@]}" | median)
ratio=$(awk -v h="$hm" -v p="$pm" "BEGIN{print h/p}")
printf '| extensions | runs | pono compile (median s) | helm template x%d (median s) | ratio |\n' "$N"
printf '|---|---|---|---|---|\n'
printf '| %d | %d | %.2f | %.2f | %.1fx |\n' "$N" "$RUNS" "$pm" "$hm" "$ratio"
