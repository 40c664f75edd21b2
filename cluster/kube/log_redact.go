package kube

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
)

// Helm's debug log (and the engine's) goes through a handler that hides
// the sensitive values of the platform being applied: Helm logs the API
// server's errors, which quote rejected values (an invalid label, say).

// Redactor hides sensitive values in a text: the apply engine passes the
// platform's *mask.Set (compiler/mask), the one masking pono has.
type Redactor interface {
	Scrub(text string) string
}

type redactorBox struct{ r Redactor }

// SetRedactor makes the Config's logs (Helm's included) go through r from
// now on; nil logs text as it is.
func (c *Config) SetRedactor(r Redactor) {
	if r == nil {
		c.redact.Store(nil)
		return
	}
	c.redact.Store(&redactorBox{r: r})
}

// redactingHandler rewrites the message and every string attribute of a
// record with the current redactor.
type redactingHandler struct {
	inner slog.Handler
	cur   *atomic.Pointer[redactorBox]
}

func (h *redactingHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

func (h *redactingHandler) Handle(ctx context.Context, r slog.Record) error {
	box := h.cur.Load()
	if box == nil {
		return h.inner.Handle(ctx, r)
	}
	rd := box.r
	out := slog.NewRecord(r.Time, r.Level, rd.Scrub(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(redactAttr(rd, a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

// WithAttrs attributes are fixed when a logger is derived, so they are
// redacted with the secrets known then.
func (h *redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	if box := h.cur.Load(); box != nil {
		for i := range attrs {
			attrs[i] = redactAttr(box.r, attrs[i])
		}
	}
	return &redactingHandler{inner: h.inner.WithAttrs(attrs), cur: h.cur}
}

func (h *redactingHandler) WithGroup(name string) slog.Handler {
	return &redactingHandler{inner: h.inner.WithGroup(name), cur: h.cur}
}

func redactAttr(rd Redactor, a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, rd.Scrub(v.String()))
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, rd.Scrub(err.Error()))
		}
		return slog.String(a.Key, rd.Scrub(fmt.Sprint(v.Any())))
	case slog.KindGroup:
		g := v.Group()
		out := make([]any, len(g))
		for i := range g {
			out[i] = redactAttr(rd, g[i])
		}
		return slog.Group(a.Key, out...)
	}
	return a
}
