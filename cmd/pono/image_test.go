package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/compiler/imagecheck"
	"github.com/pono-gitops/pono/test/ociimages"
)

const imagePC = `{"name": "pc", "description": "d", "templates": [{"identifier": "run", "description": "d", "env": [], "inputs": [], "outputs": []}, {"identifier": "check", "description": "d", "env": [], "inputs": [], "outputs": []}]}`

// TestImageCheckGolden checks good archives of both formats, alone and
// against a platform whose chart runs the image with each pull policy.
func TestImageCheckGolden(t *testing.T) {
	img := ociimages.Busybox(t, ociimages.Files(t, map[string]string{"processing-container.json": imagePC}))
	plain := ociimages.Busybox(t)
	dir := t.TempDir()
	const tag = "registry.example.org/kaapana/pc:1.0"
	ociimages.DockerSave(t, filepath.Join(dir, "docker.tar"), tag, img)
	ociimages.OCILayout(t, filepath.Join(dir, "oci.tar"), tag, img)
	ociimages.DockerSave(t, filepath.Join(dir, "plain.tar"), "registry.example.org/kaapana/plain:1.0", plain)
	cfg, _ := img.ConfigName()
	plainCfg, _ := plain.ConfigName()
	digest, _ := img.Digest()
	for _, c := range []struct{ name, archive, platform string }{
		{"docker", "docker.tar", ""},
		{"oci", "oci.tar", ""},
		{"plain", "plain.tar", ""},
		{"platform", "docker.tar", "testdata/imagecheck/platform"},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := imagecheck.Options{Archive: filepath.Join(dir, c.archive), Platform: c.platform,
				Compile: compiler.NewCompile(&compiler.Config{CacheDir: t.TempDir()})}
			rep, err := imagecheck.Run(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			printImageReport(&out, rep)
			for _, p := range rep.Problems {
				out.WriteString("problem: " + p + "\n")
			}
			got := strings.NewReplacer(dir+"/", "", cfg.String(), "ID", plainCfg.String(), "PLAIN_ID", digest.String(), "DIGEST").Replace(out.String())
			golden := filepath.Join("testdata", "imagecheck", c.name+".golden")
			if os.Getenv("UPDATE_GOLDEN") != "" {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(string(want), got); d != "" {
				t.Errorf("report (-want +got):\n%s", d)
			}
		})
	}
}
