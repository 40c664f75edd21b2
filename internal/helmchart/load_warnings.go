package helmchart

import (
	"bytes"
	"log"
	"path/filepath"
	"strings"
	"sync"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
)

// Warning is something Helm's loader said about a chart that does not
// stop it from loading (a requirements.yaml in an apiVersion v2 chart).
type Warning struct {
	Chart    string // the chart's name
	Location string // where it was loaded from
	Message  string
}

// helmLog serialises the capture of Helm's loader warnings: the loader
// writes them with the standard logger, which is process-wide. Renders
// share it for reading (render_log.go); a load, or a render whose
// warnings must be attributed exactly, holds it alone.
var helmLog sync.RWMutex

// captureHelmLog runs f with the standard logger writing into a buffer,
// and returns what was logged, one entry a line, so Helm's warnings become
// pono warnings naming the chart instead of raw lines on stderr.
func captureHelmLog(f func() error) ([]string, error) {
	helmLog.Lock()
	defer helmLog.Unlock()
	var buf bytes.Buffer
	w, flags, prefix := log.Writer(), log.Flags(), log.Prefix()
	log.SetOutput(&buf)
	log.SetFlags(0)
	log.SetPrefix("")
	err := f()
	log.SetOutput(w)
	log.SetFlags(flags)
	log.SetPrefix(prefix)
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if l = strings.TrimSpace(strings.TrimPrefix(l, "Warning: ")); l != "" {
			lines = append(lines, l)
		}
	}
	return lines, err
}

func loadFiles(files []*loader.BufferedFile) (*chart.Chart, []string, error) {
	var c *chart.Chart
	logged, err := captureHelmLog(func() (err error) {
		c, err = loader.LoadFiles(files)
		return err
	})
	return c, logged, err
}

// loadWarnings attributes what the loader logged to c, loaded from
// location (a directory when isDir). The loader logs nothing else, so every line is about c (or a
// subchart vendored inside it).
func loadWarnings(c *chart.Chart, location string, isDir bool, logged []string) []Warning {
	var out []Warning
	for _, l := range logged {
		at := location
		switch {
		case !isDir:
		case strings.Contains(l, "Chart.lock"):
			at = filepath.Join(location, "requirements.lock")
		case strings.Contains(l, "Dependencies are handled in Chart.yaml"):
			at = filepath.Join(location, "requirements.yaml")
		}
		out = append(out, Warning{Chart: c.Name(), Location: at, Message: "Helm says: " + l})
	}
	return out
}
