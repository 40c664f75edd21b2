package kaapanadir

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"path/filepath"
	"slices"

	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/compiler/workflow"
)

// ImportOptions say how paths are written.
type ImportOptions struct {
	Options
	// Prefix is put before the paths of the processing-container.json
	// files and the icon, which are written relative to the workflow
	// directory (processing-containers/<dir>/processing-container.json):
	// the platform directory must hold a copy there.
	Prefix string
}

// Import validates the directory and returns it in pono's platform format:
// a YAML document `workflows: {<name>: ...}`, keys sorted, the same bytes
// for the same directory. It refuses (a *diag.Err) when the DAG reader
// could not read the definition completely or the directory could not be
// read far enough; the validation's findings come back either way.
func Import(opts ImportOptions) ([]byte, *Result, error) {
	res, err := Validate(opts.Options)
	if err != nil {
		return nil, nil, err
	}
	if len(res.Unconvertible) > 0 {
		return nil, res, &diag.Err{List: res.Unconvertible.Sorted()}
	}
	if res.Workflow == nil {
		var errs diag.List
		for _, d := range res.Diagnostics {
			if d.Severity == diag.Error {
				errs = append(errs, d)
			}
		}
		if len(errs) == 0 {
			errs = diag.List{{Pos: opts.Display, Message: "the directory could not be read far enough to convert it"}}
		}
		return nil, res, &diag.Err{List: errs}
	}
	w := *res.Workflow
	display := opts.Display
	if display == "" {
		display = opts.Dir
	}
	rebase := func(p string) string {
		rel := p
		if r, ok := cutDisplay(display, p); ok {
			rel = r
		}
		return path.Join(opts.Prefix, rel)
	}
	w.Containers = maps.Clone(w.Containers)
	for _, n := range slices.Sorted(maps.Keys(w.Containers)) {
		c := w.Containers[n]
		if c.ProcessingContainer.Path != "" {
			c.ProcessingContainer.Path = rebase(c.ProcessingContainer.Path)
		}
		w.Containers[n] = c
	}
	if w.Icon != "" {
		w.Icon = rebase(w.Icon)
	}
	if w.Title == res.Name {
		w.Title = ""
	}
	if w.Engine == workflow.DefaultEngine {
		w.Engine = ""
	}
	if w.Owner == workflow.DefaultOwner {
		w.Owner = ""
	}
	if w.UIVisible != nil && *w.UIVisible {
		w.UIVisible = nil
	}
	if w.Definition == workflow.DefaultDefinition {
		w.Definition = ""
	}
	j, err := json.Marshal(map[string]any{"workflows": map[string]workflow.Workflow{res.Name: w}})
	if err != nil {
		return nil, res, fmt.Errorf("cannot write the workflow: %w", err)
	}
	y, err := yaml.JSONToYAML(j)
	if err != nil {
		return nil, res, fmt.Errorf("cannot write the workflow: %w", err)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# Kaapana workflow %s in pono's workflow format (docs/workflows.md), written by\n# pono workflow import. Processing-container paths are relative to the platform directory.\n", res.Name)
	b.Write(y)
	return b.Bytes(), res, nil
}

// cutDisplay strips the directory's display name from a path.
func cutDisplay(display, p string) (string, bool) {
	prefix := path.Clean(filepath.ToSlash(display)) + "/"
	p = filepath.ToSlash(p)
	if len(p) > len(prefix) && p[:len(prefix)] == prefix {
		return p[len(prefix):], true
	}
	return p, false
}
