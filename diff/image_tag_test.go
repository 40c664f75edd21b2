package diff_test

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/diff"
	"github.com/pono-gitops/pono/test/ociimages"
	"github.com/pono-gitops/pono/test/registry"
)

// A workflow container's image tag that moved in the registry, with no
// commit, is reported by pono diff: the base as its pono.lock pinned it,
// the head as the registry names it now.
func TestGitDiffImageTagMoved(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a local registry")
	}
	reg := registry.Start(t)
	image := reg.Addr + "/kaapana/segment:0.6.0"
	pc := func(templates string) string {
		return `{"name": "segment", "description": "d", "templates": [` + templates + `]}`
	}
	run := `{"identifier": "run", "description": "d", "env": [], "inputs": [], "outputs": []}`
	d1 := ociimages.Push(t, ociimages.Busybox(t, ociimages.Files(t, map[string]string{"processing-container.json": pc(run)})), image)

	r := &repo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	r.write("platform/platform.yaml", "name: wf\nregistry:\n  url: "+reg.Addr+"/kaapana\nglobals:\n  kaapana_build_version: \"0.6.0\"\n"+
		"workflows:\n  seg:\n    labels: {provider: pono, category: tests}\n    containers:\n      segment:\n        processing_container: {from_image: true}\n"+
		"    tasks:\n      run:\n        container: segment\n        template: run\n")
	ctx := context.Background()
	plat := filepath.Join(r.dir, "platform")
	res, err := compiler.NewCompile(&compiler.Config{}).Run(ctx, plat)
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Write(ctx, compiler.Output{Dir: filepath.Join(t.TempDir(), "out"), PlatformDir: plat, WriteLock: true}); err != nil {
		t.Fatal(err)
	}
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "base")

	d2 := ociimages.Push(t, ociimages.Busybox(t, ociimages.Files(t, map[string]string{"processing-container.json": pc(run + `, {"identifier": "extra", "description": "d", "env": [], "inputs": [], "outputs": []}`)})), image)
	gd := diff.NewGitDiff(&compiler.Config{})
	gd.Base = "main"
	rep, err := gd.Run(ctx, plat)
	if err != nil {
		t.Fatal(err)
	}
	want := "change image " + image + ": the tag moved from " + d1.String() + " to " + d2.String()
	if got := strings.Join(rep.Lock, "\n"); !strings.HasPrefix(got, want) {
		t.Fatalf("lock changes %q, want %q", got, want)
	}
	var b bytes.Buffer
	if err := diff.WriteText(&b, rep, diff.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), want) {
		t.Errorf("text output does not say the tag moved:\n%s", b.String())
	}
}
