package pydag

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/pono-gitops/pono/internal/goldentest"
)

// TestGolden reads dag.py of each testdata/*.txtar and compares what the
// reader found, rendered by render, with the archive's want section.
func TestGolden(t *testing.T) {
	goldentest.Run(t, "testdata/*.txtar", func(t *testing.T, ar *txtar.Archive) map[string]string {
		src, ok := goldentest.Section(ar, "dag.py")
		if !ok {
			t.Fatal("the archive needs dag.py")
		}
		return map[string]string{"want": render(Read(src))}
	})
}

// render writes a DAG as one line per task, edge and problem.
func render(d *DAG) string {
	var b strings.Builder
	if d.Owner != nil || d.UIVisible != nil {
		fmt.Fprintf(&b, "dag %s owner=%v ui_visible=%v\n", d.DAG, deref(d.Owner), derefB(d.UIVisible))
	}
	for _, t := range d.Tasks {
		fmt.Fprintf(&b, "task %s %s var=%s image=%s name=%s default=%v template=%s\n", t.Pos, t.ID, t.Var, t.Image, t.ImageName, t.Default, t.Template)
		for _, e := range t.Env {
			fmt.Fprintf(&b, "  env %s %s=%s\n", e.Pos, e.Name, describe(e.Value))
		}
		if t.Command != nil {
			fmt.Fprintf(&b, "  command %q\n", t.Command)
		}
		if t.Resources != nil {
			fmt.Fprintf(&b, "  resources limits=%v requests=%v\n", kvs(t.Resources.Limits), kvs(t.Resources.Requests))
		}
		for _, l := range t.Labels {
			fmt.Fprintf(&b, "  label %s=%s\n", l.Key, l.Value)
		}
		for _, l := range t.Annotations {
			fmt.Fprintf(&b, "  annotation %s=%s\n", l.Key, l.Value)
		}
		if t.RegistryURL != "" || t.RegistryPassword != nil {
			fmt.Fprintf(&b, "  registry %s %s password=%v\n", t.RegistryURL, t.RegistryUsername, t.RegistryPassword != nil)
		}
		for _, in := range t.Inputs {
			fmt.Fprintf(&b, "  input %s %s <- %s.%s\n", in.Pos, in.Input, d.Tasks[in.Upstream].ID, in.Output)
		}
	}
	for _, e := range d.Edges {
		fmt.Fprintf(&b, "edge %s %s >> %s\n", e.Pos, d.Tasks[e.From].ID, d.Tasks[e.To].ID)
	}
	for _, p := range d.Problems {
		sev := "unreadable"
		if p.Severity == Dropped {
			sev = "dropped"
		}
		fmt.Fprintf(&b, "%s %s: %s\n", sev, p.Pos, p.Msg)
	}
	return b.String()
}

func kvs(l []KV) string {
	var s []string
	for _, kv := range l {
		s = append(s, kv.Key+"="+kv.Value)
	}
	return strings.Join(s, ",")
}

func deref(p *string) string {
	if p == nil {
		return "-"
	}
	return *p
}

func derefB(p *bool) string {
	if p == nil {
		return "-"
	}
	return fmt.Sprint(*p)
}
