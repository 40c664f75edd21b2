package taskapi

import (
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestValidateMutations validates 1500 random mutations of Kaapana's files
// (a fixed seed, so failures reproduce): every one ends, without a panic,
// in a report.
func TestValidateMutations(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(kaapanaDir, "*.json"))
	var seeds [][]byte
	for _, f := range files {
		b, _ := os.ReadFile(f)
		seeds = append(seeds, b)
	}
	rng := rand.New(rand.NewSource(1))
	chars := []byte(`{}[]":,0123456789.-eE truefalsenull\{%#}`)
	n := 0
	for ; n < 1500; n++ {
		s := append([]byte(nil), seeds[rng.Intn(len(seeds))]...)
		for k := rng.Intn(4) + 1; k > 0; k-- {
			i := rng.Intn(len(s))
			switch rng.Intn(3) {
			case 0:
				s[i] = chars[rng.Intn(len(chars))]
			case 1:
				s = append(s[:i], s[i+1:]...)
			case 2:
				s = append(s[:i], append([]byte{chars[rng.Intn(len(chars))]}, s[i:]...)...)
			}
		}
		done := make(chan bool)
		go func() {
			for _, kind := range []Kind{"", KindTask, KindProcessingContainer} {
				Validate("f.json", s, ValidateOptions{Kind: kind, Lookup: lookupMap(taskEnv)})
			}
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("validation of mutation %d did not end:\n%s", n, s)
		}
	}
}
