package taskrun

import (
	"testing"

	"github.com/pono-gitops/pono/compiler/taskapi"
)

// DockerSpec passes requests.memory as the reservation only when the
// engine accepts it (at least 6 MiB).
func TestDockerSpecReservation(t *testing.T) {
	for _, tt := range []struct {
		request string
		want    int64
	}{{"", 0}, {"4Mi", 0}, {"6Mi", 6 << 20}, {"8Mi", 8 << 20}} {
		c := &taskapi.Computed{Resources: taskapi.Resources{Requests: taskapi.ResourceList{}}}
		if tt.request != "" {
			c.Resources.Requests["memory"] = taskapi.QuantityString(tt.request)
		}
		spec, err := DockerSpec(&taskapi.Instance{Name: "t", Image: "img"}, c, "")
		if err != nil {
			t.Fatal(err)
		}
		if spec.MemoryReservationBytes != tt.want {
			t.Errorf("requests.memory %q: reservation %d, want %d", tt.request, spec.MemoryReservationBytes, tt.want)
		}
	}
}
