#!/usr/bin/env bash
# Starts, stops or inspects the local Kubernetes cluster people use by hand
# and the demo runs against (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler and kwok on loopback; see test/cluster).
#
#   test/scripts/cluster.sh up       start it (fast when already up); prints the kubeconfig path
#   test/scripts/cluster.sh down     stop it; its logs stay in $PONO_CACHE/cluster/logs
#   test/scripts/cluster.sh status   exit 0 when it is up and healthy
#
# State lives in ${PONO_CACHE:-$HOME/.cache/pono}/cluster.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${PONO_CACHE:-$HOME/.cache/pono}
export PONO_TOOLS=${PONO_TOOLS:-$cache/tools}

case "${1:-}" in
  up | down | status) ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac

if [ "$1" = up ]; then
  bash "$repo/test/scripts/build-tools.sh" >&2
fi

# Build clusterctl next to the tools; go's build cache makes this a no-op
# after the first time.
ctl=$cache/bin/clusterctl
mkdir -p "$cache/bin"
(cd "$repo" && go build -o "$ctl" ./test/cluster/clusterctl)

exec "$ctl" -dir "$cache/cluster" -tools "$PONO_TOOLS" "$@"
