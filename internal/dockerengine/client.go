package dockerengine

import (
	"context"
	"errors"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// ErrNotFound is wrapped when a container or image does not exist.
var ErrNotFound = errors.New("not found")

// Client talks to one Docker engine.
type Client struct {
	api  *client.Client
	host string
}

// New connects to host (e.g. unix:///run/docker.sock); an empty host uses
// DOCKER_HOST and the other DOCKER_* variables, then the default socket.
// The API version is negotiated with the engine.
func New(host string) (*Client, error) {
	opts := []client.Opt{client.FromEnv, client.WithAPIVersionNegotiation()}
	if host != "" {
		opts = append(opts, client.WithHost(host))
	}
	c, err := client.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("docker client: %w", err)
	}
	return &Client{api: c, host: c.DaemonHost()}, nil
}

// Host is the engine address in use.
func (c *Client) Host() string { return c.host }

// Close releases the connection.
func (c *Client) Close() error { return c.api.Close() }

// Ping checks that the engine answers.
func (c *Client) Ping(ctx context.Context) error {
	if _, err := c.api.Ping(ctx, client.PingOptions{}); err != nil {
		return fmt.Errorf("docker engine at %s: %w", c.host, err)
	}
	return nil
}

func wrap(op, id string, err error) error {
	if err == nil {
		return nil
	}
	if cerrdefs.IsNotFound(err) {
		return fmt.Errorf("%s %s: %w: %v", op, id, ErrNotFound, err)
	}
	return fmt.Errorf("%s %s: %w", op, id, err)
}
