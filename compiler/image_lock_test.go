package compiler_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/test/ociimages"
	"github.com/pono-gitops/pono/test/registry"
)

const fromImagePlatform = `name: wf
registry:
  url: REGISTRY/kaapana
globals:
  kaapana_build_version: "0.6.0"
workflows:
  seg:
    labels: {provider: pono, category: tests}
    containers:
      segment:
        processing_container: {from_image: true}
    tasks:
      run:
        container: segment
        template: TEMPLATE
`

func pcWith(templates ...string) string {
	var ts []string
	for _, t := range templates {
		ts = append(ts, `{"identifier": "`+t+`", "description": "d", "env": [], "inputs": [], "outputs": []}`)
	}
	return `{"name": "segment", "description": "d", "templates": [` + strings.Join(ts, ", ") + `]}`
}

// TestWorkflowPCFromImage: a workflow container's processing-container.json
// read from its image in a real registry, pinned by the image's digest in
// pono.lock; --locked fails once the tag moves, --offline works from the
// lock and the cache with the registry gone, and the lock diff of a base
// and a head compile (pono diff) reports the moved tag.
func TestWorkflowPCFromImage(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a local registry")
	}
	reg := registry.Start(t)
	ctx := context.Background()
	image := reg.Addr + "/kaapana/segment:0.6.0"
	d1 := ociimages.Push(t, ociimages.Busybox(t, ociimages.Files(t, map[string]string{"processing-container.json": pcWith("run")})), image)

	dir := t.TempDir()
	write := func(template string) {
		p := strings.NewReplacer("REGISTRY", reg.Addr, "TEMPLATE", template).Replace(fromImagePlatform)
		if err := os.WriteFile(filepath.Join(dir, "platform.yaml"), []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("run")
	cache := t.TempDir()
	compile := func(mod func(*compiler.Compile)) (*compiler.Result, error) {
		c := compiler.NewCompile(&compiler.Config{CacheDir: cache})
		if mod != nil {
			mod(c)
		}
		return c.Run(ctx, dir)
	}
	res, err := compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Write(ctx, compiler.Output{Dir: filepath.Join(t.TempDir(), "out"), PlatformDir: dir, WriteLock: true}); err != nil {
		t.Fatal(err)
	}
	lock, err := os.ReadFile(filepath.Join(dir, "pono.lock"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"version: 2\n", "image: " + image + "\n", "digest: " + d1.String() + "\n", "file: /processing-container.json\n", "sha256: sha256:"} {
		if !strings.Contains(string(lock), want) {
			t.Errorf("pono.lock lacks %q:\n%s", want, lock)
		}
	}
	if _, err := compile(func(c *compiler.Compile) { c.Locked = true }); err != nil {
		t.Fatalf("--locked with an unchanged tag: %v", err)
	}

	// The tag moves: the image now has a second template.
	d2 := ociimages.Push(t, ociimages.Busybox(t, ociimages.Files(t, map[string]string{"processing-container.json": pcWith("run", "extra")})), image)
	_, err = compile(func(c *compiler.Compile) { c.Locked = true })
	moved := "change image " + image + ": the tag moved from " + d1.String() + " to " + d2.String()
	if err == nil || !strings.Contains(err.Error(), "--locked, but the lock would change: "+moved) {
		t.Fatalf("--locked after the tag moved: %v, want %q", err, moved)
	}
	// pono diff compiles base and head; the base's lock pins d1, so the
	// lock diff says the tag moved although no file changed.
	base, err := compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(base.LockChanges, "\n"); !strings.Contains(got, moved) {
		t.Errorf("lock changes %q, want %q", got, moved)
	}
	head, err := compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(base.LockDiff(head), "\n"); !strings.HasPrefix(got, moved) {
		t.Errorf("lock diff %q, want %q", got, moved)
	}

	// Offline: the lock (still pinning d1) and the cache, no registry.
	reg.Stop()
	res, err = compile(func(c *compiler.Compile) { c.Offline = true })
	if err != nil {
		t.Fatalf("--offline from lock and cache: %v", err)
	}
	if len(res.Workflows) != 1 || len(res.LockChanges) != 0 {
		t.Errorf("offline compile: %d workflows, lock changes %q", len(res.Workflows), res.LockChanges)
	}
	os.RemoveAll(cache)
	_, err = compile(func(c *compiler.Compile) { c.Offline = true })
	if err == nil || !strings.Contains(err.Error(), "offline: pono.lock pins image "+image+" at "+d1.String()+", but the cache") {
		t.Errorf("offline with an empty cache: %v", err)
	}
}
