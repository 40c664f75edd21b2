// Package charts holds the Helm charts pono ships inside its binary. The
// chart directories are the single source: `helm install ./charts/pono`,
// the embedded copy `pono bootstrap` installs, and the tests all read them.
package charts

import (
	"embed"
	"io/fs"
)

// all: keeps files starting with "." or "_" (.helmignore, _helpers.tpl),
// which a plain go:embed pattern would leave out.
//
//go:embed all:pono
var files embed.FS

// Pono is the pono chart (charts/pono), rooted at the chart directory:
// Chart.yaml is at its top.
func Pono() fs.FS {
	sub, err := fs.Sub(files, "pono")
	if err != nil {
		// fs.Sub fails only on an invalid path, a constant here.
		panic(err)
	}
	return sub
}
