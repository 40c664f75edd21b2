package spec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/build"
	"cuelang.org/go/cue/cuecontext"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/pono-gitops/pono/compiler/diag"
)

// cueSource is one .cue file of a layer, named as messages show it.
type cueSource struct {
	Name string `json:"name"`
	Src  []byte `json:"src"`
}

// cuePos is a position in a .cue file, as it crosses the process
// boundary of the evaluation child.
type cuePos struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

type cueEntry struct {
	Path Path   `json:"path"`
	At   cuePos `json:"at"`
	Key  bool   `json:"key,omitempty"` // a key's position, not the value's
}

// cueLayer is the CUE files of one layer evaluated to plain data.
type cueLayer struct {
	Data any        `json:"data"`
	Pos  []cueEntry `json:"pos"`
	// Open are values that never became concrete (a cycle, a type left
	// open): an error unless a data file of the layer or an overlay sets them.
	Open   []cueEntry `json:"open"`
	Errors diag.List  `json:"errors"`
}

// evalCUE evaluates the CUE files of one layer as one package. It runs in
// the evaluation child (child.go) or, without one, in a goroutine.
func evalCUE(files []cueSource) cueLayer {
	ctx := cuecontext.New()
	inst := build.NewContext().NewInstance("", nil)
	for _, f := range files {
		af, err := parser.ParseFile(f.Name, f.Src, parser.ParseComments)
		if err != nil {
			return cueLayer{Errors: fromCUE(err)}
		}
		for imp := range af.ImportSpecs() {
			if p := strings.Trim(imp.Path.Value, `"`); strings.Contains(strings.SplitN(p, "/", 2)[0], ".") {
				return cueLayer{Errors: diag.List{diag.At(imp.Pos(), "", "import %q: a platform may import only CUE's standard library", p)}}
			}
		}
		if err := inst.AddSyntax(af); err != nil {
			return cueLayer{Errors: fromCUE(err)}
		}
	}
	v := ctx.BuildInstance(inst)
	if err := v.Err(); err != nil {
		return cueLayer{Errors: placeAt(v, fromCUE(err))}
	}
	if err := v.Validate(); err != nil {
		return cueLayer{Errors: placeAt(v, fromCUE(err))}
	}
	var out cueLayer
	d, ok := cueToData(v, nil, &out, 0)
	if ok {
		out.Data = d
	}
	return out
}

// cueToData converts an evaluated value to plain data, recording each
// value's position and the values that are not concrete.
func cueToData(v cue.Value, path Path, out *cueLayer, depth int) (any, bool) {
	if d, ok := v.Default(); ok {
		v = d
	}
	at := posOf(v.Pos())
	if depth > maxDepth {
		out.Errors = append(out.Errors, diag.At(v.Pos(), path.String(), "values nested more than %d deep", maxDepth))
		return nil, false
	}
	out.Pos = append(out.Pos, cueEntry{Path: path, At: at})
	switch v.IncompleteKind() {
	case cue.StructKind:
		it, err := v.Fields()
		if err != nil {
			out.Errors = append(out.Errors, fromCUE(err)...)
			return nil, false
		}
		m := map[string]any{}
		for it.Next() {
			label := it.Selector().Unquoted()
			child := append(path[:len(path):len(path)], label)
			if d, ok := cueToData(it.Value(), child, out, depth+1); ok {
				m[label] = d
			}
		}
		return m, true
	case cue.ListKind:
		it, err := v.List()
		if err != nil {
			out.Errors = append(out.Errors, fromCUE(err)...)
			return nil, false
		}
		l := []any{}
		for i := 0; it.Next(); i++ {
			if d, ok := cueToData(it.Value(), append(path[:len(path):len(path)], fmt.Sprint(i)), out, depth+1); ok {
				l = append(l, d)
			}
		}
		return l, true
	}
	if !v.IsConcrete() {
		out.Open = append(out.Open, cueEntry{Path: path, At: at})
		return nil, false
	}
	var x any
	if err := v.Decode(&x); err != nil {
		out.Errors = append(out.Errors, diag.At(v.Pos(), path.String(), "cannot be used as data: %s", cueMessage(err)))
		return nil, false
	}
	return x, true
}

func posOf(p token.Pos) cuePos {
	if !p.IsValid() {
		return cuePos{}
	}
	return cuePos{File: p.Filename(), Line: p.Line(), Col: p.Column()}
}

// fromCUE turns errors in the user's CUE files into diagnostics worded
// without CUE's internals: the summary "N errors in empty disjunction" is
// dropped for the errors it summarises, paths are printed as pono prints
// them.
func fromCUE(err error) diag.List {
	var out diag.List
	for _, e := range cueerrors.Errors(err) {
		format, args := e.Msg()
		msg := fmt.Sprintf(format, args...)
		if strings.HasSuffix(msg, "errors in empty disjunction") {
			continue
		}
		path := Path(nil)
		for _, s := range e.Path() {
			path = append(path, unquoteLabel(s))
		}
		var at []string
		for _, p := range append([]token.Pos{e.Position()}, e.InputPositions()...) {
			if f := diag.FormatPos(p); f != "" && !slices.Contains(at, f) {
				at = append(at, f)
			}
		}
		d := diag.Diagnostic{Subject: path.String(), Message: cleanCUE(msg)}
		if len(at) > 0 {
			d.Pos = at[0]
		}
		if len(at) > 1 {
			d.Message += " (see also " + strings.Join(at[1:], ", ") + ")"
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		out = append(out, diag.Diagnostic{Message: "the CUE files cannot be evaluated: " + cleanCUE(err.Error())})
	}
	return out
}

// placeAt gives errors CUE reports without a position (a structural
// cycle) the position of the field they name.
func placeAt(v cue.Value, l diag.List) diag.List {
	for i, d := range l {
		if d.Pos != "" || d.Subject == "" {
			continue
		}
		l[i].Pos = diag.FormatPos(v.LookupPath(cue.ParsePath(d.Subject)).Pos())
	}
	return l
}

// cueMessage is one CUE error's message, cleaned.
func cueMessage(err error) string {
	if errs := cueerrors.Errors(err); len(errs) > 0 {
		format, args := errs[0].Msg()
		return cleanCUE(fmt.Sprintf(format, args...))
	}
	return cleanCUE(err.Error())
}

// cleanCUE removes Go type names CUE sometimes includes.
func cleanCUE(msg string) string {
	for _, t := range []string{"[]interface {}", "map[string]interface {}", "interface {}"} {
		msg = strings.ReplaceAll(msg, t, "value")
	}
	return msg
}

// unquoteLabel turns CUE's quoted label ("hello-app") back into the name.
func unquoteLabel(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		return u
	}
	return s
}
