#!/usr/bin/env bash
# make fuzz: run every native Go fuzz target (func FuzzXxx(*testing.F)) of
# the module for a bounded time each. Targets are discovered, not listed
# here, so a new fuzzer is run without touching this script.
#
#   FUZZTIME       time per target (default 30s; anything go test -fuzztime takes)
#   FUZZ_PARALLEL  fuzzing workers per target (default: go's, GOMAXPROCS)
#   FUZZ_PKGS      package patterns to search (default ./...)
#
# Seed corpora live next to each target in testdata/fuzz/<FuzzXxx>/; a
# failing input is written there too, so a failure is a reproducible unit
# test from then on. Every target is run even when one fails; the script
# exits 1 when any did.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-30s}
read -r -a pkgs <<<"${FUZZ_PKGS:-./...}"
par=()
if [[ -n ${FUZZ_PARALLEL:-} ]]; then par=(-parallel "$FUZZ_PARALLEL"); fi

# go test -list prints a package's matching names, then its "ok" line.
list=$($GO test -list '^Fuzz' "${pkgs[@]}")
targets=()
names=()
while IFS= read -r line; do
	case $line in
	Fuzz*) names+=("$line") ;;
	ok*)
		pkg=$(awk '{print $2}' <<<"$line")
		for n in "${names[@]}"; do targets+=("$pkg $n"); done
		names=()
		;;
	*) names=() ;;
	esac
done <<<"$list"

if [[ ${#targets[@]} -eq 0 ]]; then
	echo "fuzz: no fuzz targets found in ${pkgs[*]}" >&2
	exit 1
fi

echo "fuzz: ${#targets[@]} targets, $FUZZTIME each"
failed=()
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	echo "== $name ($pkg)"
	if ! $GO test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" "${par[@]}" "$pkg"; then
		failed+=("$name ($pkg)")
	fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
	printf 'fuzz: failed: %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran $FUZZTIME without a failure"
