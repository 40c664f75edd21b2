// Package k8se2e holds the Kubernetes-mode end-to-end tests of
// run/taskrun, against a real kube-apiserver with kwok nodes
// (test/cluster). It is a package of its own because the cluster harness
// owns its TestMain.
//
// kwok nodes run no containers: kwok moves a pod to Running, and for pods
// not owned by a Job nothing ever ends them. The tests therefore play the
// kubelet's part for the end of a run, writing the main container's
// terminated state (exit code, reason) into the pod status the way a
// kubelet would, and check that pono reads it back. Everything else (the
// pod, the registry secret, scheduling, status, deletion) is real API
// server behaviour.
package k8se2e
