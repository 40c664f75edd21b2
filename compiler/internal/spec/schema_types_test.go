package spec

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"

	cueschema "github.com/pono-gitops/pono/cue"
)

// TestGoTypesMatchSchema proves the Go platform types, mirrored by hand
// from cue/platform.cue, agree with it field by field: every record of the
// schema has the fields of its Go struct (by json name) and no others. It
// walks the schema as the loader prepares it and the Go types by
// reflection, side by side, into the records this package defines; a
// field typed elsewhere (workflows) or free-form (parameters, values) is
// compared by name only.
func TestGoTypesMatchSchema(t *testing.T) {
	v := cuecontext.New().CompileBytes(cueschema.MustRead("platform.cue"), cue.Filename("pono:platform.cue"))
	if err := v.Err(); err != nil {
		t.Fatal(err)
	}
	sch, err := newSchema(v.Context(), v.LookupPath(cue.ParsePath("#Platform")))
	if err != nil {
		t.Fatal(err)
	}
	var problems, records []string
	compareType(reflect.TypeFor[Platform](), sch.root, "#Platform", &problems, &records)
	for _, p := range problems {
		t.Error(p)
	}
	// The walk must reach the nested records, or it proves nothing.
	for _, want := range []string{"#Platform.extensions.<name>.instances.<name>", "#Platform.extensions.<name>.valuesFrom[]", "#Platform.sources.<name>", "#Platform.projects.<name>"} {
		if !slices.Contains(records, want) {
			t.Errorf("the walk did not compare %s (compared: %s)", want, strings.Join(records, ", "))
		}
	}

	// A Go type that drifted from the schema is caught both ways.
	type drifted struct {
		Name  string `json:"name"`
		Bogus string `json:"bogus"`
	}
	problems = nil
	compareType(reflect.TypeFor[drifted](), sch.root, "#Platform", &problems, new([]string))
	joined := strings.Join(problems, "\n")
	for _, want := range []string{"Go field drifted.bogus is not in the schema", "schema field extensions has no field in Go type drifted"} {
		if !strings.Contains(joined, want) {
			t.Errorf("drifted type: no problem %q in:\n%s", want, joined)
		}
	}
}

// compareType walks the schema node n and the Go type typ side by side.
func compareType(typ reflect.Type, n *schemaNode, path string, problems, records *[]string) {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if typ.PkgPath() != "" && typ.PkgPath() != reflect.TypeFor[Platform]().PkgPath() {
		return // typed and checked elsewhere
	}
	switch typ.Kind() {
	case reflect.Struct:
		schemaFields := map[string]*schemaField{}
		switch n.kind {
		case kindStruct:
			schemaFields = n.fields
		case kindUnion:
			for _, alt := range n.alts {
				for name, f := range alt.fields {
					schemaFields[name] = f
				}
			}
		default:
			*problems = append(*problems, path+": Go has the record "+typ.Name()+", the schema does not")
			return
		}
		*records = append(*records, path)
		goFields := map[string]reflect.Type{}
		for f := range fieldsOf(typ) {
			goFields[f.name] = f.typ
		}
		for _, name := range slices.Sorted(maps.Keys(goFields)) {
			if _, ok := schemaFields[name]; !ok {
				*problems = append(*problems, path+": Go field "+typ.Name()+"."+name+" is not in the schema")
			}
		}
		for _, name := range slices.Sorted(maps.Keys(schemaFields)) {
			ft, ok := goFields[name]
			if !ok {
				*problems = append(*problems, path+": schema field "+name+" has no field in Go type "+typ.Name())
				continue
			}
			compareType(ft, schemaFields[name].node, path+"."+name, problems, records)
		}
	case reflect.Map:
		if n.kind == kindMap {
			compareType(typ.Elem(), n.elem, path+".<name>", problems, records)
		}
	case reflect.Slice:
		if n.kind == kindList {
			compareType(typ.Elem(), n.elem, path+"[]", problems, records)
		}
	}
}

type goField struct {
	name string
	typ  reflect.Type
}

// fieldsOf yields the JSON-visible fields of a struct by their json name.
func fieldsOf(typ reflect.Type) func(func(goField) bool) {
	return func(yield func(goField) bool) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if !yield(goField{name, f.Type}) {
				return
			}
		}
	}
}
