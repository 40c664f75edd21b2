package taskapi

import (
	"fmt"
	"sync"
	"testing"
)

// Validate shares one compiled schema between calls, also concurrent ones
// (run with -race): each report is the one a lone call gives.
func TestValidateConcurrently(t *testing.T) {
	good := []byte(`{"name": "c", "description": "d", "templates": [{"identifier": "t", "description": "d", "env": [], "inputs": [], "outputs": []}]}`)
	bad := []byte(`{"name": 3, "templates": []}`)
	want := map[bool]string{}
	for _, valid := range []bool{true, false} {
		src := good
		if !valid {
			src = bad
		}
		r, _ := Validate("pc.json", src, ValidateOptions{Kind: KindProcessingContainer})
		want[valid] = fmt.Sprint(r.Diagnostics)
		if r.Valid() != valid {
			t.Fatalf("valid = %v, want %v: %v", r.Valid(), valid, r.Diagnostics)
		}
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			valid := i%2 == 0
			src := good
			if !valid {
				src = bad
			}
			r, _ := Validate("pc.json", src, ValidateOptions{Kind: KindProcessingContainer})
			if got := fmt.Sprint(r.Diagnostics); got != want[valid] {
				t.Errorf("concurrent report %s, want %s", got, want[valid])
			}
		})
	}
	wg.Wait()
}
