package charts

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/internal/helmchart"
)

// The embedded chart is the directory, file for file: go:embed without
// all: would silently drop .helmignore and _helpers.tpl.
func TestEmbeddedChartMatchesDirectory(t *testing.T) {
	embedded, err := helmchart.LoadFS(Pono())
	if err != nil {
		t.Fatal(err)
	}
	dir, err := helmchart.LoadDir("pono", helmchart.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if embedded.Digest != dir.Digest {
		t.Errorf("embedded chart digest %s, directory %s", embedded.Digest, dir.Digest)
	}
	if embedded.Raw("templates/_helpers.tpl") == nil {
		t.Error("templates/_helpers.tpl is not embedded")
	}
}

// The image tag defaults to appVersion, so it must name a pono release:
// the version this source builds, without its -dev suffix.
func TestAppVersionIsPonoVersion(t *testing.T) {
	b, err := os.ReadFile("pono/Chart.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		AppVersion string `json:"appVersion"`
	}
	if err := yaml.Unmarshal(b, &meta); err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimSuffix(compiler.Version, "-dev"); meta.AppVersion != want {
		t.Errorf("Chart.yaml appVersion = %q, pono's version is %q: keep them in step", meta.AppVersion, want)
	}
}

// Every key in values.yaml carries a comment: the file is the chart's
// reference. Free-form Kubernetes objects (resources, security contexts)
// are documented as a whole, by the comment on their key.
func TestValuesDocumented(t *testing.T) {
	f, err := os.Open("pono/values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	key := regexp.MustCompile(`^( *)([A-Za-z][A-Za-z0-9]*):`)
	freeForm := -1 // indentation of a free-form object's key, -1 outside one
	prevComment := false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			prevComment = true
			continue
		}
		m := key.FindStringSubmatch(line)
		if m == nil {
			prevComment = false
			continue
		}
		indent := len(m[1])
		if freeForm >= 0 && indent > freeForm {
			continue
		}
		freeForm = -1
		switch m[2] {
		case "resources", "podSecurityContext", "securityContext":
			freeForm = indent
		}
		// A parent key (git:, rbac:) is documented by its children.
		parent := strings.HasSuffix(trimmed, ":")
		if !prevComment && (!parent || freeForm >= 0) {
			t.Errorf("values.yaml:%d: %s has no comment", n, m[2])
		}
		prevComment = false
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}
