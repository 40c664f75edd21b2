package spec

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pono-gitops/pono/compiler/diag"
)

// FuzzLoadPlatform loads a platform of one file (YAML, JSON or CUE, by
// kind) with an environment overlay (YAML). Invariants: no panic, an error
// has a message without Go or CUE internals, every diagnostic about a file
// names file:line:col, and each input is done within its time bound.
func FuzzLoadPlatform(f *testing.F) {
	for _, seed := range fuzzSeeds(f) {
		f.Add(seed.kind, seed.base, seed.overlay)
	}
	// The fuzzer must not wait half a minute for a CUE evaluation.
	f.Setenv("PONO_CUE_TIMEOUT", "2s")
	f.Setenv("PONO_CUE_MAX_MEMORY", "256MiB")
	f.Fuzz(func(t *testing.T, kind uint8, base, overlay []byte) {
		ext := []string{".yaml", ".json", ".cue"}[int(kind)%3]
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "platform"+ext), base)
		env := ""
		if len(overlay) > 0 {
			env = "prod"
			writeFile(t, filepath.Join(dir, EnvironmentsDir, env, "prod.yaml"), overlay)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := LoadContext(ctx, dir, env)
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("load did not finish within 10s")
		}
		checkMessage(t, err.Error())
		var de *diag.Err
		if !errors.As(err, &de) {
			return
		}
		for _, d := range de.List {
			if strings.Contains(d.Pos, dir) && !filePos.MatchString(d.Pos) {
				t.Errorf("diagnostic with a file but no line:col: %q", d.String())
			}
			if d.Pos == "" && strings.Contains(d.Message, dir) {
				t.Errorf("diagnostic names a file but has no position: %q", d.String())
			}
		}
	})
}

var (
	filePos  = regexp.MustCompile(`^.+:[0-9]+:[0-9]+$`)
	internal = regexp.MustCompile(`goroutine |panic|interface \{\}|\[\]source\.|map\[string\]|empty disjunction|\."\\"`)
)

func checkMessage(t *testing.T, msg string) {
	t.Helper()
	if strings.TrimSpace(msg) == "" {
		t.Fatal("empty error message")
	}
	if m := internal.FindString(msg); m != "" {
		t.Errorf("message shows internals (%q): %s", m, msg)
	}
}

type fuzzSeed struct {
	kind          uint8
	base, overlay []byte
}

// fuzzSeeds are the platform files of examples/ and platforms/, each with
// the overlays of its environments.
func fuzzSeeds(f *testing.F) []fuzzSeed {
	root := filepath.Join("..", "..", "..")
	var seeds []fuzzSeed
	for _, pattern := range []string{"examples/*/*", "platforms/*/*"} {
		files, _ := filepath.Glob(filepath.Join(root, pattern))
		for _, file := range files {
			kind := map[string]uint8{".yaml": 0, ".json": 1, ".cue": 2}
			k, ok := kind[filepath.Ext(file)]
			if !ok {
				continue
			}
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, fuzzSeed{kind: k, base: b})
			overlays, _ := filepath.Glob(filepath.Join(filepath.Dir(file), EnvironmentsDir, "*", "*.yaml"))
			for _, o := range overlays {
				ob, err := os.ReadFile(o)
				if err != nil {
					f.Fatal(err)
				}
				seeds = append(seeds, fuzzSeed{kind: k, base: b, overlay: ob})
			}
		}
	}
	if len(seeds) == 0 {
		f.Fatal("no seed files under examples/ and platforms/")
	}
	seeds = append(seeds,
		fuzzSeed{kind: 0, base: []byte("name: x\nextensions:\n  app: {version: \"1\", parameters:}\n")},
		fuzzSeed{kind: 1, base: []byte(`{"name": "x", "globals": {"a": [1, 2]}}`)},
		fuzzSeed{kind: 2, base: []byte("name: \"x\"\nglobals: n: globals.n + 1\n")},
	)
	return seeds
}
