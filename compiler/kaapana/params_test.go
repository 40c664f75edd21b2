package kaapana

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestListMultiDuplicate(t *testing.T) {
	params := []Param{{Name: "plugins", Type: TypeListMulti, Options: []string{"a", "b"}}}
	_, probs := ResolveParams(params, map[string]any{"plugins": []any{"a", "b", "a"}}, nil)
	want := []ParamProblem{{"plugins", true, `parameter "plugins": entry "a" is listed twice`}}
	if diff := cmp.Diff(want, probs); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	got, probs := ResolveParams(params, map[string]any{"plugins": []any{"b", "a"}}, nil)
	if len(probs) != 0 || got["plugins"] != "b,a" {
		t.Errorf("distinct entries: %v %v", got, probs)
	}
}
