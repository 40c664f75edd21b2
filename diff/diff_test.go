package diff_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/diff"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

const (
	oldSecret = "s3cr3t-old-value"
	newSecret = "s3cr3t-new-value"
)

// repo is a real git repository built by the test.
type repo struct {
	t   *testing.T
	dir string
}

func (r *repo) git(args ...string) {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	// Fixed identities and dates make commit hashes, and so the golden
	// output, identical on every run.
	cmd.Env = append(os.Environ(),
		"GIT_AUTHOR_NAME=pono", "GIT_AUTHOR_EMAIL=pono@example.org", "GIT_AUTHOR_DATE=2026-01-01T00:00:00Z",
		"GIT_COMMITTER_NAME=pono", "GIT_COMMITTER_EMAIL=pono@example.org", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z",
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func (r *repo) write(name, content string) {
	r.t.Helper()
	p := filepath.Join(r.dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

func (r *repo) edit(name, old, new string) {
	r.t.Helper()
	b, err := os.ReadFile(filepath.Join(r.dir, name))
	if err != nil {
		r.t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		r.t.Fatalf("%s does not contain %q", name, old)
	}
	r.write(name, strings.Replace(string(b), old, new, 1))
}

const platformYAML = `name: t
sources:
  local:
    path: ../charts
extensions:
  app:
    version: "1.0.0"
    parameters:
      greeting: hello
  team:
    chart: multi
    version: "1.0.0"
    instances:
      alice: {parameters: {who: alice}}
      bob: {parameters: {who: bob}}
  vault:
    version: "1.0.0"
    sensitive: [password]
    parameters:
      password: ` + oldSecret + `
  extra:
    version: "1.0.0"
    namespace: extensions
`

func appChart(version string) map[string]string {
	return map[string]string{
		"Chart.yaml":        "apiVersion: v2\nname: app\nversion: " + version + "\ndescription: d\nkeywords: [kaapanaapplication]\n",
		"values.yaml":       "global: {}\nextension_params:\n  greeting: {type: string}\n",
		"templates/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: services\ndata:\n  greeting: {{ .Values.global.greeting | quote }}\n  chart: " + version + "\n",
	}
}

func newRepo(t *testing.T) *repo {
	r := &repo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	r.write("platform/platform.yaml", platformYAML)
	for _, v := range []string{"1.0.0", "1.1.0"} {
		for f, c := range appChart(v) {
			r.write("charts/app-"+v+"/"+f, c)
		}
	}
	r.write("charts/multi/Chart.yaml", "apiVersion: v2\nname: multi\nversion: 1.0.0\ndescription: d\nkeywords: [kaapanaapplication, kaapanamultiinstallable]\n")
	r.write("charts/multi/values.yaml", "global: {}\nextension_params:\n  who: {type: string}\n")
	r.write("charts/multi/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: services\ndata:\n  who: {{ .Values.global.who }}\n")
	r.write("charts/extra/Chart.yaml", "apiVersion: v2\nname: extra\nversion: 1.0.0\ndescription: d\nkeywords: [kaapanaapplication]\n")
	r.write("charts/extra/templates/svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: extra\n  namespace: services\nspec:\n  ports: [{port: 80}]\n")
	r.write("charts/vault/Chart.yaml", "apiVersion: v2\nname: vault\nversion: 1.0.0\ndescription: d\nkeywords: [kaapanaapplication]\n")
	r.write("charts/vault/values.yaml", "global: {}\nextension_params:\n  password: {type: string}\n")
	r.write("charts/vault/templates/secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: vault\n  namespace: services\ndata:\n  password: {{ .Values.global.password | b64enc }}\n  user: {{ \"admin\" | b64enc }}\nstringData:\n  plain: {{ .Values.global.password }}\n")
	r.write("charts/vault/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: vault-config\n  namespace: services\ndata:\n  dsn: \"postgres://admin:{{ .Values.global.password }}@db\"\n  mode: ha\n")
	r.git("add", "-A")
	r.git("commit", "-q", "-m", "base")
	return r
}

func TestGitDiff(t *testing.T) {
	cases := []struct {
		name   string
		change func(r *repo)
	}{
		{"no-change", func(r *repo) {}},
		{"version-bump", func(r *repo) {
			r.edit("platform/platform.yaml", "  app:\n    version: \"1.0.0\"", "  app:\n    version: \"1.1.0\"")
		}},
		{"parameter-change", func(r *repo) {
			r.edit("platform/platform.yaml", "greeting: hello", "greeting: bonjour")
		}},
		{"instance-added", func(r *repo) {
			r.edit("platform/platform.yaml", "      bob: {parameters: {who: bob}}", "      bob: {parameters: {who: bob}}\n      carol: {parameters: {who: carol}}")
		}},
		{"instance-removed", func(r *repo) {
			r.edit("platform/platform.yaml", "      bob: {parameters: {who: bob}}\n", "")
		}},
		{"extension-removed", func(r *repo) {
			r.edit("platform/platform.yaml", "  extra:\n    version: \"1.0.0\"\n    namespace: extensions\n", "")
		}},
		{"secret-changed", func(r *repo) {
			r.edit("platform/platform.yaml", oldSecret, newSecret)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRepo(t)
			tc.change(r)
			d := diff.NewGitDiff(&compiler.Config{})
			d.Base = "main"
			rep, err := d.Run(context.Background(), filepath.Join(r.dir, "platform"))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := rep.HasChanges(), tc.name != "no-change"; got != want {
				t.Errorf("HasChanges = %v, want %v", got, want)
			}
			outputs := map[string]string{}
			var b bytes.Buffer
			if err := diff.WriteText(&b, rep, diff.TextOptions{}); err != nil {
				t.Fatal(err)
			}
			outputs["txt"] = b.String()
			b.Reset()
			if err := diff.WriteMarkdown(&b, rep, diff.MarkdownOptions{}); err != nil {
				t.Fatal(err)
			}
			outputs["md"] = b.String()
			b.Reset()
			if err := diff.WriteJSON(&b, rep); err != nil {
				t.Fatal(err)
			}
			outputs["json"] = b.String()
			b.Reset()
			if err := diff.WriteText(&b, rep, diff.TextOptions{Color: true}); err != nil {
				t.Fatal(err)
			}
			outputs["color"] = b.String()

			for format, out := range outputs {
				assertNoSecrets(t, format, out)
				if format == "color" {
					continue
				}
				golden := filepath.Join("testdata", tc.name+"."+format)
				if *update {
					if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run with -update to create it)", err)
				}
				if diff := cmp.Diff(string(want), out); diff != "" {
					t.Errorf("%s output mismatch (-want +got):\n%s", format, diff)
				}
			}
		})
	}
}

// assertNoSecrets scans an output for the sensitive values in any form the
// charts render them.
func assertNoSecrets(t *testing.T, format, out string) {
	t.Helper()
	for _, s := range []string{oldSecret, newSecret} {
		for _, form := range []string{s, base64.StdEncoding.EncodeToString([]byte(s)), "YWRtaW4="} {
			if strings.Contains(out, form) {
				t.Errorf("%s output contains secret material %q", format, form)
			}
		}
	}
}

func TestGitDiffSecretChangeIsVisible(t *testing.T) {
	r := newRepo(t)
	r.edit("platform/platform.yaml", oldSecret, newSecret)
	d := diff.NewGitDiff(&compiler.Config{})
	d.Base = "main"
	rep, err := d.Run(context.Background(), filepath.Join(r.dir, "platform"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Releases) != 1 || rep.Releases[0].Name != "vault" {
		t.Fatalf("releases = %+v, want only vault", rep.Releases)
	}
	var keys []string
	for _, o := range rep.Releases[0].Objects {
		keys = append(keys, o.SecretKeys...)
	}
	if diff := cmp.Diff([]string{"data.password", "stringData.plain"}, keys); diff != "" {
		t.Errorf("changed secret keys (-want +got):\n%s", diff)
	}
}

func TestGitDiffBetweenCommitsRendersUnchangedOnce(t *testing.T) {
	r := newRepo(t)
	r.edit("platform/platform.yaml", "greeting: hello", "greeting: bonjour")
	r.git("commit", "-q", "-am", "bonjour")
	cache := compiler.NewRenderCache()
	d := diff.NewGitDiff(&compiler.Config{RenderCache: cache})
	d.Base, d.Head = "main~1", "main"
	rep, err := d.Run(context.Background(), filepath.Join(r.dir, "platform"))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Summary.Reconfigured != 1 || rep.Summary.Unchanged != 4 {
		t.Errorf("summary = %+v, want 1 reconfigured, 4 unchanged", rep.Summary)
	}
	// 5 releases per side; 4 are identical and come from the cache.
	if cache.Hits() != 4 {
		t.Errorf("render cache hits = %d, want 4", cache.Hits())
	}
}

func TestGitDiffBadBase(t *testing.T) {
	r := newRepo(t)
	d := diff.NewGitDiff(&compiler.Config{})
	d.Base = "no-such-branch"
	if _, err := d.Run(context.Background(), filepath.Join(r.dir, "platform")); err == nil || !strings.Contains(err.Error(), `resolve revision "no-such-branch"`) {
		t.Fatalf("err = %v", err)
	}
	// A base revision that does not compile names the commit and line.
	r.edit("platform/platform.yaml", "greeting: hello", "greeting: 42")
	r.git("commit", "-q", "-am", "broken")
	r.edit("platform/platform.yaml", "greeting: 42", "greeting: fixed")
	d.Base = "main"
	_, err := d.Run(context.Background(), filepath.Join(r.dir, "platform"))
	if err == nil || !strings.Contains(err.Error(), ":platform/platform.yaml:9:7: extension app: parameter \"greeting\"") {
		t.Fatalf("err = %v, want the broken base's position", err)
	}
}
