package taskapi

import (
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
)

// compiledSchemas are the Task API definitions compiled in one context.
// Compiling them costs more than checking a document (a workflow checks
// one processing-container.json per container), so they are reused; a
// cue.Context is not safe for concurrent use, so each concurrent check
// takes its own from the pool, and the pool lets idle ones go (a context
// grows with every document checked in it).
type compiledSchemas struct {
	ctx  *cue.Context
	defs map[Kind]cue.Value
}

var schemaPool sync.Pool

// withDefinition runs f with the compiled definition of kind and the
// context it lives in, which no other call uses meanwhile.
func withDefinition(kind Kind, f func(ctx *cue.Context, def cue.Value)) error {
	s, _ := schemaPool.Get().(*compiledSchemas)
	if s == nil {
		s = &compiledSchemas{ctx: cuecontext.New(), defs: map[Kind]cue.Value{}}
		for _, k := range []Kind{KindProcessingContainer, KindTask} {
			def, err := definition(s.ctx, k)
			if err != nil {
				return err
			}
			s.defs[k] = def
		}
	}
	defer schemaPool.Put(s)
	f(s.ctx, s.defs[kind])
	return nil
}
