package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/plan"
	"github.com/pono-gitops/pono/test/cluster"
	"github.com/pono-gitops/pono/test/testenv"
)

// TestRecoverAfterSIGKILL kills `pono apply` with SIGKILL while it waits for
// a release, which leaves the release in pending-install. A second apply
// while the first still holds the release's Lease must not touch it; once
// the holder is dead (its Lease expired), apply recovers the release and
// the platform converges.
func TestRecoverAfterSIGKILL(t *testing.T) {
	c := cluster.Shared(t)
	ctx := context.Background()
	dir := platformDir(t, `name: crash
`+nsBlock("crash")+`sources:
  local: {path: ./charts}
extensions:
  slow:
    version: "1.0.0"
  small:
    version: "1.0.0"
    instances: {ok: {}}
`)
	// The slow release's pod needs a node label nobody has yet.
	node := c.Nodes[0]
	t.Cleanup(func() { labelNode(t, c, node, "null") })

	var out syncBuffer
	cmd := exec.Command(testenv.Pono(t), "apply", dir, "--kubeconfig", c.Kubeconfig, "--cache-dir", t.TempDir(),
		"--timeout", "3m", "--lease-duration", "3s")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	defer func() {
		if !killed {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	eventually(t, 60*time.Second, func() error {
		if st := releases(t, c, "crash-admin")["slow"].Status; st != plan.StatusPendingInstall {
			return fmt.Errorf("release slow is %q, want pending-install; pono says:\n%s", st, out.String())
		}
		return nil
	})
	if _, err := c.Client().CoordinationV1().Leases("crash-admin").Get(ctx, apply.LeasePrefix+"slow", metav1.GetOptions{}); err != nil {
		t.Fatalf("no lease for the release being installed: %v", err)
	}

	// While the first run lives, a second one must leave the release alone.
	rep, _, _, _ := applyDir(t, c, dir, func(a *apply.Apply) { a.Timeout = 2 * time.Second; a.LeaseDuration = 3 * time.Second })
	if r := result(t, rep, "slow"); r.Outcome != apply.OutcomeFailed || !strings.Contains(r.Error, "is being changed by") {
		t.Fatalf("apply during a live operation: %+v; want failed 'is being changed by'", r)
	}
	if st := releases(t, c, "crash-admin")["slow"].Status; st != plan.StatusPendingInstall {
		t.Fatalf("a concurrent apply changed the live release to %s", st)
	}

	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = cmd.Wait()
	killed = true
	if st := releases(t, c, "crash-admin")["slow"].Status; st != plan.StatusPendingInstall {
		t.Fatalf("after SIGKILL the release is %s, want pending-install (stuck)", st)
	}

	// Let the workload become ready, then apply again: the stuck release is
	// recovered once the dead run's lease expired.
	labelNode(t, c, node, `"yes"`)
	rep, _, _ = mustApply(t, c, dir, func(a *apply.Apply) { a.LeaseDuration = 3 * time.Second })
	r := result(t, rep, "slow")
	if r.Action != plan.Recover || r.Outcome != apply.OutcomeChanged ||
		!strings.Contains(r.Detail, "recovered revision 1 from pending-install") || !strings.Contains(r.Detail, "had expired") {
		t.Errorf("slow after SIGKILL: %+v; want recover ok with the reason", r)
	}
	if got := result(t, rep, "small-ok"); got.Outcome != apply.OutcomeUnchanged {
		t.Errorf("small-ok: %+v; want unchanged (the killed run had installed it)", got)
	}
	if st := releases(t, c, "crash-admin")["slow"].Status; st != plan.StatusDeployed {
		t.Errorf("release slow is %s after recovery, want deployed", st)
	}
	rep, wc, _ := mustApply(t, c, dir)
	if w := wc.Writes(); len(w) != 0 || rep.Counts()[apply.OutcomeUnchanged] != 2 {
		t.Errorf("apply after recovery is not a no-op: writes %v\n%s", w, table(rep))
	}

	// The same for an upgrade: its new pod cannot be scheduled, pono is
	// killed while waiting, the release is stuck in pending-upgrade.
	labelNode(t, c, node, "null")
	editFile(t, dir+"/platform.yaml", "  slow:\n    version: \"1.0.0\"\n", "  slow:\n    version: \"1.0.0\"\n    values: {config: b}\n")
	out = syncBuffer{}
	cmd = exec.Command(testenv.Pono(t), "apply", dir, "--kubeconfig", c.Kubeconfig, "--cache-dir", t.TempDir(),
		"--timeout", "3m", "--lease-duration", "3s")
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed = false
	eventually(t, 60*time.Second, func() error {
		if st := releases(t, c, "crash-admin")["slow"].Status; st != plan.StatusPendingUpgrade {
			return fmt.Errorf("release slow is %q, want pending-upgrade; pono says:\n%s", st, out.String())
		}
		return nil
	})
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	killed = true
	labelNode(t, c, node, `"yes"`)
	rep, _, _ = mustApply(t, c, dir, func(a *apply.Apply) { a.LeaseDuration = 3 * time.Second })
	r = result(t, rep, "slow")
	if r.Action != plan.Recover || r.Outcome != apply.OutcomeChanged || !strings.Contains(r.Detail, "recovered revision 2 from pending-upgrade") {
		t.Errorf("slow after SIGKILL during an upgrade: %+v; want recover ok with the reason", r)
	}
	if rel := releases(t, c, "crash-admin")["slow"]; rel.Status != plan.StatusDeployed || rel.Revision != 3 {
		t.Errorf("release slow is %s at revision %d after recovery, want deployed at 3", rel.Status, rel.Revision)
	}
}

// syncBuffer is a bytes.Buffer safe for a process writing and a test
// reading.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func labelNode(t testing.TB, c *cluster.Cluster, node, value string) {
	t.Helper()
	patch := fmt.Sprintf(`{"metadata":{"labels":{"pono-e2e/ready":%s}}}`, value)
	if _, err := c.Client().CoreV1().Nodes().Patch(context.Background(), node, types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatalf("label node %s: %v", node, err)
	}
}
