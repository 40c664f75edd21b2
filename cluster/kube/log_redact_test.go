package kube

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

type replacer struct{ r *strings.Replacer }

func (r replacer) Scrub(s string) string { return r.r.Replace(s) }

func TestLogRedactsOnceSet(t *testing.T) {
	var buf bytes.Buffer
	c := &Config{Logger: slog.New(slog.NewTextHandler(&buf, nil))}
	log := c.Log()
	log.Info("before s3cret")
	c.SetRedactor(replacer{strings.NewReplacer("s3cret", "***")})
	log.Info("rejected s3cret", "err", errors.New("value s3cret"), slog.Group("x", "y", "s3cret"))
	c.SetRedactor(nil)
	log.Info("after s3cret")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines:\n%s", len(lines), buf.String())
	}
	if !strings.Contains(lines[0], "before s3cret") || !strings.Contains(lines[2], "after s3cret") {
		t.Errorf("text logged without a redactor changed:\n%s", buf.String())
	}
	if strings.Contains(lines[1], "s3cret") {
		t.Errorf("redacted line still holds the secret: %s", lines[1])
	}
	for _, want := range []string{`msg="rejected ***"`, `err="value ***"`, "x.y=***"} {
		if !strings.Contains(lines[1], want) {
			t.Errorf("redacted line %s lacks %s", lines[1], want)
		}
	}
}
