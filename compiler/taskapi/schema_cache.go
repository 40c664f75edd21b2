package taskapi

import (
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
)

// schemas holds the Task API definitions, compiled once per process:
// compiling them cost more than checking a document (a workflow checks
// one processing-container.json per container). A cue.Context is not safe
// for concurrent use, so every check against them holds mu.
var schemas struct {
	once sync.Once
	mu   sync.Mutex
	ctx  *cue.Context
	defs map[Kind]cue.Value
	err  error
}

// withDefinition runs f with the compiled definition of kind and the
// context it lives in, one call at a time.
func withDefinition(kind Kind, f func(ctx *cue.Context, def cue.Value)) error {
	schemas.once.Do(func() {
		schemas.ctx = cuecontext.New()
		schemas.defs = map[Kind]cue.Value{}
		for _, k := range []Kind{KindProcessingContainer, KindTask} {
			def, err := definition(schemas.ctx, k)
			if err != nil {
				schemas.err = err
				return
			}
			schemas.defs[k] = def
		}
	})
	if schemas.err != nil {
		return schemas.err
	}
	schemas.mu.Lock()
	defer schemas.mu.Unlock()
	f(schemas.ctx, schemas.defs[kind])
	return nil
}
