# syntax=docker/dockerfile:1
#
# pono's image: a static binary on distroless. The chart in charts/pono runs
# it as `pono reconcile`. Build from the repository root:
#
#   docker build -t ghcr.io/pono-gitops/pono:0.1.0 --build-arg VERSION=0.1.0 .
#
# charts/dockerfile_test.go keeps the builder's Go in step with go.mod.

# The builder runs on the build machine's platform and cross-compiles, so a
# multi-arch build (docker buildx --platform linux/amd64,linux/arm64) does
# not emulate the compiler.
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
WORKDIR /src

# Modules first: this layer is reused until go.mod or go.sum change.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    go mod download

ARG TARGETOS TARGETARCH
# VERSION is what `pono version` prints; empty keeps the source's default.
ARG VERSION=""
# -trimpath and no VCS stamp make the binary independent of where it was
# built; -s -w drop the symbol tables (a third of the size).
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=bind,target=. \
    ldflags="-s -w"; \
    if [ -n "$VERSION" ]; then ldflags="$ldflags -X github.com/pono-gitops/pono/compiler.Version=$VERSION"; fi; \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -buildvcs=false -ldflags "$ldflags" -o /out/ ./cmd/pono ./cmd/pono-graphviz

# static-debian12: CA certificates (https git remotes and chart
# repositories), /etc/passwd with the nonroot user, tzdata; no shell, no libc,
# which a CGO_ENABLED=0 binary does not need.
FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.source="https://github.com/pono-gitops/pono" \
      org.opencontainers.image.description="pono: Kaapana platforms as code, with an in-cluster GitOps loop"
# pono-graphviz lays out the web page's workflow graphs; pono finds it beside
# itself (internal/graphsvg).
COPY --from=build /out/pono /out/pono-graphviz /
# The chart's securityContext (runAsUser 65532) matches.
USER 65532:65532
ENTRYPOINT ["/pono"]
