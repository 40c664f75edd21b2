package taskapi

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestTargetSize(t *testing.T) {
	file := func(n int) *fstest.MapFile { return &fstest.MapFile{Data: []byte(strings.Repeat("x", n))} }
	fsys := fstest.MapFS{
		"top.txt":                 file(1),
		"item1/a.dcm":             file(100),
		"item1/b.dcm":             file(50),
		"item1/notes.txt":         file(7),
		"item1/sub/c.dcm":         file(10),
		"item2/a.dcm":             file(120),
		"item2/sub/d.dcm":         file(5),
		"item2/sub/deeper/e.nrrd": file(1000),
	}
	str := func(s string) *string { return &s }
	tests := []struct {
		name string
		rule ScaleRule
		want int64
	}{
		{"sum of everything", ScaleRule{Mode: ModeSum}, 1 + 100 + 50 + 7 + 10 + 120 + 5 + 1000},
		{"sum with glob", ScaleRule{Mode: ModeSum, TargetGlob: str("*.dcm")}, 100 + 50 + 10 + 120 + 5},
		{"sum with regex on the relative path", ScaleRule{Mode: ModeSum, TargetRegex: str(`item1/.*\.dcm`)}, 160},
		{"regex must match the whole path", ScaleRule{Mode: ModeSum, TargetRegex: str(`a\.dcm`)}, 0},
		{"sum below target_dir", ScaleRule{Mode: ModeSum, TargetDir: str("item2/sub")}, 1005},
		{"target_dir dot", ScaleRule{Mode: ModeSum, TargetDir: str("."), TargetRegex: str(`.*\.txt`)}, 8},
		{"missing target_dir", ScaleRule{Mode: ModeSum, TargetDir: str("nope")}, 0},
		{"max file size", ScaleRule{Mode: ModeMaxFileSize, TargetGlob: str("*.dcm")}, 120},
		{"max item sum", ScaleRule{Mode: ModeMaxItemSum, TargetGlob: str("*.dcm")}, 160},
		{"max item sum with target_dir", ScaleRule{Mode: ModeMaxItemSum, TargetDir: str("sub")}, 1005},
		{"glob with a slash matches the relative path", ScaleRule{Mode: ModeSum, TargetGlob: str("item2/*")}, 120},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TargetSize(fsys, &tt.rule)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("TargetSize = %d, want %d", got, tt.want)
			}
		})
	}
	if got, err := TargetSize(fstest.MapFS{"f": file(3)}, &ScaleRule{Mode: ModeMaxItemSum}); err != nil || got != 0 {
		t.Errorf("max_item_sum without items = %d, %v; want 0, nil", got, err)
	}
}
