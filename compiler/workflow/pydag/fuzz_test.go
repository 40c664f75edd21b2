package pydag

import (
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/tools/txtar"
)

// FuzzReadDAG feeds the reader arbitrary bytes: it must return, quickly,
// without panicking, and every problem must have a position and a message.
func FuzzReadDAG(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		for _, x := range ar.Files {
			if x.Name == "dag.py" {
				f.Add(x.Data)
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		start := time.Now()
		d := Read(src)
		if el := time.Since(start); el > 2*time.Second {
			t.Fatalf("Read took %v for %d bytes", el, len(src))
		}
		for _, p := range d.Problems {
			if p.Msg == "" || p.Pos.Line < 1 || p.Pos.Col < 1 {
				t.Fatalf("problem without message or position: %+v", p)
			}
		}
		for _, tk := range d.Tasks {
			if tk.ID == "" || tk.Image == "" || tk.Template == "" {
				t.Fatalf("a task with an empty field: %+v", tk)
			}
		}
	})
}
