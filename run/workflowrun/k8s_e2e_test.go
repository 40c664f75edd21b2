package workflowrun

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"

	"github.com/pono-gitops/pono/compiler/workflow"
	"github.com/pono-gitops/pono/run/taskrun"
	"github.com/pono-gitops/pono/test/cluster"
	"github.com/pono-gitops/pono/test/testenv"
)

// TestK8sPods runs a → b → c in k8s mode on a local kube-apiserver with
// kwok nodes, which schedule pods but run no containers: the test plays
// the kubelet's part (a ends with 0, b with 126) and checks the pods pono
// submits as KaapanaTaskOperator would: <run id>-<task> in the conf's
// project namespace, kaapana.ai/type, the task's registry secret before
// registry-secret, and hostPath channel directories (b's input is a's
// output directory). c is skipped without a pod.
func TestK8sPods(t *testing.T) {
	testenv.NeedsServer(t, "a local cluster")
	c, err := cluster.Start(t.Context(), cluster.Options{})
	if err != nil {
		t.Fatalf("local cluster: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Error(err)
		}
	})
	const ns = "project-x"
	if err := c.CreateNamespace(t.Context(), ns); err != nil {
		t.Fatal(err)
	}
	b := produce(nil, seedBinding())
	b.Registry = &workflow.Registry{URL: "registry.example.org", Username: "robot", PasswordSecret: workflow.SecretRef{Name: "registry-creds"}}
	w := compileWorkflow(t, "registry.example.org/tools:1", map[string]workflow.Task{
		"a": produce(nil), "b": b, "c": produce(nil, workflow.Binding{Channel: "seed", Source: "b.out"}),
	})
	var in Input
	conf, err := in.AddConf(w, "conf.json", []byte(`{"task_form": {"b": {"env": [{"name": "MSG", "value": "from the conf"}]}}, "project_form": {"kubernetes_namespace": "project-x"}}`))
	if err != nil {
		t.Fatal(err)
	}
	r := taskrun.New(taskrun.Config{Mode: taskrun.ModeK8s, Kubeconfig: c.Kubeconfig, StartupTimeout: 30 * time.Second})
	t.Cleanup(func() { r.Close() })
	dir := filepath.Join(t.TempDir(), "manual-1")
	type out struct {
		rec *Record
		err error
	}
	done := make(chan out, 1)
	go func() {
		rec, err := Run(t.Context(), r, w, Options{RunDir: dir, Mode: taskrun.ModeK8s, Input: in, Namespace: conf.Namespace,
			PullSecrets: []string{"registry-secret"}, Lookup: func(k string) (string, bool) { return "s3cret", k == "REGISTRY_CREDS" }})
		done <- out{rec, err}
	}()
	cs := c.Client()
	endPod(t, cs, ns, "manual-1-a", 0)
	pod := endPod(t, cs, ns, "manual-1-b", 126)
	res := <-done
	if res.err != nil {
		t.Fatal(res.err)
	}
	want := map[string]string{"a": "succeeded", "b": "skipped: the task exited 126 (skip)", "c": "skipped: upstream task b was skipped"}
	if diff := cmp.Diff(want, states(res.rec)); diff != "" {
		t.Errorf("states (-want +got):\n%s", diff)
	}
	if got := pod.Labels["kaapana.ai/type"]; got != "processing-container" {
		t.Errorf("label kaapana.ai/type = %q", got)
	}
	var secrets []string
	for _, s := range pod.Spec.ImagePullSecrets {
		secrets = append(secrets, s.Name)
	}
	if diff := cmp.Diff([]string{"manual-1-b-secret", "registry-secret"}, secrets); diff != "" {
		t.Errorf("imagePullSecrets (-want +got):\n%s", diff)
	}
	paths := map[string]string{}
	for _, v := range pod.Spec.Volumes {
		if v.HostPath != nil {
			paths[v.HostPath.Path] = string(*v.HostPath.Type)
		}
	}
	for _, p := range []string{filepath.Join(dir, "a", "out"), filepath.Join(dir, "b", "out")} {
		if _, ok := paths[p]; !ok {
			t.Errorf("no hostPath volume %s in %v", p, paths)
		}
	}
	env := map[string]string{}
	for _, e := range pod.Spec.Containers[0].Env {
		env[e.Name] = e.Value
	}
	if env["MSG"] != "from the conf" {
		t.Errorf("MSG = %q, want the conf's value", env["MSG"])
	}
	if _, err := cs.CoreV1().Secrets(ns).Get(t.Context(), "manual-1-b-secret", metav1.GetOptions{}); err != nil {
		t.Errorf("registry secret: %v", err)
	}
	// The password went into the pull secret only: neither the workflow's
	// record (`pono workflow status -o json` prints it) nor b's own holds it.
	for _, f := range []string{RecordFile, TaskRecordFile("b")} {
		rec, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || strings.Contains(string(rec), "s3cret") {
			t.Errorf("%s holds the registry password (or cannot be read: %v)", f, err)
		}
	}
	if tr, err := taskrun.ReadRecord(filepath.Join(dir, TaskRecordFile("b"))); err != nil || tr.Task.Config.RegistryUsername == "" {
		t.Errorf("b's task record lost its registry user: %v", err)
	}
	pods, err := cs.CoreV1().Pods(ns).List(t.Context(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range pods.Items {
		names = append(names, p.Name)
	}
	slices.Sort(names)
	if diff := cmp.Diff([]string{"manual-1-a", "manual-1-b"}, names); diff != "" {
		t.Errorf("pods (-want +got; c must get none):\n%s", diff)
	}
}

// endPod waits for the pod to run on a kwok node and writes what a
// kubelet writes when its main container exits with code.
func endPod(t *testing.T, cs kubernetes.Interface, ns, name string, code int32) *corev1.Pod {
	t.Helper()
	var pod *corev1.Pod
	err := wait.PollUntilContextTimeout(t.Context(), 100*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		p, err := cs.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil || p.Status.Phase != corev1.PodRunning {
			return false, nil
		}
		now := metav1.Now()
		p.Status.Phase = corev1.PodSucceeded
		if code != 0 {
			p.Status.Phase = corev1.PodFailed
		}
		p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "main", Image: p.Spec.Containers[0].Image,
			State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: code, Reason: "Completed", StartedAt: now, FinishedAt: now}}}}
		pod, err = cs.CoreV1().Pods(ns).UpdateStatus(ctx, p, metav1.UpdateOptions{})
		return err == nil, nil // kwok's own updates conflict now and then
	})
	if err != nil {
		t.Fatalf("pod %s never ran: %v", name, err)
	}
	return pod
}
