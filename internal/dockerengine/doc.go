// Package dockerengine is pono's only importer of the Docker Engine API
// client (github.com/moby/moby/client). It offers the few operations the
// Task API's docker runner and the test harness need, in pono's own types,
// so the rest of the module never sees the client's API.
package dockerengine
