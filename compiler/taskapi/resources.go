package taskapi

import (
	"fmt"
	"maps"
	"math"
	"os"

	"k8s.io/apimachinery/pkg/api/resource"
)

// HeadroomPercent is added to every memory value derived from a scale rule
// (Kaapana's 10%). It is applied the same way in both modes, and only to
// the data-derived requirement: a static limits.memory or requests.memory
// is the author's exact number and is used as written.
const HeadroomPercent = 10

const mebibyte = 1 << 20

// MeasureFunc returns the size in bytes of a channel for its scale rule.
type MeasureFunc func(ch Channel) (int64, error)

// MeasureHostPath measures a channel in the local filesystem, where the
// runner runs (Docker: the Docker host; Kubernetes: the node is assumed to
// see the same path, as in Kaapana).
func MeasureHostPath(ch Channel) (int64, error) {
	return TargetSize(os.DirFS(ch.HostPath), ch.ScaleRule)
}

// RuleResult records what one scale rule measured and required.
type RuleResult struct {
	Channel     string        `json:"channel"`
	Type        ScaleRuleType `json:"type"`
	Mode        ScaleRuleMode `json:"mode"`
	SizeBytes   int64         `json:"size_bytes"`
	ScaleFactor int64         `json:"scale_factor"`
	// Required is scale_factor x size plus the headroom, rounded up to a
	// whole MiB; RequiredBytes the same in bytes.
	Required      string `json:"required"`
	RequiredBytes int64  `json:"required_bytes"`
}

// Computed are the resources a task runs with.
type Computed struct {
	Resources Resources `json:"resources"`
	// MemoryLimitBytes is limits.memory in bytes, 0 when unset.
	MemoryLimitBytes int64        `json:"memory_limit_bytes,omitempty"`
	Rules            []RuleResult `json:"scale_rules,omitempty"`
	// Notes explains adjustments, e.g. a limit raised to its request.
	Notes []string `json:"notes,omitempty"`
}

// ComputeResources applies the input channels' scale rules to the
// instance's resources: for each rule of type limit (request),
// memory = max(static memory, scale_factor x size + 10%). Values are
// always valid Kubernetes quantities: static values as written, derived
// ones in whole Mi. If a derived request exceeds the limit, the limit is
// raised to the request, since Kubernetes rejects request > limit.
func ComputeResources(in *Instance, measure MeasureFunc) (*Computed, error) {
	c := &Computed{}
	if in.Resources != nil {
		c.Resources.Limits = maps.Clone(in.Resources.Limits)
		c.Resources.Requests = maps.Clone(in.Resources.Requests)
	}
	limit, err := staticMemory(c.Resources.Limits)
	if err != nil {
		return nil, fmt.Errorf("limits.memory: %w", err)
	}
	request, err := staticMemory(c.Resources.Requests)
	if err != nil {
		return nil, fmt.Errorf("requests.memory: %w", err)
	}
	limitRaised, requestRaised := false, false
	for _, ch := range in.Inputs {
		rule := ch.ScaleRule
		if rule == nil {
			continue
		}
		size, err := measure(ch)
		if err != nil {
			return nil, fmt.Errorf("measure input channel %q: %w", ch.Name, err)
		}
		req, err := requirement(int64(rule.ScaleFactor), size)
		if err != nil {
			return nil, fmt.Errorf("scale rule of input channel %q: %w", ch.Name, err)
		}
		c.Rules = append(c.Rules, RuleResult{Channel: ch.Name, Type: rule.Type, Mode: rule.Mode, SizeBytes: size,
			ScaleFactor: int64(rule.ScaleFactor), Required: formatMi(req), RequiredBytes: req})
		switch rule.Type {
		case ScaleLimit:
			if req > limit.bytes {
				limit, limitRaised = memValue{bytes: req}, true
			}
		case ScaleRequest:
			if req > request.bytes {
				request, requestRaised = memValue{bytes: req}, true
			}
		}
	}
	if limit.set() && request.bytes > limit.bytes {
		c.Notes = append(c.Notes, fmt.Sprintf("limits.memory raised from %s to the request %s", limit.String(), request.String()))
		limit, limitRaised = request, true
	}
	if limitRaised {
		c.Resources.Limits = withMemory(c.Resources.Limits, limit.String())
	}
	if requestRaised {
		c.Resources.Requests = withMemory(c.Resources.Requests, request.String())
	}
	c.MemoryLimitBytes = limit.bytes
	return c, nil
}

// memValue is a memory amount and, for static values, its spelling.
type memValue struct {
	bytes   int64
	written string
}

func (m memValue) set() bool { return m.bytes > 0 || m.written != "" }

func (m memValue) String() string {
	if m.written != "" {
		return m.written
	}
	return formatMi(m.bytes)
}

func staticMemory(list ResourceList) (memValue, error) {
	s, ok := list["memory"]
	if !ok {
		return memValue{}, nil
	}
	q, err := resource.ParseQuantity(string(s))
	if err != nil {
		return memValue{}, fmt.Errorf("%q is not a Kubernetes quantity: %w", string(s), err)
	}
	return memValue{bytes: q.Value(), written: string(s)}, nil
}

// requirement is scale_factor x size plus the headroom, rounded up to a
// whole MiB.
func requirement(factor, size int64) (int64, error) {
	if factor < 0 || size < 0 {
		return 0, fmt.Errorf("negative scale factor or size")
	}
	if factor == 0 || size == 0 {
		return 0, nil
	}
	if size > math.MaxInt64/factor/2 {
		return 0, fmt.Errorf("scale_factor %d x %d bytes overflows", factor, size)
	}
	b := factor * size
	b += b/100*HeadroomPercent + (b%100*HeadroomPercent+99)/100
	return (b + mebibyte - 1) / mebibyte * mebibyte, nil
}

func formatMi(b int64) string {
	return resource.NewQuantity((b+mebibyte-1)/mebibyte*mebibyte, resource.BinarySI).String()
}

func withMemory(list ResourceList, v string) ResourceList {
	out := maps.Clone(list)
	if out == nil {
		out = ResourceList{}
	}
	out["memory"] = QuantityString(v)
	return out
}
