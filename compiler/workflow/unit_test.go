package workflow

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pono-gitops/pono/compiler/taskapi"
	"github.com/pono-gitops/pono/compiler/workflow/dag"
)

// A channel written twice in one document reaches Compile (a Go map would
// keep the last one silently) and is an error.
func TestChannelBoundTwice(t *testing.T) {
	var tk Task
	src := `{"container": "dummy", "template": "downstream", "inputs": {"channel1": "up.channel1", "channel2": "up.channel2", "channel1": "up.channel2"}}`
	if err := json.Unmarshal([]byte(src), &tk); err != nil {
		t.Fatal(err)
	}
	ar := readArchive(t, "testdata/good_dummy.txtar")
	in := Input{
		Platform: Platform{BuildVersion: "0.6.0"},
		Workflows: Workflows{"twice": {Labels: map[string]string{"provider": "p", "category": "c"},
			Containers: map[string]Container{"dummy": {ProcessingContainer: PCSource{Path: "pc/dummy.json"}}},
			Tasks:      map[string]Task{"up": {Container: "dummy", Template: "upstream"}, "down": tk}}},
		ReadFile: ar.ReadFile,
	}
	_, diags := Compile(in)
	var got []string
	for _, d := range diags {
		got = append(got, d.String())
	}
	want := []string{`workflow twice: task down: input channel "channel1" is bound twice (to up.channel1 and to up.channel2); a channel has one source`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Error(diff)
	}
}

func TestEnvValueString(t *testing.T) {
	for raw, want := range map[string]string{
		`"x"`: "x", `true`: "true", `false`: "false", `0`: "0", `-12`: "-12", `100`: "100",
		`0.2`: "0.2", `1.5e3`: "1500", `1e21`: "1000000000000000000000", `""`: "",
	} {
		got, err := EnvValue{Raw: json.RawMessage(raw)}.String()
		if err != nil || got != want {
			t.Errorf("%s: got %q, %v; want %q", raw, got, err, want)
		}
	}
	for _, raw := range []string{`null`, `[1]`, `{}`} {
		if _, err := (EnvValue{Raw: json.RawMessage(raw)}).String(); err == nil {
			t.Errorf("%s converted", raw)
		}
	}
}

// A value holding Jinja delimiters comes out of workflow-api's render as
// written: the DAG escapes the "{" that would open one.
func TestDAGStringsSurviveJinja(t *testing.T) {
	got := dag.Str(`{{ x }} {% if %} {# c #} {a} "q" \ ` + "\n")
	want := `"\x7b{ x }} \x7b% if %} \x7b# c #} {a} \"q\" \\ \n"`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if strings.Contains(got, "{{") || strings.Contains(got, "{%") || strings.Contains(got, "{#") {
		t.Errorf("a Jinja delimiter is left in %s", got)
	}
}

// Two compiles of the same input are byte-identical.
func TestDeterministic(t *testing.T) {
	ar := readArchive(t, "testdata/good_dummy.txtar")
	first := outputs(mustCompile(t, loadInput(t, ar, "platform.yaml")))
	for range 5 {
		if diff := cmp.Diff(first, outputs(mustCompile(t, loadInput(t, ar, "platform.yaml")))); diff != "" {
			t.Fatal(diff)
		}
	}
}

func mustCompile(t testing.TB, in Input) *Result {
	t.Helper()
	res, diags := Compile(in)
	if diags.HasErrors() {
		t.Fatal(diags.AsError())
	}
	return res
}

// The fast pod-name derivation agrees with taskapi.PodName for every run
// id length.
func TestPodNamesMatchTaskAPI(t *testing.T) {
	for _, id := range []string{"upstream", "Upper", "_lead", "trail_", "a.b-c", "convert_the_moving_images_to_nrrd_and_more_and_more_and_more_x"} {
		pn := newPodNames(id)
		for l := 0; l <= maxPodName; l++ {
			want, err := taskapi.PodName(strings.Repeat("x", l) + "-" + id)
			if err != nil {
				continue
			}
			got := strings.Repeat("x", l) + pn.name(l)
			if l == 0 {
				got = pn.name(0)
			}
			if got != want {
				t.Errorf("%s, run id of %d: got %q, taskapi.PodName %q", id, l, got, want)
			}
		}
	}
}

func TestBindingsRoundTrip(t *testing.T) {
	b := Bindings{{Channel: "z", Source: "a.out"}, {Channel: "a", Source: "b.out"}}
	out, err := json.Marshal(b)
	if err != nil || string(out) != `{"z":"a.out","a":"b.out"}` {
		t.Fatalf("%s, %v", out, err)
	}
	var back Bindings
	if err := json.Unmarshal(out, &back); err != nil || !cmp.Equal(b, back) {
		t.Fatalf("%v, %v", back, err)
	}
}
