package workflow

import (
	"maps"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Kaapana's workflow chart names its installer Job
// workflow-installer-<chart>-<8 hex>; a Job name is at most 63 characters.
const maxNameLen = 63 - len("workflow-installer-") - len("-12345678")

var (
	chartNameRe = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
	// airflowKeyRe is Airflow's KEY_REGEX (utils/helpers.py) restricted to
	// ASCII: pod names and paths need it.
	airflowKeyRe = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
	semverRe     = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$`)
)

// requiredLabels are the labels Kaapana's workflow-installer refuses a
// workflow without (validation_rules.py).
var requiredLabels = []string{"category", "provider"}

func checkWorkflow(rw *resolvedWorkflow) {
	c, w := rw.c, rw.w
	if !chartNameRe.MatchString(rw.name) {
		c.errorf(nil, "the workflow's name becomes its chart's name: lower-case letters, digits and '-', starting and ending with a letter or digit")
	} else if len(rw.name) > maxNameLen {
		c.errorf(nil, "the name is %d characters; at most %d fit in the installer Job's name workflow-installer-<name>-<hash> (63)", len(rw.name), maxNameLen)
	}
	title := w.title(rw.name)
	// workflow-api registers DAG id <title>_v<N>, which Airflow checks.
	if !airflowKeyRe.MatchString(title) || len(title) > 240 {
		c.errorf(p("title"), "title %q is not usable in Airflow's DAG id %s_v<N>: use letters, digits, '_', '-' and '.', at most 240 characters", title, title)
	}
	if w.engine() != DefaultEngine {
		c.errorf(p("engine"), "engine %q is not supported: pono generates Airflow DAGs (engine: airflow)", w.Engine)
	}
	for _, l := range requiredLabels {
		if strings.TrimSpace(w.Labels[l]) == "" {
			c.errorf(p("labels"), "label %q is missing; Kaapana's workflow-installer requires provider and category", l)
		}
	}
	def := w.definition()
	if path.Base(def) != def || !strings.HasSuffix(def, ".py") || def == ".py" {
		c.errorf(p("definition"), "definition %q must be a file name ending in .py", def)
	}
	if w.Icon != "" && iconKey(w.Icon) == "" {
		c.errorf(p("icon"), "icon %q must be a .png, .svg, .jpg or .jpeg file", w.Icon)
	}
	switch v := w.Chart.Version; {
	case v == "" && rw.plat.BuildVersion == "":
		c.errorf(p("chart", "version"), "the chart version follows the platform's build version, which is not set: set chart.version or the build version")
	case v != "" && !semverRe.MatchString(v):
		c.errorf(p("chart", "version"), "version %q is not a semantic version (1.2.3)", v)
	}
	if len(w.Tasks) == 0 {
		c.errorf(p("tasks"), "the workflow has no tasks")
	}
	used := map[string]bool{}
	for _, t := range w.Tasks {
		used[t.Container] = true
	}
	for _, cn := range slices.Sorted(maps.Keys(w.Containers)) {
		if !used[cn] {
			c.warnf(p("containers", cn), "no task runs this container")
		}
	}
	for _, id := range rw.ids {
		checkTask(rw, rw.tasks[id])
	}
	checkGraph(rw)
	checkPodNames(rw)
	checkParameters(rw)
	mergeEnv(rw)
}

// iconKey is the icon's name in the chart (icon.<ext>), "" for a file type
// Kaapana does not show.
func iconKey(file string) string {
	ext := strings.ToLower(path.Ext(file))
	switch ext {
	case ".png", ".svg", ".jpg", ".jpeg":
		return "icon" + ext
	}
	return ""
}

// checkTitles reports titles used twice in the platform, or already
// registered by another release.
func checkTitles(in Input, rws []*resolvedWorkflow) {
	byTitle := map[string][]*resolvedWorkflow{}
	for _, rw := range rws {
		t := rw.w.title(rw.name)
		byTitle[t] = append(byTitle[t], rw)
	}
	for _, rw := range rws {
		t := rw.w.title(rw.name)
		if owner, ok := in.Platform.Reserved[t]; ok {
			rw.c.errorf(p("title"), "title %q is already registered by release %s; workflow-api would make this a new version of that workflow: choose another title", t, owner)
		}
		same := byTitle[t]
		if len(same) < 2 {
			continue
		}
		var others []string
		for _, o := range same {
			if o != rw {
				others = append(others, o.name)
			}
		}
		rw.c.errorf(p("title"), "title %q is also the title of workflow %s; titles are unique in workflow-api", t, list(others))
	}
}
