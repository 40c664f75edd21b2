# pono's build, test and demo entry points. Everything a fresh machine needs
# (Debian packages, Kubernetes binaries built from the Go module proxy) is
# installed by the scripts below and cached under $(PONO_CACHE).

GO          ?= go
PONO_CACHE  ?= $(HOME)/.cache/pono
PONO_TOOLS  ?= $(PONO_CACHE)/tools
FUZZTIME    ?= 30s
export PONO_CACHE PONO_TOOLS

.PHONY: all build deps tools test test-unit fuzz demo cluster-up cluster-down bench bench-peers clean vet

all: build

# pono and the pono-graphviz helper it runs to lay out graphs as SVG.
build:
	$(GO) build -o bin/ ./cmd/pono ./cmd/pono-graphviz

# Debian packages the tests use (docker engine, OCI registry, git, sshd).
deps:
	bash test/scripts/install-deps.sh

# Kubernetes control plane, kwok and the helm CLI, built once and cached.
tools:
	bash test/scripts/build-tools.sh

vet:
	$(GO) vet ./...

# Unit, golden, CLI and e2e tests. e2e tests start the servers they need.
# Then every fuzz target for 30 s (as CI runs them).
test: deps tools
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 60m ./...
	FUZZTIME=30s GO=$(GO) bash test/scripts/fuzz.sh

# Fast inner loop: no servers are started by tests that are skipped in -short.
test-unit:
	$(GO) test -short ./...

# Every Fuzz* target of the module, FUZZTIME each (make fuzz FUZZTIME=5m).
fuzz:
	FUZZTIME=$(FUZZTIME) GO=$(GO) bash test/scripts/fuzz.sh

cluster-up: tools build
	bash test/scripts/cluster.sh up

cluster-down:
	bash test/scripts/cluster.sh down

demo: build
	bash test/scripts/demo.sh

# Side-by-side benchmarks (docs/benchmarks.md): compile vs helm template,
# apply vs sequential helm upgrade --install, and the Go benchmarks.
bench: build tools
	bash test/scripts/bench-compile.sh
	bash test/scripts/bench-apply.sh
	$(GO) test -run XXX -bench . -benchtime 3x ./compiler/ ./diff/
	$(GO) test -run XXX -bench 'ReconcileIdle200' -benchtime 50x -count 3 ./test/e2e/
	$(GO) test -run XXX -bench 'ReconcileRSS' -benchtime 1x ./test/e2e/

# pono beside Flux and helmfile on one fresh cluster (issue 17; not part of
# bench): make bench-peers PEERS_N=100 (default --quick: the N=20 smoke run).
PEERS_N     ?= --quick
bench-peers: tools
	bash test/scripts/bench-peers.sh $(PEERS_N)

clean:
	rm -rf bin
