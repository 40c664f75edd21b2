// Package cueschema embeds pono's CUE schemas. They are the single source of
// truth for the platform description and the Task API formats: the compiler
// and the task commands load them from FS, and the docs are written from them.
package cueschema

import "embed"

// FS holds every *.cue schema file in this directory.
//
//go:embed *.cue
var FS embed.FS

// MustRead returns the named schema file. A missing file is a build defect,
// never a user error, so it panics.
func MustRead(name string) []byte {
	b, err := FS.ReadFile(name)
	if err != nil {
		panic("cueschema: " + err.Error())
	}
	return b
}
