package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/utils/ptr"

	"github.com/pono-gitops/pono/test/cluster"

	"github.com/pono-gitops/pono/test/testenv"
)

func TestMain(m *testing.M) { cluster.Main(m) }

// podSpec is a Pod nobody will ever pull an image for: kwok fakes it all.
func podSpec(restart corev1.RestartPolicy) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "demo"}},
		Spec: corev1.PodSpec{
			RestartPolicy: restart,
			Containers:    []corev1.Container{{Name: "main", Image: "registry.invalid/demo:1"}},
		},
	}
}

func TestDeploymentPodRunsAndIsReady(t *testing.T) {
	c := cluster.Shared(t)
	ctx := t.Context()
	cs := c.Client()
	const ns = "deploy-test"
	if err := c.CreateNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	dep := &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "demo"},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](1),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "demo"}},
			Template: podSpec(corev1.RestartPolicyAlways),
		},
	}
	if _, err := cs.AppsV1().Deployments(ns).Create(ctx, dep, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	var pod corev1.Pod
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: "app=demo"})
		if err != nil || len(pods.Items) != 1 {
			return false, err
		}
		pod = pods.Items[0]
		return pod.Status.Phase == corev1.PodRunning && podReady(&pod), nil
	})
	if err != nil {
		t.Fatalf("pod of Deployment never Running and Ready: %v; last seen: phase %q, node %q, conditions %v",
			err, pod.Status.Phase, pod.Spec.NodeName, pod.Status.Conditions)
	}
	if diff := cmp.Diff(c.Nodes[0], pod.Spec.NodeName); diff != "" {
		t.Errorf("pod scheduled on the wrong node (-want +got):\n%s", diff)
	}

	err = wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		d, err := cs.AppsV1().Deployments(ns).Get(ctx, "demo", metav1.GetOptions{})
		return err == nil && d.Status.AvailableReplicas == 1, err
	})
	if err != nil {
		t.Fatalf("Deployment never available: %v", err)
	}
}

func TestJobCompletes(t *testing.T) {
	c := cluster.Shared(t)
	ctx := t.Context()
	cs := c.Client()
	const ns = "job-test"
	if err := c.CreateNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	job := &batchv1.Job{
		ObjectMeta: metav1.ObjectMeta{Name: "once"},
		Spec:       batchv1.JobSpec{Template: podSpec(corev1.RestartPolicyNever)},
	}
	if _, err := cs.BatchV1().Jobs(ns).Create(ctx, job, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	var got *batchv1.Job
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, time.Minute, true, func(ctx context.Context) (bool, error) {
		var err error
		got, err = cs.BatchV1().Jobs(ns).Get(ctx, "once", metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		for _, cond := range got.Status.Conditions {
			if cond.Type == batchv1.JobComplete && cond.Status == corev1.ConditionTrue {
				return true, nil
			}
		}
		return false, nil
	})
	if err != nil {
		t.Fatalf("Job never Complete: %v; status: %+v", err, got.Status)
	}
}

// TestStopLeavesNothing starts a second cluster next to the shared one (so
// ports really are picked per cluster), finds it again through its pid
// files as `clusterctl down` does, and stops it that way. It also gives
// the controller-manager a client rate of its own, as the peers benchmark
// does, and checks that the process got it.
func TestStopLeavesNothing(t *testing.T) {
	testenv.NeedsServer(t, "a second local Kubernetes control plane")
	dir := t.TempDir()
	c, err := cluster.Start(t.Context(), cluster.Options{Dir: dir, ControllerManagerQPS: 77})
	if err != nil {
		t.Fatal(err)
	}
	pids := c.Pids()
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pids["kube-controller-manager"]))
	if err != nil {
		t.Error(err)
	} else if rate := "\x00--kube-api-qps\x0077\x00--kube-api-burst\x00154\x00"; !strings.Contains(string(cmdline), rate) {
		t.Errorf("kube-controller-manager runs with %q, want the rate %q in it", cmdline, rate)
	}
	var names []string
	for name, pid := range pids {
		names = append(names, name)
		if !running(pid) {
			t.Errorf("%s (pid %d) not running after Start", name, pid)
		}
	}
	if len(names) != 5 {
		t.Errorf("Start ran %d processes %v, want 5", len(names), pids)
	}

	attached, err := cluster.Attach(dir)
	if err != nil {
		c.Stop()
		t.Fatal(err)
	}
	if diff := cmp.Diff(pids, attached.Pids()); diff != "" {
		t.Errorf("Attach found other processes (-start +attach):\n%s", diff)
	}
	if err := attached.Healthy(t.Context()); err != nil {
		t.Errorf("attached cluster not healthy: %v", err)
	}
	if err := attached.Stop(); err != nil {
		t.Fatal(err)
	}
	// The processes may linger as zombies until their parent (this test
	// binary, through c) reaps them; they must not run any more.
	for name, pid := range pids {
		if running(pid) {
			t.Errorf("%s (pid %d) still running after Stop", name, pid)
		}
	}
	left, err := filepath.Glob(filepath.Join(dir, "run", "*.pid"))
	if err != nil || len(left) > 0 {
		t.Errorf("pid files left after Stop: %v (%v)", left, err)
	}
	// Stopping the original too waits until they are reaped: then not even
	// a zombie may be left in their process groups.
	if err := c.Stop(); err != nil {
		t.Errorf("second Stop: %v", err)
	}
	for name, pid := range pids {
		if err := syscall.Kill(-pid, 0); !errors.Is(err, syscall.ESRCH) {
			t.Errorf("process group of %s (%d) still has members: %v", name, pid, err)
		}
	}
	if _, err := cluster.Attach(dir); !errors.Is(err, cluster.ErrNotRunning) {
		t.Errorf("Attach after Stop: got %v, want ErrNotRunning", err)
	}
}

func TestStartWithoutToolsFailsLoudly(t *testing.T) {
	tools := t.TempDir()
	_, err := cluster.Start(t.Context(), cluster.Options{ToolsDir: tools})
	if !errors.Is(err, cluster.ErrToolsMissing) {
		t.Fatalf("Start without tools: got %v, want ErrToolsMissing", err)
	}
	want := fmt.Sprintf("etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok not found in %s; kwok's stages.yaml not found in %s: run 'make tools'",
		filepath.Join(tools, "bin"), tools)
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("error message (-want +got):\n%s", diff)
	}
}

func podReady(pod *corev1.Pod) bool {
	for _, cond := range pod.Status.Conditions {
		if cond.Type == corev1.PodReady {
			return cond.Status == corev1.ConditionTrue
		}
	}
	return false
}

// running reports whether pid is a live process (not a zombie).
func running(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// Field 3 is the state; Z is a zombie. The command name in field 2 is
	// in parentheses and may hold spaces, so look after the last ')'.
	s := string(b)
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ')' {
			return i+2 < len(s) && s[i+2] != 'Z'
		}
	}
	return false
}

func TestWritesSeesOnlyTheTestsOwnWrites(t *testing.T) {
	c := cluster.Shared(t)
	ctx := t.Context()
	cs := c.Client()
	const ns = "audit-test"
	if err := c.CreateNamespace(ctx, ns); err != nil {
		t.Fatal(err)
	}
	before, err := c.Writes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "counted"}, Data: map[string]string{"a": "b"}}
	if _, err := cs.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	// Reads are not writes.
	if _, err := cs.CoreV1().ConfigMaps(ns).Get(ctx, "counted", metav1.GetOptions{}); err != nil {
		t.Fatal(err)
	}
	after, err := c.Writes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type write struct{ Verb, Resource, Namespace, Name string }
	var got []write
	for _, e := range after[len(before):] {
		got = append(got, write{e.Verb, e.Resource, e.Namespace, e.Name})
	}
	want := []write{{"create", "configmaps", ns, "counted"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
}

func TestAPIServerRestart(t *testing.T) {
	testenv.NeedsServer(t, "a local Kubernetes control plane of its own")
	ctx := t.Context()
	c, err := cluster.Start(ctx, cluster.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	cs := c.Client()
	if err := c.CreateNamespace(ctx, "before-restart"); err != nil {
		t.Fatal(err)
	}
	if err := c.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.CoreV1().Namespaces().Get(ctx, "before-restart", metav1.GetOptions{}); err == nil {
		t.Fatal("the API server answered after StopAPIServer")
	}
	if err := c.StartAPIServer(ctx); err != nil {
		t.Fatal(err)
	}
	// Same port, same etcd: the old client works and the data is there.
	if _, err := cs.CoreV1().Namespaces().Get(ctx, "before-restart", metav1.GetOptions{}); err != nil {
		t.Fatalf("after restart: %v", err)
	}
}
