package apply

import (
	"testing"

	"github.com/pono-gitops/pono/compiler"
)

func TestRedactorHidesSensitiveValues(t *testing.T) {
	res := &compiler.Result{Releases: []compiler.Release{{
		Name: "a",
		Values: map[string]any{"global": map[string]any{
			"token": "s3cr3t", "keys": []any{"k-one", "k-two"}, "port": float64(8443), "short": "ab", "public": "s3cr3t-not",
		}},
		Sensitive: []string{"global.token", "global.keys", "global.port", "global.short", "global.missing"},
	}}}
	r := newRedactor(res)
	got := r.String(`Invalid value: "s3cr3t" and k-one, k-two on 8443; ab stays`)
	want := `Invalid value: "***" and ***, *** on ***; ab stays`
	if got != want {
		t.Errorf("redact = %q, want %q", got, want)
	}
}

func TestFailedErrorNamesEachRelease(t *testing.T) {
	err := &FailedError{Releases: []Result{
		{Name: "a", Action: "install", Error: "rejected"},
		{Name: "b", Action: "upgrade", Error: "not attempted: it needs a, which failed"},
	}}
	want := "2 release(s) failed:\n  a (install): rejected\n  b (upgrade): not attempted: it needs a, which failed"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}
