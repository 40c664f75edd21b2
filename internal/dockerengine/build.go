package dockerengine

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
)

// Build builds the Dockerfile in dir with the engine's classic builder and
// tags the image. Extra files (name -> host path) are added to the build
// context, e.g. a static busybox that is not part of the directory.
func (c *Client) Build(ctx context.Context, dir, tag string, extra map[string]string) error {
	var buf bytes.Buffer
	if err := tarContext(&buf, dir, extra); err != nil {
		return fmt.Errorf("build context %s: %w", dir, err)
	}
	res, err := c.api.ImageBuild(ctx, &buf, client.ImageBuildOptions{
		Tags:        []string{tag},
		Remove:      true,
		ForceRemove: true,
		Version:     build.BuilderV1,
	})
	if err != nil {
		return fmt.Errorf("build %s: %w", tag, err)
	}
	defer res.Body.Close()
	var out strings.Builder
	dec := json.NewDecoder(res.Body)
	for {
		var msg struct {
			Stream string `json:"stream"`
			Error  string `json:"error"`
		}
		if err := dec.Decode(&msg); err == io.EOF {
			return nil
		} else if err != nil {
			return fmt.Errorf("build %s: read progress: %w", tag, err)
		}
		out.WriteString(msg.Stream)
		if msg.Error != "" {
			return fmt.Errorf("build %s: %s\n%s", tag, msg.Error, out.String())
		}
	}
}

func tarContext(w io.Writer, dir string, extra map[string]string) error {
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		return addFile(tw, filepath.ToSlash(rel), p)
	})
	if err != nil {
		return err
	}
	for name, p := range extra {
		if err := addFile(tw, name, p); err != nil {
			return err
		}
	}
	return tw.Close()
}

func addFile(tw *tar.Writer, name, p string) error {
	info, err := os.Stat(p)
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return errors.New(p + ": not a regular file")
	}
	h, err := tar.FileInfoHeader(info, "")
	if err != nil {
		return err
	}
	h.Name = name
	if err := tw.WriteHeader(h); err != nil {
		return err
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(tw, f)
	return err
}
