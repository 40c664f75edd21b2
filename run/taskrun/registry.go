package taskrun

import (
	"context"

	"github.com/pono-gitops/pono/compiler/taskapi"
	"github.com/pono-gitops/pono/internal/ociimage"
)

// processingContainerFromRegistry reads /processing-container.json out of
// the task's image in its registry, layer by layer, without starting a
// container (Kaapana's extract_file_from_image starts one), with the
// task's registryUrl, registryUsername and registryPassword.
func processingContainerFromRegistry(ctx context.Context, task *taskapi.Task) ([]byte, error) {
	var o ociimage.RemoteOptions
	if c := task.Config; c != nil && c.HasRegistryCredentials() {
		o.Auth = ociimage.AuthFor(c.RegistryURL, c.RegistryUsername, c.RegistryPassword)
	}
	f, err := ociimage.ReadFile(ctx, task.Image, ociimage.PCPath, o)
	if err != nil {
		return nil, err
	}
	return f.Content, nil
}
