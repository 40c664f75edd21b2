package workflow

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/pono-gitops/pono/compiler/taskapi"
)

// resolvedWorkflow is a workflow with its references followed: what the
// checks need and, when they pass, what the generators read.
type resolvedWorkflow struct {
	c          *checker
	name       string
	w          *Workflow
	plat       Platform
	containers map[string]*resolvedContainer
	tasks      map[string]*resolvedTask
	ids        []string // task ids, sorted
	order      []string // task ids, dependencies first; nil on a cycle
	icon       []byte
	maxRunID   int
}

// imageNameRe is one path component of an image name (OCI distribution).
var imageNameRe = regexp.MustCompile(`^[a-z0-9]+([._-][a-z0-9]+)*$`)

type resolvedContainer struct {
	name  string
	image string
	// byName is true for a default image, which Kaapana's DAGs write as
	// f"{DEFAULT_REGISTRY}/<name>:{KAAPANA_BUILD_VERSION}" and the chart lists
	// in processingContainers.
	byName bool
	pc     *processingContainer
}

type resolvedTask struct {
	id        string
	t         *Task
	container *resolvedContainer
	tmpl      *taskapi.TaskTemplate
	legacy    map[string]legacyEnv
	inputs    []binding // sorted by channel
	// env is what the operator gets: overrides and parameter defaults,
	// converted to strings, sorted by name.
	env      []taskapi.Env
	upstream []string // tasks this one waits for (bindings and after), sorted
}

// binding is an input resolved to its upstream task and output channel.
type binding struct {
	channel, task, output string
	ok                    bool
}

func resolve(c *checker, name string, w *Workflow, plat Platform, pcs *pcCache, read func(string) ([]byte, error)) *resolvedWorkflow {
	rw := &resolvedWorkflow{c: c, name: name, w: w, plat: plat,
		containers: map[string]*resolvedContainer{}, tasks: map[string]*resolvedTask{}}
	for _, cn := range slices.Sorted(maps.Keys(w.Containers)) {
		rw.containers[cn] = resolveContainer(c, cn, w.Containers[cn], plat, pcs)
	}
	rw.ids = slices.Sorted(maps.Keys(w.Tasks))
	for _, id := range rw.ids {
		t := w.Tasks[id]
		rt := &resolvedTask{id: id, t: &t}
		rw.tasks[id] = rt
		rt.container = rw.containers[t.Container]
		switch {
		case t.Container == "":
			c.errorf(p("tasks", id, "container"), "names no container (containers: %s)", list(slices.Sorted(maps.Keys(w.Containers))))
		case rt.container == nil:
			c.errorf(p("tasks", id, "container"), "no container %q in this workflow (containers: %s)", t.Container, list(slices.Sorted(maps.Keys(w.Containers))))
		case rt.container.pc != nil && rt.container.pc.pc != nil:
			var ok bool
			rt.tmpl, rt.legacy, ok = rt.container.pc.template(t.Template)
			if !ok {
				c.errorf(p("tasks", id, "template"), "no template %q in %s (templates: %s)",
					t.Template, rt.container.pc.path, list(rt.container.pc.pc.Identifiers()))
			}
		}
	}
	if w.Icon != "" && read != nil {
		icon, err := read(w.Icon)
		if err != nil {
			c.errorf(p("icon"), "cannot read the icon: %v", err)
		}
		rw.icon = icon
	}
	return rw
}

// containerImage is the image a container runs: its image, or the
// default <registry>/<name>:<build version>.
func containerImage(name string, ct Container, plat Platform) string {
	if ct.Image != "" {
		return ct.Image
	}
	image := name + ":" + plat.BuildVersion
	if plat.Registry != "" {
		image = strings.TrimSuffix(plat.Registry, "/") + "/" + image
	}
	return image
}

func resolveContainer(c *checker, name string, ct Container, plat Platform, pcs *pcCache) *resolvedContainer {
	rc := &resolvedContainer{name: name, image: containerImage(name, ct, plat)}
	if ct.Image == "" {
		rc.byName = true
		if !imageNameRe.MatchString(name) {
			c.errorf(p("containers", name), "container name %q is not an image name (lower-case letters and digits, separated by '.', '_' or '-'), so it cannot name the default image: set image", name)
			rc.byName = false
		}
		if plat.BuildVersion == "" {
			c.errorf(p("containers", name, "image"), "has no image, and the platform has no build version to tag the default %s with: set image or the build version", strings.TrimSuffix(rc.image, ":"))
		}
	}
	src := ct.ProcessingContainer
	rel := p("containers", name, "processing_container")
	switch {
	case src.FromImage && src.Path != "":
		c.errorf(rel, "sets both path and from_image; set one")
		return rc
	case src.FromImage:
		if ct.Image == "" && plat.BuildVersion == "" {
			return rc // no image to read it from: said above
		}
		rc.pc = pcs.get(imageKey(rc.image))
	case src.Path == "":
		c.errorf(rel, "has no path: pono checks tasks against the image's processing-container.json, so name a copy of it in the platform repository, or set from_image: true")
		return rc
	default:
		rc.pc = pcs.get(src.Path)
	}
	at := p("containers", name, "processing_container", "path")
	if src.FromImage {
		at = p("containers", name, "processing_container", "from_image")
	}
	if rc.pc.readErr != nil {
		if src.FromImage {
			c.errorf(at, "cannot read %s from image %s: %v", ImagePCPath, rc.image, rc.pc.readErr)
		} else {
			c.errorf(at, "cannot read %s: %v", src.Path, rc.pc.readErr)
		}
		return rc
	}
	for _, pr := range rc.pc.problems {
		if pr.warning {
			c.warnf(at, "processing-container.json: %s", pr.text)
		} else {
			c.errorf(at, "processing-container.json is invalid: %s", pr.text)
		}
	}
	return rc
}
