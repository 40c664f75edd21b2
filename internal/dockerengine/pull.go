package dockerengine

import (
	"context"
	"fmt"

	"github.com/moby/moby/api/pkg/authconfig"
	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/client"
)

// Auth is a registry login.
type Auth struct {
	Server, Username, Password string
}

// Pull pulls an image, with auth when given.
func (c *Client) Pull(ctx context.Context, image string, auth *Auth) error {
	var opts client.ImagePullOptions
	if auth != nil {
		enc, err := authconfig.Encode(registry.AuthConfig{Username: auth.Username, Password: auth.Password, ServerAddress: auth.Server})
		if err != nil {
			return fmt.Errorf("pull %s: %w", image, err)
		}
		opts.RegistryAuth = enc
	}
	resp, err := c.api.ImagePull(ctx, image, opts)
	if err != nil {
		return wrap("pull image", image, err)
	}
	defer resp.Close()
	return wrap("pull image", image, resp.Wait(ctx))
}
