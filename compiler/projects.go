package compiler

import (
	"maps"
	"slices"
	"strings"

	"github.com/pono-gitops/pono/compiler/internal/spec"
	"github.com/pono-gitops/pono/internal/helmchart"
)

// checkProjects reports an extension or instance naming a project the
// platform does not declare (Kaapana's admin project always exists).
func (b *build) checkProjects() {
	known := func(p string) bool {
		_, ok := b.p.Projects[p]
		return p == "" || p == spec.DefaultProject || ok
	}
	declared := append([]string{spec.DefaultProject}, slices.Sorted(maps.Keys(b.p.Projects))...)
	for _, name := range slices.Sorted(maps.Keys(b.p.Extensions)) {
		ext := b.p.Extensions[name]
		if !known(ext.Project) {
			b.errAt(spec.P("extensions", name, "project"), "extension "+name, "project %q is not declared under projects (known: %s)", ext.Project, strings.Join(declared, ", "))
		}
		for _, inst := range slices.Sorted(maps.Keys(ext.Instances)) {
			if p := ext.Instances[inst].Project; !known(p) {
				b.errAt(spec.P("extensions", name, "instances", inst, "project"), "extension "+name+" instance "+inst, "project %q is not declared under projects (known: %s)", p, strings.Join(declared, ", "))
			}
		}
	}
}

// DefaultProject is the project Kaapana creates at installation, where an
// instance runs unless it names another.
const DefaultProject = spec.DefaultProject

// ProjectInfo is a project and what follows from it in Kaapana: the
// namespace its instances' jobs run in, its MinIO bucket and its
// OpenSearch index (Kaapana's access-information-interface derives all
// three from the name).
type ProjectInfo struct {
	Name      string `json:"name"`
	ID        string `json:"id,omitempty"`
	Namespace string `json:"namespace"`
	Bucket    string `json:"bucket"`
	Index     string `json:"index"`
}

// projectOf is the project an instance runs in: the instance's, else the
// extension's, else Kaapana's admin project.
func (b *build) projectOf(ext spec.Extension, inst string) ProjectInfo {
	name := ext.Instances[inst].Project
	if name == "" {
		name = ext.Project
	}
	if name == "" {
		name = spec.DefaultProject
	}
	return ProjectInfo{Name: name, ID: b.p.Projects[name].ID, Namespace: "project-" + name, Bucket: "project-" + name, Index: "project_" + name}
}

// instanceProjects are the projects of ext's instances, by instance.
func (b *build) instanceProjects(ext spec.Extension) map[string]ProjectInfo {
	if len(ext.Instances) == 0 {
		return nil
	}
	out := map[string]ProjectInfo{}
	for inst := range ext.Instances {
		out[inst] = b.projectOf(ext, inst)
	}
	return out
}

// projectGlobals are what Kaapana injects into a multi-installable launch
// from the UI's Project header: global.project_name and global.project_id
// (left out when the platform does not declare the project's id).
func (b *build) projectGlobals(ext spec.Extension, inst string) map[string]any {
	p := b.projectOf(ext, inst)
	g := map[string]any{"project_name": p.Name}
	if p.ID != "" {
		g["project_id"] = p.ID
	}
	return g
}

// warnEmptyProject warns when a chart renders a project value that is
// empty: Kaapana's paths become /applications/project//release/... and
// MinIO's project-//.
func (b *build) warnEmptyProject(subject, release string, ch *helmchart.Chart, values map[string]any) {
	global, _ := values["global"].(map[string]any)
	for _, key := range []string{"project_id", "project_name"} {
		if v, _ := global[key].(string); v != "" || !ch.TemplatesMention("global."+key) {
			continue
		}
		project, _ := global["project_name"].(string)
		how := "declare projects." + project + ".id (the id Kaapana gave the project)"
		if key == "project_name" {
			how = "install it as an instance, which runs in a project (default admin)"
		}
		b.warn(subject, "release %s: chart %s renders global.%s, which is empty: %s", release, ch.Name(), key, how)
	}
}
