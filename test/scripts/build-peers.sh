#!/usr/bin/env bash
# Builds the peers pono is measured against side by side (issue 17,
# test/scripts/bench-peers.sh), from the Go module proxy at pinned versions,
# into the same cache as build-tools.sh (${PONO_TOOLS:-$HOME/.cache/pono/tools}/bin,
# with the same .<name>.version stamps, so a second run takes seconds):
#
#   source-controller  github.com/fluxcd/source-controller
#   helm-controller    github.com/fluxcd/helm-controller
#   helmfile           github.com/helmfile/helmfile
#   kubectl            k8s.io/kubernetes/cmd/kubectl, at the version of the
#                      kube-apiserver build-tools.sh built (the floor's client)
#
# Both Flux modules carry `replace .../api => ./api`, which `go install
# pkg@version` refuses, so they are built from a scratch copy of the module
# source with the api module of the same release placed at ./api; helmfile
# has replace directives too and is built from its source the same way. Their CRDs
# stay in the module cache (config/crd); bench-peers.sh reads them from there.
set -euo pipefail

SOURCE_CONTROLLER_VERSION=v1.7.0
HELM_CONTROLLER_VERSION=v1.4.0
HELMFILE_VERSION=v1.8.0

tools=${PONO_TOOLS:-$HOME/.cache/pono/tools}
bin=$tools/bin
mkdir -p "$bin"

if command -v flock >/dev/null 2>&1; then
  exec 9>"$tools/.peers.lock"
  flock 9
fi

export CGO_ENABLED=0 GOWORK=off
export GOFLAGS="${GOFLAGS:-} -trimpath"

up_to_date() {
  [ -x "$bin/$1" ] && [ "$(cat "$bin/.$1.version" 2>/dev/null)" = "$2" ]
}

stamp() {
  printf '%s\n' "$2" >"$bin/.$1.version"
}

# module_dir MODULE@VERSION: the module's source directory in the module cache.
module_dir() {
  local dir
  dir=$(cd / && go mod download -json "$1" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  if [ -z "$dir" ] || [ ! -d "$dir" ]; then
    echo "build-peers: cannot download $1" >&2
    return 1
  fi
  printf '%s\n' "$dir"
}

# build_module NAME MODULE VERSION [API] [LDFLAGS]: builds MODULE@VERSION's
# main package from a writable scratch copy of its source; with API=api,
# MODULE/api@VERSION is placed at ./api, as the module's replace expects.
build_module() {
  local name=$1 mod=$2 version=$3 with_api=${4:-} ldflags="-s -w ${5:-}" src api scratch t0
  echo "build-peers: building $name $version" >&2
  t0=$(date +%s)
  src=$(module_dir "$mod@$version")
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/pono-build-$name.XXXXXX")
  cp -r "$src/." "$scratch/"
  chmod -R u+w "$scratch"
  if [ "$with_api" = api ]; then
    api=$(module_dir "$mod/api@$version")
    rm -rf "$scratch/api"
    cp -r "$api" "$scratch/api"
    chmod -R u+w "$scratch/api"
  fi
  rm -f "$bin/.$name.version"
  (cd "$scratch" && go build -ldflags="$ldflags" -o "$bin/$name" .)
  rm -rf "$scratch"
  stamp "$name" "$version"
  echo "build-peers: built $name $version in $(($(date +%s) - t0))s" >&2
}

if ! up_to_date source-controller "$SOURCE_CONTROLLER_VERSION"; then
  build_module source-controller github.com/fluxcd/source-controller "$SOURCE_CONTROLLER_VERSION" api
fi
if ! up_to_date helm-controller "$HELM_CONTROLLER_VERSION"; then
  build_module helm-controller github.com/fluxcd/helm-controller "$HELM_CONTROLLER_VERSION" api
fi

# helmfile v1.8.0's go.mod pins k8s.io modules with replace directives, which
# `go install pkg@version` refuses too; built the same way, without an api.
if ! up_to_date helmfile "$HELMFILE_VERSION"; then
  build_module helmfile github.com/helmfile/helmfile "$HELMFILE_VERSION" "" \
    "-X go.szostok.io/version.version=$HELMFILE_VERSION"
fi

# kubectl: k8s.io/kubernetes is only buildable with its staging modules
# replaced, as test/tools/go.mod does for the control plane; a scratch copy
# of that go.mod (-mod=mod adds the go.sum entries kubectl's extra packages
# need, without touching test/tools) builds cmd/kubectl at the same version.
KUBECTL_VERSION=$(cat "$bin/.kube-apiserver.version" 2>/dev/null || true)
if [ -z "$KUBECTL_VERSION" ]; then
  echo "build-peers: no kube-apiserver in $bin: run test/scripts/build-tools.sh first" >&2
  exit 1
fi
if ! up_to_date kubectl "$KUBECTL_VERSION"; then
  echo "build-peers: building kubectl $KUBECTL_VERSION" >&2
  t0=$(date +%s)
  repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  if ! grep -q "k8s.io/kubernetes v${KUBECTL_VERSION#v}\|k8s.io/kubernetes => k8s.io/kubernetes ${KUBECTL_VERSION}" "$repo/test/tools/go.mod"; then
    echo "build-peers: test/tools/go.mod does not pin k8s.io/kubernetes $KUBECTL_VERSION" >&2
    exit 1
  fi
  minor=${KUBECTL_VERSION#v1.}
  minor=${minor%%.*}
  ldflags="-s -w"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldflags+=" -X $pkg.gitVersion=$KUBECTL_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
  done
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/pono-build-kubectl.XXXXXX")
  cp "$repo/test/tools/go.mod" "$repo/test/tools/go.sum" "$scratch/"
  rm -f "$bin/.kubectl.version"
  (cd "$scratch" && GOFLAGS="$GOFLAGS -mod=mod" go build -ldflags="$ldflags" -o "$bin/kubectl" k8s.io/kubernetes/cmd/kubectl)
  rm -rf "$scratch"
  stamp kubectl "$KUBECTL_VERSION"
  echo "build-peers: built kubectl $KUBECTL_VERSION in $(($(date +%s) - t0))s" >&2
fi

echo "build-peers: peers up to date in $bin" >&2
