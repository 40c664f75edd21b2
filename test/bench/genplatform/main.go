// Command genplatform writes a synthetic platform for benchmarks
// (test/scripts/bench-compile.sh, docs/benchmarks.md): flags into
// package platformgen, the one generator, which the Go benchmarks call.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/pono-gitops/pono/test/bench/platformgen"
)

func main() {
	n := flag.Int("n", 200, "number of extensions")
	out := flag.String("o", "", "output directory")
	variant := flag.Int("variant", 0, "revision of the platform (changes the first -changed extensions)")
	changed := flag.Int("changed", 0, "extensions changed in a variant")
	workflows := flag.Int("workflows", 0, "number of workflows to add (as BenchmarkCompileWorkflows does)")
	tasks := flag.Int("tasks", 10, "tasks per workflow")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "genplatform: -o DIR is required")
		os.Exit(2)
	}
	if err := platformgen.Write(*out, platformgen.Options{Extensions: *n, Variant: *variant, Changed: *changed}); err != nil {
		fmt.Fprintln(os.Stderr, "genplatform:", err)
		os.Exit(1)
	}
	if *workflows > 0 {
		if err := platformgen.WriteWorkflows(*out, *workflows, *tasks); err != nil {
			fmt.Fprintln(os.Stderr, "genplatform:", err)
			os.Exit(1)
		}
	}
}
