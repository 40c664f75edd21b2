package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/pono-gitops/pono/cluster/apply"
	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/cluster/reconcile"
	"github.com/pono-gitops/pono/internal/gitrepo"
	"github.com/pono-gitops/pono/test/cluster"
	"github.com/pono-gitops/pono/test/gitserver"
	"github.com/pono-gitops/pono/test/testenv"
)

// idlePlatform applies a platform of n releases, commits it to a git
// repository served over HTTP with basic auth, and returns the repository
// URL. The platform is already converged when it returns.
func idlePlatform(b *testing.B, c *cluster.Cluster, name string, n int) (url string, srv *gitserver.HTTPServer) {
	b.Helper()
	dir := smallPlatform(b, name, n)
	if rep, _, _ := mustApply(b, c, dir, func(a *apply.Apply) { a.Concurrency = 16 }); rep.Counts()[apply.OutcomeChanged]+rep.Counts()[apply.OutcomeUnchanged] != n {
		b.Fatalf("setup:\n%s", table(rep))
	}
	return gitPlatform(b, dir, n)
}

// smallPlatform writes a platform of n instances of the small chart, in
// namespaces name-*.
func smallPlatform(b *testing.B, name string, n int) string {
	b.Helper()
	var sb strings.Builder
	sb.WriteString("name: " + name + "\n" + nsBlock(name) + "sources:\n  local: {path: ./charts}\nextensions:\n  small:\n    version: \"1.0.0\"\n    instances:\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&sb, "      i%04d: {}\n", i)
	}
	return platformDir(b, sb.String())
}

// gitPlatform commits platform dir to a git repository served over HTTP
// with basic auth and returns its URL.
func gitPlatform(b *testing.B, dir string, n int) (url string, srv *gitserver.HTTPServer) {
	b.Helper()
	repo := gitserver.NewRepo(b)
	repo.CopyDir(b, dir, "platform")
	repo.Commit(b, nil, "platform of "+strconv.Itoa(n))
	repo.Push(b)
	srv = gitserver.StartHTTP(b, repo.Root, gitopsUser, gitopsPass)
	return srv.URL(repo.Name), srv
}

// BenchmarkReconcileIdle200 is a reconcile cycle where the ref has not
// moved and nothing drifted, for a 200-release platform: one ref listing,
// the release list and the drift check's metadata lists. Any write to the
// API server, a fetch or a status write fails it.
//
//	go test -run XXX -bench ReconcileIdle200 -benchtime 20x -count 3 ./test/e2e/
func BenchmarkReconcileIdle200(b *testing.B) {
	c := cluster.Shared(b)
	const name = "bri"
	url, srv := idlePlatform(b, c, name, 200)
	benchIdleCycles(b, c, name, url, srv)
}

// benchIdleCycles times idle reconcile cycles of the converged platform
// at url; any write, fetch or status write fails it.
func benchIdleCycles(b *testing.B, c *cluster.Cluster, name, url string, srv *gitserver.HTTPServer) {
	if err := c.CreateNamespace(context.Background(), name+"-pono"); err != nil && !apierrors.IsAlreadyExists(err) {
		b.Fatal(err)
	}
	cfg, wc := countingConfig(c)
	r, err := reconcile.New(&kube.Config{RESTConfig: cfg}, reconcile.Options{
		RepoURL: url, Ref: "main", Path: "platform", Namespace: name + "-pono", CacheDir: b.TempDir(),
		Auth:            &gitrepo.Auth{Username: gitopsUser, Password: gitopsPass},
		StatusHeartbeat: time.Hour,
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	// The first cycle fetches, compiles and records status; the second
	// confirms the objects clean. Idle cycles start from the third.
	for i := range 2 {
		if rep := r.Cycle(ctx, "setup"); rep.Result != reconcile.CycleUnchanged {
			b.Fatalf("setup cycle %d = %s (%v)", i, rep.Result, rep.Err)
		}
	}
	wc.writes = nil
	reads, gitReqs := wc.reads.Load(), srv.Requests()
	b.ResetTimer()
	for b.Loop() {
		rep := r.Cycle(ctx, "bench")
		if rep.Result != reconcile.CycleUnchanged || rep.Moved || rep.StatusWritten || len(rep.Drift) > 0 {
			b.Fatalf("idle cycle = %s moved=%v status=%v drift=%v (%v)", rep.Result, rep.Moved, rep.StatusWritten, rep.Drift, rep.Err)
		}
	}
	b.StopTimer()
	if w := wc.Writes(); len(w) != 0 {
		b.Fatalf("idle cycles wrote %d times: %v", len(w), w)
	}
	b.ReportMetric(float64(wc.reads.Load()-reads)/float64(b.N), "api-reads/op")
	b.ReportMetric(float64(srv.Requests()-gitReqs)/float64(b.N), "git-requests/op")
	b.ReportMetric(0, "writes/op")
}

// BenchmarkReconcileRSS runs `pono reconcile` as a process against a
// 200-release platform with cycles every 100ms, and samples its resident
// memory after 10 and after 50 idle cycles. It fails when the peak exceeds
// 150 MiB or the RSS grew by more than 10 MiB between the samples.
//
//	go test -run XXX -bench ReconcileRSS -benchtime 1x -count 3 ./test/e2e/
func BenchmarkReconcileRSS(b *testing.B) {
	c := cluster.Shared(b)
	const name = "brr"
	url, _ := idlePlatform(b, c, name, 200)
	auth := b.TempDir()
	writeFile(b, auth+"/username", gitopsUser)
	writeFile(b, auth+"/password", gitopsPass)
	if err := c.CreateNamespace(context.Background(), name+"-pono"); err != nil && !apierrors.IsAlreadyExists(err) {
		b.Fatal(err)
	}
	for b.Loop() {
		port := freeTCPPort(b)
		cmd := exec.Command(testenv.Pono(b), "reconcile", "--repo", url, "--path", "platform", "--auth-dir", auth,
			"--namespace", name+"-pono", "--interval", "100ms", "--leader-elect=false", "--log-level", "warn",
			"--listen", fmt.Sprintf("127.0.0.1:%d", port), "--kubeconfig", c.Kubeconfig, "--cache-dir", b.TempDir())
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		cycles := func() int {
			resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", port))
			if err != nil {
				return 0
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if strings.Contains(string(body), `pono_reconcile_cycles_total{result="failed"}`) {
				b.Fatalf("a cycle failed:\n%s", body)
			}
			m := regexp.MustCompile(`pono_reconcile_cycles_total\{result="unchanged"\} (\d+)`).FindSubmatch(body)
			if m == nil {
				return 0
			}
			n, _ := strconv.Atoi(string(m[1]))
			return n
		}
		waitCycles := func(n int) {
			deadline := time.Now().Add(3 * time.Minute)
			for cycles() < n {
				if time.Now().After(deadline) {
					b.Fatalf("fewer than %d cycles after 3 minutes", n)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
		waitCycles(10)
		rss10 := procStatusKiB(b, cmd.Process.Pid, "VmRSS")
		waitCycles(50)
		rss50 := procStatusKiB(b, cmd.Process.Pid, "VmRSS")
		peak := procStatusKiB(b, cmd.Process.Pid, "VmHWM")
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		b.ReportMetric(float64(peak)/1024, "peak-RSS-MiB")
		b.ReportMetric(float64(rss10)/1024, "RSS@10-MiB")
		b.ReportMetric(float64(rss50)/1024, "RSS@50-MiB")
		if peak > 150*1024 {
			b.Errorf("peak RSS %d KiB over 150 MiB", peak)
		}
		if rss50-rss10 > 10*1024 {
			b.Errorf("RSS grew from %d KiB after 10 cycles to %d KiB after 50", rss10, rss50)
		}
	}
}

// procStatusKiB reads a kB field of /proc/PID/status.
func procStatusKiB(b *testing.B, pid int, field string) int {
	b.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}
