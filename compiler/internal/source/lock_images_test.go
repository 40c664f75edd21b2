package source

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLockImages(t *testing.T) {
	a, b := "sha256:"+strings.Repeat("a", 64), "sha256:"+strings.Repeat("b", 64)
	chart := "- chart: app\n  constraint: 1.0.0\n  digest: " + a + "\n  location: charts/app\n  source: local\n  version: 1.0.0\n"
	v1 := "# pono.lock: chart versions and digests resolved by pono. Commit this file.\ncharts:\n" + chart + "version: 1\n"
	v2 := "# pono.lock: chart versions and digests resolved by pono. Commit this file.\ncharts:\n" + chart +
		"images:\n- digest: " + a + "\n  file: /processing-container.json\n  image: reg/pc:1.0\n  sha256: " + b + "\nversion: 2\n"

	t.Run("a version 1 lock is read and written unchanged", func(t *testing.T) {
		l, probs := ParseLock([]byte(v1), "pono.lock")
		if len(probs) > 0 {
			t.Fatal(probs)
		}
		out, err := l.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(v1, string(out)); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	})
	t.Run("images make version 2", func(t *testing.T) {
		l, probs := ParseLock([]byte(v2), "pono.lock")
		if len(probs) > 0 {
			t.Fatal(probs)
		}
		if e, ok := l.FindImage("reg/pc:1.0", "/processing-container.json"); !ok || e.Digest != a || e.SHA256 != b {
			t.Errorf("FindImage = %+v, %v", e, ok)
		}
		out, err := l.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(v2, string(out)); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	})
	t.Run("problems", func(t *testing.T) {
		for _, c := range []struct{ in, want string }{
			{strings.Replace(v2, "version: 2", "version: 1", 1), "pono.lock:10:1: pono.lock: images need lock version 2, and the file says version 1 (a hand-edited file?)"},
			{strings.Replace(v2, "  sha256: "+b, "  sha256: xyz", 1), `pono.lock:13:3: pono.lock: image entry 1 (reg/pc:1.0): sha256 "xyz" is not sha256: and 64 hex digits`},
			{strings.Replace(v2, "  file: /processing-container.json\n", "", 1), "pono.lock:10:3: pono.lock: image entry 1 lacks file (a truncated or hand-edited file?)"},
			{strings.Replace(v1, "\nversion: 1\n", "\nimages: {}\nversion: 2\n", 1), "pono.lock:9:9: pono.lock: images must be a list of entries, not a mapping"},
		} {
			_, probs := ParseLock([]byte(c.in), "pono.lock")
			if len(probs) != 1 || probs[0].String() != c.want {
				t.Errorf("problems %v, want %q", probs, c.want)
			}
		}
	})
	t.Run("diff says the tag moved", func(t *testing.T) {
		old := &Lock{Images: []ImageEntry{{Image: "reg/pc:1.0", File: "/processing-container.json", Digest: a, SHA256: b}}}
		cur := &Lock{Images: []ImageEntry{{Image: "reg/pc:1.0", File: "/processing-container.json", Digest: b, SHA256: b}}}
		want := []string{"change image reg/pc:1.0: the tag moved from " + a + " to " + b + " (/processing-container.json " + b + " -> " + b + ")"}
		if d := cmp.Diff(want, old.Diff(cur)); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	})
}
