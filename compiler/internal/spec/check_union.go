package spec

import (
	"fmt"

	"cuelang.org/go/cue"
)

// keyDescs say what the names of a map must be where they are not a
// #Name, by the field that holds the map.
var keyDescs = map[string]string{
	"workflows":  "a DNS label of at most 35 characters (lowercase letters, digits and '-'): it names the workflow's chart and its installer Job",
	"containers": "an image name component (lowercase letters and digits, separated by '.', '_' or '-')",
	"tasks":      "an Airflow task id (at most 250 ASCII letters, digits, '_', '-' and '.')",
}

// disjuncts are the alternatives of a disjunction of records, also
// through a reference (ui_form!: #UIForm): Eval resolves it.
func disjuncts(v cue.Value) ([]cue.Value, bool) {
	op, args := v.Eval().Expr()
	return args, op == cue.OrOp
}

// union prepares a disjunction of records (#UIForm: one record per form
// type): each alternative is walked like any record.
func (s *schema) union(n *schemaNode, args []cue.Value, depth int) (*schemaNode, error) {
	n.kind = kindUnion
	for _, a := range args {
		alt, err := s.node(a, depth+1)
		if err != nil {
			return nil, err
		}
		if alt.kind != kindStruct {
			return nil, fmt.Errorf("embedded platform schema: a disjunction mixes records and other values")
		}
		n.alts = append(n.alts, alt)
	}
	for _, name := range n.alts[0].order {
		tag := true
		for _, alt := range n.alts {
			f, ok := alt.fields[name]
			tag = tag && ok && f.node.kind == kindLeaf && f.node.v.IsConcrete()
		}
		if tag {
			n.tags = append(n.tags, name)
		}
	}
	return n, nil
}

// union checks d against the alternative it was meant as: the one whose
// tags (fields every alternative fixes to a value, a ui_form's type) d
// matches; a tag that matches none is the problem. Among several, the one
// with the fewest problems speaks, so a str form without regex_pattern
// says exactly that.
func (c *checker) union(n *schemaNode, d any, p Path) any {
	m, ok := c.mapping(d, p)
	if !ok {
		return d
	}
	alts := n.alts
	for _, tag := range n.tags {
		v, set := m[tag]
		if !set {
			continue
		}
		var match []*schemaNode
		var want []string
		for _, alt := range alts {
			f := alt.fields[tag].node
			if f.v.Unify(c.s.ctx.Encode(v)).Validate(cue.Concrete(true)) == nil {
				match = append(match, alt)
			}
			want = append(want, fmt.Sprint(f.v))
		}
		if len(match) == 0 {
			c.errAt(append(p[:len(p):len(p)], tag), false, "must be one of %s, not %s", joinOr(want), show(v))
			return d
		}
		alts = match
	}
	var best *checker
	var bestOut any
	for _, alt := range alts {
		try := &checker{s: c.s, fields: c.fields, vals: c.vals, final: c.final, overlay: c.overlay, start: c.start}
		out := try.check(alt, m, p)
		if best == nil || len(try.diags) < len(best.diags) {
			best, bestOut = try, out
		}
		if len(try.diags) == 0 {
			break
		}
	}
	c.diags = append(c.diags, best.diags...)
	return bestOut
}
