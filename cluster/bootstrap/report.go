package bootstrap

import "log/slog"

// Action is what Run did to one object.
type Action string

// Actions.
const (
	ActionCreated   Action = "created"
	ActionUpdated   Action = "updated"
	ActionUnchanged Action = "unchanged"
	ActionInstalled Action = "installed"
	ActionUpgraded  Action = "upgraded"
)

// Object is one object Run looked after.
type Object struct {
	Kind      string // Namespace, Secret
	Namespace string // "" for namespaces
	Name      string
	Action    Action
}

// PonoRelease is what Run did to pono's own Helm release.
type PonoRelease struct {
	Namespace, Name string
	Action          Action // ActionInstalled, ActionUpgraded or ActionUnchanged
	// Revision is the release's Helm revision after Run.
	Revision     int
	ChartVersion string
	// Reason says why an existing release was upgraded ("values changed",
	// "chart changed", "status failed").
	Reason string
}

// Report says what Run created, updated or left alone.
type Report struct {
	// Objects are the namespaces and Secrets, in the order Run handled them.
	Objects []Object
	Release PonoRelease
}

// Changed reports whether Run wrote anything.
func (r *Report) Changed() bool {
	for _, o := range r.Objects {
		if o.Action != ActionUnchanged {
			return true
		}
	}
	return r.Release.Action != ActionUnchanged
}

func (r *Report) add(log *slog.Logger, o Object) {
	r.Objects = append(r.Objects, o)
	// Names and actions only: Secret data never reaches a log.
	log.Info("bootstrap object", "kind", o.Kind, "namespace", o.Namespace, "name", o.Name, "action", o.Action)
}
