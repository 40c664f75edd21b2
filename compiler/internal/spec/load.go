package spec

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"

	"github.com/pono-gitops/pono/compiler/diag"
	cueschema "github.com/pono-gitops/pono/cue"
	"github.com/pono-gitops/pono/internal/safefs"
)

// EnvironmentsDir is the directory under a platform directory that holds
// one subdirectory of overlay files per environment.
const EnvironmentsDir = "environments"

// Loaded is a platform description read from disk.
type Loaded struct {
	Platform  Platform
	Positions *Positions
	// Files are the input files read, relative to the platform directory,
	// sorted; the compiler hashes them for reproducibility checks.
	Files []string
}

// envName is what -e accepts: the name of a directory directly under
// environments/, never a path.
var envName = regexp.MustCompile(`^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$`)

// layer is the files of the base or of the overlay, decoded.
type layer struct {
	dir   *safefs.Dir
	files []string // names relative to the platform directory
	data  []*fileData
	cue   []cueSource
	src   map[string]*srcFile // .cue files by display name
}

// Load is LoadContext without a context.
func Load(dir, env string) (*Loaded, error) { return LoadContext(context.Background(), dir, env) }

// LoadContext reads the platform in dir, merging environment env on top
// when env is not empty. Every read stays inside dir (safefs). Problems in
// the input come back as a *diag.Err listing all of them with positions;
// other errors (I/O, ctx ending) are returned wrapped.
func LoadContext(ctx context.Context, dir, env string) (*Loaded, error) {
	// Parsing a large file cannot be interrupted, so the load runs on its
	// own goroutine and ctx ending returns at once; the goroutine finishes
	// (or the CUE child is killed) in the background.
	type result struct {
		l   *Loaded
		err error
	}
	done := make(chan result, 1)
	go func() {
		l, err := load(ctx, dir, env)
		done <- result{l, err}
	}()
	select {
	case r := <-done:
		return r.l, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("loading the platform: %w", ctx.Err())
	}
}

func load(ctx context.Context, dir, env string) (*Loaded, error) {
	root, err := safefs.Open(dir, dir)
	if err != nil {
		return nil, fmt.Errorf("read platform directory: %w", err)
	}
	defer root.Close()
	base, err := readLayer(ctx, root, "")
	if err != nil {
		return nil, err
	}
	if len(base.files) == 0 {
		return nil, &diag.Err{List: diag.List{{Subject: dir, Message: "no platform files (*.cue, *.yaml, *.yml, *.json) found"}}}
	}
	layers := []*layer{base}
	if env != "" {
		ov, err := openEnv(ctx, root, dir, env)
		if err != nil {
			return nil, err
		}
		defer ov.dir.Close()
		layers = append(layers, ov)
	}
	if err := evalCUELayers(ctx, layers); err != nil {
		return nil, err
	}
	l, err := finish(ctx, layers)
	return l, scrubbed(err, layers)
}

func openEnv(ctx context.Context, root *safefs.Dir, dir, env string) (*layer, error) {
	notFound := func(why string) error {
		return &diag.Err{List: diag.List{{Subject: "environment " + env,
			Message: fmt.Sprintf("%s (available: %s)", why, strings.Join(Environments(dir), ", "))}}}
	}
	if !envName.MatchString(env) {
		return nil, notFound("not an environment name: -e takes the name of a directory under " + EnvironmentsDir + "/, not a path")
	}
	rel := filepath.Join(EnvironmentsDir, env)
	sub, err := root.Sub(rel)
	var le *safefs.LinkError
	switch {
	case errors.As(err, &le):
		return nil, err
	case err != nil:
		return nil, notFound("not found: expected directory " + filepath.Join(dir, rel))
	}
	l, err := readLayer(ctx, sub, rel)
	if err != nil {
		sub.Close()
		return nil, err
	}
	return l, nil
}

// Environments lists the environment overlays available in dir.
func Environments(dir string) []string {
	var out []string
	if root, err := safefs.Open(dir, dir); err == nil {
		entries, _ := root.ReadDir(EnvironmentsDir)
		root.Close()
		for _, e := range entries {
			if e.IsDir() {
				out = append(out, e.Name())
			}
		}
	}
	if len(out) == 0 {
		return []string{"none"}
	}
	return out
}

// readLayer reads every platform file directly in d: data files are
// decoded here, .cue files kept for evaluation.
func readLayer(ctx context.Context, d *safefs.Dir, rel string) (*layer, error) {
	entries, err := d.ReadDir(".")
	if err != nil {
		return nil, fmt.Errorf("read platform directory: %w", err)
	}
	l := &layer{dir: d, src: map[string]*srcFile{}}
	for _, e := range entries {
		name := e.Name()
		ext := filepath.Ext(name)
		if strings.HasPrefix(name, ".") || (ext != ".cue" && ext != ".yaml" && ext != ".yml" && ext != ".json") {
			continue
		}
		if e.IsDir() {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		src, err := d.ReadFile(name)
		if err != nil {
			var pe *fs.PathError
			if errors.As(err, &pe) && !errors.Is(err, safefs.ErrEscapes) {
				return nil, fmt.Errorf("read %s: %w", d.Display(name), pe.Err)
			}
			return nil, err
		}
		f := newSrcFile(d.Display(name), src)
		l.files = append(l.files, filepath.Join(rel, name))
		if ext == ".cue" {
			l.cue = append(l.cue, cueSource{Name: f.name, Src: src})
			l.src[f.name] = f
			continue
		}
		fd, err := decodeFile(ctx, f, ext == ".json")
		if err != nil {
			return nil, err
		}
		l.data = append(l.data, fd)
	}
	return l, nil
}

// evalCUELayers evaluates the layers' .cue files (in the bounded child)
// and adds the result to each layer's data, in front of its data files.
func evalCUELayers(ctx context.Context, layers []*layer) error {
	var req [][]cueSource
	someCUE := false
	for _, l := range layers {
		req = append(req, l.cue)
		someCUE = someCUE || len(l.cue) > 0
	}
	if !someCUE {
		return nil
	}
	res, err := evalLayers(ctx, req)
	if err != nil {
		return err
	}
	var problems diag.List
	for i, l := range layers {
		r := res[i]
		if len(l.cue) == 0 {
			continue
		}
		problems = append(problems, l.placed(r.Errors)...)
		fd := newFileData()
		fd.data = r.Data
		if fd.data == nil {
			fd.data = map[string]any{}
		}
		for _, e := range r.Pos {
			fd.pos.set(e.Path, l.at(e.At))
		}
		if d, bad := notMapping(fd); bad {
			problems = append(problems, d)
			continue
		}
		for _, e := range r.Open {
			fd.open = append(fd.open, openValue{path: e.Path, pos: l.at(e.At)})
		}
		l.data = append([]*fileData{fd}, l.data...)
	}
	if problems.HasErrors() {
		return problems.AsError()
	}
	return nil
}

func finish(ctx context.Context, layers []*layer) (*Loaded, error) {
	schemaV := cuecontext.New().CompileBytes(cueschema.MustRead("platform.cue"), cue.Filename("pono:platform.cue"))
	if err := schemaV.Err(); err != nil {
		return nil, fmt.Errorf("embedded platform schema: %w", err)
	}
	sch, err := newSchema(schemaV.Context(), schemaV.LookupPath(cue.ParsePath("#Platform")))
	if err != nil {
		return nil, err
	}

	secrets := scanSecrets(layers)
	// Each layer is checked on its own, so type errors keep the position
	// the user wrote; required fields are checked after the merge.
	var problems diag.List
	merged := newFileData()
	var files []string
	var baseStart tokenPos
	unified := true
	for i, l := range layers {
		files = append(files, l.files...)
		lay, errs := unifyFiles(l.data)
		problems = append(problems, errs...)
		if errs.HasErrors() {
			unified = false
			continue
		}
		c := &checker{s: sch, fields: lay.pos, vals: lay.vals, overlay: i > 0, start: lay.vals.Of(nil)}
		c.check(sch.root, lay.data, nil)
		problems = append(problems, c.diags...)
		if i == 0 {
			merged, baseStart = lay, lay.vals.Of(nil)
		} else {
			merged = overlayData(merged, lay)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	// The merged platform is checked even when a layer has errors, so a
	// misspelt field is reported beside the required field it misses; what
	// the layer checks found again is reported once (AsError drops
	// duplicates). A layer that could not be merged leaves nothing to check.
	if !unified {
		return nil, problems.AsError()
	}
	c := &checker{s: sch, fields: merged.pos, vals: merged.vals, final: true, start: baseStart}
	full := c.check(sch.root, merged.data, nil)
	problems = append(problems, c.diags...)
	for _, o := range merged.open {
		if _, set := lookup(merged.data, o.path); !set {
			problems = append(problems, diag.At(o.pos, o.path.String(),
				"never gets a concrete value: its CUE expression refers to itself (a cycle) or leaves a type or reference open"))
		}
	}
	if problems.HasErrors() {
		return nil, problems.AsError()
	}
	// A JSON round trip gives the plain float64/string/bool/map/slice
	// shapes that Helm values use.
	b, err := json.Marshal(full)
	if err != nil {
		return nil, fmt.Errorf("platform: %w", err)
	}
	var p Platform
	if err := json.Unmarshal(b, &p); err != nil {
		// The schema checks shapes, so this is a pono defect; still no Go
		// type names in the message.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("platform: %s has a value of the wrong type", te.Field)
		}
		return nil, errors.New("platform: the checked description cannot be decoded")
	}
	sort.Strings(files)
	p.Secrets, p.SecretValues, p.LoadWarnings = secrets.paths, secrets.values, secrets.warnings
	return &Loaded{Platform: p, Positions: merged.pos, Files: files}, nil
}

// at is a child's position as a token.Pos of one of the layer's files.
func (l *layer) at(p cuePos) tokenPos {
	if f, ok := l.src[p.File]; ok && p.Line > 0 {
		return f.lineCol(p.Line, p.Col)
	}
	return tokenPos{}
}

// unifyFiles merges the files of one layer as CUE would unify data:
// mappings merge, and one path set to two different values is an error
// naming both places.
func unifyFiles(files []*fileData) (*fileData, diag.List) {
	out := newFileData()
	out.data = map[string]any{}
	var problems diag.List
	for _, f := range files {
		out.data = unify(out.data, f.data, nil, out, f, &problems)
		out.pos.merge(f.pos)
		out.vals.merge(f.vals)
		out.open = append(out.open, f.open...)
	}
	return out, problems
}

func unify(a, b any, p Path, ap, bp *fileData, problems *diag.List) any {
	am, ok1 := a.(map[string]any)
	bm, ok2 := b.(map[string]any)
	if ok1 && ok2 {
		for k, v := range bm {
			if cur, ok := am[k]; ok {
				am[k] = unify(cur, v, append(p[:len(p):len(p)], k), ap, bp, problems)
			} else {
				am[k] = v
			}
		}
		return am
	}
	if !reflect.DeepEqual(a, b) {
		*problems = append(*problems, diag.At(bp.vals.Of(p), p.String(), "conflicting values %s and %s (the other is set at %s)",
			show(a), show(b), diag.FormatPos(ap.vals.Of(p))))
	}
	return b
}

// overlayData lays an environment over the base: maps merge key by key,
// anything else replaces, and an explicit null removes the key.
func overlayData(base, ov *fileData) *fileData {
	base.data = mergeData(base.data, ov.data)
	base.pos.merge(ov.pos)
	base.vals.merge(ov.vals)
	base.open = append(base.open, ov.open...)
	return base
}

func mergeData(base, overlay any) any {
	bm, ok1 := base.(map[string]any)
	om, ok2 := overlay.(map[string]any)
	if !ok1 || !ok2 {
		return overlay
	}
	for k, v := range om {
		if v == nil {
			delete(bm, k)
			continue
		}
		if cur, ok := bm[k]; ok {
			bm[k] = mergeData(cur, v)
		} else {
			bm[k] = v
		}
	}
	return bm
}

// lookup finds the value at p in data.
func lookup(data any, p Path) (any, bool) {
	for _, e := range p {
		switch x := data.(type) {
		case map[string]any:
			v, ok := x[e]
			if !ok {
				return nil, false
			}
			data = v
		case []any:
			i := 0
			if _, err := fmt.Sscan(e, &i); err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			data = x[i]
		default:
			return nil, false
		}
	}
	return data, true
}
