#!/usr/bin/env bash
# make demo: the main job on the Kaapana-like example.
set -euo pipefail
cd "$(dirname "$0")/../.."
go build -o bin/pono ./cmd/pono
ex=examples/kaapana-like
step() { printf '\n== %s\n' "$*"; }

step "pono validate $ex"
./bin/pono validate "$ex"

step "pono ext list $ex"
./bin/pono ext list "$ex"

step "pono compile $ex -o out/kaapana-like --locked"
./bin/pono compile "$ex" -o out/kaapana-like --locked

step "pono compile $ex -e prod -o out/kaapana-like-prod --locked"
./bin/pono compile "$ex" -e prod -o out/kaapana-like-prod --locked
