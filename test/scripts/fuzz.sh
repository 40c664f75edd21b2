#!/usr/bin/env bash
# make fuzz: run every native Go fuzz target (func FuzzXxx(*testing.F)) of
# the module for a bounded time each. Targets are discovered, not listed
# here, so a new fuzzer is run without touching this script.
#
#   FUZZTIME       time per target (default 30s; anything go test -fuzztime takes)
#   FUZZ_PARALLEL  fuzzing workers per target (default: go's, GOMAXPROCS)
#   FUZZ_PKGS      package patterns to search (default ./...)
#   FUZZMINIMIZETIME  time to spend minimizing one new input (default 5s)
#
# Minimizing is bounded because the CUE-backed targets take 10-50 ms an
# execution: at go's default of 60 s a worker spends the whole run shrinking
# one "interesting" input while the progress line shows 0 execs/sec.
#
# A run that ends with a bare "context deadline exceeded" and writes no
# failing input is go's fuzzing coordinator racing its own -fuzztime
# deadline (go.dev/issue/75804, fixed in go1.27), not a finding: the script
# then replays the target's whole corpus as a plain test, and counts the
# target as failed only if that replay fails. Any other failure (a crash, a
# hang, a t.Error) writes its input to testdata/fuzz and fails the target.
#
# Seed corpora live next to each target in testdata/fuzz/<FuzzXxx>/; a
# failing input is written there too, so a failure is a reproducible unit
# test from then on. Every target is run even when one fails; the script
# exits 1 when any did.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
FUZZTIME=${FUZZTIME:-30s}
FUZZMINIMIZETIME=${FUZZMINIMIZETIME:-5s}
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
# inputs: how many files a target's corpus directory holds (0 if none).
inputs() { if [[ -d $1 ]]; then find "$1" -type f | wc -l; else echo 0; fi; }

failed=()
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "${targets[@]}"; do
	read -r pkg name <<<"$t"
	echo "== $name ($pkg)"
	dir=$($GO list -f '{{.Dir}}' "$pkg")/testdata/fuzz/$name
	before=$(inputs "$dir")
	if $GO test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" \
		-fuzzminimizetime "$FUZZMINIMIZETIME" "${par[@]}" "$pkg" 2>&1 | tee "$log"; then
		continue
	fi
	after=$(inputs "$dir")
	# The FAIL line of a coordinator race is followed by exactly this one line.
	if [[ $after -eq $before ]] && grep -A1 -- "^--- FAIL: $name " "$log" | tail -1 | grep -qx '    context deadline exceeded'; then
		echo "fuzz: $name: coordinator deadline race (go.dev/issue/75804), no input written; replaying its corpus"
		if $GO test -count=1 -run "^${name}\$" "$pkg"; then
			continue
		fi
	fi
	failed+=("$name ($pkg)")
done
if [[ ${#failed[@]} -gt 0 ]]; then
	printf 'fuzz: failed: %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "fuzz: all ${#targets[@]} targets ran $FUZZTIME without a failure"
