// Package helmchart is pono's chart side of Helm: it loads charts
// (directories with file:// dependencies, archives, embedded trees),
// pulls and pushes them in OCI registries, and renders them client-side
// for the compiler with Helm's template engine. It never talks to a
// cluster: rendering uses pkg/engine and pkg/chartutil directly rather
// than pkg/action, so the compiler does not link Helm's release machinery
// or client-go's clients. The release client is internal/helmsdk.
package helmchart
