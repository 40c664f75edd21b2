package taskrun

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	corev1 "k8s.io/api/core/v1"

	"github.com/pono-gitops/pono/compiler/taskapi"
)

// TestDivergences is the side-by-side table of docs/taskapi.md's
// "Divergences from Kaapana": one row per item, each running a fixture
// through pono (validation, merge, scale rules, the pod and container pono
// would create, the outcome it reads) and asserting pono's verdict where
// Kaapana's differs. Nothing here needs a server; the e2e tests run the
// same behaviour against a real engine and API server. The row numbers
// must be exactly the document's.
func TestDivergences(t *testing.T) {
	rows := map[int]func(t *testing.T){
		1: func(t *testing.T) { // scale rules on Kubernetes
			plan := prepare(t, ModeK8s, taskWith(`"inputs": [{"name": "in", "volume_source": {"host_path": "/data/in"}}]`), size(100<<20))
			if got := podMemory(t, plan, "limits"); got != "220Mi" {
				t.Errorf("pod limits.memory = %q, want 220Mi (2 x 100Mi + 10%%)", got)
			}
		},
		2: func(t *testing.T) { // headroom on derived values only
			plan := prepare(t, ModeK8s, taskWith(`"resources": {"limits": {"memory": "500Mi"}}`), size(0))
			if got := podMemory(t, plan, "limits"); got != "500Mi" {
				t.Errorf("static limit = %q, want 500Mi as written (Kaapana: 550.0Mi)", got)
			}
			plan = prepare(t, ModeK8s, taskWith(`"inputs": [{"name": "in", "volume_source": {"host_path": "/data/in"}}]`), size(10<<20))
			if got := podMemory(t, plan, "limits"); got != "22Mi" {
				t.Errorf("derived limit = %q, want 22Mi (2 x 10Mi + 10%%)", got)
			}
		},
		3: func(t *testing.T) { // any quantity, only real ones
			wantValid(t, taskWith(`"resources": {"limits": {"memory": "500M", "cpu": "100m"}}`))
			wantError(t, taskWith(`"resources": {"limits": {"memory": "Gi"}}`), `resources.limits.memory: "Gi" has no number`)
			wantError(t, taskWith(`"resources": {"limits": {"memory": "1e100"}}`), `resources.limits.memory: "1e100" is too large`)
		},
		4: func(t *testing.T) { // whole Mi
			plan := prepare(t, ModeK8s, taskWith(`"inputs": [{"name": "in", "volume_source": {"host_path": "/data/in"}}]`), size(100))
			if got := podMemory(t, plan, "limits"); got != "1Mi" {
				t.Errorf("limit for 200 bytes = %q, want 1Mi (Kaapana: 220.0B)", got)
			}
		},
		5: func(t *testing.T) { // only limits, only requests, none
			for _, res := range []string{`"resources": {"limits": {"memory": "64Mi"}}`, `"resources": {"requests": {"memory": "64Mi"}}`, `"command": ["true"]`} {
				plan := prepare(t, ModeK8s, taskWith(res), size(0))
				if _, err := taskapi.BuildPod(plan.Instance, plan.Computed.Resources, taskapi.PodOptions{}); err != nil {
					t.Errorf("%s: %v", res, err)
				}
				if _, err := DockerSpec(plan.Instance, plan.Computed, ""); err != nil {
					t.Errorf("%s: docker: %v", res, err)
				}
			}
		},
		6: func(t *testing.T) { // read-only inputs on Kubernetes
			plan := prepare(t, ModeK8s, taskWith(`"inputs": [{"name": "in", "volume_source": {"host_path": "/data/in"}}],
				"outputs": [{"name": "out", "volume_source": {"host_path": "/data/out"}}]`), size(0))
			pod := buildPod(t, plan)
			for _, m := range pod.Spec.Containers[0].VolumeMounts {
				if m.ReadOnly != (m.Name == "vol-in") {
					t.Errorf("mount %s readOnly = %v", m.Name, m.ReadOnly)
				}
			}
			if ty := pod.Spec.Volumes[1].HostPath.Type; ty == nil || *ty != corev1.HostPathDirectoryOrCreate {
				t.Errorf("output hostPath type = %v, want DirectoryOrCreate", ty)
			}
		},
		7: func(t *testing.T) { // unknown keys reported (an optional field's typo)
			src := taskWith(`"inputs": [{"name": "in", "volume_source": {"host_path": "/data/in", "host_pth": "/data/x"}}]`)
			r := validate(t, src, taskapi.ValidateOptions{})
			if !r.Valid() || !hasMessage(r.Warnings(), `unknown key "host_pth"`) {
				t.Errorf("want a warning:\n%s", lines(r))
			}
			if r := validate(t, src, taskapi.ValidateOptions{Strict: true}); r.Valid() {
				t.Error("--strict accepted an unknown key")
			}
		},
		8: func(t *testing.T) { // task volumes name template channels
			pc := parsePC(t, `{"name": "pc", "description": "d", "templates": [`+template+`]}`)
			src := `{"name": "t", "image": "img", "taskTemplate": "tmpl", "inputs": [{"name": "nine", "volume_source": {"host_path": "/x"}}]}`
			wantErrorWith(t, src, taskapi.ValidateOptions{ProcessingContainer: pc}, `template "tmpl" has no input channel "nine"`)
		},
		9: func(t *testing.T) { // the Kubernetes config is part of the schema
			wantError(t, taskWith(`"config": {"type": "podman"}`), `config.type: must be one of "docker", "k8s", got "podman"`)
			wantError(t, taskWith(`"config": {"labels": {"a": 1}}`), `config.labels.a: must be string, got integer`)
		},
		10: func(t *testing.T) { // placeholders
			wantError(t, `{"name": "{{ env.UNSET_X }}", "image": "img", "taskTemplate": "x"}`, `environment variable UNSET_X is not set`)
			r, v := taskapi.Validate("t.json", []byte(`{"name": "{{ env.Q }}", "image": "img", "taskTemplate": "x"}`), taskapi.ValidateOptions{
				Lookup: func(string) (string, bool) { return `a "quoted" name`, true }})
			if task, ok := v.(*taskapi.Task); !ok || task.Name != `a "quoted" name` {
				t.Errorf("quoted value: %v\n%s", v, lines(r))
			}
			r, _ = taskapi.Validate("pc.json", []byte(`{"name": "pc", "description": "{{ env.X }}", "templates": []}`), taskapi.ValidateOptions{})
			if !r.Valid() || !hasMessage(r.Warnings(), "looks like a Jinja placeholder") {
				t.Errorf("processing-container placeholder: want a warning, not rendering:\n%s", lines(r))
			}
		},
		11: func(t *testing.T) { // the run record is JSON
			dir := t.TempDir()
			rec := &Record{Kind: RecordKind, Version: RecordVersion, ID: "abc", Mode: ModeDocker}
			file := filepath.Join(dir, DefaultRecordPath(rec))
			if err := WriteRecord(file, rec); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 || filepath.Base(file) != "task_run-abc.json" {
				t.Errorf("record %s: %v, %v", file, fi, err)
			}
			if _, err := ReadRecord(file); err != nil {
				t.Error(err)
			}
			pkl := filepath.Join(dir, "task_run-abc.pkl")
			if err := os.WriteFile(pkl, []byte("\x80\x04\x95"), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := ReadRecord(pkl); err == nil || !strings.Contains(err.Error(), "is a Python pickle") {
				t.Errorf("pickle: %v", err)
			}
		},
		12: func(t *testing.T) { // command is the entrypoint in Docker too
			plan := prepare(t, ModeDocker, taskWith(`"command": ["python3", "run.py"]`), size(0))
			spec, err := DockerSpec(plan.Instance, plan.Computed, "")
			if err != nil || !slices.Equal(spec.Entrypoint, []string{"python3", "run.py"}) {
				t.Errorf("entrypoint = %q, %v", spec.Entrypoint, err)
			}
		},
		13: func(t *testing.T) { // the limit without extra swap, the request as reservation
			plan := prepare(t, ModeDocker, taskWith(`"resources": {"limits": {"memory": "64Mi"}, "requests": {"memory": "32Mi"}}`), size(0))
			spec, err := DockerSpec(plan.Instance, plan.Computed, "")
			// dockerengine.Create sets MemorySwap to MemoryBytes.
			if err != nil || spec.MemoryBytes != 64<<20 || spec.MemoryReservationBytes != 32<<20 {
				t.Errorf("memory %d, reservation %d, %v", spec.MemoryBytes, spec.MemoryReservationBytes, err)
			}
		},
		14: func(t *testing.T) { // 126 is skipped in both modes
			if s := finished(126, false); s.Phase != PhaseSkipped {
				t.Errorf("docker exit 126: %s", s.Phase)
			}
			if s := PodStatus(terminated(126, "Error")); s.Phase != PhaseSkipped {
				t.Errorf("pod exit 126: %s", s.Phase)
			}
		},
		15: func(t *testing.T) { // no pull secret needed to read a template
			if pod := ExtractPod("extract-file-00000000", "ns", "img", nil); len(pod.Spec.ImagePullSecrets) != 0 {
				t.Errorf("pull secrets = %v", pod.Spec.ImagePullSecrets)
			}
		},
		16: func(t *testing.T) { // max_item_sum without items is 0
			n, err := taskapi.TargetSize(fstest.MapFS{"file": {Data: []byte("x")}}, &taskapi.ScaleRule{Mode: taskapi.ModeMaxItemSum})
			if err != nil || n != 0 {
				t.Errorf("= %d, %v; want 0", n, err)
			}
		},
		17: func(t *testing.T) { // stricter names and paths
			wantError(t, `{"name": "t", "image": "", "taskTemplate": "x"}`, `image: must not be empty`)
			wantError(t, `{"name": "___", "image": "img", "taskTemplate": "x"}`, `yields an empty pod name`)
			wantError(t, `{"name": "t", "image": "img", "taskTemplate": {"identifier": "", "description": "", "inputs": [{"name": "", "mounted_path": "/a"}], "outputs": [], "env": [{"name": "", "value": ""}]}}`,
				`taskTemplate.identifier: must not be empty`, `taskTemplate.inputs[0].name: channel name must not be empty`, `taskTemplate.env[0].name: must not be empty`)
			wantError(t, taskWith(`"inputs": [{"name": "in", "volume_source": {"host_path": "/x"}, "scale_rule": {"scale_factor": 1, "type": "limit", "mode": "sum", "target_dir": "/etc", "target_glob": "../*"}}]`),
				`target_dir: must be a path inside the channel`, `target_glob: invalid glob "../*"`)
		},
		18: func(t *testing.T) { // RE2
			wantError(t, taskWith(`"inputs": [{"name": "in", "volume_source": {"host_path": "/x"}, "scale_rule": {"scale_factor": 1, "type": "limit", "mode": "sum", "target_regex": "(?<=x)y"}}]`),
				`target_regex: does not compile`)
		},
		19: func(t *testing.T) { // a derived request above the limit raises the limit
			plan := prepare(t, ModeK8s, taskWith(`"resources": {"limits": {"memory": "50Mi"}},
				"inputs": [{"name": "in", "volume_source": {"host_path": "/x"}, "scale_rule": {"scale_factor": 1, "type": "request", "mode": "sum"}}]`), size(100<<20))
			if l, r := podMemory(t, plan, "limits"), podMemory(t, plan, "requests"); l != "110Mi" || r != "110Mi" {
				t.Errorf("limit %s, request %s; want both 110Mi", l, r)
			}
		},
		20: func(t *testing.T) { // the kind is guessed, never between two
			if r := validate(t, `{"name": "t", "image": "img", "taskTemplate": "x"}`, taskapi.ValidateOptions{}); r.Kind != taskapi.KindTask || !r.Valid() {
				t.Errorf("guessed %q:\n%s", r.Kind, lines(r))
			}
			wantError(t, `{"name": "t", "image": "img", "taskTemplate": "x", "templates": []}`, `has both "taskTemplate" (a task) and "templates"`)
			wantError(t, ``, `the file is empty`)
			wantError(t, `null`, `must be a JSON object`)
			wantError(t, "name: t\n", `YAML is not accepted`)
		},
		21: func(t *testing.T) { // the registry secret is pono's to delete
			plan := prepare(t, ModeK8s, taskWith(`"config": {"registryUrl": "r", "registryUsername": "u", "registryPassword": "p"}`), size(0))
			spec, err := taskapi.BuildPod(plan.Instance, plan.Computed.Resources, taskapi.PodOptions{})
			if err != nil || spec.Secret == nil || spec.Secret.Name != "t-secret" {
				t.Fatalf("secret: %v, %v", spec, err)
			}
			// runK8s records it in Record.Kubernetes.Secret; stopK8s deletes
			// it (run/taskrun/k8se2e proves both on an API server).
		},
		22: func(t *testing.T) { // check-task-run reads a pod's outcome; the monitor is docker's
			if s := PodStatus(terminated(3, "Error")); s.Phase != PhaseFailed || s.ExitCode != 3 {
				t.Errorf("pod exit 3: %+v", s)
			}
			if s := PodStatus(terminated(137, "OOMKilled")); s.Phase != PhaseOOMKilled {
				t.Errorf("pod OOMKilled: %+v", s)
			}
			if _, err := New(Config{}).MonitorMemory(context.Background(), &Record{Mode: ModeK8s}, 0, nil); !errors.Is(err, ErrMonitorMode) {
				t.Errorf("monitor in k8s mode: %v", err)
			}
		},
		23: func(t *testing.T) { // values Kaapana's models convert
			rule := func(f string) string {
				return taskWith(`"inputs": [{"name": "in", "volume_source": {"host_path": "/x"}, "scale_rule": {"scale_factor": ` + f + `, "type": "limit", "mode": "sum"}}]`)
			}
			wantValid(t, rule(`2.0`))
			wantValid(t, `{"name": "t", "image": "img", "taskTemplate": "x", "api_version": 1.0}`)
			r := validate(t, rule(`"10"`), taskapi.ValidateOptions{})
			if !r.Valid() || !hasMessage(r.Warnings(), `"10" is a string; Kaapana converts it to a number`) {
				t.Errorf("numeric string: want a warning:\n%s", lines(r))
			}
			wantError(t, rule(`true`), `scale_factor: must be integer, got bool`)
		},
		24: func(t *testing.T) { // duplicate keys
			r, v := taskapi.Validate("t.json", []byte(`{"name": "a", "name": "b", "image": "img", "taskTemplate": "x"}`), taskapi.ValidateOptions{})
			if task, ok := v.(*taskapi.Task); !ok || task.Name != "b" || !hasMessage(r.Warnings(), `duplicate key "name" (also at 1:2)`) {
				t.Errorf("want the last value and a warning:\n%s", lines(r))
			}
		},
		25: func(t *testing.T) { // Docker's memory minimum
			plan := prepare(t, ModeDocker, taskWith(`"resources": {"limits": {"memory": "16Mi"}, "requests": {"memory": "4Mi"}}`), size(0))
			spec, err := DockerSpec(plan.Instance, plan.Computed, "")
			if err != nil || spec.MemoryReservationBytes != 0 || !hasNote(plan.Computed.Notes, "without a memory reservation") {
				t.Errorf("reservation %d, notes %q, %v", spec.MemoryReservationBytes, plan.Computed.Notes, err)
			}
			file := writeTask(t, taskWith(`"resources": {"limits": {"memory": "5Mi"}}`))
			if _, err := New(Config{Mode: ModeDocker}).Prepare(context.Background(), file, PrepareOptions{Measure: size(0)}); err == nil ||
				!strings.Contains(err.Error(), "below the Docker engine's minimum of 6Mi") {
				t.Errorf("a 5Mi limit: %v", err)
			}
		},
	}
	documented := documentedDivergences(t)
	for _, n := range documented {
		if rows[n] == nil {
			t.Errorf("docs/taskapi.md divergence %d has no row", n)
		}
	}
	for n := range rows {
		if !slices.Contains(documented, n) {
			t.Errorf("row %d is not a divergence in docs/taskapi.md", n)
		}
	}
	for _, n := range documented {
		if f := rows[n]; f != nil {
			t.Run(fmt.Sprintf("%02d", n), f)
		}
	}
}

// template is an inline template with one input and one output channel;
// the input's scale rule doubles its size.
const template = `{"identifier": "tmpl", "description": "d", "env": [],
	"inputs": [{"name": "in", "mounted_path": "/in", "scale_rule": {"scale_factor": 2, "type": "limit", "mode": "sum"}}],
	"outputs": [{"name": "out", "mounted_path": "/out"}]}`

// taskWith is a task named "t" with the inline template and extra fields.
func taskWith(fields string) string {
	return `{"name": "t", "image": "img", "taskTemplate": ` + template + `, ` + fields + `}`
}

func size(n int64) taskapi.MeasureFunc {
	return func(taskapi.Channel) (int64, error) { return n, nil }
}

func writeTask(t *testing.T, src string) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "task.json")
	if err := os.WriteFile(file, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// prepare plans a task as `pono task run` does, without running it.
func prepare(t *testing.T, mode Mode, src string, measure taskapi.MeasureFunc) *Plan {
	t.Helper()
	plan, err := New(Config{Mode: mode}).Prepare(context.Background(), writeTask(t, src), PrepareOptions{Measure: measure})
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	return plan
}

func buildPod(t *testing.T, plan *Plan) *corev1.Pod {
	t.Helper()
	spec, err := taskapi.BuildPod(plan.Instance, plan.Computed.Resources, taskapi.PodOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return spec.Pod
}

func podMemory(t *testing.T, plan *Plan, side string) string {
	t.Helper()
	c := buildPod(t, plan).Spec.Containers[0].Resources
	list := c.Limits
	if side == "requests" {
		list = c.Requests
	}
	q, ok := list[corev1.ResourceMemory]
	if !ok {
		return ""
	}
	return q.String()
}

func terminated(code int32, reason string) *corev1.Pod {
	return &corev1.Pod{Status: corev1.PodStatus{Phase: corev1.PodFailed, ContainerStatuses: []corev1.ContainerStatus{{
		Name: taskapi.ContainerName, State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: code, Reason: reason}}}}}}
}

func validate(t *testing.T, src string, opts taskapi.ValidateOptions) *taskapi.Report {
	t.Helper()
	r, _ := taskapi.Validate("t.json", []byte(src), opts)
	return r
}

func parsePC(t *testing.T, src string) *taskapi.ProcessingContainer {
	t.Helper()
	pc, _, err := taskapi.LoadProcessingContainer("pc.json", []byte(src), taskapi.ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return pc
}

func wantValid(t *testing.T, src string) {
	t.Helper()
	if r := validate(t, src, taskapi.ValidateOptions{}); !r.Valid() {
		t.Errorf("rejected:\n%s\n%s", src, lines(r))
	}
}

// wantError validates a task and requires an error containing each of
// msgs.
func wantError(t *testing.T, src string, msgs ...string) {
	t.Helper()
	wantErrorWith(t, src, taskapi.ValidateOptions{}, msgs...)
}

func wantErrorWith(t *testing.T, src string, opts taskapi.ValidateOptions, msgs ...string) {
	t.Helper()
	r := validate(t, src, opts)
	for _, m := range msgs {
		if !hasMessage(r.Errors(), m) {
			t.Errorf("no error %q:\n%s", m, lines(r))
		}
	}
}

func hasMessage(ds []taskapi.Diagnostic, sub string) bool {
	return slices.ContainsFunc(ds, func(d taskapi.Diagnostic) bool { return strings.Contains(d.String(), sub) })
}

func hasNote(notes []string, sub string) bool {
	return slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, sub) })
}

func lines(r *taskapi.Report) string {
	var b strings.Builder
	for _, d := range r.Diagnostics {
		b.WriteString(d.String() + "\n")
	}
	return b.String()
}

// documentedDivergences lists the item numbers of docs/taskapi.md's
// "Divergences from Kaapana".
func documentedDivergences(t *testing.T) []int {
	t.Helper()
	b, err := os.ReadFile("../../docs/taskapi.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "## Divergences from Kaapana")
	if start < 0 {
		t.Fatal("docs/taskapi.md has no divergence section")
	}
	section := doc[start:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	var out []int
	for _, m := range regexp.MustCompile(`(?m)^(\d+)\. \*\*`).FindAllStringSubmatch(section, -1) {
		n, _ := strconv.Atoi(m[1])
		out = append(out, n)
	}
	return out
}
