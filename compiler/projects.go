package compiler

import (
	"strings"

	"github.com/pono-gitops/pono/compiler/internal/spec"
	"github.com/pono-gitops/pono/internal/helmsdk"
)

// checkProjects reports an extension or instance naming a project the
// platform does not declare (Kaapana's admin project always exists).
func (b *build) checkProjects() {
	known := func(p string) bool {
		_, ok := b.p.Projects[p]
		return p == "" || p == spec.DefaultProject || ok
	}
	declared := append([]string{spec.DefaultProject}, sortedKeys(b.p.Projects)...)
	for _, name := range sortedKeys(b.p.Extensions) {
		ext := b.p.Extensions[name]
		if !known(ext.Project) {
			b.errAt(spec.P("extensions", name, "project"), "extension "+name, "project %q is not declared under projects (known: %s)", ext.Project, strings.Join(declared, ", "))
		}
		for _, inst := range sortedKeys(ext.Instances) {
			if p := ext.Instances[inst].Project; !known(p) {
				b.errAt(spec.P("extensions", name, "instances", inst, "project"), "extension "+name+" instance "+inst, "project %q is not declared under projects (known: %s)", p, strings.Join(declared, ", "))
			}
		}
	}
}

// projectGlobals are what Kaapana injects into a multi-installable launch
// from the UI's Project header: global.project_name and global.project_id
// (left out when the platform does not declare the project's id).
func (b *build) projectGlobals(ext spec.Extension, inst string) map[string]any {
	name := ext.Instances[inst].Project
	if name == "" {
		name = ext.Project
	}
	if name == "" {
		name = spec.DefaultProject
	}
	g := map[string]any{"project_name": name}
	if id := b.p.Projects[name].ID; id != "" {
		g["project_id"] = id
	}
	return g
}

// warnEmptyProject warns when a chart renders a project value that is
// empty: Kaapana's paths become /applications/project//release/... and
// MinIO's project-//.
func (b *build) warnEmptyProject(subject, release string, ch *helmsdk.Chart, values map[string]any) {
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
