// Package taskrun runs Task API tasks: in a Docker engine (through
// internal/dockerengine) or as Kubernetes pods (through client-go, against
// a kubeconfig). A run is described by a Record, pono's JSON counterpart of
// Kaapana's pickled TaskRun; logs, status and stop work from the record.
package taskrun
