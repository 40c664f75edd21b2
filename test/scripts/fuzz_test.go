package scripts

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeGo stands in for the go command in TestFuzzScriptVerdicts: `test
// -list` names one target, `list` gives its package directory, the fuzzing
// run prints $FAKE_FUZZ_OUT (writing a failing input when $FAKE_WRITE is
// set) and exits $FAKE_FUZZ_RC, the corpus replay exits $FAKE_REPLAY_RC.
const fakeGo = `#!/usr/bin/env bash
case "$1 $2" in
"test -list") printf 'FuzzThing\nok  \texample.com/thing\t0.01s\n' ;;
"list -f") echo "$FAKE_DIR" ;;
"test -run")
	if [[ $3 == '^$' ]]; then
		printf '%b' "$FAKE_FUZZ_OUT"
		if [[ -n $FAKE_WRITE ]]; then mkdir -p "$FAKE_DIR/testdata/fuzz/FuzzThing"; echo x >"$FAKE_DIR/testdata/fuzz/FuzzThing/abc"; fi
		exit "$FAKE_FUZZ_RC"
	fi ;;
"test -count=1") echo replayed >>"$FAKE_DIR/replays"; exit "$FAKE_REPLAY_RC" ;;
*) echo "fake go: unexpected $*" >&2; exit 2 ;;
esac
`

// TestFuzzScriptVerdicts: fuzz.sh fails a target on every real finding and
// forgives only go's coordinator deadline race (go.dev/issue/75804), and
// that only after the target's corpus replays cleanly.
func TestFuzzScriptVerdicts(t *testing.T) {
	const race = "--- FAIL: FuzzThing (31.05s)\n    context deadline exceeded\nFAIL\n"
	cases := []struct {
		name       string
		out        string
		fuzzRC     string
		write      bool
		replayRC   string
		wantOK     bool
		wantReplay bool
	}{
		{name: "pass", out: "PASS\n", fuzzRC: "0", replayRC: "1", wantOK: true},
		{name: "race, corpus replays", out: race, fuzzRC: "1", replayRC: "0", wantOK: true, wantReplay: true},
		{name: "race, corpus fails", out: race, fuzzRC: "1", replayRC: "1", wantOK: false, wantReplay: true},
		{name: "deadline with an input written", out: race, fuzzRC: "1", write: true, replayRC: "0", wantOK: false},
		{name: "crash", out: "--- FAIL: FuzzThing (1.00s)\n    panic: boom\n    Failing input written to testdata/fuzz/FuzzThing/abc\n", fuzzRC: "1", write: true, replayRC: "0", wantOK: false},
		{name: "deadline among other errors", out: "--- FAIL: FuzzThing (31.05s)\n    fuzz.go:1: took 3s\n    context deadline exceeded\n", fuzzRC: "1", replayRC: "0", wantOK: false},
	}
	script, err := filepath.Abs("fuzz.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			goBin := filepath.Join(tmp, "go")
			if err := os.WriteFile(goBin, []byte(fakeGo), 0o755); err != nil {
				t.Fatal(err)
			}
			pkgDir := filepath.Join(tmp, "pkg")
			if err := os.Mkdir(pkgDir, 0o755); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("bash", script)
			cmd.Env = append(os.Environ(), "GO="+goBin, "FAKE_DIR="+pkgDir,
				"FAKE_FUZZ_OUT="+tc.out, "FAKE_FUZZ_RC="+tc.fuzzRC, "FAKE_REPLAY_RC="+tc.replayRC)
			if tc.write {
				cmd.Env = append(cmd.Env, "FAKE_WRITE=1")
			}
			out, err := cmd.CombinedOutput()
			if ok := err == nil; ok != tc.wantOK {
				t.Errorf("fuzz.sh succeeded = %v, want %v\n%s", ok, tc.wantOK, out)
			}
			_, statErr := os.Stat(filepath.Join(pkgDir, "replays"))
			if replayed := statErr == nil; replayed != tc.wantReplay {
				t.Errorf("corpus replayed = %v, want %v\n%s", replayed, tc.wantReplay, out)
			}
			if !tc.wantOK && !strings.Contains(string(out), "fuzz: failed: FuzzThing (example.com/thing)") {
				t.Errorf("output does not name the failed target:\n%s", out)
			}
		})
	}
}
