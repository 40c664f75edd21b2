package workflow

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"github.com/pono-gitops/pono/compiler/taskapi"
)

// processingContainer is a validated processing-container.json plus what
// taskapi's model does not keep: the legacy env fields `type` and
// `adjustable` (removed from Kaapana's schema in 2025 but still written by
// older containers, e.g. kaapana-plugin's dummy-task).
type processingContainer struct {
	path   string
	pc     *taskapi.ProcessingContainer
	legacy map[string]map[string]legacyEnv // template → env name → fields
	// problems are taskapi's findings, rendered "file:line:col: path: msg".
	problems []pcProblem
	readErr  error
}

type pcProblem struct {
	warning bool
	text    string
}

type legacyEnv struct {
	Name       string `json:"name"`
	Type       string `json:"type"`
	Adjustable *bool  `json:"adjustable"`
}

// pcCache reads and validates each processing-container.json once, however
// many containers and workflows name it. Keys are paths in the platform,
// or imageKey(image) for the file in an image.
type pcCache struct {
	read  func(string) ([]byte, error)
	image func(string) ([]byte, error)
	m     map[string]*processingContainer
}

func newPCCache(read, image func(string) ([]byte, error)) *pcCache {
	return &pcCache{read: read, image: image, m: map[string]*processingContainer{}}
}

// imagePrefix starts the key of an image's file; no path starts with NUL.
const imagePrefix = "\x00image\x00"

// ImagePCPath is where Kaapana's Task API reads an image's templates.
const ImagePCPath = "/processing-container.json"

func imageKey(image string) string { return imagePrefix + image }

func (c *pcCache) get(path string) *processingContainer {
	if pc, ok := c.m[path]; ok {
		return pc
	}
	pc := c.load(path)
	c.m[path] = pc
	return pc
}

// prefetch loads paths on all CPUs: validating a processing-container.json
// is most of a workflow compile, and each is independent.
func (c *pcCache) prefetch(paths []string) {
	loaded := make([]*processingContainer, len(paths))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Go(func() {
			for i := range next {
				loaded[i] = c.load(paths[i])
			}
		})
	}
	for i := range paths {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, p := range paths {
		c.m[p] = loaded[i]
	}
}

// load reads and validates one processing-container.json.
func (c *pcCache) load(key string) *processingContainer {
	path, read := key, c.read
	if image, ok := strings.CutPrefix(key, imagePrefix); ok {
		// Named as pono task names a template read from an image.
		path, read = image+":"+ImagePCPath, func(string) ([]byte, error) { return c.image(image) }
		if c.image == nil {
			return &processingContainer{path: path, readErr: fmt.Errorf("no registry is reached here")}
		}
	}
	pc := &processingContainer{path: path}
	if read == nil {
		pc.readErr = fmt.Errorf("no files can be read here")
		return pc
	}
	src, err := read(path)
	if err != nil {
		pc.readErr = err
		return pc
	}
	report, v := taskapi.Validate(path, src, taskapi.ValidateOptions{Kind: taskapi.KindProcessingContainer})
	for _, d := range report.Diagnostics {
		pc.problems = append(pc.problems, pcProblem{warning: d.Severity == taskapi.SeverityWarning, text: pcProblemText(d)})
	}
	if v == nil {
		return pc
	}
	pc.pc = v.(*taskapi.ProcessingContainer)
	var raw struct {
		Templates []struct {
			Identifier string      `json:"identifier"`
			Env        []legacyEnv `json:"env"`
		} `json:"templates"`
	}
	// The document validated, so it decodes; a legacy field of the wrong
	// type just leaves that field unset.
	_ = json.Unmarshal(src, &raw)
	pc.legacy = map[string]map[string]legacyEnv{}
	for _, t := range raw.Templates {
		m := map[string]legacyEnv{}
		for _, e := range t.Env {
			m[e.Name] = e
		}
		pc.legacy[t.Identifier] = m
	}
	return pc
}

func pcProblemText(d taskapi.Diagnostic) string {
	loc := d.File
	if d.Line > 0 {
		loc = fmt.Sprintf("%s:%d:%d", d.File, d.Line, d.Col)
	}
	if d.Path != "" {
		return loc + ": " + d.Path + ": " + d.Message
	}
	return loc + ": " + d.Message
}

// template returns a template and its legacy env fields.
func (pc *processingContainer) template(id string) (*taskapi.TaskTemplate, map[string]legacyEnv, bool) {
	if pc == nil || pc.pc == nil {
		return nil, nil, false
	}
	t, ok := pc.pc.Template(id)
	return t, pc.legacy[id], ok
}
