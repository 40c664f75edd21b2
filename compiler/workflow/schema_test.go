package workflow

import (
	"os"
	"path/filepath"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	cueyaml "cuelang.org/go/encoding/yaml"
)

// The CUE fragment compiles beside #Name (from cue/platform.cue) and
// accepts the example workflow and the good goldens' workflows.
func TestSchemaFragment(t *testing.T) {
	frag, err := os.ReadFile("schema.cue.txt")
	if err != nil {
		t.Fatal(err)
	}
	ctx := cuecontext.New()
	schema := ctx.CompileString(string(frag) + "\n#Name: =~\"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$\"\n#Workflows: [#WorkflowName]: #Workflow\n")
	if err := schema.Err(); err != nil {
		t.Fatalf("schema.cue.txt: %v", err)
	}
	def := schema.LookupPath(cue.ParsePath("#Workflows"))
	for _, file := range []string{filepath.Join("testdata", "example", "platform.yaml")} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		f, err := cueyaml.Extract(file, src)
		if err != nil {
			t.Fatal(err)
		}
		v := ctx.BuildFile(f).LookupPath(cue.ParsePath("workflows"))
		if err := def.Unify(v).Validate(cue.Concrete(true)); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
	// And it refuses what the checks refuse first: no provider label, a
	// literal password, a str form without regex_pattern.
	for name, bad := range map[string]string{
		"no provider": `w: {labels: {category: c}, containers: {}, tasks: {}}`,
		"password":    `w: {labels: {provider: p, category: c}, tasks: {t: {container: c, template: x, registry: {url: u, username: n, password: p}}}}`,
		"str form":    `w: {labels: {provider: p, category: c}, parameters: [{task: t, env: E, ui_form: {type: "str", title: T, description: D}}]}`,
	} {
		v := ctx.CompileString(bad)
		if err := def.Unify(v).Validate(cue.Concrete(true)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
