#!/usr/bin/env bash
# make demo: the main job on the Kaapana-like example, from a fresh machine:
# compile it, start the local Kubernetes cluster, apply it, show its status.
#
# First run: `make tools` (called through test/scripts/cluster.sh) builds
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok and
# helm from the Go module proxy: about 8-10 minutes on 2 cores, once (they
# are cached in ~/.cache/pono/tools). Every later run reuses them and the
# running cluster: the whole demo then takes a few seconds, and the second
# `pono apply` is a no-op that writes nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
go build -o bin/pono ./cmd/pono
ex=examples/kaapana-like
step() { printf '\n== %s\n' "$*"; }

step "pono validate $ex"
./bin/pono validate "$ex"

step "pono ext list $ex"
./bin/pono ext list "$ex"

step "pono workflow list $ex"
./bin/pono workflow list "$ex"

step "pono workflow graph $ex organ-report (mermaid; -o dot for Graphviz)"
./bin/pono workflow graph "$ex" organ-report

step "pono compile $ex --output-dir out/kaapana-like --locked"
./bin/pono compile "$ex" --output-dir out/kaapana-like --locked

step "pono compile $ex -e prod --output-dir out/kaapana-like-prod --locked"
./bin/pono compile "$ex" -e prod --output-dir out/kaapana-like-prod --locked

tools=${PONO_TOOLS:-${PONO_CACHE:-$HOME/.cache/pono}/tools}
if [ ! -x "$tools/bin/kube-apiserver" ]; then
  step "first run: building the local Kubernetes control plane (about 8-10 minutes on 2 cores, once)"
fi
step "local cluster (test/scripts/cluster.sh up)"
t0=$(date +%s)
kubeconfig=$(bash test/scripts/cluster.sh up | tail -1)
echo "cluster ready in $(($(date +%s) - t0))s; kubeconfig $kubeconfig (stop it with 'make cluster-down')"
export KUBECONFIG=$kubeconfig

step "pono apply $ex"
./bin/pono apply "$ex" --stats

step "pono apply $ex (again: nothing to do, nothing written)"
./bin/pono apply "$ex" --stats

step "pono status $ex"
./bin/pono status "$ex"

# GitOps: the same platform in a git repository, followed by the loop.
repo=out/demo-git
rm -rf "$repo" && mkdir -p "$repo"
cp -r "$ex" "$repo/platform"
git -C "$repo" init -q -b main
gitc() { git -C "$repo" -c user.name=demo -c user.email=demo@example.org -c commit.gpgsign=false "$@"; }
gitc add -A && gitc commit -q -m "kaapana-like platform"

step "pono bootstrap --repo file://$PWD/$repo --path platform (pono into the cluster, first reconcile)"
./bin/pono bootstrap --repo "file://$PWD/$repo" --path platform --namespace pono-system

step "pono bootstrap again (safe: nothing written)"
./bin/pono bootstrap --repo "file://$PWD/$repo" --path platform --namespace pono-system

step "a commit changes a parameter; pono reconcile --once applies it"
sed -i "s/Welcome to the Kaapana-like demo/Welcome, from git/" "$repo/platform/platform.cue"
gitc commit -q -am "greet from git"
./bin/pono reconcile --once --repo "file://$PWD/$repo" --path platform --namespace pono-system

step "pono status (the reconciler's record)"
./bin/pono status --namespace pono-system
