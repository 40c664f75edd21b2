// Package plan decides what it takes to move Helm releases from an observed
// state to a desired one: which release to install, upgrade, reconfigure,
// recover, uninstall or leave alone, and in which order. It is pure: plain
// structs in, a Plan out; no cluster, no Helm. `pono apply` feeds it the
// cluster's releases; `pono diff` can feed it a second compiled platform
// (see ObservedFrom).
package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pono-gitops/pono/internal/ownership"
)

// Labels apply adds on every release it writes, next to the ownership
// labels the compiler writes (package ownership).
const ( // LabelDigest holds DigestLabel(desired digest): the first 40 hex
	// characters of the release digest (label values hold 63 characters at
	// most, a sha256 in hex 64).
	LabelDigest = "pono.dev/digest"
	// LabelChartVersion holds the chart version, '+' written as '_'.
	LabelChartVersion = "pono.dev/chart-version"
	// NeedsLabelPrefix + <release> = "true" records an explicit need, so a
	// later prune can delete in reverse order without the old platform.
	NeedsLabelPrefix = "needs.pono.dev/"
)

// Helm release statuses.
const (
	StatusDeployed        = "deployed"
	StatusFailed          = "failed"
	StatusSuperseded      = "superseded"
	StatusUninstalled     = "uninstalled"
	StatusUninstalling    = "uninstalling"
	StatusPendingInstall  = "pending-install"
	StatusPendingUpgrade  = "pending-upgrade"
	StatusPendingRollback = "pending-rollback"
)

// Desired is one release the platform wants.
type Desired struct {
	Name, Namespace string
	Extension       string
	Instance        string
	Chart           string
	ChartVersion    string
	// Digest identifies chart, values, namespace, labels and render
	// version (compiler.Release.Digest).
	Digest string
	// Needs are release names that must be ready first (explicit).
	Needs []string
	// Resources summarises the rendered manifests, for inferred ordering.
	Resources Resources
}

// Observed is one release as found in the cluster (or in an older
// compiled platform, for diff).
type Observed struct {
	Name, Namespace string
	Labels          map[string]string
	// Digest is the value of LabelDigest ("" if absent).
	Digest       string
	ChartVersion string
	// Status is the Helm status of the newest revision.
	Status   string
	Revision int
	// LastGood is the newest earlier revision that was deployed, 0 if none.
	LastGood int
	// Resources, when known, summarise the release's manifest; used to
	// order deletions.
	Resources Resources
}

// Needs returns the explicit needs recorded in the release's labels.
func (o *Observed) Needs() []string {
	var out []string
	for k, v := range o.Labels {
		if strings.HasPrefix(k, NeedsLabelPrefix) && v == "true" {
			out = append(out, strings.TrimPrefix(k, NeedsLabelPrefix))
		}
	}
	sort.Strings(out)
	return out
}

// Action is what apply does with one release.
type Action string

const (
	// Install a release that does not exist.
	Install Action = "install"
	// Upgrade to another chart version.
	Upgrade Action = "upgrade"
	// Reconfigure: same chart version, other values (a Helm upgrade).
	Reconfigure Action = "reconfigure"
	// Repair a release whose last operation failed (install or upgrade).
	Repair Action = "repair"
	// Recover a release stuck in a pending-* or uninstalling state: unlock
	// it (when no live operation holds it), then install or upgrade.
	Recover Action = "recover"
	// Skip an up-to-date release: nothing is rendered or written.
	Skip Action = "skip"
	// Correct an up-to-date release whose live objects drifted (edited or
	// deleted out of band): upgrade it to the same revision's inputs, which
	// makes Helm restore the objects.
	Correct Action = "correct"
	// Uninstall (prune) a release the platform no longer has.
	Uninstall Action = "uninstall"
	// Keep a release the platform no longer has, because prune is off.
	Keep Action = "keep"
	// Conflict: a release of that name exists and pono does not own it for
	// this platform; it is never touched, and the release fails.
	Conflict Action = "conflict"
)

// Op is the Helm operation behind an action.
type Op string

const (
	OpNone      Op = ""
	OpInstall   Op = "install"
	OpUpgrade   Op = "upgrade"
	OpUninstall Op = "uninstall"
)

// Step is the plan for one release.
type Step struct {
	Name, Namespace string
	Action          Action
	// Reason explains the action in a few words.
	Reason string
	// Wave is the step's depth in the dependency graph: 0 has no
	// dependencies. Deletions count their own waves, in reverse.
	Wave int
	// After lists releases (of this plan) this step waits for: needs plus
	// inferred edges for apply steps; dependents for deletions.
	After []string
	// Inferred explains inferred edges: "after X: reason".
	Inferred []string
	// Moved marks the uninstall of a release whose name the platform now
	// wants in another namespace: it runs before the applies.
	Moved    bool      `json:",omitempty"`
	Desired  *Desired  `json:",omitempty"`
	Observed *Observed `json:",omitempty"`
}

// Op returns the Helm operation for the step.
func (s *Step) Op() Op {
	switch s.Action {
	case Install:
		return OpInstall
	case Upgrade, Reconfigure, Correct:
		return OpUpgrade
	case Repair, Recover:
		if s.Observed == nil || s.Observed.Revision == 0 || s.Observed.Status == StatusUninstalled {
			return OpInstall
		}
		if s.Observed.LastGood == 0 && s.Observed.Status != StatusDeployed {
			// A first install that never succeeded: install again over
			// it (Helm replaces a failed release).
			return OpInstall
		}
		return OpUpgrade
	case Uninstall:
		return OpUninstall
	}
	return OpNone
}

// Changes reports whether the step writes anything.
func (s *Step) Changes() bool { return s.Op() != OpNone }

// Key is namespace/name.
func (s *Step) Key() string { return s.Namespace + "/" + s.Name }

// Plan is every step: uninstalls of releases moved to another namespace,
// then applies (by wave, then name), then deletions (by wave, then name).
type Plan struct {
	Platform string
	Steps    []Step
}

// Input is what Compute needs.
type Input struct {
	// Platform is the platform name: only releases labelled with it (and
	// managed by pono) are upgraded or removed.
	Platform string
	Desired  []Desired
	// Observed are releases found; others' releases may be included, they
	// are never touched (and only matter when their name is wanted).
	Observed []Observed
	// Prune uninstalls owned releases the platform no longer has.
	Prune bool
}

// Owned reports whether labels mark a release as pono's for platform.
func Owned(labels map[string]string, platform string) bool {
	return labels[ownership.LabelManagedBy] == ownership.ManagedByValue && labels[ownership.LabelPlatform] == platform
}

// DigestLabel is the digest as stored in LabelDigest.
func DigestLabel(digest string) string {
	d := strings.TrimPrefix(digest, "sha256:")
	if len(d) > 40 {
		d = d[:40]
	}
	return d
}

// VersionLabel is a chart version as a label value.
func VersionLabel(v string) string {
	v = strings.ReplaceAll(v, "+", "_")
	if len(v) > 63 {
		v = v[:63]
	}
	return v
}

// Compute plans the move from in.Observed to in.Desired.
func Compute(in Input) *Plan {
	observed := map[string]*Observed{}
	for i := range in.Observed {
		o := &in.Observed[i]
		observed[o.Namespace+"/"+o.Name] = o
	}
	p := &Plan{Platform: in.Platform}
	desiredKeys := map[string]bool{}
	desiredNS := map[string]string{}
	var applies []Step
	for i := range in.Desired {
		d := &in.Desired[i]
		key := d.Namespace + "/" + d.Name
		desiredKeys[key] = true
		desiredNS[d.Name] = d.Namespace
		applies = append(applies, decide(in.Platform, d, observed[key]))
	}
	order(applies)

	var deletes []Step
	for i := range in.Observed {
		o := &in.Observed[i]
		if desiredKeys[o.Namespace+"/"+o.Name] || !Owned(o.Labels, in.Platform) || o.Status == StatusUninstalled {
			continue
		}
		s := Step{Name: o.Name, Namespace: o.Namespace, Observed: o}
		if ns, ok := desiredNS[o.Name]; ok && in.Prune {
			// Same release, other namespace: uninstall it first, or the
			// new release could not take over its objects.
			s.Action, s.Reason, s.Moved = Uninstall, "moved to namespace "+ns, true
		} else if in.Prune {
			s.Action, s.Reason = Uninstall, "no longer in the platform"
		} else {
			s.Action, s.Reason = Keep, "no longer in the platform (prune disabled)"
		}
		deletes = append(deletes, s)
	}
	orderDeletes(deletes)
	// Moved releases' uninstalls come first: they run before the applies.
	for _, d := range deletes {
		if d.Moved {
			p.Steps = append(p.Steps, d)
		}
	}
	p.Steps = append(p.Steps, applies...)
	for _, d := range deletes {
		if !d.Moved {
			p.Steps = append(p.Steps, d)
		}
	}
	return p
}

func decide(platform string, d *Desired, o *Observed) Step {
	s := Step{Name: d.Name, Namespace: d.Namespace, Desired: d, Observed: o}
	switch {
	case o == nil || o.Status == StatusUninstalled:
		s.Action, s.Reason = Install, "not installed"
		if o != nil && !Owned(o.Labels, platform) {
			s.Action, s.Reason = Conflict, conflictReason(o)
		}
	case !Owned(o.Labels, platform):
		s.Action, s.Reason = Conflict, conflictReason(o)
	case strings.HasPrefix(o.Status, "pending-") || o.Status == StatusUninstalling:
		s.Action, s.Reason = Recover, fmt.Sprintf("stuck in %s (revision %d)", o.Status, o.Revision)
	case o.Status == StatusFailed:
		s.Action, s.Reason = Repair, fmt.Sprintf("revision %d failed", o.Revision)
	case o.Digest == DigestLabel(d.Digest) && o.Status == StatusDeployed:
		s.Action, s.Reason = Skip, "up to date"
	case o.ChartVersion != "" && o.ChartVersion != VersionLabel(d.ChartVersion):
		s.Action, s.Reason = Upgrade, fmt.Sprintf("chart %s -> %s", o.ChartVersion, d.ChartVersion)
	default:
		s.Action, s.Reason = Reconfigure, "values changed"
		if o.Status != StatusDeployed {
			s.Reason = fmt.Sprintf("status %s", o.Status)
		}
	}
	return s
}

func conflictReason(o *Observed) string {
	switch {
	case o.Labels[ownership.LabelManagedBy] != ownership.ManagedByValue:
		return fmt.Sprintf("release %s/%s exists and is not managed by pono", o.Namespace, o.Name)
	default:
		return fmt.Sprintf("release %s/%s belongs to platform %q", o.Namespace, o.Name, o.Labels[ownership.LabelPlatform])
	}
}
