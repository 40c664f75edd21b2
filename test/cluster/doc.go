// Package cluster runs a real, local Kubernetes control plane for pono's
// end-to-end tests and demo: etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler and kwok, as plain processes on loopback ports. kwok stands
// in for kubelets, so Pods are scheduled, go Running and Ready, and Jobs
// complete, without any container runtime.
//
// The binaries come from test/scripts/build-tools.sh (`make tools`), which
// builds them from the Go module proxy at pinned versions into
// $PONO_TOOLS (default ~/.cache/pono/tools). A missing binary is an error,
// never a skip: an e2e test that silently skips tests nothing.
//
// An e2e test package shares one cluster:
//
//	func TestMain(m *testing.M) { cluster.Main(m) }
//
//	func TestApply(t *testing.T) {
//		c := cluster.Shared(t)
//		cfg := c.RESTConfig()
//		...
//	}
package cluster
