package helmchart

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/ignore"
)

// LoadFS loads a chart whose Chart.yaml is at the root of fsys, such as a
// chart embedded in the binary with go:embed. It applies .helmignore like
// `helm install DIR` does. Dependencies must be vendored under charts/:
// file:// references cannot be followed inside an fs.FS.
func LoadFS(fsys fs.FS) (*Chart, error) {
	rules := ignore.Empty()
	if b, err := fs.ReadFile(fsys, ignore.HelmIgnore); err == nil {
		if rules, err = ignore.Parse(bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("load chart: %s: %w", ignore.HelmIgnore, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("load chart: %w", err)
	}
	rules.AddDefaults()

	var files []*loader.BufferedFile
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if name == "." {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if rules.Ignore(name, fi) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", name)
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		// Helm strips a UTF-8 byte order mark when loading directories.
		data = bytes.TrimPrefix(data, utf8BOM)
		files = append(files, &loader.BufferedFile{Name: name, Data: data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load chart: %w", err)
	}
	c, err := loader.LoadFiles(files)
	if err != nil {
		return nil, fmt.Errorf("load chart: %w", err)
	}
	for _, d := range c.Metadata.Dependencies {
		if !vendored(c, d.Name) {
			return nil, fmt.Errorf("load chart %s: dependency %q is not vendored under charts/", c.Name(), d.Name)
		}
	}
	return &Chart{c: c, Digest: dirDigest(c, nil), Location: "embedded:" + c.Name()}, nil
}
