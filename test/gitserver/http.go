package gitserver

import (
	"crypto/subtle"
	"net/http"
	"net/http/cgi"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/pono-gitops/pono/test/testenv"
)

// HTTPServer serves every bare repository under a root directory over
// git's smart HTTP protocol, through git's own git-http-backend.
type HTTPServer struct {
	srv      *httptest.Server
	requests atomic.Int64
}

// StartHTTP serves the bare repositories under root on a loopback port
// until the test ends. With user non-empty every request must carry that
// user and pass as basic auth, checked here rather than by the backend;
// anything else gets 401 with a WWW-Authenticate challenge, as a real git
// host answers.
func StartHTTP(t testing.TB, root, user, pass string) *HTTPServer {
	t.Helper()
	testenv.NeedsServer(t, "a git smart-HTTP server")
	gitBin := lookPath(t, "git", "git")
	execPath := run(t, root, gitEnv(t.TempDir()), gitBin, "--exec-path")
	backend := &cgi.Handler{
		Path: filepath.Join(execPath, "git-http-backend"),
		Dir:  root,
		Env: []string{
			"GIT_PROJECT_ROOT=" + root,
			"GIT_HTTP_EXPORT_ALL=1",
			"GIT_CONFIG_NOSYSTEM=1",
			"HOME=" + t.TempDir(),
		},
	}
	s := &HTTPServer{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		s.requests.Add(1)
		if user != "" {
			u, p, ok := req.BasicAuth()
			if !ok || subtle.ConstantTimeCompare([]byte(u), []byte(user)) != 1 ||
				subtle.ConstantTimeCompare([]byte(p), []byte(pass)) != 1 {
				w.Header().Set("WWW-Authenticate", `Basic realm="git"`)
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
		}
		backend.ServeHTTP(w, req)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the clone URL of the bare repository root/repoName.
func (s *HTTPServer) URL(repoName string) string { return s.srv.URL + "/" + repoName }

// Requests counts the HTTP requests served so far, refused ones included,
// so a test can prove that a step made no (or exactly one) network call.
func (s *HTTPServer) Requests() int64 { return s.requests.Load() }
