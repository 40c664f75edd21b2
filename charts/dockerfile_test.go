package charts

import (
	"go/version"
	"os"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// The chart's default image is built from the repository's Dockerfile. CI
// does not build images (no registry is reachable), so this checks what a
// reader of the Dockerfile could get wrong without noticing.

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, ...
	args string
}

func parseDockerfile(t *testing.T, path string) []instruction {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []instruction
	var cur strings.Builder
	for _, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && cur.Len() == 0) {
			continue
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur.WriteString(strings.TrimSuffix(trimmed, "\\") + " ")
			continue
		}
		cur.WriteString(trimmed)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)})
		cur.Reset()
	}
	return out
}

// stage is one FROM and the instructions after it.
type stage struct {
	image, name string
	body        []instruction
}

func stages(ins []instruction) []stage {
	var out []stage
	for _, in := range ins {
		if in.cmd == "FROM" {
			var fields []string
			for _, f := range strings.Fields(in.args) {
				if !strings.HasPrefix(f, "--") {
					fields = append(fields, f)
				}
			}
			s := stage{image: fields[0]}
			if len(fields) == 3 && strings.EqualFold(fields[1], "AS") {
				s.name = fields[2]
			}
			out = append(out, s)
			continue
		}
		if len(out) > 0 {
			out[len(out)-1].body = append(out[len(out)-1].body, in)
		}
	}
	return out
}

func TestDockerfile(t *testing.T) {
	st := stages(parseDockerfile(t, "../Dockerfile"))
	if len(st) != 2 {
		t.Fatalf("Dockerfile has %d stages, want 2 (builder, final)", len(st))
	}
	builder, final := st[0], st[1]

	t.Run("builder Go matches go.mod", func(t *testing.T) {
		b, err := os.ReadFile("../go.mod")
		if err != nil {
			t.Fatal(err)
		}
		goLine := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(b)
		if goLine == nil {
			t.Fatal("go.mod has no go line")
		}
		modGo := "go" + string(goLine[1])
		m := regexp.MustCompile(`^golang:(\d+\.\d+)(\.\d+)?(-\S+)?$`).FindStringSubmatch(builder.image)
		if m == nil {
			t.Fatalf("builder image %q is not golang:<version>", builder.image)
		}
		if got, want := version.Lang("go"+m[1]), version.Lang(modGo); got != want {
			t.Errorf("builder is golang:%s%s, go.mod says %s", m[1], m[2], modGo)
		}
		// A pinned patch release must not be older than go.mod's.
		if m[2] != "" && version.Compare("go"+m[1]+m[2], modGo) < 0 {
			t.Errorf("builder golang:%s%s is older than go.mod's %s", m[1], m[2], modGo)
		}
	})

	t.Run("static build", func(t *testing.T) {
		var build string
		for _, in := range builder.body {
			if in.cmd == "RUN" && strings.Contains(in.args, "go build") {
				build = in.args
			}
		}
		for _, want := range []string{"CGO_ENABLED=0", "-trimpath", `-ldflags "$ldflags"`, `ldflags="-s -w"`, "./cmd/pono ", "./cmd/pono-graphviz", "--mount=type=cache,target=/go/pkg/mod", "--mount=type=cache,target=/root/.cache/go-build"} {
			if !strings.Contains(build, want) {
				t.Errorf("go build step lacks %q:\n%s", want, build)
			}
		}
	})

	t.Run("final stage is static and nonroot", func(t *testing.T) {
		if final.image != "gcr.io/distroless/static-debian12:nonroot" {
			t.Errorf("final image = %s, want gcr.io/distroless/static-debian12:nonroot", final.image)
		}
		got := map[string]string{}
		for _, in := range final.body {
			got[in.cmd] = in.args
		}
		if got["USER"] != "65532:65532" && got["USER"] != "65532" {
			t.Errorf("USER = %q, want 65532", got["USER"])
		}
		if got["ENTRYPOINT"] != `["/pono"]` {
			t.Errorf(`ENTRYPOINT = %s, want ["/pono"]`, got["ENTRYPOINT"])
		}
		if want := "--from=" + builder.name + " /out/pono /out/pono-graphviz /"; got["COPY"] != want {
			t.Errorf("COPY = %q, want both binaries copied from the builder side by side (%s)", got["COPY"], want)
		}
	})

	// The chart's securityContext runs the image as the user it was built for.
	t.Run("chart runs as the image's user", func(t *testing.T) {
		b, err := os.ReadFile("pono/values.yaml")
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			PodSecurityContext struct {
				RunAsUser int `json:"runAsUser"`
			} `json:"podSecurityContext"`
		}
		if err := yaml.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		if v.PodSecurityContext.RunAsUser != 65532 {
			t.Errorf("values podSecurityContext.runAsUser = %d, the image's user is 65532", v.PodSecurityContext.RunAsUser)
		}
	})
}
