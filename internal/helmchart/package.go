package helmchart

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/registry"
)

// Package writes ch as a .tgz archive, as `helm package` does, and returns
// its bytes.
func Package(ch *Chart) ([]byte, error) {
	dir, err := os.MkdirTemp("", "pono-package-*")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path, err := chartutil.Save(ch.c, dir)
	if err != nil {
		return nil, fmt.Errorf("package %s: %w", ch.Name(), err)
	}
	return os.ReadFile(filepath.Clean(path))
}

// OCIPush pushes a chart archive to ref (oci://host/path); the chart's name
// and version become the repository and tag.
func OCIPush(ref string, archive []byte, opts OCIOptions) error {
	ch, err := LoadArchiveBytes(archive, ref)
	if err != nil {
		return err
	}
	c, err := ociClient(opts)
	if err != nil {
		return fmt.Errorf("oci client: %w", err)
	}
	full := strings.TrimPrefix(strings.TrimSuffix(ref, "/"), "oci://") + "/" + ch.Name() + ":" + strings.ReplaceAll(ch.Version(), "+", "_")
	if _, err := c.Push(archive, full, registry.PushOptStrictMode(true)); err != nil {
		return fmt.Errorf("push %s: %w", full, err)
	}
	return nil
}
