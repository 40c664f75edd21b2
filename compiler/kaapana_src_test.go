package compiler_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/test/cluster"
	"github.com/pono-gitops/pono/test/testenv"
)

// kaapanaBuildVersion is what Kaapana's build would stamp into the tree.
const kaapanaBuildVersion = "0.6.0"

// kaapanaGlobals are the values deploy_platform.sh sets that the charts of
// the tree require as parameters.
var kaapanaGlobals = map[string]any{
	"hostname": "kaapana.example.org", "http_proxy": "", "https_proxy": "", "instance_name": "central",
	"instance_uid": "1", "kaapana_build_version": kaapanaBuildVersion, "registry_url": "registry.example.org/kaapana",
}

// treeCharts maps every chart name of a Kaapana source tree to its
// directory, walked here independently of pono's own scan.
func treeCharts(t *testing.T, tree string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(tree, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != tree && (strings.HasPrefix(d.Name(), ".") || d.Name() == "charts" || d.Name() == "templates") {
			return filepath.SkipDir
		}
		if d.Name() != "Chart.yaml" {
			return nil
		}
		var meta struct{ Name string }
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := yaml.Unmarshal(b, &meta); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		out[meta.Name] = filepath.Dir(p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var (
	repositoryLine = regexp.MustCompile(`(?m)^\s*repository:.*$`)
	unsetVersion   = regexp.MustCompile(`(?m)^(\s*-?\s*version:\s*)"?0\.0\.0"?\s*$`)
)

// vendorLikeKaapana copies the chart in dir to dst the way Kaapana's build
// prepares it for `helm package`: every dependency, found by name in the
// tree, copied to charts/<name> (recursively), repository lines removed,
// 0.0.0 stamped with the build version.
func vendorLikeKaapana(t *testing.T, charts map[string]string, dir, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	var deps []string
	for _, f := range []string{"Chart.yaml", "requirements.yaml"} {
		b, err := os.ReadFile(filepath.Join(dst, f))
		if err != nil {
			continue
		}
		var meta struct {
			Dependencies []struct{ Name string }
		}
		if err := yaml.Unmarshal(b, &meta); err != nil {
			t.Fatal(err)
		}
		for _, d := range meta.Dependencies {
			deps = append(deps, d.Name)
		}
		b = repositoryLine.ReplaceAll(b, nil)
		b = unsetVersion.ReplaceAll(b, []byte("${1}"+kaapanaBuildVersion))
		if err := os.WriteFile(filepath.Join(dst, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range deps {
		if _, err := os.Stat(filepath.Join(dst, "charts", name)); err == nil {
			continue
		}
		src, ok := charts[name]
		if !ok {
			t.Fatalf("chart %s: dependency %s is not in the tree", dir, name)
		}
		vendorLikeKaapana(t, charts, src, filepath.Join(dst, "charts", name))
	}
}

// helmTemplate runs the helm CLI `make tools` built, with its own empty
// configuration so the machine's helm setup cannot leak in.
func helmTemplate(t *testing.T, args ...string) string {
	t.Helper()
	bin := filepath.Join(cluster.DefaultToolsDir(), "bin", "helm")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("helm CLI not found (%v): run 'make tools'", err)
	}
	home := t.TempDir()
	cmd := exec.Command(bin, append([]string{"template"}, args...)...)
	cmd.Env = append(os.Environ(), "HELM_CACHE_HOME="+filepath.Join(home, "cache"), "HELM_CONFIG_HOME="+filepath.Join(home, "config"),
		"HELM_DATA_HOME="+filepath.Join(home, "data"), "KUBECONFIG="+filepath.Join(home, "none"))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("helm template %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}

type helmObject struct {
	id   string
	body map[string]any
}

// helmObjects splits helm template's output into objects, Lists flattened
// as Helm flattens them when it installs.
func helmObjects(t *testing.T, out string) []helmObject {
	t.Helper()
	var objs []helmObject
	var add func(m map[string]any)
	add = func(m map[string]any) {
		if items, ok := m["items"].([]any); ok && strings.HasSuffix(fmt.Sprint(m["kind"]), "List") {
			for _, it := range items {
				if im, ok := it.(map[string]any); ok {
					add(im)
				}
			}
			return
		}
		md, _ := m["metadata"].(map[string]any)
		name, _ := md["name"].(string) // a chart may render an object without one
		id := fmt.Sprint(m["kind"]) + "/" + name
		if ns, ok := md["namespace"].(string); ok && ns != "" {
			id = fmt.Sprint(m["kind"]) + "/" + ns + "/" + name
		}
		objs = append(objs, helmObject{id: id, body: m})
	}
	for _, doc := range regexp.MustCompile(`(?m)^---\s*$`).Split(out, -1) {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatalf("helm output: %v", err)
		}
		if len(m) > 0 {
			add(m)
		}
	}
	return objs
}

// markerPattern matches what pono wrote for a value randomised between
// renders: the marker stands for any text.
func markerPattern(s string) *regexp.Regexp {
	parts := strings.Split(s, "(pono: differs between renders)")
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return regexp.MustCompile("^(?s)" + strings.Join(parts, ".*") + "$")
}

// sameValue compares pono's value with Helm's, random strings aside: a
// value pono marked as randomised matches whatever Helm drew.
func sameValue(path string, pono, helm any) []string {
	if s, ok := pono.(string); ok && strings.Contains(s, "(pono: differs between renders)") {
		if markerPattern(s).MatchString(fmt.Sprint(helm)) || s == "(pono: differs between renders)" {
			return nil
		}
		return []string{fmt.Sprintf("%s: pono %q, helm %q", path, s, fmt.Sprint(helm))}
	}
	switch p := pono.(type) {
	case map[string]any:
		h, ok := helm.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: pono a mapping, helm %v", path, helm)}
		}
		var out []string
		for _, k := range sortedMapKeys(p, h) {
			out = append(out, sameValue(path+"."+k, p[k], h[k])...)
		}
		return out
	case []any:
		h, ok := helm.([]any)
		if !ok || len(h) != len(p) {
			return []string{fmt.Sprintf("%s: pono %v, helm %v", path, pono, helm)}
		}
		var out []string
		for i := range p {
			out = append(out, sameValue(fmt.Sprintf("%s[%d]", path, i), p[i], h[i])...)
		}
		return out
	}
	if fmt.Sprint(pono) != fmt.Sprint(helm) {
		return []string{fmt.Sprintf("%s: pono %v, helm %v", path, pono, helm)}
	}
	return nil
}

func sortedMapKeys(a, b map[string]any) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]any{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// kaapanaParameters are what an admin fills in on the Extensions page for
// the charts whose parameters have no default.
var kaapanaParameters = map[string]map[string]any{
	"custom-registry-chart": {
		"custom_registry_name": "lab", "custom_registry_url": "registry.lab.example.org",
		"credentials_custom_registry_username": "robot", "credentials_custom_registry_password": "token",
	},
}

// kaapanaExtensionPlatform writes a platform with one extension: chart from
// the Kaapana source tree (an instance "one" when it is multi-installable),
// every policy rule allowed (what is compared here is rendering).
func kaapanaExtensionPlatform(t *testing.T, dir, tree, chart string, multi bool) {
	t.Helper()
	g, _ := yaml.Marshal(kaapanaGlobals)
	params := "{}"
	if p, ok := kaapanaParameters[chart]; ok {
		b, _ := json.Marshal(p)
		params = string(b)
	}
	inst := "    parameters: " + params + "\n"
	if multi {
		inst = "    instances:\n      one:\n        parameters: " + params + "\n"
	}
	p := fmt.Sprintf(`name: kaapana-src
kubernetes:
  version: v1.33.0
globals:
%s
sources:
  kaapana:
    path: %s
    buildVersion: %q
extensions:
  ext:
    chart: %s
    version: %q
%spolicy:
  allow:
    ext: [admin-namespace, cluster-scoped]
`, indent(string(g)), tree, kaapanaBuildVersion, chart, kaapanaBuildVersion, inst)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "platform.yaml"), []byte(p), 0o644); err != nil {
		t.Fatal(err)
	}
}

func indent(s string) string {
	return "  " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n  ")
}

// installable lists the tree's charts an admin could install as an
// extension: not library charts, and with a name Helm accepts as a release.
func installable(t *testing.T, charts map[string]string) []string {
	var out []string
	for name, dir := range charts {
		b, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if regexp.MustCompile(`(?m)^type:\s*library`).Match(b) || !regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`).MatchString(name) {
			continue
		}
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// TestKaapanaSourceCharts compiles each chart of Kaapana's source tree as
// an extension straight from the tree, and compares every object pono
// renders with what `helm template` renders for the chart as Kaapana's build
// vendors it, given the values pono computed.
func TestKaapanaSourceCharts(t *testing.T) {
	tree := testenv.SharedDir(t, "kaapana-src")
	charts := treeCharts(t, tree)
	names := installable(t, charts)
	if len(names) < 50 {
		t.Fatalf("%d installable charts in %s, want the whole tree", len(names), tree)
	}
	total := 0
	defer func() {
		if !t.Failed() && total < 300 {
			t.Errorf("%d objects compared, want every object of the tree's charts", total)
		}
	}()
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			chartYAML, _ := os.ReadFile(filepath.Join(charts[name], "Chart.yaml"))
			multi := bytes.Contains(chartYAML, []byte("kaapanamultiinstallable"))
			dir := filepath.Join(t.TempDir(), "platform")
			kaapanaExtensionPlatform(t, dir, tree, name, multi)
			// Two compiles, from two working directories (the platform named
			// relatively, then absolutely), must be byte-identical.
			t.Chdir(filepath.Dir(dir))
			res, err := compiler.NewCompile(&compiler.Config{AllowExternalSources: true}).Run(context.Background(), "platform")
			if err != nil {
				t.Fatal(err)
			}
			t.Chdir("/")
			again, err := compiler.NewCompile(&compiler.Config{AllowExternalSources: true}).Run(context.Background(), dir)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(res.Manifests, again.Manifests); diff != "" {
				t.Errorf("two compiles differ (-first +second):\n%s", diff)
			}
			if diff := cmp.Diff(res.Releases, again.Releases); diff != "" {
				t.Errorf("two compiles' releases differ (-first +second):\n%s", diff)
			}
			if len(res.Releases) != 1 {
				t.Fatalf("%d releases, want 1", len(res.Releases))
			}
			rel := res.Releases[0]
			vendored := filepath.Join(t.TempDir(), name)
			vendorLikeKaapana(t, charts, charts[name], vendored)
			values, err := yaml.Marshal(rel.Values)
			if err != nil {
				t.Fatal(err)
			}
			vf := filepath.Join(t.TempDir(), "values.yaml")
			if err := os.WriteFile(vf, values, 0o644); err != nil {
				t.Fatal(err)
			}
			helmOut := helmObjects(t, helmTemplate(t, rel.Name, vendored, "--namespace", rel.Namespace, "--kube-version", "v1.33.0", "--include-crds", "-f", vf))
			ponoObjs, err := compiler.SplitManifest(res.Manifests[rel.Name])
			if err != nil {
				t.Fatal(err)
			}
			total += len(ponoObjs)
			claimed := make([]bool, len(helmOut))
			for _, o := range ponoObjs {
				idPat := markerPattern(o.ID)
				found := -1
				for i, h := range helmOut {
					if !claimed[i] && (h.id == o.ID || idPat.MatchString(h.id)) {
						found = i
						break
					}
				}
				if found < 0 {
					t.Errorf("%s: pono renders it, helm template does not", o.ID)
					continue
				}
				claimed[found] = true
				for _, d := range sameValue(o.ID, o.Body, helmOut[found].body) {
					t.Error(d)
				}
			}
			for i, h := range helmOut {
				if !claimed[i] {
					t.Errorf("%s: helm template renders it, pono does not", h.id)
				}
			}
		})
	}
}

// TestKaapanaSourceConflicts: kaapana-workflows-core already contains
// dummy-workflow, and kaapana-plugin-chart is a subchart of the platform
// chart; installing either next to the other passes Helm's client-side
// checks and fails on the cluster, so the compile refuses it.
func TestKaapanaSourceConflicts(t *testing.T) {
	tree := testenv.SharedDir(t, "kaapana-src")
	dir := t.TempDir()
	g, _ := yaml.Marshal(kaapanaGlobals)
	p := fmt.Sprintf(`name: conflicts
globals:
%s
sources:
  kaapana: {path: %s, buildVersion: %q}
extensions:
  kaapana-workflows-core: {version: %[3]q}
  dummy-workflow: {version: %[3]q}
  kaapana-platform-chart: {version: %[3]q}
  kaapana-plugin-chart: {version: %[3]q}
policy:
  allow:
    kaapana-platform-chart: [admin-namespace, cluster-scoped]
`, indent(string(g)), tree, kaapanaBuildVersion)
	if err := os.WriteFile(filepath.Join(dir, "platform.yaml"), []byte(p), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := compiler.NewCompile(&compiler.Config{AllowExternalSources: true}).Run(context.Background(), dir)
	for _, want := range []string{
		"release kaapana-workflows-core: Job/services/workflow-installer-dummy-workflow-1 is also an object of release dummy-workflow",
		"release kaapana-plugin-chart: Job/services/kaapana-plugin is also an object of release kaapana-platform-chart",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("got %v\nwant it to say %s", err, want)
		}
	}
}
