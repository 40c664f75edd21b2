// Command pono compiles, diffs and converges Kaapana platforms described as code.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/pono-gitops/pono/compiler"
)

func main() {
	compiler.ServeChild() // the CUE evaluation child returns nothing here
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
