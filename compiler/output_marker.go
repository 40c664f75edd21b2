package compiler

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/pono-gitops/pono/internal/safefs"

	"github.com/pono-gitops/pono/compiler/internal/source"
)

// MarkerFile lists every file of a compile output with its SHA-256, in
// sha256sum's format (`sha256sum -c .pono-output` checks it). pono replaces
// an existing output directory only when the marker is there and the
// directory holds exactly the files it lists, unchanged: anything else in
// it (hand-written notes, a platform) is never wiped.
const MarkerFile = ".pono-output"

// marker renders the marker for files (slash-separated names), sorted so
// that two compiles of the same input are byte-identical.
func marker(files map[string][]byte) []byte {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	for _, n := range names {
		sum := sha256.Sum256(files[n])
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(sum[:]), n)
	}
	return b.Bytes()
}

// parseMarker reads a marker back: file name to hex digest.
func parseMarker(b []byte) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for line := 1; sc.Scan(); line++ {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok || len(sum) != sha256.Size*2 || !validOutputName(name) {
			return nil, fmt.Errorf("line %d is not \"<sha256>  <file>\"", line)
		}
		if _, err := hex.DecodeString(sum); err != nil {
			return nil, fmt.Errorf("line %d is not \"<sha256>  <file>\"", line)
		}
		out[name] = sum
	}
	return out, sc.Err()
}

// validOutputName accepts the relative, clean, slash-separated names a
// compile writes; a marker naming ../x or /etc/x is not pono's.
func validOutputName(n string) bool {
	return n != "" && n != MarkerFile && path.Clean(n) == n && !path.IsAbs(n) && n != ".." && !strings.HasPrefix(n, "../")
}

// refusal explains why an output directory is not replaced.
type refusal struct {
	out    string
	reason string
}

func (e *refusal) Error() string {
	return fmt.Sprintf("refusing to replace %s: %s", e.out, e.reason)
}

// checkReplaceable says whether out may be replaced by a new compile
// output: it does not exist, is an empty directory, or is an earlier
// output whose files all match its marker.
func checkReplaceable(out string) error {
	fi, err := os.Lstat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", out, source.PathCause(err))
	}
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return &refusal{out, "it is a symbolic link; name the directory itself"}
	case fi.Mode().IsRegular():
		return &refusal{out, "it is a file, not an earlier compile output"}
	case !fi.IsDir():
		return &refusal{out, "it is not a directory"}
	}
	entries, err := os.ReadDir(out)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", out, source.PathCause(err))
	}
	if len(entries) == 0 {
		return nil
	}
	mb, err := safefs.ReadRegularFile(filepath.Join(out, MarkerFile), 1<<20)
	if errors.Is(err, fs.ErrNotExist) {
		return &refusal{out, fmt.Sprintf("it is not empty and has no %s, so it is not an earlier compile output (move its files away or choose another --output-dir)", MarkerFile)}
	}
	if err != nil {
		return &refusal{out, fmt.Sprintf("its %s cannot be read: %v", MarkerFile, err)}
	}
	want, err := parseMarker(mb)
	if err != nil {
		return &refusal{out, fmt.Sprintf("its %s is not one pono wrote (%v)", MarkerFile, err)}
	}
	problems, err := compareOutput(out, want)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return &refusal{out, "it changed since pono wrote it: " + listProblems(problems)}
	}
	return nil
}

// compareOutput walks out (never following links) and lists what differs
// from want: files added, changed or of another type, and directories no
// listed file lives in. A listed file that is missing is not a problem:
// replacing the directory loses nothing of it.
func compareOutput(out string, want map[string]string) ([]string, error) {
	dirs := map[string]bool{}
	for n := range want {
		for d := path.Dir(n); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	var problems []string
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("cannot read %s: %w", p, source.PathCause(err))
		}
		if p == out {
			return nil
		}
		rel, err := filepath.Rel(out, p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		switch {
		case name == MarkerFile:
		case d.IsDir():
			if !dirs[name] {
				problems = append(problems, name+"/ (not pono's)")
				return fs.SkipDir
			}
		case want[name] == "":
			problems = append(problems, name+" (not pono's)")
		case !d.Type().IsRegular():
			problems = append(problems, name+" (no longer a regular file)")
		default:
			sum, err := fileSHA256(p)
			if err != nil {
				return err
			}
			if sum != want[name] {
				problems = append(problems, name+" (changed)")
			}
		}
		return nil
	})
	return problems, err
}

func fileSHA256(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", fmt.Errorf("cannot read %s: %w", p, source.PathCause(err))
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("cannot read %s: %w", p, source.PathCause(err))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// listProblems names at most five problems, then counts the rest.
func listProblems(ps []string) string {
	const show = 5
	if len(ps) <= show {
		return strings.Join(ps, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ps[:show], ", "), len(ps)-show)
}
