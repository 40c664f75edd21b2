package source

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/pono-gitops/pono/compiler/internal/spec"
	"github.com/pono-gitops/pono/internal/helmchart"
	"github.com/pono-gitops/pono/test/registry"
)

// packageChart writes a chart directory and returns its .tgz bytes.
func packageChart(t *testing.T, name, version string) []byte {
	t.Helper()
	return packageChartWith(t, name, version, nil)
}

// packageChartWith is packageChart with extra files.
func packageChartWith(t *testing.T, name, version string, extra map[string]string) []byte {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	files := map[string]string{
		"Chart.yaml":               fmt.Sprintf("apiVersion: v2\nname: %s\nversion: %s\ndescription: d\nkeywords: [kaapanaapplication]\n", name, version),
		"values.yaml":              "global: {}\n",
		"templates/configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: services\n",
	}
	for f, c := range extra {
		files[f] = c
	}
	for f, c := range files {
		p := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ch, err := helmchart.LoadDir(dir, helmchart.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := helmchart.Package(ch)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// repoServer serves a Helm HTTP repository and counts requests.
type repoServer struct {
	*httptest.Server
	files    map[string][]byte
	requests atomic.Int64
}

func newRepoServer(t *testing.T, charts map[string][]byte, badDigest bool) *repoServer {
	t.Helper()
	rs := &repoServer{files: map[string][]byte{}}
	var index strings.Builder
	index.WriteString("apiVersion: v1\nentries:\n  app:\n")
	for file, b := range charts {
		rs.files["/charts/"+file] = b
		version := strings.TrimSuffix(strings.TrimPrefix(file, "app-"), ".tgz")
		digest := strings.TrimPrefix(helmchart.ArchiveDigest(b), "sha256:")
		if badDigest {
			digest = strings.Repeat("0", 64)
		}
		fmt.Fprintf(&index, "  - name: app\n    version: %s\n    digest: %s\n    urls: [charts/%s]\n", version, digest, file)
	}
	rs.files["/index.yaml"] = []byte(index.String())
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.requests.Add(1)
		b, ok := rs.files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(rs.Close)
	return rs
}

func TestHTTPRepository(t *testing.T) {
	ctx := context.Background()
	srv := newRepoServer(t, map[string][]byte{
		"app-1.0.0.tgz": packageChart(t, "app", "1.0.0"),
		"app-1.1.0.tgz": packageChart(t, "app", "1.1.0"),
		"app-2.0.0.tgz": packageChart(t, "app", "2.0.0"),
	}, false)
	cache := t.TempDir()
	req := Request{SourceName: "repo", Source: spec.Source{Repo: srv.URL}, Chart: "app", Constraint: "^1"}

	r := New(Options{PlatformDir: t.TempDir(), CacheDir: cache})
	got, err := r.Resolve(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if got.Entry.Version != "1.1.0" || got.Chart.Version() != "1.1.0" {
		t.Fatalf("resolved %s, want the highest 1.x, 1.1.0", got.Entry.Version)
	}
	if got.Entry.Location != srv.URL+"/charts/app-1.1.0.tgz" {
		t.Errorf("location = %q", got.Entry.Location)
	}
	if got.Entry.Digest != helmchart.ArchiveDigest(srv.files["/charts/app-1.1.0.tgz"]) {
		t.Errorf("digest = %s, want the archive's sha256", got.Entry.Digest)
	}

	// With the lock and the cache, a second resolve touches no network,
	// online or offline.
	lock := NewLock([]LockEntry{got.Entry})
	before := srv.requests.Load()
	for _, offline := range []bool{false, true} {
		r2 := New(Options{PlatformDir: t.TempDir(), CacheDir: cache, Lock: lock, Offline: offline})
		again, err := r2.Resolve(ctx, req)
		if err != nil {
			t.Fatalf("offline=%v: %v", offline, err)
		}
		if again.Entry != got.Entry {
			t.Errorf("offline=%v: entry %+v, want %+v", offline, again.Entry, got.Entry)
		}
	}
	if n := srv.requests.Load() - before; n != 0 {
		t.Errorf("locked, cached resolves made %d HTTP requests, want 0", n)
	}

	// A locked version is kept even when a newer one satisfies the range.
	old := LockEntry{Source: "repo", Chart: "app", Constraint: "^1", Version: "1.0.0"}
	r3 := New(Options{PlatformDir: t.TempDir(), CacheDir: t.TempDir(), Lock: NewLock([]LockEntry{old})})
	pinned, err := r3.Resolve(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if pinned.Entry.Version != "1.0.0" {
		t.Errorf("with 1.0.0 locked, resolved %s", pinned.Entry.Version)
	}

	// Offline without a cache entry fails and says why.
	r4 := New(Options{PlatformDir: t.TempDir(), CacheDir: t.TempDir(), Offline: true})
	if _, err := r4.Resolve(ctx, req); err == nil || !strings.Contains(err.Error(), "offline") {
		t.Errorf("offline without cache: err = %v, want an offline error", err)
	}

	// No version in range.
	r5 := New(Options{PlatformDir: t.TempDir(), CacheDir: t.TempDir()})
	req.Constraint = ">=3"
	if _, err := r5.Resolve(ctx, req); err == nil || !strings.Contains(err.Error(), `no version satisfies ">=3" (available: 1.0.0, 1.1.0, 2.0.0)`) {
		t.Errorf("err = %v", err)
	}
}

func TestHTTPRepositoryDigestMismatch(t *testing.T) {
	srv := newRepoServer(t, map[string][]byte{"app-1.0.0.tgz": packageChart(t, "app", "1.0.0")}, true)
	r := New(Options{PlatformDir: t.TempDir(), CacheDir: t.TempDir()})
	_, err := r.Resolve(context.Background(), Request{SourceName: "repo", Source: spec.Source{Repo: srv.URL}, Chart: "app", Constraint: "1.0.0"})
	if err == nil || !strings.Contains(err.Error(), "does not match the repository index") {
		t.Fatalf("err = %v, want a digest mismatch", err)
	}
}

func TestOCIRegistry(t *testing.T) {
	reg := registry.Start(t)
	ref := "oci://" + reg.Addr + "/charts"
	opts := helmchart.OCIOptions{PlainHTTP: true}
	for _, v := range []string{"0.1.0", "0.1.5", "0.2.0"} {
		if err := helmchart.OCIPush(ref, packageChart(t, "app", v), opts); err != nil {
			t.Fatalf("push %s: %v", v, err)
		}
	}
	ctx := context.Background()
	cache := t.TempDir()
	req := Request{SourceName: "oci", Source: spec.Source{OCI: ref, PlainHTTP: true}, Chart: "app", Constraint: "~0.1"}
	got, err := New(Options{PlatformDir: t.TempDir(), CacheDir: cache}).Resolve(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if got.Entry.Version != "0.1.5" || got.Entry.Location != ref+"/app:0.1.5" {
		t.Fatalf("entry = %+v, want app 0.1.5", got.Entry)
	}
	if !strings.HasPrefix(got.Entry.Digest, "sha256:") {
		t.Errorf("digest = %q", got.Entry.Digest)
	}

	// The registry goes away: lock + cache still resolve, offline too.
	reg.Stop()
	lock := NewLock([]LockEntry{got.Entry})
	again, err := New(Options{PlatformDir: t.TempDir(), CacheDir: cache, Lock: lock, Offline: true}).Resolve(ctx, req)
	if err != nil {
		t.Fatalf("offline from cache: %v", err)
	}
	if again.Chart.Digest != got.Chart.Digest {
		t.Errorf("cached digest %s, want %s", again.Chart.Digest, got.Chart.Digest)
	}
	// Without the cache the stopped registry is needed, and its absence is reported.
	if _, err := New(Options{PlatformDir: t.TempDir(), CacheDir: t.TempDir()}).Resolve(ctx, req); err == nil {
		t.Error("resolve with the registry stopped and no cache: want an error")
	}
}

// A repository that republishes a locked version with other content is
// refused, before and after download; --update-lock accepts it.
func TestHTTPRepositoryRepublished(t *testing.T) {
	ctx := context.Background()
	first := newRepoServer(t, map[string][]byte{"app-1.0.0.tgz": packageChart(t, "app", "1.0.0")}, false)
	req := Request{SourceName: "repo", Source: spec.Source{Repo: first.URL}, Chart: "app", Constraint: "1.0.0"}
	got, err := New(Options{PlatformDir: t.TempDir(), CacheDir: t.TempDir()}).Resolve(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	lock := NewLock([]LockEntry{got.Entry})
	// Same name and version, other content (packageChart's archive differs by the extra file).
	other := packageChartWith(t, "app", "1.0.0", map[string]string{"templates/extra.yaml": "kind: ConfigMap\n"})
	second := newRepoServer(t, map[string][]byte{"app-1.0.0.tgz": other}, false)
	req.Source.Repo = second.URL
	_, err = New(Options{PlatformDir: t.TempDir(), CacheDir: t.TempDir(), Lock: lock}).Resolve(ctx, req)
	if err == nil || !strings.Contains(err.Error(), "is not the chart pono.lock pinned") {
		t.Errorf("republished: got %v", err)
	}
	if _, err := New(Options{PlatformDir: t.TempDir(), CacheDir: t.TempDir(), Lock: lock, UpdateLock: true}).Resolve(ctx, req); err != nil {
		t.Errorf("--update-lock: %v", err)
	}
	// Offline, the lock names what is missing from the cache.
	_, err = New(Options{PlatformDir: t.TempDir(), CacheDir: "/nonexistent-cache", Lock: lock, Offline: true}).Resolve(ctx, req)
	if err == nil || !strings.HasPrefix(err.Error(), `offline: pono.lock pins chart "app" 1.0.0 (`+got.Entry.Digest+"), but the chart cache /nonexistent-cache does not hold it") {
		t.Errorf("offline: got %v", err)
	}
}
