package k8se2e

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/run/taskrun"
	"github.com/pono-gitops/pono/test/cluster"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMain(m *testing.M) { cluster.Main(m) }

const (
	kaapana = "../../../../shared/kaapana"
	ns      = "project-admin"
)

type env map[string]string

func (e env) lookup(k string) (string, bool) { v, ok := e[k]; return v, ok }

func setup(t *testing.T) (*cluster.Cluster, *taskrun.Runner, env) {
	t.Helper()
	if _, err := os.Stat(kaapana); err != nil {
		t.Fatalf("Kaapana reference files missing (shared/ must be beside the repository): %v", err)
	}
	c := cluster.Shared(t)
	if err := c.CreateNamespace(t.Context(), ns); err != nil && !strings.Contains(err.Error(), "already exists") {
		t.Fatal(err)
	}
	r := taskrun.New(taskrun.Config{Mode: taskrun.ModeK8s, Kubeconfig: c.Kubeconfig, StartupTimeout: 30 * time.Second})
	t.Cleanup(func() { r.Close() })
	out := t.TempDir()
	return c, r, env{"registryUrl": "registry.example.org/kaapana", "output_dir": out, "namespace": ns,
		"registryUsername": "kaapana", "registryPassword": "s3cret"}
}

// run prepares and runs one of Kaapana's own dummy task files, with the
// template from Kaapana's processing-container.json.
func run(t *testing.T, r *taskrun.Runner, e env, task string) *taskrun.Record {
	t.Helper()
	ctx := t.Context()
	plan, err := r.Prepare(ctx, filepath.Join(kaapana, task), taskrun.PrepareOptions{
		ProcessingContainerFile: filepath.Join(kaapana, "task_api-dummy__processing-container.json"),
		Lookup:                  e.lookup,
	})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := r.Run(ctx, plan)
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestK8sRunUpstream runs Kaapana's upstream dummy task: the pod and the
// registry secret the API server stores match the golden files, the pod is
// scheduled on a kwok node and runs, and its end is read back from the
// status.
func TestK8sRunUpstream(t *testing.T) {
	c, r, e := setup(t)
	ctx := t.Context()
	cs := c.Client()
	// A fixed host path keeps the golden file stable; kwok mounts nothing.
	e["output_dir"] = "/data/out"
	start := time.Now()
	rec := run(t, r, e, "task_api-dummy__upstream-task.json")

	if rec.ID != "kubernetes-task-for-dummy-image" || rec.Kubernetes.Namespace != ns || rec.Kubernetes.Secret != "kubernetes-task-for-dummy-image-secret" {
		t.Fatalf("record = %+v", rec.Kubernetes)
	}
	pod, err := cs.CoreV1().Pods(ns).Get(ctx, rec.ID, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "upstream-pod.yaml", normalizePod(pod))
	secret, err := cs.CoreV1().Secrets(ns).Get(ctx, rec.Kubernetes.Secret, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "upstream-secret.yaml", map[string]any{
		"name": secret.Name, "namespace": secret.Namespace, "type": secret.Type,
		".dockerconfigjson": string(secret.Data[corev1.DockerConfigJsonKey]),
	})

	// kwok schedules and "starts" the pod.
	running := waitPhase(t, r, rec, taskrun.PhaseRunning)
	got, err := cs.CoreV1().Pods(ns).Get(ctx, rec.ID, metav1.GetOptions{})
	if err != nil || got.Spec.NodeName == "" {
		t.Fatalf("pod not scheduled: %v", err)
	}
	t.Logf("pod %s %s on %s after %s", rec.ID, running.Phase, got.Spec.NodeName, time.Since(start).Round(time.Millisecond))

	// The kubelet's part: the container ends with 0.
	terminate(t, cs, rec, 0, "Completed")
	st, err := r.Wait(ctx, rec)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&taskrun.Status{Phase: taskrun.PhaseSucceeded}, st); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	// Read back from the record file, as `pono task status run.json` does.
	file := filepath.Join(t.TempDir(), "run.json")
	if err := taskrun.WriteRecord(file, rec); err != nil {
		t.Fatal(err)
	}
	back, err := taskrun.ReadRecord(file)
	if err != nil {
		t.Fatal(err)
	}
	again, err := taskrun.New(taskrun.Config{Kubeconfig: c.Kubeconfig}).Status(ctx, back)
	if err != nil || again.Phase != taskrun.PhaseSucceeded {
		t.Errorf("status from the record file = %+v, %v", again, err)
	}

	// stop deletes the pod and pono's registry secret.
	if err := r.Stop(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := cs.CoreV1().Pods(ns).Get(ctx, rec.ID, metav1.GetOptions{})
		return err != nil, nil
	}); err != nil {
		t.Errorf("pod still there after stop")
	}
	if _, err := cs.CoreV1().Secrets(ns).Get(ctx, rec.Kubernetes.Secret, metav1.GetOptions{}); err == nil {
		t.Errorf("secret still there after stop")
	}
}

// TestK8sDownstreamScaleRuleAndOutcomes runs Kaapana's downstream dummy task
// (limits only plus a limit scale rule: Kaapana's runner crashes on it and
// would ignore the rule) and maps the end states.
func TestK8sDownstreamScaleRuleAndOutcomes(t *testing.T) {
	c, r, e := setup(t)
	ctx := t.Context()
	cs := c.Client()
	// channel1 holds 4 MiB of .txt (matched by the rule's target_regex) and
	// a file the regex ignores: 25 x 4Mi + 10% = 110Mi, above the static 50Mi.
	ch1 := filepath.Join(e["output_dir"], "dummy", "channel1")
	if err := os.MkdirAll(ch1, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, size := range map[string]int{"a.txt": 3 << 20, "b.txt": 1 << 20, "c.bin": 5 << 20} {
		if err := os.WriteFile(filepath.Join(ch1, name), make([]byte, size), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		exitCode int32
		reason   string
		want     taskrun.Status
	}{
		{"exit 126 is skipped", 126, "Error", taskrun.Status{Phase: taskrun.PhaseSkipped, ExitCode: 126, Reason: "Skipped", Message: "the task exited 126: skipped"}},
		{"OOM kill is 137", 137, "OOMKilled", taskrun.Status{Phase: taskrun.PhaseOOMKilled, ExitCode: 137, Reason: "OOMKilled", Message: "the task exceeded its memory limit and was killed"}},
		{"exit 2 fails", 2, "Error", taskrun.Status{Phase: taskrun.PhaseFailed, ExitCode: 2, Reason: "Error", Message: "the task exited 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := run(t, r, e, "task_api-dummy__downstream-task.json")
			t.Cleanup(func() { r.Stop(context.WithoutCancel(ctx), rec) })
			pod, err := cs.CoreV1().Pods(ns).Get(ctx, rec.ID, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res := pod.Spec.Containers[0].Resources
			if got := res.Limits.Memory().String(); got != "110Mi" {
				t.Errorf("pod limits.memory = %s, want 110Mi (scale rule applied)", got)
			}
			if len(res.Requests) != 0 {
				// The API server defaults requests to limits only when
				// requests are absent; pono sends none.
				if got := res.Requests.Memory().String(); got != "110Mi" {
					t.Errorf("pod requests.memory = %s, want the API server's default 110Mi", got)
				}
			}
			for _, m := range pod.Spec.Containers[0].VolumeMounts {
				if !m.ReadOnly {
					t.Errorf("input mount %s is not read-only", m.Name)
				}
			}
			waitPhase(t, r, rec, taskrun.PhaseRunning)
			terminate(t, cs, rec, tt.exitCode, tt.reason)
			st, err := r.Wait(ctx, rec)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(&tt.want, st); diff != "" {
				t.Errorf("status (-want +got):\n%s", diff)
			}
			if err := r.Stop(ctx, rec); err != nil {
				t.Fatal(err)
			}
			waitGone(t, cs, rec.ID)
		})
	}
}

// TestK8sProcessingContainer reads a template the Kaapana way: a
// short-lived extract pod. kwok runs it (phase Running) but has no kubelet
// to exec into, so the copy fails with ErrExec; the pod is deleted all the
// same. The copy itself is covered in docker mode.
func TestK8sProcessingContainer(t *testing.T) {
	c, _, _ := setup(t)
	ctx := t.Context()
	r := taskrun.New(taskrun.Config{Mode: taskrun.ModeK8s, Kubeconfig: c.Kubeconfig, Namespace: ns, StartupTimeout: 30 * time.Second})
	_, err := r.ProcessingContainer(ctx, "registry.example.org/kaapana/dummy:latest")
	if !errors.Is(err, taskrun.ErrExec) {
		t.Fatalf("err = %v, want ErrExec (kwok cannot exec)", err)
	}
	t.Logf("as expected on kwok: %v", err)
	pods, err := c.Client().CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "pono.dev/purpose=extract-processing-container"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pods.Items {
		if p.DeletionTimestamp == nil {
			t.Errorf("extract pod %s left behind", p.Name)
		}
	}
}

func waitPhase(t *testing.T, r *taskrun.Runner, rec *taskrun.Record, want taskrun.Phase) *taskrun.Status {
	t.Helper()
	var st *taskrun.Status
	err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		var err error
		st, err = r.Status(ctx, rec)
		return err == nil && st.Phase == want, err
	})
	if err != nil {
		t.Fatalf("phase never %s: %+v, %v", want, st, err)
	}
	return st
}

// terminate writes what a kubelet writes when the main container ends.
func terminate(t *testing.T, cs kubernetes.Interface, rec *taskrun.Record, code int32, reason string) {
	t.Helper()
	err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		pod, err := cs.CoreV1().Pods(ns).Get(ctx, rec.ID, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		now := metav1.Now()
		pod.Status.Phase = corev1.PodSucceeded
		if code != 0 {
			pod.Status.Phase = corev1.PodFailed
		}
		pod.Status.ContainerStatuses = []corev1.ContainerStatus{{
			Name: "main", Image: pod.Spec.Containers[0].Image,
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: code, Reason: reason, StartedAt: now, FinishedAt: now}},
		}}
		_, err = cs.CoreV1().Pods(ns).UpdateStatus(ctx, pod, metav1.UpdateOptions{})
		return err == nil, nil // retry on conflicts with kwok's own updates
	})
	if err != nil {
		t.Fatalf("terminate pod %s: %v", rec.ID, err)
	}
}

func waitGone(t *testing.T, cs kubernetes.Interface, name string) {
	t.Helper()
	err := wait.PollUntilContextTimeout(t.Context(), 200*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		_, err := cs.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		return err != nil, nil
	})
	if err != nil {
		t.Fatalf("pod %s not deleted", name)
	}
}

// normalizePod keeps what pono sets, dropping what the API server fills in.
func normalizePod(p *corev1.Pod) map[string]any {
	c := p.Spec.Containers[0]
	// The service account token volume is the API server's addition.
	var vols []corev1.Volume
	for _, v := range p.Spec.Volumes {
		if !strings.HasPrefix(v.Name, "kube-api-access-") {
			vols = append(vols, v)
		}
	}
	var mounts []corev1.VolumeMount
	for _, m := range c.VolumeMounts {
		if !strings.HasPrefix(m.Name, "kube-api-access-") {
			mounts = append(mounts, m)
		}
	}
	return map[string]any{
		"metadata": map[string]any{"name": p.Name, "namespace": p.Namespace, "labels": p.Labels, "annotations": p.Annotations},
		"spec": map[string]any{
			"restartPolicy":    p.Spec.RestartPolicy,
			"imagePullSecrets": p.Spec.ImagePullSecrets,
			"volumes":          vols,
			"containers": []map[string]any{{
				"name": c.Name, "image": c.Image, "command": c.Command, "args": c.Args, "env": c.Env,
				"volumeMounts": mounts, "resources": c.Resources,
			}},
		},
	}
}

func golden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := yaml.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", name, diff)
	}
}
