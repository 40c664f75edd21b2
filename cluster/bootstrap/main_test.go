package bootstrap

import (
	"testing"

	"github.com/pono-gitops/pono/test/cluster"
)

func TestMain(m *testing.M) { cluster.Main(m) }
