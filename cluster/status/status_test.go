package status

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestPodStatus(t *testing.T) {
	ready := []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue}}
	waiting := func(reason string) []corev1.ContainerStatus {
		return []corev1.ContainerStatus{{State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason}}}}
	}
	terminated := func(reason string, code int32) []corev1.ContainerStatus {
		return []corev1.ContainerStatus{{State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{Reason: reason, ExitCode: code}}}}
	}
	tests := []struct {
		name      string
		status    corev1.PodStatus
		want      string
		wantReady bool
	}{
		{"running and ready", corev1.PodStatus{Phase: corev1.PodRunning, Conditions: ready}, "Running", true},
		{"running, not ready", corev1.PodStatus{Phase: corev1.PodRunning}, "Running", false},
		{"completed", corev1.PodStatus{Phase: corev1.PodSucceeded, ContainerStatuses: terminated("Completed", 0)}, "Completed", true},
		{"pending", corev1.PodStatus{Phase: corev1.PodPending}, "Pending", false},
		{"image pull", corev1.PodStatus{Phase: corev1.PodPending, ContainerStatuses: waiting("ImagePullBackOff")}, "ImagePullBackOff", false},
		{"crash loop", corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: waiting("CrashLoopBackOff")}, "CrashLoopBackOff", false},
		{"error", corev1.PodStatus{Phase: corev1.PodFailed, ContainerStatuses: terminated("Error", 1)}, "Error", false},
		{"failed", corev1.PodStatus{Phase: corev1.PodFailed}, "Failed", false},
		{"evicted", corev1.PodStatus{Phase: corev1.PodFailed, Reason: "Evicted"}, "Evicted", false},
		{"init crash", corev1.PodStatus{Phase: corev1.PodPending, InitContainerStatuses: waiting("CrashLoopBackOff")}, "Init:CrashLoopBackOff", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ready := PodStatus(&corev1.Pod{Status: tt.status})
			if got != tt.want || ready != tt.wantReady {
				t.Errorf("PodStatus = %q, %v; want %q, %v", got, ready, tt.want, tt.wantReady)
			}
		})
	}
}

func TestKindFromLabels(t *testing.T) {
	kind, exp := kindFromLabels(map[string]string{"kaapana.ai/kaapanaworkflow": "True", "kaapana.ai/kaapanaexperimental": "True", "x": "y"})
	if kind != "workflow" || !exp {
		t.Errorf("kindFromLabels = %q, %v; want workflow, experimental", kind, exp)
	}
	if kind, _ := kindFromLabels(map[string]string{"team": "a"}); kind != "" {
		t.Errorf("kindFromLabels without kaapana labels = %q, want \"\"", kind)
	}
}
