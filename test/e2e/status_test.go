package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/cluster/status"
	"github.com/pono-gitops/pono/test/cluster"
	"github.com/pono-gitops/pono/test/testenv"
)

// TestStatusShowsExtensionsPage: kind, versions, stability, Helm status,
// pod statuses and readiness from the cluster, filters, releases outside
// the platform, and JSON from the CLI.
func TestStatusShowsExtensionsPage(t *testing.T) {
	c := cluster.Shared(t)
	ctx := context.Background()
	dir := platformDir(t, `name: st
`+nsBlock("st")+`sources:
  local: {path: ./charts}
extensions:
  small:
    version: "1.0.0"
    instances: {a: {}, b: {}}
  failjob:
    version: "1.0.0"
  later:
    chart: slow
    version: "1.0.0"
    needs: [small/a]
`)
	// slow never becomes ready here (no node carries its label): skip it
	// from the apply by making it the only failure, with a short timeout.
	rep, _, _, _ := applyDir(t, c, dir, func(a *apply.Apply) { a.Timeout = 3 * time.Second })
	if got := outcomes(rep); got["small-a"] != "install ok" || got["failjob"] != "install ok" || got["slow"] != "install failed" {
		t.Fatalf("apply:\n%s", table(rep))
	}
	// A pod of small-b starts crash-looping.
	pods, err := c.Client().CoreV1().Pods("st-services").List(ctx, metav1.ListOptions{LabelSelector: "app.kubernetes.io/instance=small-b"})
	if err != nil || len(pods.Items) != 1 {
		t.Fatalf("pods of small-b: %v %v", pods, err)
	}
	p := pods.Items[0]
	p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "app", Image: "x", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "CrashLoopBackOff", Message: "back-off 10s"}}}}
	for i, cond := range p.Status.Conditions {
		if cond.Type == corev1.PodReady {
			p.Status.Conditions[i].Status = corev1.ConditionFalse
		}
	}
	if _, err := c.Client().CoreV1().Pods("st-services").UpdateStatus(ctx, &p, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}

	st := status.NewStatus(&kube.Config{RESTConfig: c.RESTConfig()})
	got, err := st.Run(ctx, compile(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Release, Kind, Stability, Desired, Deployed, Helm string
		Kube                                              []string
		Ready                                             bool
	}
	var rows []row
	for _, r := range got.Releases {
		rows = append(rows, row{r.Release, r.Kind, r.Stability, r.DesiredVersion, r.DeployedVersion, r.HelmStatus, r.KubeStatus, r.Ready})
	}
	want := []row{
		{"failjob", "workflow", "stable", "1.0.0", "1.0.0", "deployed", []string{"Completed"}, true},
		{"slow", "application", "stable", "1.0.0", "", "not-installed", []string{}, false},
		{"small-a", "application", "stable", "1.0.0", "1.0.0", "deployed", []string{"Running"}, true},
		{"small-b", "application", "stable", "1.0.0", "1.0.0", "deployed", []string{"CrashLoopBackOff"}, false},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("status rows (-want +got):\n%s", diff)
	}

	st.Kind = "workflow"
	got, err = st.Run(ctx, compile(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Releases) != 1 || got.Releases[0].Release != "failjob" {
		t.Errorf("--kind workflow: %+v; want only failjob", got.Releases)
	}

	// Remove an instance with prune off: it stays, listed as not in the
	// platform. The CLI prints JSON.
	editFile(t, dir+"/platform.yaml", "instances: {a: {}, b: {}}", "instances: {a: {}}")
	rep, _, _, _ = applyDir(t, c, dir, func(a *apply.Apply) { a.Prune = false; a.Timeout = 2 * time.Second })
	if r := result(t, rep, "small-b"); r.Outcome != apply.OutcomeKept {
		t.Errorf("small-b with prune off: %+v; want kept", r)
	}
	var out, errOut bytes.Buffer
	cmd := exec.Command(testenv.Pono(t), "status", dir, "-o", "json", "--kubeconfig", c.Kubeconfig, "--cache-dir", t.TempDir())
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("pono status: %v\n%s", err, errOut.String())
	}
	var js status.StatusReport
	if err := json.Unmarshal(out.Bytes(), &js); err != nil {
		t.Fatalf("pono status -o json: %v\n%s", err, out.String())
	}
	if len(js.Other) != 1 || js.Other[0].Release != "small-b" || js.Other[0].Owner != "this platform" || js.Other[0].Kind != "application" {
		t.Errorf("releases outside the platform: %+v; want small-b owned by this platform", js.Other)
	}
}

// TestHangingReleaseDoesNotBlockOthers: a release that never becomes ready
// times out on its own; unrelated releases finish long before.
func TestHangingReleaseDoesNotBlockOthers(t *testing.T) {
	c := cluster.Shared(t)
	dir := platformDir(t, `name: hang
`+nsBlock("hang")+`sources:
  local: {path: ./charts}
extensions:
  slow:
    version: "1.0.0"
  small:
    version: "1.0.0"
    instances: {a: {}, b: {}, c: {}, d: {}}
`)
	began := time.Now()
	rep, _, ev, err := applyDir(t, c, dir, func(a *apply.Apply) { a.Timeout = 15 * time.Second; a.Concurrency = 2 })
	var fe *apply.FailedError
	if !errors.As(err, &fe) || len(fe.Releases) != 1 || fe.Releases[0].Name != "slow" {
		t.Fatalf("apply: %v; want only slow failed\n%s", err, table(rep))
	}
	if r := result(t, rep, "slow"); !strings.Contains(r.Error, "timed out after 15s") {
		t.Errorf("slow: %q; want a timeout", r.Error)
	}
	for _, n := range []string{"small-a", "small-b", "small-c", "small-d"} {
		at, ok := ev.when(apply.EventFinish, n)
		if !ok || at.Sub(began) > 12*time.Second {
			t.Errorf("%s finished %v after the start; want well before slow's 15s timeout", n, at.Sub(began))
		}
	}
}
