// Package ociimages builds the small busybox-based images the image tests
// use, in Go with go-containerregistry (nothing is pulled: no registry on
// the internet is reachable here), pushes them to the test registry and
// writes them as docker save and OCI layout archives.
package ociimages

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/pono-gitops/pono/test/dockerd"
)

// Entry is one file of a layer: Content for a regular file, Link for a
// symbolic link (a whiteout is an empty file named .wh.<name>).
type Entry struct {
	Name    string
	Content string
	Link    string
}

// Layer is an uncompressed layer of entries, in the order given.
func Layer(t testing.TB, entries ...Entry) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	epoch := time.Unix(0, 0)
	for _, e := range entries {
		h := &tar.Header{Name: e.Name, Mode: 0o644, ModTime: epoch, Typeflag: tar.TypeReg, Size: int64(len(e.Content))}
		if e.Link != "" {
			h = &tar.Header{Name: e.Name, Mode: 0o777, ModTime: epoch, Typeflag: tar.TypeSymlink, Linkname: e.Link}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.Link == "" {
			if _, err := tw.Write([]byte(e.Content)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Files is a layer of regular files, sorted by name.
func Files(t testing.TB, files map[string]string) v1.Layer {
	t.Helper()
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var es []Entry
	for _, n := range names {
		es = append(es, Entry{Name: n, Content: files[n]})
	}
	return Layer(t, es...)
}

// Busybox is an image whose first layer is the static busybox at
// /bin/busybox with /bin/sh linked to it, and then the layers given.
func Busybox(t testing.TB, layers ...v1.Layer) v1.Image {
	t.Helper()
	bb, err := dockerd.Busybox()
	if err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(bb)
	if err != nil {
		t.Fatal(err)
	}
	base := Layer(t, Entry{Name: "bin/busybox", Content: string(bin)}, Entry{Name: "bin/sh", Link: "busybox"})
	img, err := mutate.AppendLayers(empty.Image, append([]v1.Layer{base}, layers...)...)
	if err != nil {
		t.Fatal(err)
	}
	img, err = mutate.Config(img, v1.Config{Cmd: []string{"/bin/sh"}})
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// Push pushes img to ref (a plain-HTTP loopback registry).
func Push(t testing.TB, img v1.Image, ref string) v1.Hash {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatalf("push %s: %v", ref, err)
	}
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// DockerSave writes img as `docker save` would, tagged tag.
func DockerSave(t testing.TB, path, tag string, img v1.Image) {
	t.Helper()
	tg, err := name.NewTag(tag)
	if err != nil {
		t.Fatal(err)
	}
	if err := tarball.WriteToFile(path, tg, img); err != nil {
		t.Fatal(err)
	}
}

// OCILayout writes img as a tar of an OCI image layout, named tag in the
// index (io.containerd.image.name, as containerd exports it).
func OCILayout(t testing.TB, path, tag string, img v1.Image) {
	t.Helper()
	dir := t.TempDir()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img, layout.WithAnnotations(map[string]string{"io.containerd.image.name": tag})); err != nil {
		t.Fatal(err)
	}
	TarDir(t, dir, path)
}

// TarDir writes the files under dir to a tar at path, sorted.
func TarDir(t testing.TB, dir, path string) {
	t.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		names = append(names, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	tw := tar.NewWriter(f)
	for _, p := range names {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg, ModTime: time.Unix(0, 0)}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
