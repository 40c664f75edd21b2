package apply

import (
	"bytes"
	"encoding/base64"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/pono-gitops/pono/cluster/kube"
)

// The engine hides sensitive values as the compile output and diff do
// (compiler/mask): in a result's error and in the debug log, raw and
// encoded; short values and boolean words are not searched for, so the
// rest of a message stays readable.
func TestRunRedactsSensitiveValues(t *testing.T) {
	res := testPlatform(rel{name: "a"})
	res.Releases[0].Values = map[string]any{"global": map[string]any{
		"token": "s3cr3t", "keys": []any{"k-one", "k-two"}, "port": float64(8443), "short": "ab", "tls": "true", "public": "s3cr3t-not",
	}}
	res.Releases[0].Sensitive = []string{"global.token", "global.keys", "global.port", "global.short", "global.tls", "global.missing"}
	f := newFakeReleaser()
	quoted := `Invalid value: "s3cr3t" and k-one, ` + base64.StdEncoding.EncodeToString([]byte("k-two")) + ` on 8443; ab stays, tls: true`
	f.fail = failing("install", 9, false, errors.New(quoted))
	var logged bytes.Buffer
	a, cs := testApply(f)
	a.cfg = &kube.Config{Logger: slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))}
	a.Retries, a.kube = 0, cs

	got := resultNamed(t, run(t, a, res), "a").Error
	want := `Invalid value: "(hidden)" and (hidden), (hidden) on (hidden); ab stays, tls: true`
	if !strings.Contains(got, want) {
		t.Errorf("result error = %q, want it to hold %q", got, want)
	}
	if !strings.Contains(logged.String(), "(hidden) on (hidden)") {
		t.Errorf("the debug log lacks the redacted error:\n%s", logged.String())
	}
	for _, secret := range []string{"s3cr3t", "k-one", "8443"} {
		if strings.Contains(got, secret) || strings.Contains(logged.String(), secret) {
			t.Errorf("%s leaked:\nerror %s\nlog %s", secret, got, logged.String())
		}
	}
}

func TestFailedErrorNamesEachRelease(t *testing.T) {
	err := &FailedError{Releases: []ReleaseResult{
		{Name: "a", Action: "install", Error: "rejected"},
		{Name: "b", Action: "upgrade", Error: "not attempted: it needs a, which failed"},
	}}
	want := "2 release(s) failed:\n  a (install): rejected\n  b (upgrade): not attempted: it needs a, which failed"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err.Error(), want)
	}
}
