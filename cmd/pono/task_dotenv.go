package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"

	"github.com/pono-gitops/pono/internal/safefs"
)

// dotenvFlags are --env-file and --no-env-file of `pono task`.
type dotenvFlags struct {
	file   string
	noFile bool
}

// load reads the .env file, as Kaapana's CLI does with python-dotenv's
// load_dotenv() at start-up: ./.env when present (or --env-file, which
// must exist; none with --no-env-file), its variables set in the process
// environment unless already set there (the environment wins). Placeholders
// in task files, DOCKER_HOST and KUBECONFIG then see them. Lines it cannot
// parse are reported as warnings and skipped, as python-dotenv does.
func (f dotenvFlags) load(warn func(string)) error {
	if f.noFile {
		if f.file != "" {
			return usageErr(errors.New("--env-file and --no-env-file contradict each other"))
		}
		return nil
	}
	name := f.file
	if name == "" {
		name = ".env"
		if _, err := os.Stat(name); errors.Is(err, fs.ErrNotExist) {
			return nil
		}
	}
	src, err := safefs.ReadRegularFile(name, 0)
	if err != nil {
		return fmt.Errorf("env file: %w", err)
	}
	vars, warnings := parseDotenv(name, string(src), os.LookupEnv)
	for _, w := range warnings {
		warn(w)
	}
	for _, v := range vars {
		if _, set := os.LookupEnv(v.name); !set {
			if err := os.Setenv(v.name, v.value); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	return nil
}

type dotenvVar struct{ name, value string }

var (
	dotenvKeyRe    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.]*$`)
	dotenvExpandRe = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}`)
)

// parseDotenv reads python-dotenv's format, the part of it .env files use:
// KEY=VALUE lines, an optional "export " prefix, # comments (whole lines,
// or after whitespace following an unquoted value), 'single-quoted' values
// taken literally, "double-quoted" values with backslash escapes, quoted
// values spanning lines, and ${NAME} / ${NAME:-default} expanded in
// unquoted and double-quoted values (from the environment first, then the
// file's earlier lines, as load_dotenv does without override). A line with
// a name and no "=" sets nothing; a name assigned twice keeps its last
// value.
func parseDotenv(name, src string, lookup func(string) (string, bool)) ([]dotenvVar, []string) {
	var vars []dotenvVar
	var warnings []string
	seen := map[string]int{}
	get := func(k string) (string, bool) {
		if v, ok := lookup(k); ok {
			return v, true
		}
		if i, ok := seen[k]; ok {
			return vars[i].value, true
		}
		return "", false
	}
	line := 1
	for len(src) > 0 {
		start := line
		stmt, rest, lines := dotenvStatement(src)
		src, line = rest, line+lines
		text := strings.TrimSpace(stmt)
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		text = strings.TrimSpace(strings.TrimPrefix(text, "export "))
		key, raw, hasValue := strings.Cut(text, "=")
		key = strings.TrimSpace(key)
		if !dotenvKeyRe.MatchString(key) {
			warnings = append(warnings, fmt.Sprintf("%s:%d: cannot parse %q (want NAME=value); skipped, as python-dotenv does", name, start, strings.SplitN(text, "\n", 2)[0]))
			continue
		}
		if !hasValue {
			continue
		}
		value, ok := dotenvValue(strings.TrimLeft(raw, " \t"), get)
		if !ok {
			warnings = append(warnings, fmt.Sprintf("%s:%d: cannot parse the value of %s (an unclosed quote?); skipped, as python-dotenv does", name, start, key))
			continue
		}
		if i, dup := seen[key]; dup {
			vars[i].value = value
			continue
		}
		seen[key] = len(vars)
		vars = append(vars, dotenvVar{key, value})
	}
	return vars, warnings
}

// dotenvStatement cuts one statement: up to the end of the line, or, when
// the value opens a quote, up to the line on which the quote closes.
func dotenvStatement(src string) (stmt, rest string, lines int) {
	eq := strings.IndexByte(src, '=')
	nl := strings.IndexByte(src, '\n')
	if eq >= 0 && (nl < 0 || eq < nl) {
		v := strings.TrimLeft(src[eq+1:], " \t")
		if len(v) > 0 && (v[0] == '"' || v[0] == '\'') {
			if end := closingQuote(v); end >= 0 {
				off := len(src) - len(v) + end + 1
				if k := strings.IndexByte(src[off:], '\n'); k >= 0 {
					off += k
				} else {
					off = len(src)
				}
				stmt = src[:off]
				return stmt, strings.TrimPrefix(src[off:], "\n"), strings.Count(stmt, "\n") + 1
			}
		}
	}
	if nl < 0 {
		return src, "", 1
	}
	return src[:nl], src[nl+1:], 1
}

// closingQuote is the index of the quote closing v[0], -1 if none.
func closingQuote(v string) int {
	q := v[0]
	for i := 1; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case q:
			return i
		}
	}
	return -1
}

func dotenvValue(raw string, get func(string) (string, bool)) (string, bool) {
	if raw == "" {
		return "", true
	}
	expand := func(s string) string {
		return dotenvExpandRe.ReplaceAllStringFunc(s, func(m string) string {
			sm := dotenvExpandRe.FindStringSubmatch(m)
			if v, ok := get(sm[1]); ok && v != "" {
				return v
			}
			return sm[2]
		})
	}
	switch q := raw[0]; q {
	case '\'', '"':
		end := closingQuote(raw)
		if end < 0 {
			return "", false
		}
		after := strings.TrimSpace(raw[end+1:])
		if after != "" && !strings.HasPrefix(after, "#") {
			return "", false
		}
		body := raw[1:end]
		if q == '\'' {
			return strings.NewReplacer(`\\`, `\`, `\'`, `'`).Replace(body), true
		}
		return expand(strings.NewReplacer(`\\`, `\`, `\'`, `'`, `\"`, `"`, `\n`, "\n", `\r`, "\r", `\t`, "\t",
			`\a`, "\a", `\b`, "\b", `\f`, "\f", `\v`, "\v").Replace(body)), true
	}
	if i := strings.Index(raw, " #"); i >= 0 {
		raw = raw[:i]
	} else if i := strings.Index(raw, "\t#"); i >= 0 {
		raw = raw[:i]
	}
	return expand(strings.TrimRight(raw, " \t\r")), true
}
