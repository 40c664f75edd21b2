package charts

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pono-gitops/pono/test/cluster"
)

// helmBin is the helm CLI `make tools` built. A missing binary fails the
// test: skipping would test nothing.
func helmBin(t *testing.T) string {
	t.Helper()
	p := filepath.Join(cluster.DefaultToolsDir(), "bin", "helm")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("helm CLI not found (%v): run 'make tools'", err)
	}
	return p
}

// helm runs the helm CLI on the chart directory with its own empty config,
// cache and data directories, so the machine's helm setup cannot leak in.
func helm(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	home := t.TempDir()
	cmd := exec.Command(helmBin(t), args...)
	cmd.Dir = "."
	cmd.Env = append(os.Environ(),
		"HELM_CACHE_HOME="+filepath.Join(home, "cache"),
		"HELM_CONFIG_HOME="+filepath.Join(home, "config"),
		"HELM_DATA_HOME="+filepath.Join(home, "data"),
		"KUBECONFIG="+filepath.Join(home, "no-kubeconfig"),
	)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

const testURL = "https://git.example.org/platform.git"

func TestHelmLint(t *testing.T) {
	tests := []struct {
		name string
		set  []string
	}{
		{"defaults", nil},
		{"least-privilege", []string{"rbac.mode=least-privilege", "rbac.namespaces={kaapana,services}"}},
		{"everything set", []string{
			"git.credentialsSecret=git-auth", "git.env=prod", "verify.secret=keys", "verify.allowedSigners=true",
			"webhook.secret=hook", "schedule=*/10 * * * *", "windows={0 22 * * 1-5 +4h}", "replicaCount=2",
			"mode=observe", "serviceAccount.create=false", "serviceAccount.name=ops", "rbac.create=false",
			"trigger.tokenSecret=pono-trigger", "ingress.enabled=true", "ingress.host=kaapana.example.org", "ingress.className=traefik",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"lint", "pono", "--strict", "--set", "git.url=" + testURL}
			for _, s := range tt.set {
				args = append(args, "--set", s)
			}
			out, errOut, err := helm(t, args...)
			if err != nil {
				t.Fatalf("helm lint: %v\n%s%s", err, out, errOut)
			}
		})
	}
}

// TestHelmTemplateFails checks that bad values stop `helm template` with a
// message naming the value. Schema errors come first; the template's own
// checks catch the same mistakes when a user skips the schema.
func TestHelmTemplateFails(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no git.url", nil, "at '/git/url': minLength"},
		{"no git.url, schema skipped", []string{"--skip-schema-validation"}, "git.url is required: the URL of the git repository holding the platform"},
		{"bad rbac.mode", []string{"--set", "git.url=" + testURL, "--set", "rbac.mode=admin"}, "at '/rbac/mode': value must be one of 'cluster-admin', 'least-privilege'"},
		{"bad rbac.mode, schema skipped", []string{"--set", "git.url=" + testURL, "--set", "rbac.mode=admin", "--skip-schema-validation"}, `rbac.mode must be cluster-admin or least-privilege, not "admin"`},
		{"bad mode", []string{"--set", "git.url=" + testURL, "--set", "mode=yolo"}, "at '/mode': value must be one of 'apply', 'observe'"},
		{"bad mode, schema skipped", []string{"--set", "git.url=" + testURL, "--set", "mode=yolo", "--skip-schema-validation"}, `mode must be apply or observe, not "yolo"`},
		{"least-privilege without namespaces", []string{"--set", "git.url=" + testURL, "--set", "rbac.mode=least-privilege"}, "rbac.mode least-privilege needs rbac.namespaces"},
		{"grace period not a duration", []string{"--set", "git.url=" + testURL, "--set", "gracePeriod=2 minutes"}, "at '/gracePeriod'"},
		{"typo in a key", []string{"--set", "git.url=" + testURL, "--set", "git.branch=main"}, "additional properties 'branch' not allowed"},
		{"verify without keys", []string{"--set", "git.url=" + testURL, "--set", "verify.secret=k", "--set", "verify.keyring=false"}, "neither verify.keyring nor verify.allowedSigners"},
		{"no service account", []string{"--set", "git.url=" + testURL, "--set", "serviceAccount.create=false"}, "serviceAccount.name is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, err := helm(t, append([]string{"template", "pono", "pono"}, tt.args...)...)
			if err == nil {
				t.Fatalf("helm template succeeded, want an error containing %q; output:\n%s", tt.want, out)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("helm template error:\n%s\nwant it to contain %q", errOut, tt.want)
			}
		})
	}
}
