package e2e

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/cluster/status"
	"github.com/pono-gitops/pono/plan"
	"github.com/pono-gitops/pono/test/cluster"
)

// nsBlock puts a platform in its own namespaces so tests sharing the
// cluster never meet.
func nsBlock(p string) string {
	return "namespaces:\n  admin: " + p + "-admin\n  services: " + p + "-services\n  extensions: " + p + "-ext\n" +
		"globals:\n  services_namespace: " + p + "-services\n"
}

// TestFailuresAreIsolated: a chart the API server rejects and a release
// whose Job fails each fail alone, are uninstalled (first install), block
// only what needs them, and every other release installs.
func TestFailuresAreIsolated(t *testing.T) {
	c := cluster.Shared(t)
	dir := platformDir(t, `name: iso
`+nsBlock("iso")+`sources:
  local: {path: ./charts}
extensions:
  small:
    version: "1.0.0"
    instances: {a: {}, b: {}}
  invalid:
    version: "1.0.0"
  failjob:
    version: "1.0.0"
    values: {global: {fail: true}}
  dependent:
    chart: slow
    version: "1.0.0"
    needs: [invalid]
`)
	rep, _, _, err := applyDir(t, c, dir)
	var fe *apply.FailedError
	if !errors.As(err, &fe) {
		t.Fatalf("apply: err = %v, want a *apply.FailedError\n%s", err, table(rep))
	}
	want := map[string]string{
		"small-a": "install ok",
		"small-b": "install ok",
		"invalid": "install failed",
		"failjob": "install failed",
		"slow":    "install blocked",
	}
	if diff := cmp.Diff(want, outcomes(rep)); diff != "" {
		t.Fatalf("outcomes (-want +got):\n%s\n%s", diff, table(rep))
	}
	var failed []string
	for _, r := range fe.Releases {
		failed = append(failed, r.Name)
	}
	if diff := cmp.Diff([]string{"failjob", "invalid", "slow"}, sortedCopy(failed)); diff != "" {
		t.Errorf("FailedError names (-want +got):\n%s", diff)
	}
	if r := result(t, rep, "invalid"); !strings.Contains(r.Error, "70000") || !strings.Contains(r.Error, "uninstalled after the failed install") {
		t.Errorf("invalid: error %q; want the API server's rejection of port 70000 and the uninstall", r.Error)
	}
	if r := result(t, rep, "failjob"); !strings.Contains(r.Error, "failed") || !strings.Contains(r.Error, "DeadlineExceeded") {
		t.Errorf("failjob: error %q; want the Job's failure (DeadlineExceeded)", r.Error)
	}
	if r := result(t, rep, "slow"); !strings.Contains(r.Error, "needs invalid") {
		t.Errorf("slow: error %q; want it blocked by invalid", r.Error)
	}
	rels := releases(t, c, "iso-admin")
	for _, n := range []string{"invalid", "failjob"} {
		if r, ok := rels[n]; ok {
			t.Errorf("failed first install %s was kept (%s); want it uninstalled", n, r.Status)
		}
	}

	// With --on-install-failure=keep the failed release stays, marked failed,
	// and the next apply repairs it.
	rep, _, _, _ = applyDir(t, c, dir, func(a *apply.Apply) { a.UninstallOnFailure = false })
	if r := result(t, rep, "failjob"); r.Outcome != apply.OutcomeFailed {
		t.Fatalf("failjob with keep: %+v", r)
	}
	if r := releases(t, c, "iso-admin")["failjob"]; r.Status != plan.StatusFailed {
		t.Errorf("failjob kept with status %q, want failed", r.Status)
	}
	editFile(t, filepath.Join(dir, "platform.yaml"), "values: {global: {fail: true}}", "values: {global: {fail: false}}")
	rep, _, _, _ = applyDir(t, c, dir)
	if r := result(t, rep, "failjob"); r.Action != plan.Repair || r.Outcome != apply.OutcomeChanged {
		t.Errorf("failjob after the fix: %+v; want repair ok", r)
	}
}

// TestFailedUpgradeRollsBack: an upgrade whose Job fails is rolled back to
// the last good revision.
func TestFailedUpgradeRollsBack(t *testing.T) {
	c := cluster.Shared(t)
	dir := platformDir(t, `name: rb
`+nsBlock("rb")+`sources:
  local: {path: ./charts}
extensions:
  failjob:
    version: "1.0.0"
    values: {global: {fail: false}}
`)
	mustApply(t, c, dir)
	editFile(t, filepath.Join(dir, "platform.yaml"), "fail: false", "fail: true")
	rep, _, _, err := applyDir(t, c, dir)
	if err == nil {
		t.Fatalf("apply of a failing upgrade succeeded:\n%s", table(rep))
	}
	r := result(t, rep, "failjob")
	if r.Action != plan.Reconfigure || r.Outcome != apply.OutcomeFailed || !strings.Contains(r.Error, "rolled back to revision 1") {
		t.Errorf("failjob: %+v; want a failed reconfigure rolled back to revision 1", r)
	}
	d, err := helmClient(t, c).GetRelease(context.Background(), "rb-admin", "failjob")
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != plan.StatusDeployed || d.Revision != 3 || !strings.Contains(d.Description, "Rollback to 1") {
		t.Errorf("after rollback: status %s revision %d description %q; want deployed revision 3 'Rollback to 1'", d.Status, d.Revision, d.Description)
	}
	// The rolled-back release carries revision 1's digest, so the failing
	// platform is still seen as a change (and fails again); no silent skip.
	rep, _, _, _ = applyDir(t, c, dir, func(a *apply.Apply) { a.RollbackOnFailure = false })
	if r := result(t, rep, "failjob"); r.Outcome != apply.OutcomeFailed || strings.Contains(r.Error, "rolled back") {
		t.Errorf("with rollback off: %+v; want failed, not rolled back", r)
	}
	if d, _ := helmClient(t, c).GetRelease(context.Background(), "rb-admin", "failjob"); d.Status != plan.StatusFailed {
		t.Errorf("with rollback off the release is %s, want failed", d.Status)
	}
}

// TestForeignReleaseIsNeverTouched: a release of the same name that pono
// does not own (installed with the helm CLI) fails that release only, and
// stays exactly as it was.
func TestForeignReleaseIsNeverTouched(t *testing.T) {
	c := cluster.Shared(t)
	dir := platformDir(t, `name: own
`+nsBlock("own")+`sources:
  local: {path: ./charts}
extensions:
  small:
    version: "1.0.0"
    instances: {mine: {}, theirs: {}}
`)
	helm := exec.Command(toolsBin(t, "helm"), "install", "small-theirs", filepath.Join(dir, "charts", "small"),
		"--namespace", "own-admin", "--create-namespace", "--kubeconfig", c.Kubeconfig,
		"--set", "global.services_namespace=own-admin", "--labels", "team=other")
	if out, err := helm.CombinedOutput(); err != nil {
		t.Fatalf("helm install: %v\n%s", err, out)
	}
	before := releases(t, c, "own-admin")["small-theirs"]

	rep, wc, _, err := applyDir(t, c, dir)
	if err == nil {
		t.Fatalf("apply succeeded over a foreign release:\n%s", table(rep))
	}
	want := map[string]string{"small-mine": "install ok", "small-theirs": "conflict failed"}
	if diff := cmp.Diff(want, outcomes(rep)); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	if r := result(t, rep, "small-theirs"); !strings.Contains(r.Error, "not managed by pono") {
		t.Errorf("small-theirs: error %q; want 'not managed by pono'", r.Error)
	}
	after := releases(t, c, "own-admin")["small-theirs"]
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("the foreign release changed (-before +after):\n%s", diff)
	}
	for _, w := range wc.Writes() {
		if strings.Contains(w, "small-theirs") {
			t.Errorf("apply wrote %s", w)
		}
	}
	// Status lists it as a release the platform does not own.
	st, err := status.NewStatus(&kube.Config{RESTConfig: c.RESTConfig()}).Run(context.Background(), compile(t, dir))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range st.Releases {
		if r.Release == "small-theirs" && (r.Owner != "not pono" || r.UpToDate) {
			t.Errorf("status of small-theirs: %+v; want owner 'not pono', not up to date", r)
		}
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}
