package gitrepo

import (
	"strings"
	"testing"
	"time"
)

const (
	testKeyA = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBLI0jXB/Qlc2jT90dHNfN34Ro7ACgqgTrzbBxjYOsoy"
	testKeyB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIEGAqgoLD0cV7lISHKWfMAVJ6c0cvSyJButSAvR32w0"
)

func TestParseAllowedSigners(t *testing.T) {
	t.Parallel()
	file := strings.Join([]string{
		"# team keys",
		"",
		"alice@example.org " + testKeyA + " alice's laptop",
		`"bob@example.org,robert@example.org" namespaces="git,file",valid-after="20240101Z" ` + testKeyB,
	}, "\n")
	signers, err := parseAllowedSigners([]byte(file))
	if err != nil {
		t.Fatal(err)
	}
	if len(signers) != 2 {
		t.Fatalf("got %d signers, want 2", len(signers))
	}
	a, b := signers[0], signers[1]
	if a.principals != "alice@example.org" || a.line != 3 || len(a.namespaces) != 0 {
		t.Errorf("alice = %+v", a)
	}
	if b.principals != "bob@example.org,robert@example.org" || strings.Join(b.namespaces, ",") != "git,file" {
		t.Errorf("bob = %+v", b)
	}
	if want := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC); !b.validAfter.Equal(want) {
		t.Errorf("bob valid-after = %v, want %v", b.validAfter, want)
	}

	ok, why := b.matches(b.key, "git", time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC))
	if ok || !strings.Contains(why, "only after") {
		t.Errorf("bob before valid-after: matches = %v, %q", ok, why)
	}
	if ok, why := b.matches(b.key, "git", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)); !ok {
		t.Errorf("bob in 2025 for git: not trusted: %s", why)
	}
	if ok, why := b.matches(b.key, "email", time.Now()); ok || !strings.Contains(why, "namespaces") {
		t.Errorf("bob for namespace email: matches = %v, %q", ok, why)
	}
	if ok, _ := a.matches(b.key, "git", time.Now()); ok {
		t.Error("alice's line trusts bob's key")
	}
}

func TestParseAllowedSignersErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ line, wantErr string }{
		{"alice@example.org", "want: principals"},
		{"alice@example.org ssh-ed25519 not-base64!", "read the key"},
		{`alice@example.org colour="blue" ` + testKeyA, `unknown option "colour"`},
		{`alice@example.org valid-before="tomorrow" ` + testKeyA, "want YYYYMMDD"},
		{`"alice@example.org ` + testKeyA, "unterminated quote"},
	}
	for _, tt := range tests {
		_, err := parseAllowedSigners([]byte("# ok\n" + tt.line + "\n"))
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("parse %q: error = %v, want one naming line 2 and containing %q", tt.line, err, tt.wantErr)
		}
	}
}

func TestMatchAny(t *testing.T) {
	t.Parallel()
	tests := []struct {
		patterns []string
		name     string
		want     bool
	}{
		{[]string{"git"}, "git", true},
		{[]string{"file", "git"}, "git", true},
		{[]string{"g*"}, "git", true},
		{[]string{"*", "!git"}, "git", false},
		{[]string{"file"}, "git", false},
	}
	for _, tt := range tests {
		if got := matchAny(tt.patterns, tt.name); got != tt.want {
			t.Errorf("matchAny(%q, %q) = %v, want %v", tt.patterns, tt.name, got, tt.want)
		}
	}
}
