package dockerengine

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"path"

	"github.com/moby/moby/client"
)

// ReadFile returns a file from an image without running it: a container is
// created (never started), the file is copied out, and the container is
// removed.
func (c *Client) ReadFile(ctx context.Context, image, file string) (_ []byte, err error) {
	id, err := c.Create(ctx, RunSpec{Image: image, Entrypoint: []string{"true"}, NetworkMode: "none"})
	if err != nil {
		return nil, err
	}
	defer func() {
		// Remove even when ctx was cancelled.
		if rerr := c.Remove(context.WithoutCancel(ctx), id); rerr != nil && err == nil {
			err = rerr
		}
	}()
	res, err := c.api.CopyFromContainer(ctx, id, client.CopyFromContainerOptions{SourcePath: file})
	if err != nil {
		return nil, wrap("copy "+file+" from image", image, err)
	}
	defer res.Content.Close()
	return FileFromTar(res.Content, path.Base(file))
}

// FileFromTar returns the regular file with the given base name from a tar
// stream.
func FileFromTar(r io.Reader, name string) ([]byte, error) {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, fmt.Errorf("%s: %w in archive", name, ErrNotFound)
		}
		if err != nil {
			return nil, fmt.Errorf("read archive: %w", err)
		}
		if h.Typeflag == tar.TypeReg && path.Base(h.Name) == name {
			return io.ReadAll(io.LimitReader(tr, 64<<20))
		}
	}
}
