package taskapi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/resource"
)

func TestComputeResources(t *testing.T) {
	const mi = 1 << 20
	limitRule := &ScaleRule{ScaleFactor: 25, Type: ScaleLimit, Mode: ModeSum}
	requestRule := &ScaleRule{ScaleFactor: 10, Type: ScaleRequest, Mode: ModeSum}
	tests := []struct {
		name      string
		resources *Resources
		inputs    []Channel
		size      int64
		want      Resources
		wantLimit int64
	}{{
		name:      "static values are used as written, no headroom",
		resources: &Resources{Limits: ResourceList{"memory": "500M", "cpu": "1"}, Requests: ResourceList{"memory": "100Mi"}},
		want:      Resources{Limits: ResourceList{"memory": "500M", "cpu": "1"}, Requests: ResourceList{"memory": "100Mi"}},
		wantLimit: 500_000_000,
	}, {
		name:      "limit rule above the static limit: factor x size + 10%, whole Mi",
		resources: &Resources{Limits: ResourceList{"memory": "50Mi"}},
		inputs:    []Channel{{Name: "c", ScaleRule: limitRule}},
		size:      4 * mi, // 25 x 4Mi = 100Mi, +10% = 110Mi
		want:      Resources{Limits: ResourceList{"memory": "110Mi"}},
		wantLimit: 110 * mi,
	}, {
		name:      "limit rule below the static limit keeps it",
		resources: &Resources{Limits: ResourceList{"memory": "1Gi"}},
		inputs:    []Channel{{Name: "c", ScaleRule: limitRule}},
		size:      mi,
		want:      Resources{Limits: ResourceList{"memory": "1Gi"}},
		wantLimit: 1 << 30,
	}, {
		name:      "headroom rounds up to the next Mi",
		inputs:    []Channel{{Name: "c", ScaleRule: limitRule}},
		size:      1000, // 25000 B + 2500 = 27500 B -> 1Mi
		want:      Resources{Limits: ResourceList{"memory": "1Mi"}},
		wantLimit: mi,
	}, {
		name:   "no resources at all, request rule",
		inputs: []Channel{{Name: "c", ScaleRule: requestRule}},
		size:   10 * mi, // 100Mi + 10%
		want:   Resources{Requests: ResourceList{"memory": "110Mi"}},
	}, {
		name:      "request rule above the limit raises the limit",
		resources: &Resources{Limits: ResourceList{"memory": "50Mi"}, Requests: ResourceList{"memory": "10Mi"}},
		inputs:    []Channel{{Name: "c", ScaleRule: requestRule}},
		size:      10 * mi,
		want:      Resources{Limits: ResourceList{"memory": "110Mi"}, Requests: ResourceList{"memory": "110Mi"}},
		wantLimit: 110 * mi,
	}, {
		name:      "empty channel: static value stays",
		resources: &Resources{Limits: ResourceList{"memory": "2000Mi"}},
		inputs:    []Channel{{Name: "c", ScaleRule: limitRule}},
		want:      Resources{Limits: ResourceList{"memory": "2000Mi"}},
		wantLimit: 2000 * mi,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &Instance{Resources: tt.resources, Inputs: tt.inputs}
			got, err := ComputeResources(in, func(Channel) (int64, error) { return tt.size, nil })
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got.Resources); diff != "" {
				t.Errorf("resources (-want +got):\n%s", diff)
			}
			if got.MemoryLimitBytes != tt.wantLimit {
				t.Errorf("MemoryLimitBytes = %d, want %d", got.MemoryLimitBytes, tt.wantLimit)
			}
			for _, list := range []ResourceList{got.Resources.Limits, got.Resources.Requests} {
				for k, v := range list {
					if _, err := resource.ParseQuantity(string(v)); err != nil {
						t.Errorf("%s = %q is not a Kubernetes quantity", k, v)
					}
				}
			}
		})
	}
}
