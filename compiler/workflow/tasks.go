package workflow

import (
	"path"
	"strings"

	"github.com/pono-gitops/pono/compiler/taskapi"
)

// RunDirVar is the environment variable a generated task file takes the
// run directory from ({{ env.run_dir }}), the local counterpart of
// KaapanaTaskOperator's <DATADIR>/<run id>.
const RunDirVar = "run_dir"

// TaskTypeLabel is the label KaapanaTaskOperator puts on every task pod.
const TaskTypeLabel = "kaapana.ai/type"

// taskFile is the Task API task file of one DAG node, laid out as
// KaapanaTaskOperator lays out a run: each output channel at
// <run dir>/<task>/<channel>, and each input channel at the directory of
// the upstream output it is bound to.
func taskFile(rw *resolvedWorkflow, rt *resolvedTask) ([]byte, error) {
	runDir := "{{ env." + RunDirVar + " }}"
	var inputs, outputs []any
	for _, b := range rt.inputs {
		inputs = append(inputs, volume(b.channel, path.Join(runDir, b.task, b.output)))
	}
	for _, o := range rt.tmpl.Outputs {
		outputs = append(outputs, volume(o.Name, path.Join(runDir, rt.id, o.Name)))
	}
	env := make([]any, 0, len(rt.env))
	for _, e := range rt.env {
		env = append(env, obj{{"name", e.Name}, {"value", e.Value}})
	}
	doc := obj{
		{"api_version", 1},
		{"name", rw.name + "-" + rt.id},
		{"image", rt.container.image},
		{"taskTemplate", rt.t.Template},
	}
	if rt.t.Command != nil {
		doc = append(doc, kv{"command", rt.t.Command})
	}
	if r := rt.t.Resources; r != nil {
		doc = append(doc, kv{"resources", obj{{"limits", nonNil(r.Limits)}, {"requests", nonNil(r.Requests)}}})
	}
	doc = append(doc,
		kv{"env", env},
		kv{"inputs", orEmpty(inputs)},
		kv{"outputs", orEmpty(outputs)},
		kv{"config", taskConfig(rt.t)},
	)
	return marshalIndent(doc)
}

func volume(name, hostPath string) obj {
	return obj{{"name", name}, {"volume_source", obj{{"host_path", hostPath}}}}
}

func taskConfig(t *Task) obj {
	labels := map[string]string{TaskTypeLabel: "processing-container"}
	for k, v := range t.Labels {
		labels[k] = v
	}
	cfg := obj{{"labels", labels}}
	if len(t.Annotations) > 0 {
		cfg = append(cfg, kv{"annotations", t.Annotations})
	}
	if r := t.Registry; r != nil {
		cfg = append(cfg,
			kv{"registryUrl", r.URL},
			kv{"registryUsername", r.Username},
			kv{"registryPassword", "{{ env." + PasswordEnv(r.PasswordSecret.Name) + " }}"},
		)
	}
	return cfg
}

// PasswordEnv is the environment variable a task file reads a registry
// password from: the Secret's name in upper case with '-' and '.' as '_'
// (registry-creds → REGISTRY_CREDS).
func PasswordEnv(secret string) string {
	return strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(secret))
}

func nonNil(rl taskapi.ResourceList) taskapi.ResourceList {
	if rl == nil {
		return taskapi.ResourceList{}
	}
	return rl
}

func orEmpty(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}
