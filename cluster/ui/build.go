package ui

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/pono-gitops/pono/cluster/status"
	"github.com/pono-gitops/pono/cluster/statusdoc"
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/compiler/workflow"
	"github.com/pono-gitops/pono/diff"
)

// Input is what a snapshot is built from.
type Input struct {
	Platform Platform
	// Result is the compiled platform the cluster is held to (nil when no
	// commit compiled yet).
	Result *compiler.Result
	// Status is the cluster's view of Result's releases (nil: not read).
	Status *status.StatusReport
	// Workflows, when set, replace Result's workflows (a page of workflows
	// compiled on their own, as the browser test's example is).
	Workflows []*workflow.Compiled
}

// maxText bounds any one message shown (errors, descriptions): a page
// stays bounded whatever a chart or the cluster says.
const maxText = 16 << 10

// Build makes the snapshot: one row per release, its state derived from
// Helm, the pods and the last cycle, every value and message masked with
// the platform's sensitive values.
func Build(in Input) *Snapshot {
	m := diff.NewMasker(in.Result)
	p := in.Platform
	p.Error = clip(m.Scrub(p.Error))
	if a := p.LastAttempt; a != nil {
		c := *a
		c.Error = clip(m.Scrub(c.Error))
		c.Releases = slices.Clone(c.Releases)
		for i := range c.Releases {
			c.Releases[i].Error = clip(m.Scrub(c.Releases[i].Error))
			c.Releases[i].Reason = clip(m.Scrub(c.Releases[i].Reason))
		}
		p.LastAttempt = &c
	}
	s := &Snapshot{Platform: p, result: in.Result, Extensions: []Row{}, Workflows: []Workflow{}}
	if in.Result != nil && s.Platform.Name == "" {
		s.Platform.Name = in.Result.Platform.Name
	}
	outcomes, drift := map[string]statusdoc.ReleaseRecord{}, map[string]statusdoc.DriftedRelease{}
	if a := s.Platform.LastAttempt; a != nil {
		for _, o := range a.Releases {
			outcomes[o.Namespace+"/"+o.Name] = o
		}
		for _, d := range a.Drift {
			drift[d.Release] = d
		}
	}
	exts := map[string]compiler.ExtensionInfo{}
	releases := map[string]compiler.Release{}
	if in.Result != nil {
		for _, e := range in.Result.Extensions {
			exts[e.Name] = e
		}
		for _, r := range in.Result.Releases {
			releases[r.Namespace+"/"+r.Name] = r
		}
	}
	var statusRows []status.ReleaseStatus
	if in.Status != nil {
		statusRows = append(append(statusRows, in.Status.Releases...), in.Status.Other...)
	} else if in.Result != nil {
		// No cluster read: the platform's releases as git wants them.
		for _, r := range in.Result.Releases {
			statusRows = append(statusRows, status.ReleaseStatus{Release: r.Name, Namespace: r.Namespace, Extension: r.Extension, Instance: r.Instance,
				Kind: r.Kind, Stability: stabilityOf(r.Experimental), DesiredVersion: r.Chart.Version, Chart: r.Chart.Name, HelmStatus: "unknown", InPlatform: true})
		}
	}
	for _, st := range statusRows {
		row := Row{
			Release: st.Release, Namespace: st.Namespace, Extension: st.Extension, Instance: st.Instance, Kind: st.Kind, Stability: st.Stability,
			Chart: st.Chart, DesiredVersion: st.DesiredVersion, DeployedVersion: st.DeployedVersion, HelmStatus: st.HelmStatus, Revision: st.Revision,
			KubeStatus: slices.Clone(st.KubeStatus), Ready: st.Ready, UpToDate: st.UpToDate, InPlatform: st.InPlatform, Owner: st.Owner,
			Failure: clip(m.Scrub(st.Error)),
		}
		if row.KubeStatus == nil {
			row.KubeStatus = []string{}
		}
		if e, ok := exts[st.Extension]; ok && st.InPlatform {
			row.Multi, row.Instances = e.Multi, e.Instances
			if rel, ok := releases[row.Key()]; ok {
				row.Parameters = parameters(e, m.Values(rel.Values))
			}
		}
		if o, ok := outcomes[row.Key()]; ok && o.Error != "" {
			row.Failure = o.Error
		}
		if d, ok := drift[row.Key()]; ok && !d.Corrected {
			row.Drift = d.Objects
		}
		row.State = state(&row)
		s.Extensions = append(s.Extensions, row)
	}
	byRelease := map[string]*Row{}
	for i := range s.Extensions {
		byRelease[s.Extensions[i].Release] = &s.Extensions[i]
	}
	add := func(name, title, release string, g *workflow.Graph, files map[string][]byte) {
		v := Workflow{Name: name, Title: title, Graph: g, Parameters: workflowParams(files)}
		if r, ok := byRelease[release]; ok {
			c := *r
			v.Release = &c
		}
		s.Workflows = append(s.Workflows, v)
	}
	for _, w := range in.Workflows {
		add(w.Name, w.Title, w.Name, w.Graph, w.Files)
	}
	// The platform's own workflows, as the compiler produced them.
	if len(in.Workflows) == 0 && in.Result != nil {
		for _, w := range in.Result.Workflows {
			add(w.Name, w.Title, w.Release, w.Graph, w.Files)
		}
	}
	return s
}

// workflowParams are the form fields of a compiled workflow, read back
// from its workflow.json (the form Kaapana shows is the one it registers).
func workflowParams(files map[string][]byte) []FormField {
	var wj struct {
		Parameters []FormField `json:"workflow_parameters"`
	}
	if b, ok := files["workflow.json"]; ok {
		_ = json.Unmarshal(b, &wj)
	}
	if wj.Parameters == nil {
		return []FormField{}
	}
	return wj.Parameters
}

// parameters are the extension's settable parameters with the values the
// release gets (Kaapana passes them as global.<name>).
func parameters(e compiler.ExtensionInfo, values map[string]any) []Param {
	global, _ := values["global"].(map[string]any)
	var out []Param
	for _, p := range e.Parameters {
		if !p.Settable() {
			continue
		}
		v, ok := global[p.Name]
		if !ok {
			continue
		}
		s, isString := v.(string)
		if !isString {
			b, _ := json.Marshal(v)
			s = string(b)
		}
		out = append(out, Param{Name: p.Name, Value: clip(s)})
	}
	return out
}

// state ranks what needs attention first: a failure, then drift, then a
// release not installed, then one not ready yet.
func state(r *Row) string {
	switch {
	case r.Failure != "" || r.HelmStatus == "failed" || anyFailed(r.KubeStatus):
		return StateFailed
	case len(r.Drift) > 0:
		return StateDrifted
	case r.HelmStatus == "not-installed":
		return StateNotInstalled
	case r.Ready:
		return StateReady
	}
	return StatePending
}

func anyFailed(statuses []string) bool {
	for _, s := range statuses {
		switch s {
		case "Failed", "Error", "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "Init:Error", "Init:CrashLoopBackOff", "OOMKilled":
			return true
		}
	}
	return false
}

func stabilityOf(experimental bool) string {
	if experimental {
		return "experimental"
	}
	return "stable"
}

// clip bounds a message, saying how much was left out.
func clip(s string) string {
	if len(s) <= maxText {
		return s
	}
	return fmt.Sprintf("%s… (%d more bytes)", s[:maxText], len(s)-maxText)
}
