package taskapi

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTargetSizeRglob pins target_glob to Python's Path.rglob, which
// Kaapana's compute_target_size uses. Each file's size is a distinct power
// of two, so a sum names the set of files counted. The expected sets follow
// pathlib's documentation: rglob(p) is glob("**/" + p); components are
// fnmatch patterns matched per name (dot files included, case-sensitive);
// "**" does not enter links to directories, other components follow them;
// is_file() follows links to files; a broken link is no file.
func TestTargetSizeRglob(t *testing.T) {
	root := t.TempDir()
	files := map[string]int{
		"a.bin":              1,
		".hidden.bin":        2,
		"sub/b.bin":          4,
		"sub/deep/c.bin":     8,
		"sub/deep/sub/d.bin": 16,
		"other/sub/e.bin":    32,
		"x.txt":              64,
		"A.BIN":              128,
	}
	for name, size := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(strings.Repeat("x", size)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{
		"lnfile.bin":    "sub/b.bin", // a link to a file: counted, with the target's size
		"lndir":         "sub",       // a link to a directory: "**" does not enter it
		"broken.bin":    "nowhere",   // not a file
		"sub/deep/loop": "..",        // a loop "**" never follows
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		glob string
		want int64
	}{
		{"*.bin", 1 + 2 + 4 + 4 + 8 + 16 + 32},        // any depth, dot files, lnfile; not A.BIN, not via lndir
		{"**/*.bin", 1 + 2 + 4 + 4 + 8 + 16 + 32},     // the same set: "**/**" is "**"
		{"sub/*.bin", 4 + 16 + 32},                    // any directory named sub, at any depth
		{"sub/**/*.bin", 4 + 8 + 16 + 32},             // below any sub, each file once
		{"deep/sub/*.bin", 16},                        // a multi-component suffix
		{"lndir/*.bin", 4},                            // a literal component follows the link
		{"*", 1 + 2 + 4 + 4 + 8 + 16 + 32 + 64 + 128}, // every file
		{"**", 1 + 2 + 4 + 4 + 8 + 16 + 32 + 64 + 128},
		{"*.BIN", 128},                         // case-sensitive
		{"[ab].bin", 1 + 4},                    // a set
		{"[!a]*.bin", 2 + 4 + 4 + 8 + 16 + 32}, // a negated set (fnmatch's "!")
		{"?.bin", 1 + 4 + 8 + 16 + 32},         // one character
		{"[a-c].bin", 1 + 4 + 8},               // a range
		{"sub", 0},                             // directories are not files
		{"[", 0},                               // an unclosed "[" is literal
		{"*.bin/", 0},                          // a trailing "/" selects directories only
	}
	for _, tt := range tests {
		t.Run(tt.glob, func(t *testing.T) {
			glob := tt.glob
			got, err := TargetSize(os.DirFS(root), &ScaleRule{Mode: ModeSum, TargetGlob: &glob})
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("rglob(%q) sum = %d, want %d", tt.glob, got, tt.want)
			}
		})
	}
	t.Run("max_file_size follows the same set", func(t *testing.T) {
		glob := "sub/*.bin"
		got, err := TargetSize(os.DirFS(root), &ScaleRule{Mode: ModeMaxFileSize, TargetGlob: &glob})
		if err != nil || got != 32 {
			t.Errorf("max_file_size = %d, %v; want 32", got, err)
		}
	})
	t.Run("target_regex on the path relative to target_dir", func(t *testing.T) {
		glob, dir, re := "*.bin", "sub", `deep/.*`
		got, err := TargetSize(os.DirFS(root), &ScaleRule{Mode: ModeSum, TargetGlob: &glob, TargetDir: &dir, TargetRegex: &re})
		if err != nil || got != 8+16 {
			t.Errorf("sum = %d, %v; want 24", got, err)
		}
	})
}
