package gitrepo

import (
	"strings"
	"testing"
)

func TestParseRef(t *testing.T) {
	t.Parallel()
	const hash = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		in   string
		want Ref
		// wantErr is a substring of the error; empty means no error.
		wantErr string
	}{
		{in: "branch:main", want: Ref{Kind: KindBranch, Name: "main"}},
		{in: "branch:feature/x", want: Ref{Kind: KindBranch, Name: "feature/x"}},
		{in: "tag:v1.2.0", want: Ref{Kind: KindTag, Name: "v1.2.0"}},
		{in: "semver:>=1.2 <2", want: Ref{Kind: KindSemver, Name: ">=1.2 <2"}},
		{in: "semver: ~1.4 ", want: Ref{Kind: KindSemver, Name: "~1.4"}},
		{in: "commit:" + hash, want: Ref{Kind: KindCommit, Name: hash}},
		{in: "commit:" + strings.ToUpper(hash), want: Ref{Kind: KindCommit, Name: hash}},
		{in: "refs/heads/main", want: Ref{Kind: KindBranch, Name: "main"}},
		{in: "refs/tags/v1", want: Ref{Kind: KindTag, Name: "v1"}},
		{in: hash, want: Ref{Kind: KindCommit, Name: hash}},
		{in: "main", want: Ref{Kind: KindAuto, Name: "main"}},
		{in: "v1.0.0", want: Ref{Kind: KindAuto, Name: "v1.0.0"}},
		{in: "HEAD", want: Ref{Kind: KindAuto, Name: "HEAD"}},
		{in: "  release/2024  ", want: Ref{Kind: KindAuto, Name: "release/2024"}},

		{in: "", wantErr: "empty git ref"},
		{in: "branch:", wantErr: "empty name"},
		{in: "semver:>=>1", wantErr: "invalid semver constraint"},
		{in: "commit:abc123", wantErr: "full 40-character hash"},
		{in: "sha:" + hash, wantErr: `unknown kind "sha"`},
		{in: "refs/pull/1/head", wantErr: "only refs/heads/ and refs/tags/"},
		{in: "main..dev", wantErr: "not a valid git ref name"},
		{in: "has space", wantErr: "cannot contain"},
		{in: "tag:v1^{}", wantErr: "cannot contain"},
		{in: "-rf", wantErr: "cannot start with -"},
		{in: "feature/.hidden", wantErr: "cannot start with ."},
	}
	for _, tt := range tests {
		got, err := ParseRef(tt.in)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseRef(%q) error = %v, want one containing %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseRef(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseRef(%q) = %#v, want %#v", tt.in, got, tt.want)
		}
		// String gives back something ParseRef reads as the same ref.
		again, err := ParseRef(got.String())
		if err != nil || again != got {
			t.Errorf("ParseRef(%q.String() = %q) = %#v, %v; want %#v", tt.in, got.String(), again, err, got)
		}
	}
}
