package compiler

import (
	"github.com/pono-gitops/pono/compiler/internal/spec"
	"github.com/pono-gitops/pono/compiler/kaapana"
)

// checkGlobalsFrom reports a globalsFrom that names no extension.
func (b *build) checkGlobalsFrom() {
	if g := b.p.GlobalsFrom; g != "" {
		if _, ok := b.p.Extensions[g]; !ok {
			b.errAt(spec.P("globalsFrom"), "", "globalsFrom names %q, which is not an extension of this platform (it takes that extension's chart globals, such as kaapana-admin-chart's)", g)
		}
	}
}

// chartGlobals are the values.yaml globals of the chart the globalsFrom
// extension resolved to: what Kaapana's kube-helm passes on to every
// extension besides the deploy script's --set values.
func chartGlobals(rc resolvedChart) map[string]any {
	if rc.chart == nil || rc.meta.OwnGlobals == nil {
		return nil
	}
	return kaapana.MergeValues(map[string]any{}, rc.meta.OwnGlobals)
}
