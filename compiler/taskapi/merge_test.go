package taskapi

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Kaapana's test_merge_env: VAR1 overridden, VAR2 kept, VAR3 appended.
func TestMergeEnv(t *testing.T) {
	got := MergeEnv(
		[]TemplateEnv{{Name: "VAR1", Value: "0", Description: "d"}, {Name: "VAR2", Value: "0"}},
		[]Env{{Name: "VAR3", Value: "3"}, {Name: "VAR1", Value: "1"}},
	)
	want := []TemplateEnv{{Name: "VAR1", Value: "1", Description: "d"}, {Name: "VAR2", Value: "0"}, {Name: "VAR3", Value: "3"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MergeEnv (-want +got):\n%s", diff)
	}
}

// A name the task sets twice keeps its first value, as Kaapana's merge does.
func TestMergeEnvDuplicateKeepsFirst(t *testing.T) {
	got := MergeEnv([]TemplateEnv{{Name: "A", Value: "0"}},
		[]Env{{Name: "A", Value: "first"}, {Name: "B", Value: "b1"}, {Name: "A", Value: "second"}, {Name: "B", Value: "b2"}})
	want := []TemplateEnv{{Name: "A", Value: "first"}, {Name: "B", Value: "b1"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MergeEnv (-want +got):\n%s", diff)
	}
}

func TestNewInstance(t *testing.T) {
	rule := &ScaleRule{ScaleFactor: 2, Type: ScaleLimit, Mode: ModeSum}
	override := &ScaleRule{ScaleFactor: 5, Type: ScaleRequest, Mode: ModeMaxFileSize}
	tmpl := &TaskTemplate{
		Identifier: "down", Description: "downstream",
		Inputs:    []IOMount{{Name: "a", MountedPath: "/a", ScaleRule: rule}, {Name: "b", MountedPath: "/b"}, {Name: "c", MountedPath: "/c", ScaleRule: rule}},
		Outputs:   []IOMount{{Name: "out", MountedPath: "/out"}},
		Env:       []TemplateEnv{{Name: "X", Value: "1"}},
		Command:   []string{"run"},
		Resources: &Resources{Limits: ResourceList{"memory": "1Gi"}, Requests: ResourceList{"memory": "100Mi"}},
	}
	tests := []struct {
		name    string
		task    Task
		want    *Instance
		wantErr error
	}{{
		name: "template defaults, channels without volume dropped",
		task: Task{Name: "t", Image: "img", Inputs: []IOVolume{{Name: "c", VolumeSource: HostPathVolume{"/h/c"}}, {Name: "a", VolumeSource: HostPathVolume{"/h/a"}}}},
		want: &Instance{Name: "t", Image: "img", Identifier: "down", Description: "downstream", Command: []string{"run"},
			Resources: tmpl.Resources, Env: []TemplateEnv{{Name: "X", Value: "1"}},
			Inputs:  []Channel{{Name: "a", MountedPath: "/a", HostPath: "/h/a", ScaleRule: rule}, {Name: "c", MountedPath: "/c", HostPath: "/h/c", ScaleRule: rule}},
			Outputs: []Channel{}},
	}, {
		name: "task command, resources and scale rule replace the template's",
		task: Task{Name: "t", Image: "img", Command: []string{"other"}, Resources: &Resources{Limits: ResourceList{"cpu": "1"}},
			Config:  &Config{Type: RunnerK8s, Namespace: "ns"},
			Inputs:  []IOVolume{{Name: "a", VolumeSource: HostPathVolume{"/h/a"}, ScaleRule: override}},
			Outputs: []IOVolume{{Name: "out", VolumeSource: HostPathVolume{"/h/out"}}},
			Env:     []Env{{Name: "X", Value: "2"}, {Name: "Y", Value: "3"}}},
		want: &Instance{Name: "t", Image: "img", Identifier: "down", Description: "downstream", Command: []string{"other"},
			Resources: &Resources{Limits: ResourceList{"cpu": "1"}}, Config: Config{Type: RunnerK8s, Namespace: "ns"},
			Env:     []TemplateEnv{{Name: "X", Value: "2"}, {Name: "Y", Value: "3"}},
			Inputs:  []Channel{{Name: "a", MountedPath: "/a", HostPath: "/h/a", ScaleRule: override}},
			Outputs: []Channel{{Name: "out", MountedPath: "/out", HostPath: "/h/out"}}},
	}, {
		name: "a channel bound twice keeps its first volume",
		task: Task{Name: "t", Image: "img", Inputs: []IOVolume{{Name: "a", VolumeSource: HostPathVolume{"/first"}}, {Name: "a", VolumeSource: HostPathVolume{"/second"}}}},
		want: &Instance{Name: "t", Image: "img", Identifier: "down", Description: "downstream", Command: []string{"run"},
			Resources: tmpl.Resources, Env: []TemplateEnv{{Name: "X", Value: "1"}},
			Inputs:  []Channel{{Name: "a", MountedPath: "/a", HostPath: "/first", ScaleRule: rule}},
			Outputs: []Channel{}},
	}, {
		name:    "volume naming an unknown channel",
		task:    Task{Name: "t", Image: "img", Inputs: []IOVolume{{Name: "out", VolumeSource: HostPathVolume{"/h"}}}},
		wantErr: ErrUnknownChannel,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewInstance(tmpl, &tt.task)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("NewInstance (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPodName(t *testing.T) {
	long := "manual__2025-12-18T10:00:00.000000+00:00-dummy-workflow-upstream-task-with-a-long-name"
	tests := []struct{ in, want string }{
		{"validname", "validname"},
		{"valid-name-123", "valid-name-123"},
		{"Kubernetes task for dummy image", "kubernetes-task-for-dummy-image"},
		{"__Upper_Case__", "upper-case"},
		{long, "manual--2025-12-18t10-00-00.000000-00-00-dummy-workflow-upstre"},
		{string(make([]byte, 0)) + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
	}
	for _, tt := range tests {
		got, err := PodName(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("PodName(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		if len(got) > 62 {
			t.Errorf("PodName(%q) has %d characters", tt.in, len(got))
		}
	}
	if _, err := PodName("___"); err == nil {
		t.Error("PodName(\"___\") succeeded")
	}
}
