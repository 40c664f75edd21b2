package compiler

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/pono-gitops/pono/compiler/internal/source"
	"github.com/pono-gitops/pono/compiler/internal/spec"
	"github.com/pono-gitops/pono/compiler/kaapana"
	"github.com/pono-gitops/pono/internal/helmchart"
	"github.com/pono-gitops/pono/internal/values"
)

// chartKey identifies one chart request: extensions asking for the same
// chart, source and constraint share one resolution.
type chartKey struct{ source, chart, constraint string }

type resolvedChart struct {
	// source is the platform's name for the chart's source.
	source string
	chart  *helmchart.Chart
	meta   kaapana.Meta
	err    error
}

// pending is a release before rendering: an extension's (or instance's)
// from a resolved chart, or a workflow's from its generated chart.
type pending struct {
	rel   Release
	chart *helmchart.Chart
	// extPath is the platform field that produced the release, where its
	// problems are reported; subject names it ("extension x", "workflow y").
	extPath spec.Path
	subject string
	// generated is set for a workflow's chart: its templates are pono's
	// own, deterministic by construction, so it is rendered once.
	generated bool
}

func (b *build) run() *Result {
	b.checkSources()
	b.checkPolicy()
	b.checkGlobalsFrom()
	b.checkProjects()
	b.checkValuesFrom()
	b.warnLiteralCredentials()
	exts := slices.Sorted(maps.Keys(b.p.Extensions))

	// Resolve each distinct chart once, in parallel.
	keys := map[chartKey]bool{}
	extKey := map[string]chartKey{}
	for _, name := range exts {
		k, ok := b.chartKeyFor(name)
		if !ok {
			continue
		}
		keys[k] = true
		extKey[name] = k
	}
	list := make([]chartKey, 0, len(keys))
	for k := range keys {
		list = append(list, k)
	}
	resolved := make([]resolvedChart, len(list))
	b.parallel(len(list), func(i int) {
		k := list[i]
		r, err := b.resolver.Resolve(b.ctx, source.Request{SourceName: k.source, Source: b.p.Sources[k.source], Chart: k.chart, Constraint: k.constraint})
		if err != nil {
			resolved[i] = resolvedChart{err: err}
			return
		}
		meta, err := chartMeta(r.Chart)
		resolved[i] = resolvedChart{chart: r.Chart, meta: meta, err: err}
		b.mu.Lock()
		b.lockEntries = append(b.lockEntries, r.Entry)
		b.mu.Unlock()
	})
	byKey := map[chartKey]resolvedChart{}
	for i, k := range list {
		byKey[k] = resolved[i]
	}
	// Without the globals globalsFrom names every release would render
	// with values it never gets on the cluster: rendering waits for them.
	globalsOK := b.p.GlobalsFrom == ""
	if k, ok := extKey[b.p.GlobalsFrom]; ok {
		b.chartGlobals = chartGlobals(byKey[k])
		globalsOK = byKey[k].err == nil
	}

	res := &Result{Platform: b.platformInfo()}
	var releases []*pending
	for _, name := range exts {
		k, ok := extKey[name]
		if !ok {
			continue
		}
		rc := byKey[k]
		rc.source = k.source
		path := spec.P("extensions", name)
		if rc.err != nil {
			if !errors.Is(rc.err, source.ErrReported) {
				b.errAt(append(path, "version"), "extension "+name, "%v", rc.err)
			}
			continue
		}
		ext := b.p.Extensions[name]
		res.Extensions = append(res.Extensions, b.extensionInfo(name, ext, rc))
		if !b.metadataOnly {
			releases = append(releases, b.releasesFor(name, ext, rc)...)
		}
	}
	releases = append(releases, b.compileWorkflows(res)...)
	sort.SliceStable(res.Extensions, func(i, j int) bool { return res.Extensions[i].Name < res.Extensions[j].Name })
	if b.metadataOnly {
		return res
	}
	releases = b.checkReleaseNames(releases)
	b.checkPreinstall(releases)
	b.resolveNeeds(releases)
	if !globalsOK {
		return res
	}
	// Every release whose own input is right is rendered and checked even
	// when another extension is wrong, so one run reports every problem (a
	// parameter error in one extension does not hide a policy violation in
	// another). The compile still fails: Run returns the errors.
	b.render(releases, res)
	return res
}

func (b *build) checkSources() {
	for _, name := range slices.Sorted(maps.Keys(b.p.Sources)) {
		s := b.p.Sources[name]
		n := 0
		for _, set := range []bool{s.Path != "", s.Repo != "", s.OCI != ""} {
			if set {
				n++
			}
		}
		if n != 1 {
			b.errAt(spec.P("sources", name), "source "+name, "set exactly one of path, repo or oci")
		}
		if s.Path != "" {
			err := b.resolver.CheckPath(s)
			if err == nil {
				err = pathExists(b.dir, s.Path)
			}
			if err != nil {
				b.errAt(spec.P("sources", name, "path"), "source "+name, "%v", err)
				b.badSources[name] = true
			}
		}
		if s.BuildVersion != "" && s.Path == "" {
			b.errAt(spec.P("sources", name, "buildVersion"), "source "+name, "buildVersion applies only to path sources")
		}
	}
}

// checkPolicy rejects policy.allow entries for extensions (or workflows)
// the platform does not have: a typo there would otherwise allow nothing,
// silently.
func (b *build) checkPolicy() {
	for _, name := range slices.Sorted(maps.Keys(b.p.Policy.Allow)) {
		_, wf := b.p.Workflows[name]
		if _, ok := b.p.Extensions[name]; !ok && !wf {
			known := "it has none"
			if len(b.p.Extensions) > 0 {
				known = "extensions: " + strings.Join(slices.Sorted(maps.Keys(b.p.Extensions)), ", ")
			}
			b.errAt(spec.P("policy", "allow", name), "policy", "allow names %q, which is not an extension of this platform (%s)", name, known)
		}
	}
}

// pathExists says plainly that a path source's directory is missing or
// is not a directory (dir is the platform directory relative paths are in).
func pathExists(dir, path string) error {
	p := filepath.FromSlash(path)
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	fi, err := os.Stat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s does not exist", p)
	case err != nil:
		return fmt.Errorf("%s: %w", p, source.PathCause(err))
	case !fi.IsDir():
		return fmt.Errorf("%s is not a directory: a path source is a directory of charts", p)
	}
	return nil
}

func (b *build) chartKeyFor(name string) (chartKey, bool) {
	ext := b.p.Extensions[name]
	src := ext.Source
	path := spec.P("extensions", name)
	if src == "" {
		switch len(b.p.Sources) {
		case 1:
			for k := range b.p.Sources {
				src = k
			}
		case 0:
			b.errAt(path, "extension "+name, "no chart sources are defined: add one under sources")
			return chartKey{}, false
		default:
			b.errAt(path, "extension "+name, "several sources are defined (%s): name one with source", strings.Join(slices.Sorted(maps.Keys(b.p.Sources)), ", "))
			return chartKey{}, false
		}
	} else if _, ok := b.p.Sources[src]; !ok {
		b.errAt(append(path, "source"), "extension "+name, "unknown source %q (defined: %s)", src, strings.Join(slices.Sorted(maps.Keys(b.p.Sources)), ", "))
		return chartKey{}, false
	}
	if b.badSources[src] {
		// Reported at the source's path, once for all its extensions.
		return chartKey{}, false
	}
	chart := ext.Chart
	if chart == "" {
		chart = name
	}
	return chartKey{source: src, chart: chart, constraint: ext.Version}, true
}

func chartMeta(ch *helmchart.Chart) (kaapana.Meta, error) {
	m := kaapana.FromChart(ch.Name(), ch.Version(), ch.Keywords(), ch.Values(), ch.DeclaredDependencies())
	if k, err := kaapana.Read(ch.Raw("Chart.yaml"), nil, nil); err == nil && m.Kind == kaapana.KindOther {
		m.Kind = k.Kind
	}
	params, err := kaapana.ParseParams(ch.Values())
	if err != nil {
		return m, fmt.Errorf("chart %s %s: %w", ch.Name(), ch.Version(), err)
	}
	m.Params = params
	return m, nil
}

// globals are the platform globals every extension receives, with the
// namespace and registry globals Kaapana's deploy script sets derived from
// the platform unless the platform sets them itself.
//
// Beneath them all are the globals of the chart globalsFrom names (the
// admin chart's values.yaml globals, as kube-helm passes them on).
func (b *build) globals() map[string]any {
	g := map[string]any{}
	for k, v := range b.chartGlobals {
		g[k] = v
	}
	g["admin_namespace"] = b.p.Namespaces.Admin
	g["services_namespace"] = b.p.Namespaces.Services
	g["extensions_namespace"] = b.p.Namespaces.Extensions
	g["helm_namespace"] = b.p.Namespaces.ReleaseNamespace()
	if b.p.Registry.URL != "" {
		g["registry_url"] = b.p.Registry.URL
	}
	for k, v := range b.p.Globals {
		g[k] = v
	}
	return g
}

func (b *build) releasesFor(name string, ext spec.Extension, rc resolvedChart) []*pending {
	path := spec.P("extensions", name)
	meta := rc.meta
	if !meta.MultiInstallable {
		if len(ext.Instances) > 0 {
			b.errAt(append(path, "instances"), "extension "+name, "chart %s is not multi-installable (no kaapanamultiinstallable keyword), so it takes no instances", meta.Name)
			return nil
		}
		p := b.extensionRelease(extensionRequest{ext: name, relName: meta.Name, params: ext.Parameters, values: ext.Values, needs: ext.Needs, extPath: path, path: path, e: ext, rc: rc})
		if p == nil {
			return nil
		}
		return []*pending{p}
	}
	if len(ext.Instances) == 0 {
		b.warn("extension "+name, "chart %s is multi-installable but no instances are listed, so nothing is installed", meta.Name)
	}
	var out []*pending
	for _, inst := range slices.Sorted(maps.Keys(ext.Instances)) {
		in := ext.Instances[inst]
		params := map[string]any{}
		for k, v := range ext.Parameters {
			params[k] = v
		}
		for k, v := range in.Parameters {
			params[k] = v
		}
		values := kaapana.MergeValues(orEmpty(ext.Values), orEmpty(in.Values))
		needs := append(append([]string(nil), ext.Needs...), in.Needs...)
		ipath := append(append(spec.Path{}, path...), "instances", inst)
		if p := b.extensionRelease(extensionRequest{ext: name, inst: inst, relName: meta.Name + "-" + inst, params: params, values: values, needs: needs, extPath: path, path: ipath, e: ext, rc: rc}); p != nil {
			out = append(out, p)
		}
	}
	return out
}

func orEmpty(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// extensionRequest is one release an extension (or one of its
// instances) asks for.
type extensionRequest struct {
	ext, inst, relName string
	params, values     map[string]any
	needs              []string
	// extPath is the extension's field, path the instance's (or the
	// extension's again).
	extPath, path spec.Path
	e             spec.Extension
	rc            resolvedChart
}

// extensionRelease checks an extension's parameters against its chart and
// hands the release to the pipeline; nil when a parameter is wrong.
func (b *build) extensionRelease(r extensionRequest) *pending {
	subject := "extension " + r.ext
	if r.inst != "" {
		subject += " instance " + r.inst
	}
	globals := b.globals()
	if r.inst != "" {
		for k, v := range b.projectGlobals(r.e, r.inst) {
			globals[k] = v
		}
	}
	r.params = withParamPlaceholders(r)
	resolved, probs := kaapana.ResolveParams(r.rc.meta.Params, r.params, globals)
	for _, pr := range probs {
		ppath := append(append(spec.Path{}, r.path...), "parameters")
		if pr.Given {
			if _, ok := r.e.Instances[r.inst].Parameters[pr.Param]; r.inst == "" || ok {
				ppath = append(ppath, pr.Param)
			} else {
				ppath = append(append(append(spec.Path{}, r.extPath...), "parameters"), pr.Param)
			}
		}
		b.errAt(ppath, subject, "%s (chart %s %s)", b.paramMessage(r, pr), r.rc.meta.Name, r.rc.meta.Version)
	}
	sensitive := b.userSensitive(r, subject, globals)
	if len(probs) > 0 {
		return nil
	}
	ch := r.rc.chart
	values := kaapana.Values(globals, r.rc.meta, resolved, orEmpty(r.values))
	ns := r.e.Namespace
	if ns == "" {
		ns = b.p.Namespaces.ReleaseNamespace()
	}
	refs, ok := b.valueRefs(r, ns, values)
	if !ok {
		return nil
	}
	values, fromSecrets := withPlaceholders(values, refs)
	sensitive = append(sensitive, fromSecrets...)
	b.warnEmptyProject(subject, r.relName, ch, values)
	return b.pendingRelease(releaseSpec{
		name: r.relName, namespace: r.e.Namespace, extension: r.ext, instance: r.inst,
		chart: ch, meta: r.rc.meta,
		ref:    ChartRef{Name: ch.Name(), Version: ch.Version(), Source: r.rc.source, Location: ch.Location, Digest: ch.Digest},
		values: values, sensitive: sensitive, valuesFrom: refs,
		needs: r.needs, at: r.path, subject: "extension " + r.ext,
	})
}

// releaseSpec is what every producer of releases hands to the pipeline
// (needs, render, policy, conflicts, output): an extension's resolved
// chart with its checked parameters, or a workflow's generated chart.
type releaseSpec struct {
	name, namespace     string // namespace "" is the platform's release namespace
	extension, instance string
	chart               *helmchart.Chart
	meta                kaapana.Meta
	ref                 ChartRef
	values              map[string]any
	sensitive           []string
	valuesFrom          []ValueRef
	needs               []string // extension names
	at                  spec.Path
	subject             string
	generated           bool
}

// pendingRelease is the release s describes, labelled and digested.
func (b *build) pendingRelease(s releaseSpec) *pending {
	ns := s.namespace
	if ns == "" {
		ns = b.p.Namespaces.ReleaseNamespace()
	}
	labels := s.meta.Labels()
	labels[LabelManagedBy] = ManagedByValue
	labels[LabelPlatform] = b.p.Name
	labels[LabelExtension] = s.extension
	if s.instance != "" {
		labels[LabelInstance] = s.instance
	}
	rel := Release{
		Name:         s.name,
		Namespace:    ns,
		Extension:    s.extension,
		Instance:     s.instance,
		Kind:         s.meta.Kind,
		Experimental: s.meta.Experimental,
		Chart:        s.ref,
		Values:       normalized(s.values),
		Sensitive:    b.releaseSensitive(s, s.values),
		ValuesFrom:   s.valuesFrom,
		Labels:       labels,
		Needs:        s.needs, // extension names until resolveNeeds
		ManifestFile: "manifests/" + s.name + ".yaml",
	}
	rel.Digest = releaseDigest(rel, b.p.Kubernetes)
	return &pending{rel: rel, chart: s.chart, extPath: s.at, subject: s.subject, generated: s.generated}
}

func declares(m kaapana.Meta, name string) bool {
	for _, p := range m.Params {
		if p.Name == name {
			return true
		}
	}
	return false
}

// releaseDigest hashes everything that decides a release's content: its
// name and namespace, the chart digest, the values, the labels, the
// Kubernetes version and API versions charts render against, and pono's
// render version. Equal digests render equal manifests.
func releaseDigest(r Release, k spec.Kubernetes) string {
	b, _ := json.Marshal(struct {
		Name        string            `json:"name"`
		Namespace   string            `json:"namespace"`
		Chart       string            `json:"chart"`
		Values      map[string]any    `json:"values"`
		Labels      map[string]string `json:"labels"`
		KubeVersion string            `json:"kubeVersion"`
		APIVersions []string          `json:"apiVersions"`
		Render      string            `json:"render"`
	}{r.Name, r.Namespace, r.Chart.Digest, r.Values, r.Labels, k.Version, k.APIVersions, RenderVersion})
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// checkReleaseNames reports invalid and duplicate release names and
// returns the releases that keep theirs (the first of a duplicate).
func (b *build) checkReleaseNames(rels []*pending) []*pending {
	seen := map[string]*pending{}
	kept := rels[:0:0]
	for _, p := range rels {
		if err := helmchart.ValidReleaseName(p.rel.Name); err != nil {
			b.errAt(p.extPath, p.subject, "release %v", err)
			continue
		}
		// Names are unique across namespaces too: a single-install chart is
		// installed once (as in Kaapana), and outputs are keyed by name.
		if other, ok := seen[p.rel.Name]; ok {
			kind, name, _ := strings.Cut(other.subject, " ")
			why := "a chart that is not multi-installable is installed once"
			if strings.HasPrefix(p.subject, "workflow ") || kind == "workflow" {
				why = "a workflow's chart and release take its name: rename one"
			}
			b.errAt(p.extPath, p.subject, "release %q is also produced by %s %q (%s)", p.rel.Name, kind, name, why)
			continue
		}
		seen[p.rel.Name] = p
		kept = append(kept, p)
	}
	return kept
}

// normalized gives values the shapes Helm reads from values files; values
// JSON cannot encode (none come from YAML, JSON or CUE) stay as they are.
func normalized(v map[string]any) map[string]any {
	if n, err := values.Normalize(v); err == nil {
		return n
	}
	return v
}
