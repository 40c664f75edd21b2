package mask

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIsCredentialName(t *testing.T) {
	for name, want := range map[string]bool{
		"credentials_minio_password": true, "credentials_registry_username": false, "oidc_client_secret": true,
		"password": true, "admin_password": true, "db_user": false, "secret": true, "greeting": false, "secretary": false,
	} {
		if got := IsCredentialName(name); got != want {
			t.Errorf("IsCredentialName(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestSetValuesAndScrub(t *testing.T) {
	s := New()
	values := map[string]any{
		"global": map[string]any{"pw": "hunter2-long", "user": "bob", "dsn": "db://bob:hunter2-long@db"},
		"auth":   map[string]any{"tokens": []any{"tok-aaa", "tok-bbb"}},
	}
	s.Add(values, []string{"global.pw", "auth.tokens"})
	got := s.Values(values, nil)
	want := map[string]any{
		"global": map[string]any{"pw": Hidden, "user": "bob", "dsn": "db://bob:" + Hidden + "@db"},
		"auth":   map[string]any{"tokens": Hidden},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Values (-want +got):\n%s", d)
	}
	b64 := base64.StdEncoding.EncodeToString([]byte("hunter2-long"))
	if out := s.Scrub("a " + b64 + " b tok-bbb"); strings.Contains(out, b64) || strings.Contains(out, "tok-bbb") {
		t.Errorf("Scrub left a secret: %s", out)
	}
	if !s.Sensitive("auth.tokens[1]") || s.Sensitive("global.user") {
		t.Error("Sensitive misjudges a path")
	}
}

func TestMarkerIsSaltedAndStable(t *testing.T) {
	a, b := Marker("p\x00r\x00x", "pw"), Marker("p\x00r\x00x", "pw")
	if a != b || !strings.HasPrefix(a, "(sensitive) sha256:") || len(a) != len("(sensitive) sha256:")+64 {
		t.Errorf("marker %q, %q", a, b)
	}
	if Marker("p\x00r\x00y", "pw") == a || Marker("p\x00r\x00x", "pw2") == a {
		t.Error("the marker ignores its salt or value")
	}
	if strings.Contains(a, "pw") && !strings.Contains(a, "sha256") {
		t.Error("the marker holds the value")
	}
}

func TestSecretMarkersAndDiff(t *testing.T) {
	body := map[string]any{"kind": "Secret", "data": map[string]any{"k": "c2VjcmV0"}, "stringData": map[string]any{"p": "plain"}}
	m := SecretMarkers(body, "salt")
	if d, _ := m["data"].(map[string]any); !strings.HasPrefix(d["k"].(string), "(sensitive) sha256:") {
		t.Errorf("data not marked: %v", m)
	}
	if body["data"].(map[string]any)["k"] != "c2VjcmV0" {
		t.Error("SecretMarkers changed its input")
	}
	other := map[string]any{"kind": "Secret", "data": map[string]any{"k": "b3RoZXI="}, "stringData": map[string]any{"p": "plain"}}
	_, mb, keys := SecretDiff(body, other)
	if d := cmp.Diff([]string{"data.k"}, keys); d != "" {
		t.Errorf("changed keys (-want +got):\n%s", d)
	}
	if mb["stringData"].(map[string]any)["p"] != "(hidden, unchanged)" {
		t.Errorf("unchanged key: %v", mb)
	}
}

// Every form a secret takes in text is scrubbed: raw, URL-encoded, and
// base64 whole or inside a larger blob at any of the three alignments.
func TestScrubForms(t *testing.T) {
	const secret = "PSCAN global@pw 81"
	s := New()
	s.Add(map[string]any{"pw": secret}, []string{"pw"})
	texts := map[string]string{
		"raw":          "dsn=db://u:" + secret + "@db",
		"url-encoded":  "next=" + url.QueryEscape(secret),
		"path-encoded": "https://h/" + url.PathEscape(secret) + "/x",
	}
	for alphabet, e := range map[string]*base64.Encoding{"std": base64.StdEncoding, "url": base64.URLEncoding} {
		texts["base64 "+alphabet] = "data: " + e.EncodeToString([]byte(secret))
		for k := range 3 {
			blob := e.EncodeToString([]byte(strings.Repeat("x", k) + secret + "tail"))
			texts[fmt.Sprintf("base64 %s offset %d", alphabet, k)] = `{"auth":"` + blob + `"}`
		}
	}
	for name, text := range texts {
		out := s.Scrub(text)
		if !strings.Contains(out, Hidden) {
			t.Errorf("%s: nothing hidden in %q", name, out)
		}
		for k := range 3 {
			for _, e := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
				enc := e.EncodeToString([]byte(strings.Repeat("x", k) + secret))
				for _, needle := range []string{secret, url.QueryEscape(secret), url.PathEscape(secret), enc[(k*4+2)/3 : len(enc)-4]} {
					if strings.Contains(out, needle) {
						t.Errorf("%s: %q still holds %q", name, out, needle)
					}
				}
			}
		}
	}
}

// Secrets that would rewrite unrelated text are hidden where they stand
// but not searched for: short ones, YAML's boolean words, booleans.
func TestScrubSkipsAmbiguousSecrets(t *testing.T) {
	vals := map[string]any{"a": "ab", "b": "true", "c": "Yes", "d": true, "e": "off", "port": float64(8443), "list": []any{"k-one", false}}
	paths := []string{"a", "b", "c", "d", "e", "port", "list"}
	s := New()
	s.Add(vals, paths)
	for text, want := range map[string]string{
		"ab stays, enabled: true, yes: Yes, tls: off": "ab stays, enabled: true, yes: Yes, tls: off",
		"listen on 8443 with k-one, debug false":      "listen on (hidden) with (hidden), debug false",
	} {
		if got := s.Scrub(text); got != want {
			t.Errorf("Scrub(%q) = %q, want %q", text, got, want)
		}
	}
	got := s.Values(vals, nil)
	for _, p := range paths {
		if got[p] != Hidden {
			t.Errorf("Values: %s = %v, want %s", p, got[p], Hidden)
		}
	}
}
