package taskapi

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/pono-gitops/pono/internal/goldentest"
)

// TestValidateGolden runs each testdata/validate/*.txtar: the archive's
// comment holds options (kind:, strict:, env: NAME=value ...), input.json is
// validated (against pc.json when present) and the diagnostics must equal
// the "want" section.
func TestValidateGolden(t *testing.T) {
	goldentest.Run(t, "testdata/validate/*.txtar", func(t *testing.T, ar *txtar.Archive) map[string]string {
		opts := ValidateOptions{}
		env := map[string]string{}
		for _, line := range strings.Split(string(ar.Comment), "\n") {
			k, v, _ := strings.Cut(line, ":")
			v = strings.TrimSpace(v)
			switch strings.TrimSpace(k) {
			case "kind":
				opts.Kind = Kind(v)
			case "strict":
				opts.Strict = v == "true"
			case "env":
				for _, kv := range strings.Fields(v) {
					name, val, _ := strings.Cut(kv, "=")
					env[name] = val
				}
			}
		}
		opts.Lookup = lookupMap(env)
		input, _ := goldentest.Section(ar, "input.json")
		if data, ok := goldentest.Section(ar, "pc.json"); ok {
			pc, _, err := LoadProcessingContainer("pc.json", data, ValidateOptions{})
			if err != nil {
				t.Fatal(err)
			}
			opts.ProcessingContainer = pc
		}
		r, _ := Validate("input.json", input, opts)
		var b strings.Builder
		for _, d := range r.Diagnostics {
			b.WriteString(d.String() + "\n")
		}
		fmt.Fprintf(&b, "valid: %v\n", r.Valid())
		return map[string]string{"want": b.String()}
	})
}
