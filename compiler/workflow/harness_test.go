package workflow

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
	yamlv3 "sigs.k8s.io/yaml/goyaml.v3"
)

// testPlatform is the slice of a platform file the tests write: the
// workflows plus the two platform fields they depend on.
type testPlatform struct {
	Registry     struct{ URL string } `json:"registry"`
	BuildVersion string               `json:"buildVersion"`
	Workflows    Workflows            `json:"workflows"`
}

// loadInput decodes file from fsys as the platform loader would hand it
// over: decoded workflows, file reads confined to fsys, and positions of
// every YAML node.
func loadInput(t testing.TB, fsys fs.FS, file string) Input {
	t.Helper()
	src, err := fs.ReadFile(fsys, file)
	if err != nil {
		t.Fatal(err)
	}
	js, err := yaml.YAMLToJSON(src)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var tp testPlatform
	if err := json.Unmarshal(js, &tp); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	var root yamlv3.Node
	if err := yamlv3.Unmarshal(src, &root); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	pos := map[string]string{}
	if len(root.Content) > 0 {
		walkYAML(root.Content[0], nil, file, pos)
	}
	return Input{
		Workflows: tp.Workflows,
		Platform:  Platform{Registry: tp.Registry.URL, BuildVersion: tp.BuildVersion, Reserved: KaapanaCoreTitles},
		ReadFile: func(name string) ([]byte, error) {
			if !fs.ValidPath(name) {
				return nil, fmt.Errorf("%s is outside the platform directory", name)
			}
			return fs.ReadFile(fsys, name)
		},
		Positions: func(p []string) string {
			for i := len(p); i >= 0; i-- {
				if s, ok := pos[strings.Join(p[:i], "\x1f")]; ok {
					return s
				}
			}
			return ""
		},
	}
}

func walkYAML(n *yamlv3.Node, at []string, file string, pos map[string]string) {
	switch n.Kind {
	case yamlv3.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := append(append([]string(nil), at...), k.Value)
			pos[strings.Join(p, "\x1f")] = fmt.Sprintf("%s:%d:%d", file, k.Line, k.Column)
			walkYAML(v, p, file, pos)
		}
	case yamlv3.SequenceNode:
		for i, v := range n.Content {
			p := append(append([]string(nil), at...), strconv.Itoa(i))
			pos[strings.Join(p, "\x1f")] = fmt.Sprintf("%s:%d:%d", file, v.Line, v.Column)
			walkYAML(v, p, file, pos)
		}
	}
}

// outputs are a compile's files as the goldens name them: workflows/<name>/
// for Files, workflows/<name>/chart/ for the chart, plus the graphs and the
// diagnostics.
func outputs(res *Result) map[string][]byte {
	out := map[string][]byte{}
	for _, c := range res.Workflows {
		dir := "workflows/" + c.Name + "/"
		for n, b := range c.Files {
			out[dir+n] = b
		}
		for n, b := range c.Chart {
			// The chart's files/ repeat Files; the goldens hold them once.
			if !strings.HasPrefix(n, "files/") {
				out[dir+"chart/"+n] = b
			}
		}
		out[dir+"graph.mermaid"] = c.Graph.Mermaid()
		out[dir+"graph.dot"] = c.Graph.Dot()
	}
	return out
}

// pythonParses fails t unless python3's ast accepts the file.
func pythonParses(t *testing.T, name string, src []byte) {
	t.Helper()
	dir := t.TempDir()
	f := path.Join(dir, path.Base(name))
	if err := os.WriteFile(f, src, 0o644); err != nil {
		t.Fatal(err)
	}
	runPython(t, f)
}
