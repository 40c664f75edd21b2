package compiler

import (
	"github.com/pono-gitops/pono/compiler/internal/source"
	"github.com/pono-gitops/pono/compiler/workflow"
	"github.com/pono-gitops/pono/internal/ociimage"
)

// imageFile reads a workflow container's /processing-container.json out
// of its image in the registry (from_image), pinned in pono.lock by the
// image's digest; I/O like a remote chart's fetch, through the resolver.
func (b *build) imageFile(image string) ([]byte, error) {
	return b.resolver.ResolveImage(b.ctx, source.ImageRequest{Image: image, File: workflow.ImagePCPath, Auth: b.registryAuth()})
}

// registryAuth are the platform's registry credentials (registry.username
// and registry.password) for its registry's host.
func (b *build) registryAuth() map[string]ociimage.Auth {
	return ociimage.AuthFor(b.p.Registry.URL, b.p.Registry.Username, b.p.Registry.Password)
}
