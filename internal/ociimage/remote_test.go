package ociimage_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/pono-gitops/pono/internal/ociimage"
	"github.com/pono-gitops/pono/test/ociimages"
	"github.com/pono-gitops/pono/test/registry"
)

const pc = `{"name": "pc", "description": "d", "templates": [{"identifier": "run", "description": "d", "env": [], "inputs": [], "outputs": []}]}`

func TestReadFileFromRegistry(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a local registry")
	}
	reg := registry.Start(t)
	ctx := context.Background()
	cases := []struct {
		name   string
		layers []v1.Layer
		want   string // content, or the error's tail
	}{
		{"plain", []v1.Layer{ociimages.Files(t, map[string]string{"processing-container.json": pc})}, pc},
		{"top-layer-wins", []v1.Layer{
			ociimages.Files(t, map[string]string{"processing-container.json": `{"old": true}`}),
			ociimages.Files(t, map[string]string{"./processing-container.json": pc}),
		}, pc},
		{"whiteout", []v1.Layer{
			ociimages.Files(t, map[string]string{"processing-container.json": pc}),
			ociimages.Files(t, map[string]string{".wh.processing-container.json": ""}),
		}, "has no /processing-container.json: no such file in the image"},
		{"opaque-root", []v1.Layer{
			ociimages.Files(t, map[string]string{"processing-container.json": pc}),
			ociimages.Files(t, map[string]string{".wh..wh..opq": ""}),
		}, "has no /processing-container.json: no such file in the image"},
		{"link", []v1.Layer{ociimages.Layer(t, ociimages.Entry{Name: "processing-container.json", Link: "/etc/passwd"})},
			"/processing-container.json is a symbolic link to /etc/passwd, not a file"},
		{"absent", nil, "has no /processing-container.json: no such file in the image"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ref := reg.Addr + "/pc/" + c.name + ":1.0"
			d := ociimages.Push(t, ociimages.Busybox(t, c.layers...), ref)
			got, err := ociimage.ReadFile(ctx, ref, ociimage.PCPath, ociimage.RemoteOptions{})
			if err != nil {
				if !strings.HasSuffix(err.Error(), c.want) {
					t.Fatalf("error %q, want it to end with %q", err, c.want)
				}
				if strings.HasSuffix(c.want, "no such file in the image") != errors.Is(err, ociimage.ErrNoFile) {
					t.Errorf("errors.Is(%v, ErrNoFile) is wrong", err)
				}
				return
			}
			if string(got.Content) != c.want {
				t.Errorf("content %q, want %q", got.Content, c.want)
			}
			if got.Digest != d.String() {
				t.Errorf("digest %s, want the pushed %s", got.Digest, d)
			}
			head, err := ociimage.Resolve(ctx, ref, ociimage.RemoteOptions{})
			if err != nil || head != d.String() {
				t.Errorf("Resolve = %s, %v; want %s", head, err, d)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		_, err := ociimage.ReadFile(ctx, reg.Addr+"/pc/nothing:1.0", ociimage.PCPath, ociimage.RemoteOptions{})
		want := "image " + reg.Addr + "/pc/nothing:1.0 is not in the registry"
		if err == nil || err.Error() != want {
			t.Fatalf("error %v, want %q", err, want)
		}
	})
	t.Run("file-too-large", func(t *testing.T) {
		ref := reg.Addr + "/pc/large:1.0"
		ociimages.Push(t, ociimages.Busybox(t, ociimages.Files(t, map[string]string{"processing-container.json": strings.Repeat(" ", 2000)})), ref)
		_, err := ociimage.ReadFile(ctx, ref, ociimage.PCPath, ociimage.RemoteOptions{Limits: ociimage.Limits{FileBytes: 1000}})
		if err == nil || !strings.HasSuffix(err.Error(), ") holds /processing-container.json of 2.0 KiB, more than the limit 1000 bytes") {
			t.Fatalf("error %v", err)
		}
	})
}
