// Package scripts holds checks of the shell scripts beside it.
package scripts

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestBenchPeersQuick runs `bench-peers.sh --quick` (N=20, every tool on
// its own fresh cluster, each controller-manager at KCM_QPS=100) and checks
// that it produced every figure and a table without holes. The figures are
// benchmarks: their values are not asserted, only that each was measured.
func TestBenchPeersQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("needs a local cluster")
	}
	figures := filepath.Join(t.TempDir(), "figures")
	cmd := exec.Command("bash", "bench-peers.sh", "--quick")
	cmd.Env = append(os.Environ(), "FIGURES_OUT="+figures, "KCM_QPS=100")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bench-peers.sh --quick: %v\n%s", err, out)
	}

	got := map[string]string{}
	f, err := os.Open(figures)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), " ")
		got[k] = v
	}
	every := []string{"_full_s", "_full_rss", "_full_writes", "_load"}
	passes := []string{"_noop_s", "_noop_writes", "_change_s", "_change_writes"}
	want := map[string][]string{
		"floor":    append(every, passes...),
		"pono":     append(append(every, passes...), "_idle_ms", "_idle_writes", "_idle_rss"),
		"pono4":    every,
		"flux4":    append(every, passes...),
		"flux8":    every,
		"helmfile": append(every, passes...),
		"helm":     append(every, "_change_s", "_change_writes"),
	}
	for tool, suffixes := range want {
		for _, s := range suffixes {
			v, ok := got[tool+s]
			if !ok {
				t.Errorf("figure %s%s missing", tool, s)
				continue
			}
			if n, err := strconv.ParseFloat(v, 64); err != nil || n < 0 {
				t.Errorf("figure %s%s = %q, want a number", tool, s, v)
			}
		}
	}
	// Wall times and memory are never zero when a tool really ran.
	for tool := range want {
		for _, s := range []string{"_full_s", "_full_rss", "_full_writes"} {
			if v := got[tool+s]; v == "0" || v == "0.00" {
				t.Errorf("figure %s%s = %s: the tool did not run", tool, s, v)
			}
		}
	}

	// The idle reconcile cycle writes nothing (the status is written only
	// when it changes) and takes some time.
	if v := got["pono_idle_writes"]; v != "0" {
		t.Errorf("idle reconcile cycles wrote %s times, want 0", v)
	}
	if v := got["pono_idle_rss"]; v == "0" {
		t.Errorf("figure pono_idle_rss = 0: the reconciler did not run")
	}

	table := string(out)
	if !strings.Contains(table, "| full install to all ready: wall time |") {
		t.Fatalf("no table in the output:\n%s", table)
	}
	if !strings.Contains(table, "controller-manager at --kube-api-qps 100;") {
		t.Errorf("the table's heading does not give the controller-manager's rate:\n%s", table)
	}
	for _, line := range strings.Split(table, "\n") {
		if strings.Contains(line, "| |") || strings.Contains(line, "||") {
			t.Errorf("table row with an empty cell: %s", line)
		}
	}
}
