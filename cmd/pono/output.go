package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"
)

// outputFormat is the value of every -o that names a format (as Helm's
// output.Format): the allowed set, one validation and one message, so a
// typo is refused the same way by every command before anything runs.
type outputFormat struct {
	value   string
	allowed []string
	// synonyms maps an old spelling still accepted to its format
	// ("text" was the human format's name in some commands).
	synonyms map[string]string
}

// formatError is a -o value outside the allowed set. The flag error
// handler renders it alone, without pflag's "invalid argument" prefix.
type formatError struct {
	got     string
	allowed []string
}

func (e *formatError) Error() string {
	a := e.allowed
	return fmt.Sprintf("unknown output format %q (want %s or %s)", e.got, strings.Join(a[:len(a)-1], ", "), a[len(a)-1])
}

func (f *outputFormat) String() string { return f.value }
func (f *outputFormat) Type() string   { return "format" }

func (f *outputFormat) Set(s string) error {
	if to, ok := f.synonyms[s]; ok {
		s = to
	}
	if !slices.Contains(f.allowed, s) {
		return &formatError{got: s, allowed: f.allowed}
	}
	f.value = s
	return nil
}

// bindOutput declares -o/--output on cmd: the first of allowed is the
// default. "text" is accepted for "table" where table is allowed.
func bindOutput(cmd *cobra.Command, usage string, allowed ...string) *outputFormat {
	f := newOutputFormat(allowed...)
	cmd.Flags().VarP(f, "output", "o", fmt.Sprintf("%s: %s", usage, strings.Join(allowed, ", ")))
	return f
}

// newOutputFormat is a format flag's value: the first of allowed is the
// default; "text" is accepted for "table" where table is allowed.
func newOutputFormat(allowed ...string) *outputFormat {
	f := &outputFormat{value: allowed[0], allowed: allowed}
	if slices.Contains(allowed, "table") {
		f.synonyms = map[string]string{"text": "table"}
	}
	return f
}

// writeStructured prints v as JSON or YAML when format asks for one and
// reports whether it did; the other formats are left to the caller.
func writeStructured(w io.Writer, format string, v any) (bool, error) {
	switch format {
	case "json":
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return true, err
		}
		_, err = fmt.Fprintln(w, string(b))
		return true, err
	case "yaml":
		b, err := yaml.Marshal(v)
		if err != nil {
			return true, err
		}
		_, err = w.Write(b)
		return true, err
	}
	return false, nil
}
