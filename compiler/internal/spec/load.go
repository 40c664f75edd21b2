package spec

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/load"
	"cuelang.org/go/cue/token"
	cuejson "cuelang.org/go/encoding/json"
	cueyaml "cuelang.org/go/encoding/yaml"

	"github.com/pono-gitops/pono/compiler/diag"
	cueschema "github.com/pono-gitops/pono/cue"
)

// EnvironmentsDir is the directory under a platform directory that holds
// one subdirectory of overlay files per environment.
const EnvironmentsDir = "environments"

// schemaFile is the name the embedded schema carries in error positions.
const schemaFile = "pono:platform.cue"

// Loaded is a platform description read from disk.
type Loaded struct {
	Platform  Platform
	Positions *Positions
	// Files are the input files read, relative to the platform directory,
	// sorted; the compiler hashes them for reproducibility checks.
	Files []string
}

// Load reads the platform in dir, merging environment env on top when env
// is not empty. Problems in the input come back as a *diag.Err listing all of
// them with positions; other errors (I/O) are returned wrapped.
func Load(dir, env string) (*Loaded, error) {
	ctx := cuecontext.New()
	schema := ctx.CompileBytes(cueschema.MustRead("platform.cue"), cue.Filename(schemaFile)).LookupPath(cue.ParsePath("#Platform"))
	if err := schema.Err(); err != nil {
		return nil, fmt.Errorf("embedded platform schema: %w", err)
	}

	base, files, err := readLayer(ctx, dir)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, &diag.Err{List: diag.List{{Subject: dir, Message: "no platform files (*.cue, *.yaml, *.yml, *.json) found"}}}
	}
	layers := []cue.Value{base}
	if env != "" {
		envDir := filepath.Join(dir, EnvironmentsDir, env)
		if st, err := os.Stat(envDir); err != nil || !st.IsDir() {
			return nil, &diag.Err{List: diag.List{{Subject: "environment " + env,
				Message: fmt.Sprintf("not found: expected directory %s (available: %s)", envDir, strings.Join(Environments(dir), ", "))}}}
		}
		overlay, envFiles, err := readLayer(ctx, envDir)
		if err != nil {
			return nil, err
		}
		for _, f := range envFiles {
			files = append(files, filepath.Join(EnvironmentsDir, env, f))
		}
		layers = append(layers, overlay)
	}

	// Each layer is checked against the schema on its own, so type errors
	// keep the position the user wrote; required fields are checked after
	// the merge, when the whole platform is known.
	var problems diag.List
	for i, l := range layers {
		if err := l.Err(); err != nil {
			problems = append(problems, fromCUE(err, nil)...)
			continue
		}
		if err := schema.Unify(l).Validate(); err != nil {
			for _, d := range fromCUEFiltered(err, func(path Path) bool {
				// In an overlay, null removes a key; the schema need not allow it.
				return i > 0 && isNullAt(l, path)
			}) {
				problems = append(problems, d)
			}
		}
	}
	if problems.HasErrors() {
		return nil, problems.AsError()
	}

	pos := newPositions()
	var merged any = map[string]any{}
	for _, l := range layers {
		data, ok, err := toData(l, nil, pos)
		if err != nil {
			return nil, err
		}
		if ok {
			merged = mergeData(merged, data)
		}
	}

	final := schema.Unify(ctx.Encode(merged))
	if err := final.Validate(cue.Concrete(true), cue.Final()); err != nil {
		return nil, fromCUE(err, pos).AsError()
	}
	var p Platform
	if err := final.Decode(&p); err != nil {
		return nil, fromCUE(err, pos).AsError()
	}
	// Decoding yields CUE's number types; a JSON round trip gives the plain
	// float64/string/bool/map/slice shapes that Helm values use.
	if err := normalizeValues(&p); err != nil {
		return nil, err
	}
	sort.Strings(files)
	return &Loaded{Platform: p, Positions: pos, Files: files}, nil
}

// Environments lists the environment overlays available in dir.
func Environments(dir string) []string {
	entries, _ := os.ReadDir(filepath.Join(dir, EnvironmentsDir))
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	if len(out) == 0 {
		return []string{"none"}
	}
	return out
}

// readLayer unifies all platform files directly in dir: CUE files as one
// package (so they may reference each other), YAML and JSON files as data.
func readLayer(ctx *cue.Context, dir string) (cue.Value, []string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return cue.Value{}, nil, fmt.Errorf("read platform directory: %w", err)
	}
	var cueFiles, dataFiles []string
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		switch filepath.Ext(e.Name()) {
		case ".cue":
			cueFiles = append(cueFiles, e.Name())
		case ".yaml", ".yml", ".json":
			if e.Name() == "pono.lock" {
				continue
			}
			dataFiles = append(dataFiles, e.Name())
		}
	}
	v := ctx.CompileString("{}")
	if len(cueFiles) > 0 {
		args := make([]string, len(cueFiles))
		for i, f := range cueFiles {
			args[i] = "./" + f
		}
		insts := load.Instances(args, &load.Config{Dir: dir})
		if err := insts[0].Err; err != nil {
			return v, nil, &diag.Err{List: fromCUE(err, nil)}
		}
		v = v.Unify(ctx.BuildInstance(insts[0]))
	}
	for _, name := range dataFiles {
		path := filepath.Join(dir, name)
		src, err := os.ReadFile(path)
		if err != nil {
			return v, nil, fmt.Errorf("read %s: %w", path, err)
		}
		var f *ast.File
		if filepath.Ext(name) == ".json" {
			expr, jerr := cuejson.Extract(path, src)
			if jerr != nil {
				return v, nil, &diag.Err{List: fromCUE(jerr, nil)}
			}
			f = &ast.File{Filename: path, Decls: []ast.Decl{&ast.EmbedDecl{Expr: expr}}}
		} else {
			yf, yerr := cueyaml.Extract(path, src)
			if yerr != nil {
				return v, nil, &diag.Err{List: fromCUE(yerr, nil)}
			}
			f = yf
		}
		v = v.Unify(ctx.BuildFile(f))
	}
	return v, append(cueFiles, dataFiles...), nil
}

// toData converts a layer to plain Go data, recording each value's
// position. Values that are not concrete (a CUE type without a value) are
// left out: a later layer or the schema's defaults fill them.
func toData(v cue.Value, path Path, pos *Positions) (any, bool, error) {
	if d, ok := v.Default(); ok {
		v = d
	}
	pos.set(path, v.Pos())
	switch v.IncompleteKind() {
	case cue.StructKind:
		it, err := v.Fields()
		if err != nil {
			return nil, false, nil
		}
		m := map[string]any{}
		for it.Next() {
			label := it.Selector().Unquoted()
			child := append(append(Path{}, path...), label)
			if d, ok, err := toData(it.Value(), child, pos); err != nil {
				return nil, false, err
			} else if ok {
				m[label] = d
			}
		}
		return m, true, nil
	case cue.ListKind:
		it, err := v.List()
		if err != nil {
			return nil, false, nil
		}
		var l []any
		for i := 0; it.Next(); i++ {
			child := append(append(Path{}, path...), fmt.Sprint(i))
			d, ok, err := toData(it.Value(), child, pos)
			if err != nil {
				return nil, false, err
			}
			if ok {
				l = append(l, d)
			}
		}
		if l == nil {
			l = []any{}
		}
		return l, true, nil
	}
	if !v.IsConcrete() {
		return nil, false, nil
	}
	var x any
	if err := v.Decode(&x); err != nil {
		return nil, false, nil
	}
	return x, true, nil
}

// mergeData lays overlay over base: maps merge key by key, anything else
// replaces, and an explicit null removes the key.
func mergeData(base, overlay any) any {
	bm, ok1 := base.(map[string]any)
	om, ok2 := overlay.(map[string]any)
	if !ok1 || !ok2 {
		return overlay
	}
	out := make(map[string]any, len(bm))
	for k, v := range bm {
		out[k] = v
	}
	for k, v := range om {
		if v == nil {
			delete(out, k)
			continue
		}
		if cur, ok := out[k]; ok {
			out[k] = mergeData(cur, v)
		} else {
			out[k] = v
		}
	}
	return out
}

func normalizeValues(p *Platform) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("normalize platform: %w", err)
	}
	*p = Platform{}
	if err := json.Unmarshal(b, p); err != nil {
		return fmt.Errorf("normalize platform: %w", err)
	}
	return nil
}

func isNullAt(v cue.Value, path Path) bool {
	sels := make([]cue.Selector, len(path))
	for i, p := range path {
		sels[i] = cue.Str(p)
	}
	return v.LookupPath(cue.MakePath(sels...)).IsNull()
}

// fromCUEFiltered is fromCUE without the errors whose path skip accepts.
func fromCUEFiltered(err error, skip func(Path) bool) diag.List {
	var out diag.List
	for _, e := range cueerrors.Errors(err) {
		if skip(errPath(e)) {
			continue
		}
		out = append(out, fromCUE(e, nil)...)
	}
	return out
}

// fromCUE turns CUE errors into diagnostics. Positions inside pono's own
// schema are useless to a user, so they are replaced with the position of
// the user's value at the same path when pos knows it.
func fromCUE(err error, pos *Positions) diag.List {
	var out diag.List
	for _, e := range cueerrors.Errors(err) {
		path := errPath(e)
		var p token.Pos
		for _, cand := range append([]token.Pos{e.Position()}, e.InputPositions()...) {
			if cand.IsValid() && cand.Filename() != schemaFile {
				p = cand
				break
			}
		}
		if !p.IsValid() && pos != nil {
			p = pos.Of(path)
		}
		format, args := e.Msg()
		subject := ""
		if len(path) > 0 {
			subject = path.String()
		}
		out = append(out, diag.Diagnostic{Pos: diag.FormatPos(p), Subject: subject, Message: fmt.Sprintf(format, args...)})
	}
	return out
}

// errPath is the platform path of a CUE error, without the schema's
// #Platform prefix.
func errPath(e cueerrors.Error) Path {
	path := Path(e.Path())
	if len(path) > 0 && path[0] == "#Platform" {
		path = path[1:]
	}
	return path
}
