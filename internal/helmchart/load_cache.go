package helmchart

import (
	"path/filepath"
	"sync"

	"helm.sh/helm/v3/pkg/chart/loader"
)

// FileCache holds the files of chart directories already read, so a chart
// many others depend on by name (Kaapana's kaapana-library-chart, a
// dependency of some forty charts) is read once per compile rather than
// once per dependent. It is safe for concurrent use; share one per compile.
type FileCache struct {
	mu sync.Mutex
	m  map[string][]*loader.BufferedFile
}

// NewFileCache returns an empty cache.
func NewFileCache() *FileCache {
	return &FileCache{m: map[string][]*loader.BufferedFile{}}
}

// files returns the chart files at rel inside root (an absolute path with
// links resolved), reading them with read on first use. Each caller gets
// its own BufferedFile values: Helm's loader renames the files of
// vendored subcharts in place. Contents are shared, never written.
func (fc *FileCache) files(root, rel string, read func() ([]*loader.BufferedFile, error)) ([]*loader.BufferedFile, error) {
	if fc == nil {
		return read()
	}
	key := filepath.Join(root, rel)
	fc.mu.Lock()
	cached, ok := fc.m[key]
	fc.mu.Unlock()
	if !ok {
		files, err := read()
		if err != nil {
			return nil, err
		}
		fc.mu.Lock()
		fc.m[key] = files
		fc.mu.Unlock()
		cached = files
	}
	out := make([]*loader.BufferedFile, len(cached))
	for i, f := range cached {
		c := *f
		out[i] = &c
	}
	return out, nil
}
