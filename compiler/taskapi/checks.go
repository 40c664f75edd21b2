package taskapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path"
	"reflect"
	"regexp"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/token"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// checker adds diagnostics located in one document.
type checker struct {
	doc *document
	r   *Report
}

func (c checker) errorf(p jsonPath, format string, args ...any) {
	c.report(SeverityError, p, format, args...)
}

func (c checker) warnf(p jsonPath, format string, args ...any) {
	c.report(SeverityWarning, p, format, args...)
}

func (c checker) report(sev Severity, p jsonPath, format string, args ...any) {
	line, col := c.doc.position(p)
	c.r.add(Diagnostic{Severity: sev, Line: line, Col: col, Path: p.String(), Message: fmt.Sprintf(format, args...)})
}

func checkProcessingContainer(pc *ProcessingContainer, doc *document, r *Report) {
	c := checker{doc: doc, r: r}
	c.numericString(jsonPath{}.key("api_version"))
	c.placeholders(doc.root, nil)
	seen := map[string]int{}
	for i, t := range pc.Templates {
		p := jsonPath{}.key("templates").idx(i)
		if j, dup := seen[t.Identifier]; dup {
			c.errorf(p.key("identifier"), "duplicate template identifier %q (also templates[%d])", t.Identifier, j)
		} else {
			seen[t.Identifier] = i
		}
		c.template(&pc.Templates[i], p)
	}
}

// template checks one task template, in a processing-container.json or
// inline in a task.
func (c checker) template(t *TaskTemplate, p jsonPath) {
	if t.Identifier == "" {
		c.errorf(p.key("identifier"), "must not be empty")
	}
	names := map[string]string{}
	mounts := map[string]string{}
	for _, dir := range []string{"inputs", "outputs"} {
		list := t.Inputs
		if dir == "outputs" {
			list = t.Outputs
		}
		for i, m := range list {
			mp := p.key(dir).idx(i)
			where := fmt.Sprintf("%s[%d]", dir, i)
			if m.Name == "" {
				c.errorf(mp.key("name"), "channel name must not be empty")
			} else if prev, dup := names[m.Name]; dup {
				c.errorf(mp.key("name"), "duplicate channel name %q (also %s)", m.Name, prev)
			} else {
				names[m.Name] = where
			}
			if !path.IsAbs(m.MountedPath) {
				c.errorf(mp.key("mounted_path"), "must be an absolute path, got %q", m.MountedPath)
			} else if prev, dup := mounts[path.Clean(m.MountedPath)]; dup {
				c.warnf(mp.key("mounted_path"), "%q is also mounted by %s; the first channel wins", m.MountedPath, prev)
			} else {
				mounts[path.Clean(m.MountedPath)] = where
			}
			if m.ScaleRule != nil {
				c.scaleRule(m.ScaleRule, mp.key("scale_rule"))
				if dir == "outputs" {
					c.warnf(mp.key("scale_rule"), "scale rules apply to input channels only; this one is ignored")
				}
			}
		}
	}
	envs := map[string]int{}
	for i, e := range t.Env {
		ep := p.key("env").idx(i)
		if e.Name == "" {
			c.errorf(ep.key("name"), "must not be empty")
		} else if j, dup := envs[e.Name]; dup {
			c.errorf(ep.key("name"), "duplicate env name %q (also env[%d])", e.Name, j)
		} else {
			envs[e.Name] = i
		}
		if len(e.Choices) > 0 && e.Value != "" && !contains(e.Choices, e.Value) {
			c.warnf(ep.key("value"), "default %q is not one of the choices %s", e.Value, c.choicesText(ep.key("choices")))
		}
	}
	c.resources(t.Resources, p.key("resources"))
}

// choicesText shows the choices at p as written: strings quoted, numbers
// bare.
func (c checker) choicesText(p jsonPath) string {
	list, ok := c.doc.nodes[p.String()].(*ast.ListLit)
	if !ok {
		return "[]"
	}
	out := make([]string, len(list.Elts))
	for i, e := range list.Elts {
		out[i] = nodeText(e)
	}
	return "[" + strings.Join(out, ", ") + "]"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// resources checks that every value is a Kubernetes quantity and that no
// request exceeds its limit.
func (c checker) resources(res *Resources, p jsonPath) {
	if res == nil {
		return
	}
	parsed := map[string]map[string]resource.Quantity{}
	for _, side := range []string{"limits", "requests"} {
		list := res.Limits
		if side == "requests" {
			list = res.Requests
		}
		parsed[side] = map[string]resource.Quantity{}
		for name, v := range list {
			q, err := resource.ParseQuantity(string(v))
			if err != nil {
				c.errorf(p.key(side).key(name), "%q is not a Kubernetes quantity (examples: 512Mi, 1G, 500m)", string(v))
				continue
			}
			if q.Sign() < 0 {
				c.errorf(p.key(side).key(name), "must not be negative, got %q", string(v))
				continue
			}
			// Kubernetes' parser reads a bare suffix ("Gi") as 0, which
			// Docker takes as "no limit".
			if !strings.ContainsAny(string(v), "0123456789") {
				c.errorf(p.key(side).key(name), "%q has no number (examples: 512Mi, 1G, 500m)", string(v))
				continue
			}
			if q.CmpInt64(maxQuantity) > 0 {
				c.errorf(p.key(side).key(name), "%q is too large (at most %d, about 8Ei)", string(v), int64(maxQuantity))
				continue
			}
			parsed[side][name] = q
		}
	}
	for name, req := range parsed["requests"] {
		if lim, ok := parsed["limits"][name]; ok && req.Cmp(lim) > 0 {
			c.errorf(p.key("requests").key(name), "request %s exceeds limit %s", req.String(), lim.String())
		}
	}
}

// maxQuantity is the largest amount a runner can pass on: Docker and the
// kubelet hold memory in a signed 64-bit integer of bytes.
const maxQuantity = math.MaxInt64

// numericString warns about an integer written as a string, which
// Kaapana's models convert silently.
func (c checker) numericString(p jsonPath) {
	if lit, ok := c.doc.nodes[p.String()].(*ast.BasicLit); ok && lit.Kind == token.STRING {
		if _, numeric := numericString(lit); !numeric {
			return // the schema reports it
		}
		c.warnf(p, "%s is a string; Kaapana converts it to a number: write %s", lit.Value, strings.Trim(lit.Value, `"`))
	}
}

// placeholders warns about Jinja placeholders in a processing-container's
// strings: Kaapana renders them in its CLI's validate, but not when it
// reads the file from the image to run a task, so pono never renders them.
func (c checker) placeholders(n ast.Expr, p jsonPath) {
	switch n := n.(type) {
	case *ast.StructLit:
		for _, e := range n.Elts {
			if f, ok := e.(*ast.Field); ok {
				c.placeholders(f.Value, p.key(labelName(f.Label)))
			}
		}
	case *ast.ListLit:
		for i, e := range n.Elts {
			c.placeholders(e, p.idx(i))
		}
	case *ast.BasicLit:
		if n.Kind == token.STRING && (strings.Contains(n.Value, "{{") || strings.Contains(n.Value, "{%")) {
			c.warnf(p, "%s looks like a Jinja placeholder; processing-container.json files are not rendered (Kaapana does not render them at run time either), so the container gets it as written", n.Value)
		}
	}
}

func (c checker) scaleRule(r *ScaleRule, p jsonPath) {
	c.numericString(p.key("scale_factor"))
	if r.ScaleFactor < 0 {
		c.errorf(p.key("scale_factor"), "must not be negative, got %d", r.ScaleFactor)
	}
	if _, err := compileTargetRegex(r.Regex()); err != nil {
		c.errorf(p.key("target_regex"), "does not compile: %v", err)
	}
	switch g := r.Glob(); {
	case g == "":
		// Python's rglob raises ValueError("Unacceptable pattern").
		c.errorf(p.key("target_glob"), "must not be empty (use \"*\" for every file)")
	case path.IsAbs(g):
		c.errorf(p.key("target_glob"), "must be a relative pattern, got %q", g)
	default:
		if _, err := globParts(g); err != nil {
			c.errorf(p.key("target_glob"), "invalid glob %q: %v", g, err)
		}
	}
	if d := r.Dir(); path.IsAbs(d) || strings.HasPrefix(path.Clean(d), "..") {
		c.errorf(p.key("target_dir"), "must be a path inside the channel, got %q", d)
	}
}

// compileTargetRegex anchors the regex like Python's re.fullmatch.
func compileTargetRegex(expr string) (*regexp.Regexp, error) {
	if _, err := regexp.Compile(expr); err != nil {
		return nil, err
	}
	return regexp.Compile(`^(?:` + expr + `)$`)
}

func checkTask(t *Task, pc *ProcessingContainer, doc *document, r *Report) {
	c := checker{doc: doc, r: r}
	c.numericString(jsonPath{}.key("api_version"))
	if t.Name == "" {
		c.errorf(jsonPath{}.key("name"), "must not be empty")
	} else if _, err := PodName(t.Name); err != nil {
		c.errorf(jsonPath{}.key("name"), "%v", err)
	}
	if t.Image == "" {
		c.errorf(jsonPath{}.key("image"), "must not be empty")
	}
	var tmpl *TaskTemplate
	switch {
	case t.TaskTemplate.Inline != nil:
		tmpl = t.TaskTemplate.Inline
		c.template(tmpl, jsonPath{}.key("taskTemplate"))
	case pc != nil:
		var ok bool
		if tmpl, ok = pc.Template(t.TaskTemplate.Identifier); !ok {
			c.errorf(jsonPath{}.key("taskTemplate"), "no template %q in processing-container %q (templates: %s)",
				t.TaskTemplate.Identifier, pc.Name, strings.Join(pc.Identifiers(), ", "))
		}
	}
	for _, dir := range []string{"inputs", "outputs"} {
		vols, mounts := t.Inputs, []IOMount(nil)
		if dir == "outputs" {
			vols = t.Outputs
		}
		if tmpl != nil {
			mounts = tmpl.Inputs
			if dir == "outputs" {
				mounts = tmpl.Outputs
			}
		}
		seen := map[string]int{}
		for i, v := range vols {
			vp := jsonPath{}.key(dir).idx(i)
			if j, dup := seen[v.Name]; dup {
				c.warnf(vp.key("name"), "channel %q is also bound by %s[%d]; the first volume is used, as Kaapana does", v.Name, dir, j)
			} else {
				seen[v.Name] = i
			}
			if tmpl != nil && !hasMount(mounts, v.Name) {
				c.errorf(vp.key("name"), "template %q has no %s channel %q (has: %s)", tmpl.Identifier, strings.TrimSuffix(dir, "s"), v.Name, mountNames(mounts))
			}
			if !path.IsAbs(v.VolumeSource.HostPath) {
				c.errorf(vp.key("volume_source").key("host_path"), "must be an absolute path, got %q", v.VolumeSource.HostPath)
			}
			if v.ScaleRule != nil {
				c.scaleRule(v.ScaleRule, vp.key("scale_rule"))
				if dir == "outputs" {
					c.warnf(vp.key("scale_rule"), "scale rules apply to input channels only; this one is ignored")
				}
			}
		}
	}
	envs := map[string]int{}
	for i, e := range t.Env {
		if j, dup := envs[e.Name]; dup {
			c.warnf(jsonPath{}.key("env").idx(i).key("name"), "env %q is also set by env[%d]; the first value is used, as Kaapana does", e.Name, j)
		} else {
			envs[e.Name] = i
		}
	}
	c.resources(t.Resources, jsonPath{}.key("resources"))
	if t.Config != nil {
		c.config(t.Config)
	}
}

func hasMount(ms []IOMount, name string) bool {
	for _, m := range ms {
		if m.Name == name {
			return true
		}
	}
	return false
}

func mountNames(ms []IOMount) string {
	if len(ms) == 0 {
		return "none"
	}
	names := make([]string, 0, len(ms))
	for _, m := range ms {
		names = append(names, m.Name)
	}
	return strings.Join(names, ", ")
}

// config checks that the Kubernetes objects in a k8s config decode.
func (c checker) config(cfg *Config) {
	p := jsonPath{}.key("config")
	decodeAll(c, cfg.EnvVars, p.key("env_vars"), "EnvVar", func() any { return new(corev1.EnvVar) })
	decodeAll(c, cfg.Volumes, p.key("volumes"), "Volume", func() any { return new(corev1.Volume) })
	decodeAll(c, cfg.VolumeMounts, p.key("volume_mounts"), "VolumeMount", func() any { return new(corev1.VolumeMount) })
}

func decodeAll(c checker, raws []json.RawMessage, p jsonPath, kind string, newT func() any) {
	for i, raw := range raws {
		if err := decodeStrict(raw, newT()); err != nil {
			c.errorf(p.idx(i), "not a Kubernetes %s: %s", kind, decodeMessage(err))
		}
	}
}

// decodeMessage says what encoding/json found in the document's terms,
// without Go type names.
func decodeMessage(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := te.Type.Kind().String()
		switch te.Type.Kind() {
		case reflect.Struct, reflect.Map:
			want = "object"
		case reflect.Slice, reflect.Array:
			want = "array"
		case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint32, reflect.Uint64:
			want = "integer"
		}
		if te.Field == "" {
			return fmt.Sprintf("must be %s, got %s", want, te.Value)
		}
		return fmt.Sprintf("%s: must be %s, got %s", te.Field, want, te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// emptyGlobs warns, for each input channel whose scale rule measures an
// existing host directory, when the rule's target_glob and target_regex
// match no file there: the rule then adds nothing, which is rarely meant.
// Only channels whose template is known are checked.
func emptyGlobs(t *Task, pc *ProcessingContainer, doc *document, r *Report) {
	tmpl := t.TaskTemplate.Inline
	if tmpl == nil && pc != nil {
		tmpl, _ = pc.Template(t.TaskTemplate.Identifier)
	}
	if tmpl == nil {
		return
	}
	c := checker{doc: doc, r: r}
	for i, v := range t.Inputs {
		rule := v.ScaleRule
		if rule == nil {
			for _, m := range tmpl.Inputs {
				if m.Name == v.Name {
					rule = m.ScaleRule
					break
				}
			}
		}
		if rule == nil {
			continue
		}
		if fi, err := os.Stat(v.VolumeSource.HostPath); err != nil || !fi.IsDir() {
			continue
		}
		n, err := TargetMatches(os.DirFS(v.VolumeSource.HostPath), rule)
		if err != nil || n > 0 {
			continue
		}
		c.warnf(jsonPath{}.key("inputs").idx(i).key("volume_source").key("host_path"),
			"the scale rule of input %q (target_dir %q, target_glob %q, target_regex %q) matches no file in %s: it adds no memory",
			v.Name, rule.Dir(), rule.Glob(), rule.Regex(), v.VolumeSource.HostPath)
	}
}
