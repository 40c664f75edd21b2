package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The python-dotenv syntax .env files use, each case with what
// load_dotenv() would set.
func TestParseDotenv(t *testing.T) {
	src := `# a comment
PLAIN=value
SPACED = spaced value   
export EXPORTED=1
COMMENTED=abc # trailing comment
HASH=abc#not-a-comment
SINGLE='literal $HOME \n # kept'
DOUBLE="line\nnext \"quoted\" # kept"
MULTI="first
second"
EMPTY=
QUOTED_EMPTY=""
NOVALUE
REF=${PLAIN}-${FROM_ENV}-${UNSET:-fallback}
PLAIN=overridden
bad line
UNCLOSED="never closed
`
	env := map[string]string{"FROM_ENV": "env"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	vars, warnings := parseDotenv(".env", src, lookup)
	got := map[string]string{}
	for _, v := range vars {
		got[v.name] = v.value
	}
	want := map[string]string{
		"PLAIN":        "overridden",
		"SPACED":       "spaced value",
		"EXPORTED":     "1",
		"COMMENTED":    "abc",
		"HASH":         "abc#not-a-comment",
		"SINGLE":       `literal $HOME \n # kept`,
		"DOUBLE":       "line\nnext \"quoted\" # kept",
		"MULTI":        "first\nsecond",
		"EMPTY":        "",
		"QUOTED_EMPTY": "",
		"REF":          "value-env-fallback",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("variables (-want +got):\n%s", diff)
	}
	wantWarnings := []string{
		`.env:16: cannot parse "bad line" (want NAME=value); skipped, as python-dotenv does`,
		`.env:17: cannot parse the value of UNCLOSED (an unclosed quote?); skipped, as python-dotenv does`,
	}
	if diff := cmp.Diff(wantWarnings, warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}
