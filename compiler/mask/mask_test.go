package mask

import (
	"encoding/base64"
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
