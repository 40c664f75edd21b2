package ociimage_test

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/pono-gitops/pono/internal/ociimage"
	"github.com/pono-gitops/pono/test/ociimages"
)

func TestCheckArchive(t *testing.T) {
	img := ociimages.Busybox(t,
		ociimages.Files(t, map[string]string{"processing-container.json": `{"old": 1}`, "etc/motd": "hi"}),
		ociimages.Layer(t, ociimages.Entry{Name: "processing-container.json", Content: pc}, ociimages.Entry{Name: "etc/.wh.motd"}))
	cfg, err := img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	digest, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	docker, oci := filepath.Join(dir, "docker.tar"), filepath.Join(dir, "oci.tar")
	ociimages.DockerSave(t, docker, "registry.example.org/kaapana/pc:1.0", img)
	ociimages.OCILayout(t, oci, "registry.example.org/kaapana/pc:1.0", img)
	for _, c := range []struct {
		file string
		want *ociimage.ArchiveReport
	}{
		{docker, &ociimage.ArchiveReport{Format: ociimage.FormatDockerSave, Images: []ociimage.ArchiveImage{{
			Tags: []string{"registry.example.org/kaapana/pc:1.0"}, ID: cfg.String(), Platform: "linux/amd64", Layers: 3, PC: []byte(pc)}}}},
		{oci, &ociimage.ArchiveReport{Format: ociimage.FormatOCILayout, Images: []ociimage.ArchiveImage{{
			Tags: []string{"registry.example.org/kaapana/pc:1.0"}, Digest: digest.String(), ID: cfg.String(), Platform: "linux/amd64", Layers: 3, PC: []byte(pc)}}}},
	} {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			got, err := ociimage.CheckArchive(c.file, ociimage.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(c.want, got, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("report (-want +got):\n%s", d)
			}
		})
	}
}
