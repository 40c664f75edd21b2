package taskrun

import (
	"os"
	"testing"

	"github.com/pono-gitops/pono/test/dockerd"
)

func TestMain(m *testing.M) { os.Exit(dockerd.Main(m)) }
