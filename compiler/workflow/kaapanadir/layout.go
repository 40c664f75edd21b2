package kaapanadir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	yamlv4 "go.yaml.in/yaml/v4"
	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/internal/safefs"
)

// Bounds on what one workflow directory may make pono read.
const (
	maxFileBytes = 1 << 20
	maxEntries   = 1000
)

// Paths inside a workflow directory.
const (
	chartDir      = "workflow-chart"
	filesDir      = chartDir + "/files"
	templatesDir  = chartDir + "/templates"
	chartYAML     = chartDir + "/Chart.yaml"
	valuesYAML    = chartDir + "/values.yaml"
	workflowJSON  = filesDir + "/workflow.json"
	containersDir = "processing-containers"
	keywordV2     = "kaapanaworkflow-v2"
	helpersChart  = "workflow-helpers"
)

// session is one validation: the directory and what was found so far.
type session struct {
	d       *safefs.Dir
	name    string // the chart's name, or the directory's
	diags   diag.List
	chart   chartInfo
	values  []string // processingContainers
	valDoc  doc
	images  map[string]*imageDir // LABEL IMAGE -> directory
	defFile string               // the definition file read, relative
	icon    string
	// unreadable is set when a file could not be read at all.
	unreadable bool
	// unconvertible are what Import cannot carry besides the reader's
	// problems; literalPW the tasks with a literal registryPassword.
	unconvertible diag.List
	literalPW     map[string]bool
}

type chartInfo struct {
	version, description, documentation, uiVisibleName string
}

type imageDir struct {
	dir      string // processing-containers/<dir>
	labelPos string
	pcPath   string // relative; "" when the directory has none
	// broken is set when processing-container.json exists but cannot be
	// read (a link out, not a regular file): already reported.
	broken bool
}

func (s *session) subject() string { return "workflow " + s.name }

func (s *session) errorf(pos, format string, args ...any) {
	s.diags = append(s.diags, diag.Diagnostic{Pos: pos, Subject: s.subject(), Message: fmt.Sprintf(format, args...)})
}

// readError is an error about a file that could not be read at all (a
// link out of the directory, a FIFO, a file over the limit): Import
// refuses a directory with one.
func (s *session) readError(pos, format string, args ...any) {
	s.unreadable = true
	s.errorf(pos, format, args...)
}

func (s *session) warnf(pos, format string, args ...any) {
	s.diags = append(s.diags, diag.Diagnostic{Severity: diag.Warning, Pos: pos, Subject: s.subject(), Message: fmt.Sprintf(format, args...)})
}

// isDir reports whether name is a directory; a read error other than
// absence (a link out of the directory) is reported.
func (s *session) isDir(name string) bool {
	fi, err := s.d.Stat(name)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.readError(s.d.Display(name), "%v", err)
		}
		return false
	}
	return fi.IsDir()
}

// read reads a file, reporting a problem; ok is false when it is absent
// or unreadable.
func (s *session) read(name string, required bool) ([]byte, bool) {
	b, err := s.d.ReadFile(name)
	switch {
	case err == nil:
		return b, true
	case errors.Is(err, fs.ErrNotExist):
		if required {
			s.errorf(s.d.Display(path.Dir(name)), "%s is missing", path.Base(name))
		}
	default:
		s.readError(s.d.Display(name), "cannot read %s: %v", path.Base(name), err)
	}
	return nil, false
}

func (s *session) list(name string) []fs.DirEntry {
	es, err := s.d.ReadDir(name)
	if err != nil {
		s.readError(s.d.Display(name), "cannot list %s: %v", name, err)
		return nil
	}
	if len(es) > maxEntries {
		s.errorf(s.d.Display(name), "%s has %d entries; pono reads at most %d", name, len(es), maxEntries)
		return nil
	}
	return es
}

// parseYAML parses a YAML (or JSON) file into a node tree, reporting a
// syntax error at its line.
func (s *session) parseYAML(name string, b []byte) (doc, bool) {
	d := doc{display: s.d.Display(name)}
	var probe any
	if err := yaml.Unmarshal(b, &probe); err != nil {
		s.errorf(d.display, "%s is not valid YAML: %s", path.Base(name), strings.TrimPrefix(err.Error(), "error converting YAML to JSON: yaml: "))
		return d, false
	}
	var root yamlv4.Node
	if err := yamlv4.Unmarshal(b, &root); err != nil {
		s.errorf(d.display, "%s is not valid YAML: %s", path.Base(name), strings.TrimPrefix(err.Error(), "yaml: "))
		return d, false
	}
	d.root = &root
	return d, true
}

// structure checks workflow-chart/, files/ and templates/ (Kaapana's
// _check_structure); false stops the validation, as Kaapana's does.
func (s *session) structure() bool {
	var missing []string
	for _, dir := range []string{filesDir, templatesDir} {
		if !s.isDir(dir) {
			missing = append(missing, dir+"/")
		}
	}
	if len(missing) > 0 {
		s.errorf(s.d.Display(chartDir), "missing required directories: %s", strings.Join(missing, ", "))
		return false
	}
	return true
}

// chartYAML checks Chart.yaml: name, version, apiVersion, the
// kaapanaworkflow-v2 keyword and the workflow-helpers dependency.
func (s *session) chartYAML() {
	b, ok := s.read(chartYAML, true)
	if !ok {
		return
	}
	d, ok := s.parseYAML(chartYAML, b)
	if !ok {
		return
	}
	top := d.node()
	if top == nil || top.Kind != yamlv4.MappingNode {
		s.errorf(d.pos(), "Chart.yaml must be a mapping of fields (apiVersion, name, version, ...)")
		return
	}
	str := func(k string) string {
		n := d.node(k)
		if n == nil || n.Kind != yamlv4.ScalarNode || n.Tag == "!!null" {
			return ""
		}
		return n.Value
	}
	var missing []string
	for _, k := range []string{"apiVersion", "name", "version"} {
		if str(k) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		s.errorf(d.pos(), "Chart.yaml is missing %s", strings.Join(missing, ", "))
	}
	if n := str("name"); n != "" {
		s.name = n
	}
	s.chart = chartInfo{version: str("version"), description: str("description"),
		documentation: scalar(d.node("annotations", "documentation")), uiVisibleName: scalar(d.node("annotations", "ui-visible-name"))}
	if !slices.Contains(scalars(d.node("keywords")), keywordV2) {
		s.errorf(d.pos("keywords"), "Chart.yaml must have %q in keywords: only v2 workflows are read", keywordV2)
	}
	deps := d.node("dependencies")
	found := false
	if deps != nil && deps.Kind == yamlv4.SequenceNode {
		for _, dep := range deps.Content {
			if n := mapValue(dep, "name"); n != nil && n.Value == helpersChart {
				found = true
			}
		}
	}
	if !found {
		s.errorf(d.pos("dependencies"), "Chart.yaml has no dependency on %s: templates/configmap.yaml and job.yaml include its workflow.configMap and workflow.installerJob, so the chart does not render without it", helpersChart)
	}
}

func scalar(n *yamlv4.Node) string {
	if n == nil || n.Kind != yamlv4.ScalarNode {
		return ""
	}
	return n.Value
}

func scalars(n *yamlv4.Node) []string {
	if n == nil || n.Kind != yamlv4.SequenceNode {
		return nil
	}
	var out []string
	for _, c := range n.Content {
		out = append(out, scalar(c))
	}
	return out
}

// valuesYAML checks processingContainers: present, a list of names, each
// once (Kaapana's _check_values_yaml).
func (s *session) valuesYAML() {
	b, ok := s.read(valuesYAML, true)
	if !ok {
		return
	}
	d, ok := s.parseYAML(valuesYAML, b)
	if !ok {
		return
	}
	s.valDoc = d
	top := d.node()
	pc := d.node("processingContainers")
	switch {
	case top == nil || top.Kind != yamlv4.MappingNode:
		s.errorf(d.pos(), "values.yaml must be a mapping")
		return
	case pc == nil:
		s.errorf(d.pos(), "values.yaml must have processingContainers (the images Kaapana's build pushes); it may be an empty list [] but must be present")
		return
	case pc.Kind != yamlv4.SequenceNode:
		s.errorf(d.pos("processingContainers"), "processingContainers must be a list of image names")
		return
	}
	seen := map[string]bool{}
	for i, c := range pc.Content {
		if c.Kind != yamlv4.ScalarNode || c.Tag == "!!null" || c.Value == "" {
			s.errorf(d.pos("processingContainers", i), "processingContainers[%d] must be an image name", i)
			continue
		}
		if seen[c.Value] {
			s.errorf(d.pos("processingContainers", i), "container %q is listed twice in processingContainers; list each once", c.Value)
			continue
		}
		seen[c.Value] = true
		s.values = append(s.values, c.Value)
	}
}

// containers reads processing-containers/<dir>/Dockerfile's LABEL IMAGE:
// Kaapana's build names an image by that label, not by its directory.
func (s *session) containers() {
	s.images = map[string]*imageDir{}
	if !s.isDir(containersDir) {
		return
	}
	for _, e := range s.list(containersDir) {
		if !e.IsDir() {
			continue
		}
		dir := containersDir + "/" + e.Name()
		df, ok := s.read(dir+"/Dockerfile", false)
		if !ok {
			continue
		}
		img, line := labelImage(string(df))
		if img == "" {
			s.warnf(s.d.Display(dir+"/Dockerfile"), "the Dockerfile has no LABEL IMAGE=\"...\", so Kaapana's build does not know this image's name")
			continue
		}
		pos := fmt.Sprintf("%s:%d:1", s.d.Display(dir+"/Dockerfile"), line)
		if prev, dup := s.images[img]; dup {
			s.errorf(pos, "LABEL IMAGE=%q is also the image of %s; each image is built from one directory", img, prev.dir)
			continue
		}
		id := &imageDir{dir: dir, labelPos: pos}
		pc := dir + "/processing-container.json"
		fi, err := s.d.Stat(pc)
		switch {
		case err == nil && fi.Mode().IsRegular():
			id.pcPath = pc
		case err == nil:
			id.broken = true
			s.readError(s.d.Display(pc), "%s is not a regular file", pc)
		case !errors.Is(err, fs.ErrNotExist):
			id.broken = true
			s.readError(s.d.Display(pc), "%v", err)
		}
		s.images[img] = id
		if img != e.Name() {
			s.warnf(pos, "image %s is built from directory %s (LABEL IMAGE=%q): tools that find an image by its directory name will not find it", img, dir, img)
		}
	}
}

// labelImage finds LABEL IMAGE="name" (also unquoted, or among other
// labels on the line) and its line number.
func labelImage(dockerfile string) (string, int) {
	for i, l := range strings.Split(dockerfile, "\n") {
		f := strings.Fields(l)
		if len(f) < 2 || !strings.EqualFold(f[0], "LABEL") {
			continue
		}
		for _, kv := range f[1:] {
			k, v, ok := strings.Cut(kv, "=")
			if ok && k == "IMAGE" {
				return strings.Trim(v, `"'`), i + 1
			}
		}
	}
	return "", 0
}

// definition finds the DAG file among files/ (everything but workflow.json
// and an icon, as Kaapana's installer concatenates them) and the icon.
func (s *session) definition() {
	var defs []string
	for _, e := range s.list(filesDir) {
		if e.IsDir() || e.Name() == "workflow.json" {
			continue
		}
		if isIcon(e.Name()) {
			s.icon = filesDir + "/" + e.Name()
			continue
		}
		defs = append(defs, e.Name())
	}
	if s.icon == "" {
		for _, e := range s.list(chartDir) {
			if !e.IsDir() && isIcon(e.Name()) {
				s.icon = chartDir + "/" + e.Name()
				break
			}
		}
	}
	if s.icon == "" {
		s.warnf(s.d.Display(chartDir), "no icon file (.png, .svg, .jpg, .jpeg); Kaapana shows the workflow without one")
	}
	switch {
	case len(defs) == 0:
		s.errorf(s.d.Display(filesDir), "no workflow definition file in %s/ (the Airflow DAG, a .py file)", filesDir)
	case len(defs) > 1:
		s.errorf(s.d.Display(filesDir), "%d definition files (%s); Kaapana's installer concatenates them into one DAG, and pono reads a workflow with one", len(defs), strings.Join(defs, ", "))
	case !strings.HasSuffix(defs[0], ".py"):
		s.errorf(s.d.Display(filesDir+"/"+defs[0]), "the definition %s is not a .py file; pono reads Airflow DAGs", defs[0])
	default:
		s.defFile = filesDir + "/" + defs[0]
	}
}

func isIcon(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".png", ".svg", ".jpg", ".jpeg":
		return true
	}
	return false
}

// jsonSyntax positions a JSON syntax error.
func jsonSyntax(display string, b []byte) (string, string, bool) {
	var v any
	err := json.Unmarshal(b, &v)
	if err == nil {
		return "", "", false
	}
	var se *json.SyntaxError
	off := int64(len(b))
	if errors.As(err, &se) {
		off = se.Offset
	}
	line, col := 1, 1
	for _, c := range string(b[:min(off, int64(len(b)))]) {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if errors.As(err, &se) {
		msg = se.Error()
	}
	if off >= int64(len(b)) {
		msg = "the document ends early"
	}
	return fmt.Sprintf("%s:%d:%d", display, line, max(col-1, 1)), msg, true
}
