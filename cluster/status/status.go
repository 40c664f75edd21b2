// Package status is `pono status`: what Kaapana's Extensions page shows,
// read from the cluster.
package status

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/cluster/kube"
	"github.com/pono-gitops/pono/cluster/observe"
	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/compiler/kaapana"
	"github.com/pono-gitops/pono/internal/helmsdk"
	"github.com/pono-gitops/pono/internal/ownership"
	"github.com/pono-gitops/pono/plan"
)

// Status reads what Kaapana's Extensions page shows, from the cluster.
// Its fields are filters.
type Status struct {
	// Kind keeps only releases of that kind (application, workflow, ...).
	Kind string
	// Stability keeps only "stable" or "experimental" releases ("": all).
	Stability string
	// Concurrency bounds releases read at once.
	Concurrency int
	// Namespaces, when set, restricts the read to releases stored in
	// these namespaces (least-privilege RBAC grants nothing cluster-wide:
	// Apply.Namespaces).
	Namespaces []string

	cfg *kube.Config
}

// NewStatus returns a Status without filters.
func NewStatus(cfg *kube.Config) *Status { return &Status{cfg: cfg, Concurrency: 8} }

// ReleaseStatus is one row of the Extensions page.
type ReleaseStatus struct {
	Release   string `json:"release"`
	Namespace string `json:"namespace"`
	Extension string `json:"extension,omitempty"`
	Instance  string `json:"instance,omitempty"`
	Kind      string `json:"kind,omitempty"`
	// Tasks and Containers are a workflow's (kind workflow-v2), from the
	// platform: task ids in dependency order, container names.
	Tasks      []string `json:"tasks,omitempty"`
	Containers []string `json:"containers,omitempty"`
	// Stability is stable or experimental.
	Stability string `json:"stability,omitempty"`
	// DesiredVersion is the chart version the platform wants ("" for
	// releases not in the platform).
	DesiredVersion  string `json:"desiredVersion,omitempty"`
	DeployedVersion string `json:"deployedVersion,omitempty"`
	Chart           string `json:"chart,omitempty"`
	// HelmStatus is Helm's status of the newest revision, or
	// "not-installed".
	HelmStatus string `json:"helmStatus"`
	Revision   int    `json:"revision,omitempty"`
	// UpToDate: deployed at the digest the platform wants.
	UpToDate bool `json:"upToDate"`
	// KubeStatus lists the release's pods' statuses (Running, Completed,
	// Pending, Failed, Error, CrashLoopBackOff, ...), one per pod.
	KubeStatus []string `json:"kubeStatus"`
	// Ready: deployed, and every pod Running and ready, or Completed.
	Ready bool `json:"ready"`
	// InPlatform is false for releases found in the cluster only.
	InPlatform bool `json:"inPlatform"`
	// Owner is "this platform", "platform <name>" or "not pono".
	Owner string `json:"owner"`
	// Error is set when the release could not be read.
	Error string `json:"error,omitempty"`
}

// StatusReport is the platform's status.
type StatusReport struct {
	Platform string          `json:"platform"`
	Releases []ReleaseStatus `json:"releases"`
	// Other are releases in the platform's namespaces (or owned by it)
	// that the platform does not have.
	Other []ReleaseStatus `json:"other"`
}

// Run reads the status of res's releases, and of other releases found in
// the namespaces res uses, from the cluster.
func (s *Status) Run(ctx context.Context, res *compiler.Result) (*StatusReport, error) {
	client, err := s.cfg.Client()
	if err != nil {
		return nil, err
	}
	// Digests cover values from Secrets and ConfigMaps: up to date means
	// deployed with the values the cluster holds now.
	vr := observe.ValuesFrom(ctx, client.Kubernetes(), res)
	res = vr.Result
	infos, err := observe.ListReleases(ctx, client, s.Namespaces, nil)
	if err != nil {
		return nil, err
	}
	byKey := map[string]helmsdk.ReleaseInfo{}
	for _, in := range infos {
		byKey[in.Namespace+"/"+in.Name] = in
	}
	platform := res.Platform.Name
	nss := map[string]bool{res.Platform.Namespaces.Admin: true, res.Platform.Namespaces.Services: true, res.Platform.Namespaces.Extensions: true}
	rep := &StatusReport{Platform: platform}
	inPlatform := map[string]bool{}
	for _, r := range res.Releases {
		key := r.Namespace + "/" + r.Name
		inPlatform[key] = true
		nss[r.Namespace] = true
		if !s.keep(r.Kind, r.Experimental) {
			continue
		}
		row := ReleaseStatus{
			Release: r.Name, Namespace: r.Namespace, Extension: r.Extension, Instance: r.Instance, Kind: r.Kind,
			Stability: stability(r.Experimental), DesiredVersion: r.Chart.Version, Chart: r.Chart.Name,
			HelmStatus: "not-installed", InPlatform: true, KubeStatus: []string{},
		}
		row.Tasks, row.Containers = res.WorkflowShape(r.Name)
		if f := vr.Failed[r.Name]; f != nil {
			row.Error = f.Error()
		}
		if in, ok := byKey[key]; ok {
			row.HelmStatus, row.Revision = in.Status, in.Revision
			row.Owner = owner(in.Labels, platform)
			row.UpToDate = plan.Owned(in.Labels, platform) && in.Status == plan.StatusDeployed && in.Labels[plan.LabelDigest] == plan.DigestLabel(r.Digest)
		}
		rep.Releases = append(rep.Releases, row)
	}
	for _, in := range infos {
		key := in.Namespace + "/" + in.Name
		if inPlatform[key] || !(nss[in.Namespace] || plan.Owned(in.Labels, platform)) {
			continue
		}
		kind, exp := kindFromLabels(in.Labels)
		if s.Kind != "" || s.Stability != "" {
			if !s.keep(kind, exp) {
				continue
			}
		}
		rep.Other = append(rep.Other, ReleaseStatus{
			Release: in.Name, Namespace: in.Namespace, Extension: in.Labels[ownership.LabelExtension], Instance: in.Labels[ownership.LabelInstance],
			Kind: kind, Stability: stability(exp), HelmStatus: in.Status, Revision: in.Revision, Owner: owner(in.Labels, platform), KubeStatus: []string{},
		})
	}
	// Read manifests and pods, in parallel.
	rows := make([]*ReleaseStatus, 0, len(rep.Releases)+len(rep.Other))
	for i := range rep.Releases {
		rows = append(rows, &rep.Releases[i])
	}
	for i := range rep.Other {
		rows = append(rows, &rep.Other[i])
	}
	sem := make(chan struct{}, max(s.Concurrency, 1))
	var wg sync.WaitGroup
	for _, row := range rows {
		if row.HelmStatus == "not-installed" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			s.fill(ctx, client, row)
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return rep, nil
}

// kindFromLabels derives kind and stability from the kaapana.ai/<keyword>
// release labels Kaapana (and pono) write.
func kindFromLabels(labels map[string]string) (string, bool) {
	var kws []string
	for k, v := range labels {
		if strings.HasPrefix(k, "kaapana.ai/") && v == "True" {
			kws = append(kws, strings.TrimPrefix(k, "kaapana.ai/"))
		}
	}
	if len(kws) == 0 {
		return "", false
	}
	sort.Strings(kws)
	m := kaapana.FromChart("", "", kws, nil, nil)
	return m.Kind, m.Experimental
}

func (s *Status) keep(kind string, experimental bool) bool {
	if s.Kind != "" && s.Kind != kind {
		return false
	}
	switch s.Stability {
	case "stable":
		return !experimental
	case "experimental":
		return experimental
	}
	return true
}

func stability(exp bool) string {
	if exp {
		return "experimental"
	}
	return "stable"
}

func owner(labels map[string]string, platform string) string {
	switch {
	case plan.Owned(labels, platform):
		return "this platform"
	case labels[ownership.LabelManagedBy] == ownership.ManagedByValue:
		return "platform " + labels[ownership.LabelPlatform]
	}
	return "not pono"
}

func (s *Status) fill(ctx context.Context, client *helmsdk.Client, row *ReleaseStatus) {
	d, err := client.GetRelease(ctx, row.Namespace, row.Release)
	if err != nil {
		row.Error = err.Error()
		return
	}
	row.DeployedVersion = d.ChartVersion
	if row.Chart == "" {
		row.Chart = d.Chart
	}
	statuses, ready, err := kubeStatus(ctx, client.Kubernetes(), row.Namespace, d.Manifest)
	if err != nil {
		row.Error = err.Error()
	}
	row.KubeStatus = statuses
	row.Ready = ready && row.HelmStatus == plan.StatusDeployed && err == nil
}

// kubeStatus summarises the pods of a manifest's workloads as Kaapana
// does: Deployments, StatefulSets and DaemonSets by their selector, Jobs by
// their job-name label, and bare Pods.
func kubeStatus(ctx context.Context, cs kubernetes.Interface, releaseNS, manifest string) ([]string, bool, error) {
	statuses := []string{}
	ready := true
	// The objects Helm sent (Lists flattened), through the one manifest parser.
	objs, err := compiler.SplitManifest([]byte(manifest))
	if err != nil {
		return statuses, false, err
	}
	for _, o := range objs {
		doc, err := yaml.Marshal(o.Body)
		if err != nil {
			continue
		}
		var obj struct {
			Kind     string `json:"kind"`
			Metadata struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"metadata"`
			Spec struct {
				Selector *metav1.LabelSelector `json:"selector"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(doc, &obj); err != nil || obj.Kind == "" {
			continue
		}
		ns := obj.Metadata.Namespace
		if ns == "" {
			ns = releaseNS
		}
		var sel string
		switch obj.Kind {
		case "Deployment", "StatefulSet", "DaemonSet":
			if obj.Spec.Selector == nil {
				continue
			}
			s, err := metav1.LabelSelectorAsSelector(obj.Spec.Selector)
			if err != nil {
				continue
			}
			sel = s.String()
		case "Job":
			sel = "batch.kubernetes.io/job-name=" + obj.Metadata.Name
		case "Pod":
			p, err := cs.CoreV1().Pods(ns).Get(ctx, obj.Metadata.Name, metav1.GetOptions{})
			if err != nil {
				return statuses, false, fmt.Errorf("pod %s/%s: %w", ns, obj.Metadata.Name, err)
			}
			st, ok := PodStatus(p)
			statuses = append(statuses, st)
			ready = ready && ok
			continue
		default:
			continue
		}
		pods, err := cs.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{LabelSelector: sel})
		if err != nil {
			return statuses, false, fmt.Errorf("pods of %s %s/%s: %w", obj.Kind, ns, obj.Metadata.Name, err)
		}
		sort.Slice(pods.Items, func(i, j int) bool { return pods.Items[i].Name < pods.Items[j].Name })
		if obj.Kind == "Job" {
			// One completed pod stands for the Job (Kaapana's
			// single_status_for_jobs).
			for i := range pods.Items {
				if pods.Items[i].Status.Phase == corev1.PodSucceeded {
					pods.Items = pods.Items[i : i+1]
					break
				}
			}
		}
		for i := range pods.Items {
			st, ok := PodStatus(&pods.Items[i])
			statuses = append(statuses, st)
			ready = ready && ok
		}
	}
	return statuses, ready, nil
}

// PodStatus is the STATUS kubectl shows for a pod (Running, Completed,
// Pending, Failed, Error, CrashLoopBackOff, ...) and whether it counts as
// ready (Running with all containers ready, or Completed).
func PodStatus(p *corev1.Pod) (string, bool) {
	if p.DeletionTimestamp != nil {
		return "Terminating", false
	}
	reason := string(p.Status.Phase)
	if p.Status.Reason != "" {
		reason = p.Status.Reason
	}
	for _, st := range p.Status.InitContainerStatuses {
		if w := st.State.Waiting; w != nil && w.Reason != "" && w.Reason != "PodInitializing" {
			return "Init:" + w.Reason, false
		}
		if t := st.State.Terminated; t != nil && t.ExitCode != 0 {
			return "Init:Error", false
		}
	}
	for _, st := range p.Status.ContainerStatuses {
		if w := st.State.Waiting; w != nil && w.Reason != "" {
			reason = w.Reason
		} else if t := st.State.Terminated; t != nil && t.Reason != "" {
			reason = t.Reason
		}
	}
	switch {
	case p.Status.Phase == corev1.PodSucceeded:
		return "Completed", true
	case p.Status.Phase == corev1.PodFailed:
		if reason == "Failed" || reason == "" {
			return "Failed", false
		}
		return reason, false
	case p.Status.Phase == corev1.PodRunning && reason == "Running":
		for _, c := range p.Status.Conditions {
			if c.Type == corev1.PodReady && c.Status == corev1.ConditionTrue {
				return "Running", true
			}
		}
		return "Running", false
	}
	if reason == "" {
		reason = "Pending"
	}
	return reason, false
}
