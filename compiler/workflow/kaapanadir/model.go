package kaapanadir

import (
	"encoding/json"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/compiler/taskapi"
	"github.com/pono-gitops/pono/compiler/workflow"
	"github.com/pono-gitops/pono/compiler/workflow/pydag"
)

// built is pono's model of the directory and where each value came from.
type built struct {
	w     *workflow.Workflow
	pos   posIndex
	dag   *pydag.DAG
	meta  *metadata
	names []string // container name per DAG task
	// noPC are containers whose processing-container.json is missing; the
	// session reports them in Kaapana's terms.
	noPC map[string]bool
}

func (s *session) dagPos(p pydag.Pos) string {
	if p == (pydag.Pos{}) {
		return s.display(s.defFile)
	}
	return fmt.Sprintf("%s:%d:%d", s.display(s.defFile), p.Line, p.Col)
}

// build converts workflow.json, the DAG and the processing-container.json
// paths into pono's workflow model.
func (s *session) build(m *metadata, dag *pydag.DAG) *built {
	b := &built{dag: dag, meta: m, pos: posIndex{}, noPC: map[string]bool{}}
	w := &workflow.Workflow{
		Title: m.title, Engine: m.engine, Labels: m.labels,
		Owner: derefS(dag.Owner), UIVisible: dag.UIVisible,
		Definition: path.Base(s.defFile),
		Chart: workflow.ChartOptions{Description: s.chart.description, Documentation: s.chart.documentation,
			UIVisibleName: s.chart.uiVisibleName},
		Containers: map[string]workflow.Container{}, Tasks: map[string]workflow.Task{},
		Parameters: m.params,
	}
	if v := s.chart.version; v != "" && v != "0.0.0" {
		w.Chart.Version = v
	}
	if s.icon != "" {
		w.Icon = s.display(s.icon)
	}
	b.w = w
	ix := b.pos
	ix.set(m.doc.pos())
	ix.set(m.doc.pos("title"), "title")
	ix.set(m.doc.pos("labels"), "labels")
	ix.set(m.doc.pos("workflow_engine"), "engine")
	ix.set(s.display(s.defFile), "definition")
	ix.set(s.display(s.icon), "icon")
	ix.set(s.display(chartYAML), "chart")
	ix.set(s.dagPos(dag.DAG), "tasks")
	ix.set(s.valDoc.pos("processingContainers"), "containers")
	for j := range m.params {
		i := m.paramIndex[j]
		at := func(k ...any) string { return m.doc.pos(append([]any{"workflow_parameters", i}, k...)...) }
		pp := paramPath(j)
		ix.set(at(), pp...)
		ix.set(at("task_title"), append(pp, "task")...)
		ix.set(at("env_variable_name"), append(pp, "env")...)
		ix.set(at("ui_form"), append(pp, "ui_form")...)
		for f := range uiFormKinds {
			ix.set(at("ui_form", f), append(pp, "ui_form", f)...)
		}
	}
	b.names = s.containerNames(b)
	for i, t := range dag.Tasks {
		s.task(b, i, t)
	}
	return b
}

func derefS(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// containerNames names one container per distinct image: its name in
// the registry, suffixed when two different images share it.
func (s *session) containerNames(b *built) []string {
	names := make([]string, len(b.dag.Tasks))
	byImage := map[string]string{}
	for i, t := range b.dag.Tasks {
		if n, ok := byImage[t.Image]; ok {
			names[i] = n
			continue
		}
		n := t.ImageName
		for k := 2; ; k++ {
			if _, taken := b.w.Containers[n]; !taken {
				break
			}
			n = t.ImageName + "-" + strconv.Itoa(k)
		}
		byImage[t.Image] = n
		names[i] = n
		c := workflow.Container{}
		if !t.Default {
			c.Image = t.Image
		}
		if id := s.images[t.ImageName]; id != nil && id.pcPath != "" {
			c.ProcessingContainer.Path = s.display(id.pcPath)
		} else {
			b.noPC[n] = true
		}
		b.w.Containers[n] = c
		b.pos.set(s.dagPos(t.Pos), "containers", n)
		if p, ok := t.Args["image"]; ok {
			b.pos.set(s.dagPos(p), "containers", n)
		}
		if id := s.images[t.ImageName]; id != nil && id.pcPath != "" {
			b.pos.set(s.display(id.pcPath), "containers", n, "processing_container")
		}
	}
	return names
}

// task converts one operator.
func (s *session) task(b *built, i int, t pydag.Task) {
	at := func(p pydag.Pos, rel ...string) { b.pos.set(s.dagPos(p), append([]string{"tasks", t.ID}, rel...)...) }
	arg := func(name string, rel ...string) {
		if p, ok := t.Args[name]; ok {
			at(p, rel...)
		}
	}
	at(t.Pos)
	arg("image", "container")
	arg("taskTemplate", "template")
	arg("env", "env")
	arg("command", "command")
	arg("resources", "resources")
	arg("labels", "labels")
	arg("annotations", "annotations")
	arg("registryUrl", "registry")
	arg("registryUrl", "registry", "url")
	arg("registryUsername", "registry", "username")
	arg("registryPassword", "registry", "password")
	arg("registryPassword", "registry", "password_secret")
	arg("iochannel_maps", "inputs")
	wt := workflow.Task{Container: b.names[i], Template: t.Template, Command: t.Command}
	for _, e := range t.Env {
		at(e.Pos, "env", e.Name)
		raw, ok := s.envValue(t, e)
		if !ok {
			continue
		}
		if wt.Env == nil {
			wt.Env = map[string]workflow.EnvValue{}
		}
		if _, dup := wt.Env[e.Name]; dup {
			s.warnf(s.dagPos(e.Pos), "task %s: env %s is given twice; KaapanaTaskOperator's merge keeps the last", t.ID, e.Name)
		}
		wt.Env[e.Name] = workflow.EnvValue{Raw: raw}
	}
	if t.Resources != nil {
		wt.Resources = &taskapi.Resources{Limits: quantities(t.Resources.Limits), Requests: quantities(t.Resources.Requests)}
	}
	wt.Labels = kvMap(t.Labels, func(kv pydag.KV) { at(kv.Pos, "labels", kv.Key) })
	wt.Annotations = kvMap(t.Annotations, func(kv pydag.KV) { at(kv.Pos, "annotations", kv.Key) })
	if t.RegistryURL != "" || t.RegistryUsername != "" || t.RegistryPassword != nil {
		wt.Registry = &workflow.Registry{URL: t.RegistryURL, Username: t.RegistryUsername}
		s.password(t, wt.Registry)
	}
	for _, in := range t.Inputs {
		at(in.Pos, "inputs", in.Input)
		wt.Inputs = append(wt.Inputs, workflow.Binding{Channel: in.Input, Source: b.dag.Tasks[in.Upstream].ID + "." + in.Output})
	}
	bound := map[int]bool{}
	for _, in := range t.Inputs {
		bound[in.Upstream] = true
	}
	for _, e := range b.dag.Edges {
		if e.To != i || bound[e.From] {
			continue
		}
		at(e.Pos, "after", strconv.Itoa(len(wt.After)))
		wt.After = append(wt.After, b.dag.Tasks[e.From].ID)
	}
	b.w.Tasks[t.ID] = wt
}

// envValue is an env entry as pono's model holds it; a value
// KaapanaTaskOperator rejects is reported here, in Kaapana's terms.
func (s *session) envValue(t pydag.Task, e pydag.Env) (json.RawMessage, bool) {
	v := e.Value
	pos := s.dagPos(v.Pos)
	switch v.Kind {
	case pydag.Str:
		raw, _ := json.Marshal(v.Text)
		return raw, true
	case pydag.None:
		s.errorf(pos, "task %s: env %s is None; KaapanaTaskOperator's BaseEnv.value must be a string, so the task fails before it starts (leave the entry out to keep the template's default)", t.ID, e.Name)
		return nil, false
	case pydag.Bool:
		s.errorf(pos, "task %s: env %s is %s; KaapanaTaskOperator's BaseEnv.value must be a string, so the task fails before it starts: write %q", t.ID, e.Name, pyBool(v.Bool), strconv.FormatBool(v.Bool))
		return json.RawMessage(strconv.FormatBool(v.Bool)), true
	case pydag.Num:
		s.errorf(pos, "task %s: env %s is the number %s; KaapanaTaskOperator's BaseEnv.value must be a string, so the task fails before it starts: write %q", t.ID, e.Name, v.Text, v.Text)
		if json.Valid([]byte(v.Text)) {
			return json.RawMessage(v.Text), true
		}
		raw, _ := json.Marshal(v.Text)
		return raw, true
	}
	return nil, false
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// password maps registryPassword: Variable.get("<name>") names the
// Airflow Variable pono's generated DAG reads too; a literal is an error
// and is dropped.
func (s *session) password(t pydag.Task, r *workflow.Registry) {
	v := t.RegistryPassword
	switch {
	case v == nil:
	case v.Known():
		// Never carried into pono's model (nor an import's output).
		pos := s.dagPos(t.Args["registryPassword"])
		s.errorf(pos, "task %s: registryPassword is a literal password; a password does not belong in a DAG: read it with Variable.get(\"<name>\") from an Airflow Variable backed by a Secret", t.ID)
		s.unconvertible = append(s.unconvertible, diag.Diagnostic{Pos: pos, Subject: s.subject(), Message: "task " + t.ID + ": a literal registryPassword is not carried into pono's format, which names a Secret"})
		s.literalPW[t.ID] = true
	case v.Kind == pydag.Call && strings.HasSuffix("."+v.Func, ".Variable.get") && len(v.Args) == 1 && v.Args[0].Known():
		r.PasswordSecret = workflow.SecretRef{Name: v.Args[0].Text}
	default:
		s.errorf(s.dagPos(t.Args["registryPassword"]), "task %s: registryPassword is %s; pono reads Variable.get(\"<name>\") (a literal password does not belong in a DAG)", t.ID, describeValue(*v))
	}
}

func describeValue(v pydag.Value) string {
	if v.Kind == pydag.Call {
		return v.Func + "(...)"
	}
	return "not a string"
}

func quantities(kvs []pydag.KV) taskapi.ResourceList {
	if kvs == nil {
		return nil
	}
	out := taskapi.ResourceList{}
	for _, kv := range kvs {
		out[kv.Key] = taskapi.QuantityString(kv.Value)
	}
	return out
}

func kvMap(kvs []pydag.KV, each func(pydag.KV)) map[string]string {
	if kvs == nil {
		return nil
	}
	out := map[string]string{}
	for _, kv := range kvs {
		each(kv)
		out[kv.Key] = kv.Value
	}
	return out
}

// compile runs compiler/workflow's checks on the model, positioned in the
// Kaapana files.
func (s *session) compile(b *built) {
	in := workflow.Input{
		Workflows: workflow.Workflows{s.name: *b.w},
		// Kaapana's build stamps its version into 0.0.0: any version will
		// do for the checks.
		Platform:  workflow.Platform{BuildVersion: "0.0.0"},
		ReadFile:  func(p string) ([]byte, error) { return s.d.ReadFile(s.relPath(p)) },
		Positions: b.pos.lookup,
	}
	_, diags := workflow.Compile(in)
	for _, d := range diags {
		if s.superseded(b, d) {
			continue
		}
		s.diags = append(s.diags, inKaapanaTerms(d))
	}
}

// superseded drops what the session already said in Kaapana's terms: a
// container without processing-container.json, or no tasks in a DAG the
// reader could not read.
func (s *session) superseded(b *built, d diag.Diagnostic) bool {
	if d.Message == "the workflow has no tasks" && !b.dag.Readable() {
		return true
	}
	for id := range s.literalPW {
		if d.Subject == "workflow "+s.name+": task "+id && strings.HasPrefix(d.Message, "names no Secret") {
			return true
		}
	}
	for c := range b.noPC {
		if d.Subject == "workflow "+s.name+": container "+c && strings.HasPrefix(d.Message, "has no path") {
			return true
		}
	}
	return false
}

// inKaapanaTerms rewrites what compiler/workflow says in terms of pono's
// format where a Kaapana directory says it otherwise: workflow.json's
// workflow_parameters, a DAG's IOMapping, and no clause about the DAG pono
// would generate.
func inKaapanaTerms(d diag.Diagnostic) diag.Diagnostic {
	d.Subject = strings.Replace(d.Subject, ": parameters[", ": workflow_parameters[", 1)
	if i := strings.Index(d.Message, "; pono passes the default to the operator as"); i >= 0 {
		d.Message = d.Message[:i]
	}
	if i := strings.Index(d.Message, " (bind it: inputs: {"); i >= 0 {
		d.Message = d.Message[:i] + " (map it with an IOMapping)"
	}
	return d
}
