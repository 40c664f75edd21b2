package pydag

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/*.txtar")

// TestGolden reads dag.py of each testdata/*.txtar and compares what the
// reader found, rendered by render, with the archive's want section.
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.txtar")
	if len(files) == 0 {
		t.Fatal("no goldens")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var src []byte
			want := -1
			for i, f := range ar.Files {
				switch f.Name {
				case "dag.py":
					src = f.Data
				case "want":
					want = i
				}
			}
			if src == nil || want < 0 {
				t.Fatal("the archive needs dag.py and want")
			}
			got := render(Read(src))
			if *update {
				ar.Files[want].Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(string(ar.Files[want].Data), got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
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
