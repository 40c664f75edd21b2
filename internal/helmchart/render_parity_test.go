package helmchart

import (
	"context"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pono-gitops/pono/internal/values"
	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chartutil"
)

// renderWithAction is how pono rendered before this package: pkg/action's
// Install in client-only dry-run mode. Render must agree with it byte for
// byte, and with its messages.
func renderWithAction(t *testing.T, ch *Chart, opts RenderOptions) (*Rendered, error) {
	t.Helper()
	kv, err := chartutil.ParseKubeVersion(opts.KubeVersion)
	if err != nil {
		t.Fatal(err)
	}
	inst := action.NewInstall(&action.Configuration{Log: func(string, ...any) {}})
	inst.DryRun, inst.DryRunOption, inst.ClientOnly, inst.Replace, inst.IncludeCRDs = true, "client", true, true, true
	inst.ReleaseName, inst.Namespace = opts.ReleaseName, opts.Namespace
	inst.KubeVersion, inst.APIVersions, inst.Labels = kv, chartutil.VersionSet(opts.APIVersions), opts.Labels
	rel, err := inst.RunWithContext(context.Background(), ch.HelmCopy(), values.Copy(opts.Values))
	if err != nil {
		return nil, err
	}
	out := &Rendered{Manifest: rel.Manifest}
	for _, h := range rel.Hooks {
		var events []string
		for _, e := range h.Events {
			events = append(events, string(e))
		}
		sort.Strings(events)
		out.Hooks = append(out.Hooks, Hook{Path: h.Path, Manifest: h.Manifest, Events: events})
	}
	sort.SliceStable(out.Hooks, func(i, j int) bool { return out.Hooks[i].Path < out.Hooks[j].Path })
	return out, nil
}

// parityChart has what Install treats specially: CRDs, hooks, NOTES.txt
// (its own and a subchart's), kinds out of install order, a subchart
// turned off by a condition, capabilities and release fields in templates.
func parityChart(t *testing.T, kubeVersion string) *Chart {
	t.Helper()
	dir := t.TempDir()
	w := func(name, content string) { writeChartFile(t, filepath.Join(dir, name), content) }
	w("Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\nkubeVersion: \""+kubeVersion+"\"\ndependencies:\n- name: sub\n  version: 0.1.0\n  condition: sub.enabled\n- name: off\n  version: 0.1.0\n  condition: off.enabled\n")
	w("values.yaml", "sub:\n  enabled: true\noff:\n  enabled: false\ncolour: blue\n")
	w("crds/thing.yaml", "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: things.example.org\n")
	w("templates/NOTES.txt", "installed {{ .Release.Name }}\n")
	w("templates/deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  namespace: {{ .Release.Namespace }}\n  annotations:\n    kube: {{ .Capabilities.KubeVersion.Version | quote }}\n    install: {{ .Release.IsInstall | quote }}\n    revision: {{ .Release.Revision | quote }}\n    extra: {{ .Capabilities.APIVersions.Has \"example.org/v1\" | quote }}\n    colour: {{ .Values.colour }}\n")
	w("templates/sa.yaml", "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{ .Release.Name }}\n---\n# empty document above is dropped\n")
	w("templates/hook.yaml", "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-migrate\n  annotations:\n    helm.sh/hook: pre-upgrade,pre-install\n    helm.sh/hook-weight: \"2\"\n")
	w("charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.1.0\n")
	w("charts/sub/templates/NOTES.txt", "sub notes\n")
	w("charts/sub/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sub-{{ .Release.Name }}\ndata:\n  parent: {{ .Values.global.colour | default \"none\" | quote }}\n")
	w("charts/off/Chart.yaml", "apiVersion: v2\nname: off\nversion: 0.1.0\n")
	w("charts/off/templates/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: off\n")
	ch, err := LoadDir(dir, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

func TestRenderMatchesHelmInstall(t *testing.T) {
	base := RenderOptions{ReleaseName: "demo", Namespace: "apps", KubeVersion: "v1.36.3", APIVersions: []string{"example.org/v1"}, Values: map[string]any{"colour": "green", "global": map[string]any{"colour": "red"}}}
	cases := []struct {
		name        string
		kubeVersion string
		edit        func(*RenderOptions)
		fails       bool
	}{
		{"ok", ">=1.30.0-0", func(*RenderOptions) {}, false},
		{"disabled subchart enabled by values", ">=1.30.0-0", func(o *RenderOptions) { o.Values = map[string]any{"off": map[string]any{"enabled": true}} }, false},
		{"bad release name", ">=1.30.0-0", func(o *RenderOptions) { o.ReleaseName = "Demo_1" }, true},
		{"reserved label", ">=1.30.0-0", func(o *RenderOptions) { o.Labels = map[string]string{"owner": "me"} }, true},
		{"kubeVersion out of range", "<1.30.0", func(*RenderOptions) {}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ch := parityChart(t, tc.kubeVersion)
			opts := base
			tc.edit(&opts)
			want, wantErr := renderWithAction(t, ch, opts)
			got, gotErr := Render(context.Background(), ch, opts)
			if (wantErr == nil) != (gotErr == nil) || (wantErr != nil && wantErr.Error() != gotErr.Error()) {
				t.Fatalf("error = %v, want %v", gotErr, wantErr)
			}
			if (wantErr != nil) != tc.fails {
				t.Fatalf("Helm's Install: error = %v, want failure %v", wantErr, tc.fails)
			}
			if wantErr != nil {
				return
			}
			if got.Manifest == "" || len(got.Hooks) == 0 {
				t.Fatalf("nothing rendered: %+v", got)
			}
			got.Warnings = nil
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Render differs from Helm's client-only Install (-want +got):\n%s", diff)
			}
		})
	}
}
