package source

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/compiler/internal/spec"
	"github.com/pono-gitops/pono/internal/safefs"
)

func problemStrings(r *Resolver) []string {
	var out []string
	for _, p := range r.Problems() {
		out = append(out, p.String())
	}
	return out
}

// Path sources may not leave the platform directory (lexically, as an
// absolute path, or through a link) unless the caller opts in.
func TestPathSourceConfined(t *testing.T) {
	base := t.TempDir()
	platform := filepath.Join(base, "platform")
	writeFile(t, filepath.Join(base, "elsewhere", "app", "Chart.yaml"), "apiVersion: v2\nname: app\nversion: 1.0.0\n")
	writeFile(t, filepath.Join(platform, "charts", "inside", "Chart.yaml"), "apiVersion: v2\nname: inside\nversion: 1.0.0\n")
	if err := os.Symlink("../elsewhere", filepath.Join(platform, "linked")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("charts", filepath.Join(platform, "alias")); err != nil {
		t.Fatal(err)
	}
	r := New(Options{PlatformDir: platform})
	for _, p := range []string{"../elsewhere", filepath.Join(base, "elsewhere"), "linked", "charts/../../elsewhere"} {
		err := r.CheckPath(spec.Source{Path: p})
		if !errors.Is(err, ErrOutside) || !strings.HasPrefix(err.Error(), `path "`+p+`" leads outside the platform directory `+platform) {
			t.Errorf("%s: got %v", p, err)
		}
		if _, err := r.Resolve(context.Background(), Request{SourceName: "s", Source: spec.Source{Path: p}, Chart: "app", Constraint: "*"}); !errors.Is(err, ErrReported) {
			t.Errorf("%s: Resolve: got %v, want the error marked as reported at the source", p, err)
		}
	}
	for _, p := range []string{"charts", "alias", "./charts/inside"} {
		if err := r.CheckPath(spec.Source{Path: p}); err != nil {
			t.Errorf("%s: got %v, want it accepted", p, err)
		}
	}
	// In git modes the repository is the boundary.
	if err := New(Options{PlatformDir: platform, Root: base}).CheckPath(spec.Source{Path: "../elsewhere"}); err != nil {
		t.Errorf("inside the repository: %v", err)
	}
	if err := New(Options{PlatformDir: platform, Root: platform}).CheckPath(spec.Source{Path: "/etc"}); err == nil || !strings.Contains(err.Error(), "leads outside the repository") {
		t.Errorf("outside the repository: %v", err)
	}
	// Opted in, the external source resolves, confined to its own directory.
	got, err := New(Options{PlatformDir: platform, AllowExternal: true}).Resolve(context.Background(), Request{SourceName: "s", Source: spec.Source{Path: "../elsewhere"}, Chart: "app", Constraint: "*"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Entry.Location != "../elsewhere/app" {
		t.Errorf("location %q", got.Entry.Location)
	}
}

// A chart file linked out of the platform is refused when the chart loads.
func TestPathSourceChartLinkOut(t *testing.T) {
	base := t.TempDir()
	platform := filepath.Join(base, "platform")
	writeFile(t, filepath.Join(base, "token"), "secret")
	writeFile(t, filepath.Join(platform, "charts", "app", "Chart.yaml"), "apiVersion: v2\nname: app\nversion: 1.0.0\n")
	if err := os.Symlink(filepath.Join(base, "token"), filepath.Join(platform, "charts", "app", "files.txt")); err != nil {
		t.Fatal(err)
	}
	_, err := New(Options{PlatformDir: platform}).Resolve(context.Background(), Request{SourceName: "s", Source: spec.Source{Path: "charts"}, Chart: "app", Constraint: "*"})
	var le *safefs.LinkError
	if !errors.As(err, &le) || le.Target != filepath.Join(base, "token") {
		t.Errorf("got %v, want the link named", err)
	}
}

// One unreadable archive or Chart.yaml is one problem at the file; the
// other charts of the source resolve.
func TestPathSourceBrokenEntries(t *testing.T) {
	platform := t.TempDir()
	charts := filepath.Join(platform, "charts")
	writeFile(t, filepath.Join(charts, "good-1.0.0.tgz"), string(packageChart(t, "good", "1.0.0")))
	writeFile(t, filepath.Join(charts, "bad-1.0.0.tgz"), "not an archive")
	writeFile(t, filepath.Join(charts, "broken", "Chart.yaml"), "name: broken\nversion: [1\n")
	writeFile(t, filepath.Join(charts, "empty", "Chart.yaml"), "")
	writeFile(t, filepath.Join(charts, "nameless", "Chart.yaml"), "version: 1.0.0\n")
	writeFile(t, filepath.Join(charts, "nover", "Chart.yaml"), "apiVersion: v2\nname: nover\nname: nover\n")
	writeFile(t, filepath.Join(charts, "list", "Chart.yaml"), "- a\n")
	writeFile(t, filepath.Join(charts, "dups", "Chart.yaml"), "apiVersion: v2\nname: dups\nversion: 1.0.0\nversion: 1.0.0\n")
	writeFile(t, filepath.Join(charts, "dups", "values.yaml"), "a: 1\nb:\n  c: 1\n  c: 2\na: 2\n")
	r := New(Options{PlatformDir: platform})
	for _, chart := range []string{"good", "dups"} {
		if _, err := r.Resolve(context.Background(), Request{SourceName: "s", Source: spec.Source{Path: "charts"}, Chart: chart, Constraint: "*"}); err != nil {
			t.Errorf("%s: %v", chart, err)
		}
	}
	for _, chart := range []string{"bad", "broken"} {
		if _, err := r.Resolve(context.Background(), Request{SourceName: "s", Source: spec.Source{Path: "charts"}, Chart: chart, Constraint: "*"}); !errors.Is(err, ErrReported) {
			t.Errorf("%s: got %v, want it left to the problem at the file", chart, err)
		}
	}
	c := func(s string) string { return filepath.Join(charts, s) }
	want := []string{
		c("bad-1.0.0.tgz") + ": not a chart archive: a .tgz must be gzip-compressed, and this file is not",
		c("broken/Chart.yaml") + ":2: Chart.yaml is not valid YAML: did not find expected ',' or ']'",
		c("empty/Chart.yaml") + ": Chart.yaml is empty: a chart needs at least name and version",
		c("list/Chart.yaml") + ":1:1: Chart.yaml must be a mapping of fields (name, version, ...), not a list",
		c("nameless/Chart.yaml") + ": Chart.yaml has no name: every chart needs one",
		c("nover/Chart.yaml") + ": Chart.yaml of chart nover has no version: every chart needs one",
		c("dups/Chart.yaml") + `:4:1: warning: duplicate key "version" (also on line 3): the last one wins`,
		c("dups/values.yaml") + `:4:3: warning: duplicate key "b.c" (also on line 3): the last one wins`,
		c("dups/values.yaml") + `:5:1: warning: duplicate key "a" (also on line 1): the last one wins`,
		c("nover/Chart.yaml") + `:3:1: warning: duplicate key "name" (also on line 2): the last one wins`,
	}
	if diff := cmp.Diff(want, problemStrings(r)); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// A chart whose content changed under the version the lock pins is an
// error unless the lock is being updated.
func TestLockedDigestChanged(t *testing.T) {
	platform := t.TempDir()
	writeFile(t, filepath.Join(platform, "charts", "app", "Chart.yaml"), "apiVersion: v2\nname: app\nversion: 1.0.0\n")
	req := Request{SourceName: "s", Source: spec.Source{Path: "charts"}, Chart: "app", Constraint: "1.0.0"}
	first, err := New(Options{PlatformDir: platform}).Resolve(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	lock := NewLock([]LockEntry{first.Entry})
	writeFile(t, filepath.Join(platform, "charts", "app", "templates", "new.yaml"), "kind: ConfigMap\n")
	_, err = New(Options{PlatformDir: platform, Lock: lock}).Resolve(context.Background(), req)
	if err == nil || !strings.Contains(err.Error(), "chart app 1.0.0 at charts/app is not the chart pono.lock pinned") || !strings.Contains(err.Error(), "run pono lock update, or pass --update-lock") {
		t.Errorf("got %v", err)
	}
	again, err := New(Options{PlatformDir: platform, Lock: lock, UpdateLock: true}).Resolve(context.Background(), req)
	if err != nil || again.Entry.Digest == first.Entry.Digest {
		t.Errorf("update lock: %v, digest %s", err, again.Entry.Digest)
	}
}
