package cluster

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Options configures Start. The zero value is usable.
type Options struct {
	// Dir holds the cluster's state: etcd data, keys, kubeconfig, logs and
	// pid files. Empty means a fresh temporary directory that Stop removes
	// when everything went well.
	Dir string
	// ToolsDir is where `make tools` put the binaries (in ToolsDir/bin) and
	// kwok's stages.yaml. Empty means $PONO_TOOLS, else ~/.cache/pono/tools.
	ToolsDir string
	// Nodes is how many kwok nodes to create; 0 means 1.
	Nodes int
	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger
	// Detach lets the processes outlive the caller (clusterctl up). Without
	// it they are killed when the calling process dies, so a crashed or
	// timed-out test binary leaves nothing behind.
	Detach bool
	// Timeout bounds the whole start; 0 means 3 minutes.
	Timeout time.Duration
	// ControllerManagerQPS is the controller-manager's client rate
	// (--kube-api-qps, burst twice that); 0 keeps its default of 20/s,
	// burst 30, as on real clusters. At the default, its controllers'
	// writes bound how fast any tool can bring Deployments to Available
	// (docs/benchmarks.md); the peers benchmark raises it to measure the
	// tools rather than that bound.
	ControllerManagerQPS int
}

// Pinned versions, checked against the stamps build-tools.sh writes so a
// stale cache fails loudly instead of testing against the wrong Kubernetes.
// Keep in sync with test/scripts/build-tools.sh.
var pinned = map[string]string{
	"etcd":                    "v3.6.5",
	"kube-apiserver":          "v1.36.3",
	"kube-controller-manager": "v1.36.3",
	"kube-scheduler":          "v1.36.3",
	"kwok":                    "v0.8.0",
}

// binaryOrder is the order binaries are checked in and started in.
var binaryOrder = []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"}

// ErrToolsMissing is wrapped by every error that `make tools` would fix.
var ErrToolsMissing = errors.New("tools missing")

// ToolsError reports binaries (or kwok's stages) that are missing from the
// tools directory or were built at another version.
type ToolsError struct {
	Dir     string   // the tools directory
	Missing []string // binaries not found in Dir/bin
	Stale   []string // "name (built vX, want vY)"
	// NoStages is set when Dir/stages.yaml is missing.
	NoStages bool
}

func (e *ToolsError) Error() string {
	var parts []string
	if len(e.Missing) > 0 {
		parts = append(parts, fmt.Sprintf("%s not found in %s", strings.Join(e.Missing, ", "), filepath.Join(e.Dir, "bin")))
	}
	if len(e.Stale) > 0 {
		parts = append(parts, fmt.Sprintf("stale in %s: %s", filepath.Join(e.Dir, "bin"), strings.Join(e.Stale, ", ")))
	}
	if e.NoStages {
		parts = append(parts, fmt.Sprintf("kwok's stages.yaml not found in %s", e.Dir))
	}
	return strings.Join(parts, "; ") + ": run 'make tools'"
}

func (e *ToolsError) Unwrap() error { return ErrToolsMissing }

// DefaultToolsDir is $PONO_TOOLS, else ~/.cache/pono/tools, the same place
// build-tools.sh writes to.
func DefaultToolsDir() string {
	if d := os.Getenv("PONO_TOOLS"); d != "" {
		return d
	}
	if c := os.Getenv("PONO_CACHE"); c != "" {
		return filepath.Join(c, "tools")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "pono", "tools")
	}
	return filepath.Join(home, ".cache", "pono", "tools")
}

func (o Options) withDefaults() Options {
	if o.ToolsDir == "" {
		o.ToolsDir = DefaultToolsDir()
	}
	if o.Nodes <= 0 {
		o.Nodes = 1
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Timeout <= 0 {
		o.Timeout = 3 * time.Minute
	}
	return o
}

// tools is the resolved location of every binary and of kwok's stages.
type tools struct {
	bin    map[string]string
	stages string
}

// findTools resolves the binaries in dir/bin and checks their version
// stamps. All problems are reported at once so one `make tools` fixes them.
func findTools(dir string) (*tools, error) {
	binDir := filepath.Join(dir, "bin")
	t := &tools{bin: map[string]string{}, stages: filepath.Join(dir, "stages.yaml")}
	terr := &ToolsError{Dir: dir}
	for _, name := range binaryOrder {
		p := filepath.Join(binDir, name)
		fi, err := os.Stat(p)
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			terr.Missing = append(terr.Missing, name)
			continue
		}
		stamp, err := os.ReadFile(filepath.Join(binDir, "."+name+".version"))
		if got := strings.TrimSpace(string(stamp)); err != nil || got != pinned[name] {
			if got == "" {
				got = "unknown"
			}
			terr.Stale = append(terr.Stale, fmt.Sprintf("%s (built %s, want %s)", name, got, pinned[name]))
			continue
		}
		t.bin[name] = p
	}
	if fi, err := os.Stat(t.stages); err != nil || fi.Size() == 0 {
		terr.NoStages = true
	}
	if len(terr.Missing) > 0 || len(terr.Stale) > 0 || terr.NoStages {
		return nil, terr
	}
	return t, nil
}
