package workflow

import (
	"os"
	"path/filepath"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
	cueyaml "cuelang.org/go/encoding/yaml"

	cueschema "github.com/pono-gitops/pono/cue"
)

// The platform schema's workflows field (cue/platform.cue) accepts the
// example workflow and refuses what the loader refuses first.
func TestSchema(t *testing.T) {
	ctx := cuecontext.New()
	schema := ctx.CompileBytes(cueschema.MustRead("platform.cue"))
	if err := schema.Err(); err != nil {
		t.Fatalf("platform.cue: %v", err)
	}
	def := schema.LookupPath(cue.ParsePath("#Platform.workflows"))
	file := filepath.Join("testdata", "example", "platform.yaml")
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
	// No provider label, a task id Airflow refuses, a str form without
	// regex_pattern.
	for name, bad := range map[string]string{
		"no provider": `w: {labels: {category: c}, containers: {}, tasks: {}}`,
		"task id":     `w: {labels: {provider: p, category: c}, tasks: {"a b": {container: c, template: x}}}`,
		"str form":    `w: {labels: {provider: p, category: c}, parameters: [{task: t, env: E, ui_form: {type: "str", title: T, description: D}}]}`,
	} {
		v := ctx.CompileString(bad)
		if err := def.Unify(v).Validate(cue.Concrete(true)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
