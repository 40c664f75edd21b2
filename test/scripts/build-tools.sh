#!/usr/bin/env bash
# Builds the binaries pono's tests and demo run against a real control plane:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok and the
# helm CLI, all from the Go module proxy at pinned versions (no Docker, no
# release downloads). Output goes to ${PONO_TOOLS:-$HOME/.cache/pono/tools}:
#
#   bin/<name>           the binary
#   bin/.<name>.version  stamp: the pinned version it was built at
#   stages.yaml          kwok's stage definitions (kwok refuses to start without)
#
# A binary whose stamp matches its pin is not rebuilt, so a second run takes
# seconds. The first run takes ~8-10 minutes on 2 cores.
set -euo pipefail

ETCD_VERSION=v3.6.5
KUBE_VERSION=v1.36.3
KWOK_VERSION=v0.8.0
HELM_VERSION=v3.22.0
# Major.minor of the k8s.io modules helm v3.22.0 is built with (its Makefile
# stamps these into the binary; they are the defaults for `helm template`).
HELM_K8S_MAJOR=1
HELM_K8S_MINOR=37

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tools=${PONO_TOOLS:-$HOME/.cache/pono/tools}
bin=$tools/bin
mkdir -p "$bin"

# Two concurrent runs (two terminals, parallel CI jobs) would race on the same
# outputs; serialise them.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$tools/.lock"
  flock 9
fi

# Static binaries need no C toolchain. GOWORK=off keeps a developer's go.work
# from pulling the tools modules into something else.
export CGO_ENABLED=0 GOWORK=off
export GOFLAGS="${GOFLAGS:-} -trimpath"

built_any=0
start_all=$(date +%s)

# up_to_date NAME VERSION: the binary exists and was built at VERSION.
up_to_date() {
  [ -x "$bin/$1" ] && [ "$(cat "$bin/.$1.version" 2>/dev/null)" = "$2" ]
}

stamp() {
  printf '%s\n' "$2" >"$bin/.$1.version"
}

# timed LABEL CMD...: runs CMD and prints how long it took.
timed() {
  local label=$1 t0 t1
  shift
  echo "build-tools: building $label"
  t0=$(date +%s)
  "$@"
  t1=$(date +%s)
  echo "build-tools: built $label in $((t1 - t0))s"
  built_any=1
}

# etcd: its own tiny module, so k8s.io/kubernetes cannot raise its version.
if ! up_to_date etcd "$ETCD_VERSION"; then
  rm -f "$bin/.etcd.version"
  timed "etcd $ETCD_VERSION" \
    bash -c "cd '$repo/test/tools/etcd' && go build -ldflags='-s -w' -o '$bin/etcd' go.etcd.io/etcd/server/v3"
  stamp etcd "$ETCD_VERSION"
fi

# kube-*: built together in one `go build` so the shared packages (most of
# the work) compile once.
kube_missing=()
for name in kube-apiserver kube-controller-manager kube-scheduler; do
  up_to_date "$name" "$KUBE_VERSION" || kube_missing+=("$name")
done
if [ ${#kube_missing[@]} -gt 0 ]; then
  # Without these the API server reports v0.0.0-master, and Helm charts with a
  # kubeVersion constraint would refuse to install.
  minor=${KUBE_VERSION#v1.}
  minor=${minor%%.*}
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  pkgs=()
  for name in "${kube_missing[@]}"; do
    rm -f "$bin/.$name.version"
    pkgs+=("k8s.io/kubernetes/cmd/$name")
  done
  timed "${kube_missing[*]} $KUBE_VERSION" \
    bash -c "cd '$repo/test/tools' && go build -ldflags='$ldflags' -o '$bin/' ${pkgs[*]}"
  for name in "${kube_missing[@]}"; do
    stamp "$name" "$KUBE_VERSION"
  done
fi

# kwok and helm: `go install pkg@version` builds against their own go.mod,
# exactly as released.
if ! up_to_date kwok "$KWOK_VERSION"; then
  rm -f "$bin/.kwok.version"
  timed "kwok $KWOK_VERSION" \
    env GOBIN="$bin" go install \
    -ldflags="-s -w" \
    "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
  stamp kwok "$KWOK_VERSION"
fi

if ! up_to_date helm "$HELM_VERSION"; then
  rm -f "$bin/.helm.version"
  timed "helm $HELM_VERSION" \
    env GOBIN="$bin" go install \
    -ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION -X helm.sh/helm/v3/internal/version.gitTreeState=clean -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=$HELM_K8S_MAJOR -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$HELM_K8S_MINOR -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=$HELM_K8S_MAJOR -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$HELM_K8S_MINOR" \
    "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
  stamp helm "$HELM_VERSION"
fi

# kwok's stages, from its module source. The heartbeat stage is not optional:
# without it the node goes NotReady after ~40 s and every pod's Ready
# condition flips to False for good.
if [ ! -s "$tools/stages.yaml" ] || [ "$(cat "$tools/.stages.version" 2>/dev/null)" != "$KWOK_VERSION" ]; then
  kwok_dir=$(cd / && go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  if [ -z "$kwok_dir" ] || [ ! -d "$kwok_dir" ]; then
    echo "build-tools: cannot find the source of sigs.k8s.io/kwok@$KWOK_VERSION" >&2
    exit 1
  fi
  tmp=$(mktemp "$tools/stages.yaml.XXXXXX")
  chmod 0644 "$tmp"
  for f in \
    kustomize/stage/node/fast/node-initialize.yaml \
    kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    kustomize/stage/pod/fast/pod-ready.yaml \
    kustomize/stage/pod/fast/pod-complete.yaml \
    kustomize/stage/pod/fast/pod-delete.yaml; do
    printf -- '---\n# from sigs.k8s.io/kwok@%s/%s\n' "$KWOK_VERSION" "$f" >>"$tmp"
    cat "$kwok_dir/$f" >>"$tmp"
  done
  mv "$tmp" "$tools/stages.yaml"
  printf '%s\n' "$KWOK_VERSION" >"$tools/.stages.version"
  echo "build-tools: wrote $tools/stages.yaml"
fi

if [ "$built_any" = 1 ]; then
  echo "build-tools: done in $(($(date +%s) - start_all))s; binaries in $bin"
else
  echo "build-tools: all tools up to date in $bin"
fi
