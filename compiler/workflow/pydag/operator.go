package pydag

import (
	"fmt"
	"strings"
)

// Imported names an image may be built from: Kaapana's DAGs write
// f"{DEFAULT_REGISTRY}/<name>:{KAAPANA_BUILD_VERSION}".
const (
	globalsModule   = "kaapana.blueprints.kaapana_global_variables."
	symRegistry     = globalsModule + "DEFAULT_REGISTRY"
	symBuildVersion = globalsModule + "KAAPANA_BUILD_VERSION"
)

// operatorArgs are the KaapanaTaskOperator arguments the reader reads;
// "dag" is the DAG object, which a with block also supplies.
var operatorArgs = map[string]bool{"task_id": true, "image": true, "taskTemplate": true, "env": true,
	"command": true, "resources": true, "labels": true, "annotations": true, "registryUrl": true,
	"registryUsername": true, "registryPassword": true, "iochannel_maps": true, "dag": true}

// operator reads a KaapanaTaskOperator call into a Task.
func (r *reader) operator(c Value, targets [][]token) Value {
	var name string
	if len(targets) > 0 && len(targets[0]) == 1 && targets[0][0].kind == tName {
		name = targets[0][0].text
	}
	t := Task{Var: name, Pos: c.Pos, Args: map[string]Pos{}}
	ok := true
	bad := func(p Pos, format string, args ...any) {
		ok = false
		r.dynamic(p, "KaapanaTaskOperator %s: %s", orVar(t), fmt.Sprintf(format, args...))
	}
	if len(c.Args) > 0 {
		bad(c.Args[0].Pos, "positional arguments are not read by pono; pass each by keyword (task_id=..., image=..., taskTemplate=...)")
	}
	if k, has := c.kwarg("task_id"); has {
		if k.Value.Known() {
			t.ID = k.Value.Text
		} else {
			bad(k.Pos, "task_id is %s; pono needs a string it can read", describe(k.Value))
		}
	}
	for _, k := range c.Kwargs {
		t.Args[k.Name] = k.Pos
		if d, dyn := firstDynamic(k.Value); dyn && k.Name != "dag" && operatorArgs[k.Name] {
			bad(d.Pos, "%s cannot be read: %s", k.Name, d.Text)
			continue
		}
		switch k.Name {
		case "task_id", "dag":
		case "image":
			ok = r.image(&t, k, bad) && ok
		case "taskTemplate":
			if k.Value.Known() {
				t.Template = k.Value.Text
			} else {
				bad(k.Pos, "taskTemplate is %s; pono needs a string it can read", describe(k.Value))
			}
		case "env":
			ok = r.env(&t, k, bad) && ok
		case "command":
			switch l, isList := strings_(k.Value); {
			case k.Value.Kind == None:
			case isList:
				t.Command = l
			default:
				bad(k.Pos, "command is %s; pono reads a list of strings", describe(k.Value))
			}
		case "resources":
			ok = r.resources(&t, k, bad) && ok
		case "labels", "annotations":
			if k.Value.Kind == None {
				continue
			}
			kvs, good := stringDict(k.Value)
			if !good {
				bad(k.Pos, "%s is %s; pono reads a dict of strings", k.Name, describe(k.Value))
				continue
			}
			if k.Name == "labels" {
				t.Labels = kvs
			} else {
				t.Annotations = kvs
			}
		case "registryUrl", "registryUsername":
			if !k.Value.Known() {
				bad(k.Pos, "%s is %s; pono reads a string", k.Name, describe(k.Value))
			} else if k.Name == "registryUrl" {
				t.RegistryURL = k.Value.Text
			} else {
				t.RegistryUsername = k.Value.Text
			}
		case "registryPassword":
			v := k.Value
			t.RegistryPassword = &v
		case "iochannel_maps":
			ok = r.iomaps(&t, k, bad) && ok
		default:
			r.dropped(k.Pos, "KaapanaTaskOperator %s: argument %s is not part of pono's workflow format", orVar(t), k.Name)
		}
	}
	switch {
	case !ok:
	case t.ID == "":
		bad(c.Pos, "has no task_id")
	case t.Image == "":
		bad(c.Pos, "has no image")
	case t.Template == "":
		bad(c.Pos, "has no taskTemplate")
	}
	if name == "" {
		r.dynamic(c.Pos, "KaapanaTaskOperator %s is not assigned to a name; pono reads `name = KaapanaTaskOperator(...)`", orVar(t))
	}
	if !ok || name == "" {
		return dynamic(c.Pos, "an operator pono could not read")
	}
	for _, o := range r.dag.Tasks {
		if o.ID == t.ID {
			r.dynamic(t.Args["task_id"], "task_id %q is also the task_id of the operator at line %d; Airflow refuses duplicate task ids", t.ID, o.Pos.Line)
			return dynamic(c.Pos, "a duplicate task id")
		}
	}
	r.dag.Tasks = append(r.dag.Tasks, t)
	return Value{Kind: Operator, Pos: c.Pos, Task: len(r.dag.Tasks) - 1}
}

func orVar(t Task) string {
	switch {
	case t.ID != "":
		return t.ID
	case t.Var != "":
		return t.Var
	}
	return "(no task_id)"
}

func (r *reader) image(t *Task, k Kwarg, bad func(Pos, string, ...any)) bool {
	v := k.Value
	if v.Kind != Str {
		bad(k.Pos, "image is %s; pono reads a string", describe(v))
		return false
	}
	if v.Known() {
		t.Image = v.Text
		t.ImageName = imageName(v.Text)
		if t.ImageName == "" {
			bad(k.Pos, "image %q has no name", v.Text)
			return false
		}
		return true
	}
	// f"{DEFAULT_REGISTRY}/<name>:{KAAPANA_BUILD_VERSION}"
	ps := v.Parts
	if len(ps) == 3 && ps[0].Sym == symRegistry && ps[2].Sym == symBuildVersion &&
		strings.HasPrefix(ps[1].Text, "/") && strings.HasSuffix(ps[1].Text, ":") {
		n := strings.TrimSuffix(strings.TrimPrefix(ps[1].Text, "/"), ":")
		if n != "" && !strings.ContainsAny(n, "/:@") {
			t.Image = "{DEFAULT_REGISTRY}/" + n + ":{KAAPANA_BUILD_VERSION}"
			t.ImageName = n
			t.Default = true
			return true
		}
	}
	var syms []string
	for _, p := range ps {
		if p.Sym != "" {
			syms = append(syms, p.Sym)
		}
	}
	bad(k.Pos, "image is built from %s; pono reads a literal image or f\"{DEFAULT_REGISTRY}/<name>:{KAAPANA_BUILD_VERSION}\" with both names imported from kaapana.blueprints.kaapana_global_variables", strings.Join(syms, ", "))
	return false
}

// imageName is the last path component of an image reference, without
// tag or digest.
func imageName(ref string) string {
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndexByte(ref, '/'); i >= 0 {
		ref = ref[i+1:]
	}
	if i := strings.IndexByte(ref, ':'); i >= 0 {
		ref = ref[:i]
	}
	return ref
}

func (r *reader) env(t *Task, k Kwarg, bad func(Pos, string, ...any)) bool {
	if k.Value.Kind != List {
		bad(k.Pos, "env is %s; pono reads a list of pc_models.BaseEnv(name=..., value=...) or {\"name\": ..., \"value\": ...}", describe(k.Value))
		return false
	}
	for _, e := range k.Value.Items {
		var name, value Value
		var hasName, hasValue bool
		switch {
		case e.Kind == Call && isSym(e.Func, "BaseEnv"):
			if len(e.Args) > 0 {
				name, hasName = e.Args[0], true
			}
			if len(e.Args) > 1 {
				value, hasValue = e.Args[1], true
			}
			if kw, has := e.kwarg("name"); has {
				name, hasName = kw.Value, true
			}
			if kw, has := e.kwarg("value"); has {
				value, hasValue = kw.Value, true
			}
		case e.Kind == Dict:
			for i, key := range e.Keys {
				switch {
				case key.Known() && key.Text == "name":
					name, hasName = e.Items[i], true
				case key.Known() && key.Text == "value":
					value, hasValue = e.Items[i], true
				}
			}
		default:
			bad(e.Pos, "an env entry is %s; pono reads pc_models.BaseEnv(name=..., value=...) or {\"name\": ..., \"value\": ...}", describe(e))
			return false
		}
		if !hasName || !name.Known() {
			bad(e.Pos, "an env entry has no name pono can read")
			return false
		}
		if !hasValue {
			bad(e.Pos, "env %s has no value", name.Text)
			return false
		}
		switch value.Kind {
		case Str, Num, Bool, None:
			if value.Kind == Str && !value.Known() {
				bad(value.Pos, "env %s is a string built from imported names, known only when Airflow parses the DAG", name.Text)
				return false
			}
		default:
			bad(value.Pos, "env %s is %s; pono reads a literal", name.Text, describe(value))
			return false
		}
		t.Env = append(t.Env, Env{Name: name.Text, Value: value, Pos: e.Pos})
	}
	return true
}

func (r *reader) resources(t *Task, k Kwarg, bad func(Pos, string, ...any)) bool {
	v := k.Value
	if v.Kind == None {
		return true
	}
	get := func(key string) (Value, bool) {
		if v.Kind == Call && isSym(v.Func, "Resources") {
			kw, has := v.kwarg(key)
			return kw.Value, has
		}
		for i, x := range v.Keys {
			if x.Known() && x.Text == key {
				return v.Items[i], true
			}
		}
		return Value{}, false
	}
	if !(v.Kind == Call && isSym(v.Func, "Resources") && len(v.Args) == 0) && v.Kind != Dict {
		bad(k.Pos, "resources is %s; pono reads pc_models.Resources(limits={...}, requests={...}) or a dict", describe(v))
		return false
	}
	res := &Resources{}
	for _, side := range []string{"limits", "requests"} {
		x, has := get(side)
		if !has || x.Kind == None {
			continue
		}
		kvs, good := quantityDict(x)
		if !good {
			bad(x.Pos, "resources %s is %s; pono reads a dict of quantities", side, describe(x))
			return false
		}
		if side == "limits" {
			res.Limits = kvs
		} else {
			res.Requests = kvs
		}
	}
	t.Resources = res
	return true
}

func (r *reader) iomaps(t *Task, k Kwarg, bad func(Pos, string, ...any)) bool {
	if k.Value.Kind != List {
		bad(k.Pos, "iochannel_maps is %s; pono reads a list of IOMapping(...)", describe(k.Value))
		return false
	}
	for _, m := range k.Value.Items {
		if m.Kind != Call || !isSym(m.Func, "IOMapping") || len(m.Args) > 0 {
			bad(m.Pos, "an iochannel_maps entry is %s; pono reads IOMapping(upstream_operator=..., upstream_output_channel=..., input_channel=...)", describe(m))
			return false
		}
		up, hasUp := m.kwarg("upstream_operator")
		out, hasOut := m.kwarg("upstream_output_channel")
		in, hasIn := m.kwarg("input_channel")
		switch {
		case !hasUp || !hasOut || !hasIn:
			bad(m.Pos, "IOMapping needs upstream_operator, upstream_output_channel and input_channel")
			return false
		case up.Value.Kind != Operator:
			bad(up.Pos, "upstream_operator is %s; pono reads the variable of an operator assigned above", describe(up.Value))
			return false
		case !out.Value.Known() || !in.Value.Known():
			bad(m.Pos, "IOMapping's channels must be strings pono can read")
			return false
		}
		t.Inputs = append(t.Inputs, IOMap{Upstream: up.Value.Task, Output: out.Value.Text, Input: in.Value.Text, Pos: m.Pos})
	}
	return true
}

// strings_ reads a list of known strings.
func strings_(v Value) ([]string, bool) {
	if v.Kind != List {
		return nil, false
	}
	out := []string{}
	for _, x := range v.Items {
		if !x.Known() {
			return nil, false
		}
		out = append(out, x.Text)
	}
	return out, true
}

func stringDict(v Value) ([]KV, bool) {
	if v.Kind != Dict {
		return nil, false
	}
	var out []KV
	for i, k := range v.Keys {
		x := v.Items[i]
		if !k.Known() || !x.Known() {
			return nil, false
		}
		out = append(out, KV{Key: k.Text, Value: x.Text, Pos: k.Pos})
	}
	return out, true
}

// quantityDict reads {"memory": "1Gi", "cpu": 2}: numbers become their
// literal text.
func quantityDict(v Value) ([]KV, bool) {
	if v.Kind != Dict {
		return nil, false
	}
	var out []KV
	for i, k := range v.Keys {
		x := v.Items[i]
		if !k.Known() || !(x.Known() || x.Kind == Num) {
			return nil, false
		}
		out = append(out, KV{Key: k.Text, Value: x.Text, Pos: k.Pos})
	}
	return out, true
}
