// Command pono compiles, diffs and converges Kaapana platforms described as code.
package main

import (
	"os"

	"github.com/pono-gitops/pono/cmd/pono/internal/earlysignal"
	"github.com/pono-gitops/pono/compiler"
)

func main() {
	compiler.ServeChild() // the CUE evaluation child returns nothing here
	ctx, stop := watchSignals(earlysignal.Take(), os.Stderr, os.Exit)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
