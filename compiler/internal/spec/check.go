package spec

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"cuelang.org/go/cue"

	"github.com/pono-gitops/pono/compiler/diag"
)

// The schema is applied to plain data piece by piece rather than by
// unifying the whole platform with #Platform: CUE looks fields up by a
// linear scan, so unifying a struct of N fields costs N², and a platform
// with 40,000 globals took seconds. Here each map is walked in Go, each
// key is checked with Allows, and only leaves (a version, a name, a
// parameter value) are unified with their schema: linear in the input.
// The embedded schema stays the single source of truth for field names,
// types, patterns and defaults.

type schemaKind int

const (
	kindFree   schemaKind = iota // anything: globals.<key>
	kindObject                   // any mapping: values
	kindMap                      // a mapping of named entries: extensions
	kindStruct                   // a record with known fields: an extension
	kindList                     // a list: needs
	kindLeaf                     // a scalar constraint: a version
	kindUnion                    // one of several records: a ui_form
)

type schemaNode struct {
	v      cue.Value
	kind   schemaKind
	fields map[string]*schemaField
	order  []string      // field names in schema order
	elem   *schemaNode   // kindMap, kindList; kindStruct: other fields' pattern
	alts   []*schemaNode // kindUnion: the records, in schema order
	tags   []string      // kindUnion: fields each record fixes (type)
	desc   string        // what a value must be, in words
	// keyDesc says what a kindMap's names must be, when not a #Name.
	keyDesc string
}

func (n *schemaNode) describe() string {
	if n.desc == "" {
		n.desc = describe(n.v)
	}
	return n.desc
}

type schemaField struct {
	name     string
	required bool
	optional bool // name?: absent stays absent
	node     *schemaNode
	def      any // the default, when hasDef
	hasDef   bool
}

// schema is #Platform prepared for walking; nodes are built once per
// schema position (all extensions share one node).
type schema struct {
	ctx  *cue.Context
	top  cue.Value
	root *schemaNode
	// leafOK remembers leaf checks of scalars: platforms repeat values
	// (container names, labels, templates), and a unification costs far
	// more than a lookup.
	leafOK map[leafKey]bool
}

type leafKey struct {
	n *schemaNode
	v any
}

// validLeaf says whether d satisfies the leaf constraint n.
func (s *schema) validLeaf(n *schemaNode, d any) bool {
	switch d.(type) {
	case string, bool, float64, int64:
	default:
		return n.v.Unify(s.ctx.Encode(d)).Validate(cue.Concrete(true)) == nil
	}
	k := leafKey{n, d}
	if ok, seen := s.leafOK[k]; seen {
		return ok
	}
	ok := n.v.Unify(s.ctx.Encode(d)).Validate(cue.Concrete(true)) == nil
	s.leafOK[k] = ok
	return ok
}

func newSchema(ctx *cue.Context, platform cue.Value) (*schema, error) {
	s := &schema{ctx: ctx, top: ctx.CompileString("_"), leafOK: map[leafKey]bool{}}
	root, err := s.node(platform, 0)
	if err != nil {
		return nil, err
	}
	s.root = root
	return s, nil
}

func (s *schema) node(v cue.Value, depth int) (*schemaNode, error) {
	if depth > 20 {
		return nil, fmt.Errorf("embedded platform schema nests too deep")
	}
	n := &schemaNode{v: v}
	switch v.IncompleteKind() {
	case cue.TopKind:
		n.kind = kindFree
	case cue.StructKind:
		if args, ok := disjuncts(v); ok {
			return s.union(n, args, depth)
		}
		it, err := v.Fields(cue.Optional(true))
		if err != nil {
			return nil, fmt.Errorf("embedded platform schema: %w", err)
		}
		n.fields = map[string]*schemaField{}
		for it.Next() {
			name := it.Selector().Unquoted()
			child, err := s.node(it.Value(), depth+1)
			if err != nil {
				return nil, err
			}
			if child.kind == kindMap {
				child.keyDesc = keyDescs[name]
			}
			ct := it.Selector().ConstraintType()
			f := &schemaField{name: name, required: ct == cue.RequiredConstraint, optional: ct == cue.OptionalConstraint, node: child}
			if d, ok := it.Value().Default(); ok && d.IsConcrete() && child.kind == kindLeaf {
				var x any
				if err := d.Decode(&x); err == nil {
					f.def, f.hasDef = x, true
				}
			}
			n.fields[name] = f
			n.order = append(n.order, name)
		}
		probe := v.FillPath(cue.MakePath(cue.Str(probeKey)), s.top).LookupPath(cue.MakePath(cue.Str(probeKey)))
		if len(n.fields) > 0 {
			n.kind = kindStruct
			// Fields beside a pattern (labels: provider, category and any
			// other string) are checked against the pattern.
			if probe.Exists() && v.Allows(cue.Str(probeKey)) && probe.IncompleteKind() != cue.TopKind {
				extra, err := s.node(probe, depth+1)
				if err != nil {
					return nil, err
				}
				n.elem = extra
			}
			break
		}
		// A struct without fields is a map: its entries share the schema
		// the pattern gives any allowed name.
		if probe.IncompleteKind() == cue.TopKind {
			n.kind = kindObject
			break
		}
		elem, err := s.node(probe, depth+1)
		if err != nil {
			return nil, err
		}
		n.kind, n.elem = kindMap, elem
	case cue.ListKind:
		elem, err := s.node(v.LookupPath(cue.MakePath(cue.AnyIndex)), depth+1)
		if err != nil {
			return nil, err
		}
		n.kind, n.elem = kindList, elem
	default:
		n.kind = kindLeaf
	}
	return n, nil
}

// probeKey is a name no schema field has, to find a struct's pattern.
const probeKey = "x"

// checker applies the schema to one layer (final false: no required
// fields, nulls allowed in an overlay) or to the merged platform (final:
// required fields checked, defaults filled in).
type checker struct {
	s       *schema
	fields  *Positions // field (key) positions
	vals    *Positions // value positions
	final   bool
	overlay bool
	start   tokenPos // the layer's first file, for errors about the whole platform
	diags   diag.List
}

func (c *checker) errAt(p Path, atKey bool, format string, args ...any) {
	c.errIn(p, p, atKey, format, args...)
}

// errIn reports a problem at p's position under the subject path s.
func (c *checker) errIn(p, s Path, atKey bool, format string, args ...any) {
	pos, depth := c.fields.near(p)
	if !atKey {
		// The value's position, unless only an ancestor's is known and
		// the field's own is: a CUE file records fields, not values, and
		// a YAML file of the same layer must not lend its ancestor.
		if vp, vd := c.vals.near(p); vp.IsValid() && vd >= depth {
			pos = vp
		}
	}
	if !pos.IsValid() {
		pos = c.start
	}
	subject := ""
	if len(s) > 0 {
		subject = s.String()
	}
	c.diags = append(c.diags, diag.At(pos, subject, format, args...))
}

// check returns d with defaults filled in (when final).
func (c *checker) check(n *schemaNode, d any, p Path) any {
	switch n.kind {
	case kindFree:
		return d
	case kindObject:
		if d == nil {
			return map[string]any{}
		}
		if _, ok := d.(map[string]any); !ok {
			c.errAt(p, false, "must be a mapping, not %s", show(d))
		}
		return d
	case kindMap:
		m, ok := c.mapping(d, p)
		if !ok {
			return d
		}
		out := make(map[string]any, len(m))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			child := append(p[:len(p):len(p)], k)
			if !n.v.Allows(cue.Str(k)) {
				c.errIn(child, p, true, "%s", badName(k, n.keyDesc))
				continue
			}
			if m[k] == nil && c.overlay {
				out[k] = nil
				continue
			}
			out[k] = c.check(n.elem, m[k], child)
		}
		return out
	case kindStruct:
		m, ok := c.mapping(d, p)
		if !ok {
			return d
		}
		out := make(map[string]any, len(n.fields))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if _, known := n.fields[k]; known {
				continue
			}
			child := append(p[:len(p):len(p)], k)
			if n.elem != nil && n.v.Allows(cue.Str(k)) {
				out[k] = c.check(n.elem, m[k], child)
				continue
			}
			c.errIn(child, p, true, "unknown field %q (the fields here are %s)", k, strings.Join(n.order, ", "))
		}
		for _, name := range n.order {
			f := n.fields[name]
			child := append(p[:len(p):len(p)], name)
			v, set := m[name]
			switch {
			case set && v == nil && c.overlay:
				out[name] = nil
			case set:
				out[name] = c.check(f.node, v, child)
			case !c.final:
			case f.required:
				c.errAt(p, true, "%s is required", name)
			case f.hasDef:
				out[name] = f.def
			case f.node.kind == kindLeaf || f.optional:
				// optional, no default: stays absent
			default:
				out[name] = c.check(f.node, nil, child)
			}
		}
		return out
	case kindUnion:
		return c.union(n, d, p)
	case kindList:
		if d == nil {
			return []any{}
		}
		l, ok := d.([]any)
		if !ok {
			c.errAt(p, false, "must be a list of %s, not %s", plural(n.elem.describe()), show(d))
			return d
		}
		out := make([]any, len(l))
		for i, e := range l {
			out[i] = c.check(n.elem, e, append(p[:len(p):len(p)], fmt.Sprint(i)))
		}
		return out
	}
	if !c.s.validLeaf(n, d) {
		c.errAt(p, false, "must be %s, not %s%s", n.describe(), show(d), tooLong(n, d))
	}
	return d
}

// mapping is d as a map; null counts as an empty one (an empty
// "parameters:" in YAML).
func (c *checker) mapping(d any, p Path) (map[string]any, bool) {
	switch m := d.(type) {
	case nil:
		return map[string]any{}, true
	case map[string]any:
		return m, true
	}
	c.errAt(p, false, "must be a mapping, not %s", show(d))
	return nil, false
}

// badName says why k is not a valid name; desc is what the names of this
// map must be ("" for a #Name).
func badName(k, desc string) string {
	if desc == "" {
		desc = describeKey()
	}
	if n := utf8.RuneCountInString(k); n > 63 {
		return fmt.Sprintf("the name %s is %d characters long: it must be %s", show(k), n, desc)
	}
	return fmt.Sprintf("the name %s must be %s", show(k), desc)
}

// tooLong says how long a name is when its length is the problem.
func tooLong(n *schemaNode, d any) string {
	if s, ok := d.(string); ok && n.describe() == describeKey() && utf8.RuneCountInString(s) > 63 {
		return fmt.Sprintf(" (%d characters)", utf8.RuneCountInString(s))
	}
	return ""
}
