package dockerengine

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// RunSpec describes a container to create.
type RunSpec struct {
	Image string
	// Entrypoint replaces the image's entrypoint and clears its command
	// when non-nil (what a Kubernetes container's command does).
	Entrypoint []string
	Env        []string
	Labels     map[string]string
	// Binds are "host:container:ro|rw" bind mounts.
	Binds []string
	// MemoryBytes is the hard memory limit (swap is not allowed beyond it);
	// 0 means none. MemoryReservationBytes is the soft limit.
	MemoryBytes            int64
	MemoryReservationBytes int64
	// NetworkMode is e.g. "none"; empty uses the engine's default.
	NetworkMode string
}

// Create creates a container and returns its ID.
func (c *Client) Create(ctx context.Context, spec RunSpec) (string, error) {
	cfg := &container.Config{
		Image:  spec.Image,
		Env:    spec.Env,
		Labels: spec.Labels,
	}
	if spec.Entrypoint != nil {
		cfg.Entrypoint = spec.Entrypoint
		cfg.Cmd = []string{}
	}
	hc := &container.HostConfig{
		Binds:       spec.Binds,
		NetworkMode: container.NetworkMode(spec.NetworkMode),
	}
	if spec.MemoryBytes > 0 {
		hc.Memory = spec.MemoryBytes
		hc.MemorySwap = spec.MemoryBytes
	}
	hc.MemoryReservation = spec.MemoryReservationBytes
	res, err := c.api.ContainerCreate(ctx, client.ContainerCreateOptions{Config: cfg, HostConfig: hc})
	if err != nil {
		return "", wrap("create container from", spec.Image, err)
	}
	return res.ID, nil
}

// Start starts a created container.
func (c *Client) Start(ctx context.Context, id string) error {
	_, err := c.api.ContainerStart(ctx, id, client.ContainerStartOptions{})
	return wrap("start container", id, err)
}

// State is what pono needs from a container inspection.
type State struct {
	ID      string
	Image   string
	Status  string // created, running, exited, ...
	Running bool
	// Pid is the container's init process on the engine's host (0 when
	// not running).
	Pid        int
	ExitCode   int
	OOMKilled  bool
	Error      string
	StartedAt  time.Time
	FinishedAt time.Time
	// MemoryBytes is the memory limit the container runs with.
	MemoryBytes int64
	Labels      map[string]string
}

// Inspect reads a container's state.
func (c *Client) Inspect(ctx context.Context, id string) (*State, error) {
	res, err := c.api.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return nil, wrap("inspect container", id, err)
	}
	ct := res.Container
	st := &State{ID: ct.ID, Image: ct.Image}
	if s := ct.State; s != nil {
		st.Status, st.Running, st.ExitCode, st.OOMKilled, st.Error = string(s.Status), s.Running, s.ExitCode, s.OOMKilled, s.Error
		st.Pid = s.Pid
		st.StartedAt, _ = time.Parse(time.RFC3339Nano, s.StartedAt)
		st.FinishedAt, _ = time.Parse(time.RFC3339Nano, s.FinishedAt)
	}
	if ct.HostConfig != nil {
		st.MemoryBytes = ct.HostConfig.Memory
	}
	if ct.Config != nil {
		st.Labels = ct.Config.Labels
	}
	return st, nil
}

// MemoryStats is one sample of a running container's memory, as the
// engine reports it. MaxUsage is the kernel's peak on cgroup v1 hosts and 0
// on cgroup v2, where the engine does not report one.
type MemoryStats struct {
	Usage, MaxUsage, Limit uint64
}

// Memory takes one sample of a container's memory use.
func (c *Client) Memory(ctx context.Context, id string) (*MemoryStats, error) {
	res, err := c.api.ContainerStats(ctx, id, client.ContainerStatsOptions{Stream: false})
	if err != nil {
		return nil, wrap("stats of container", id, err)
	}
	defer res.Body.Close()
	var st container.StatsResponse
	if err := json.NewDecoder(res.Body).Decode(&st); err != nil {
		return nil, wrap("read stats of container", id, err)
	}
	m := st.MemoryStats
	return &MemoryStats{Usage: m.Usage, MaxUsage: m.MaxUsage, Limit: m.Limit}, nil
}

// Wait blocks until the container is not running and returns its exit code.
func (c *Client) Wait(ctx context.Context, id string) (int64, error) {
	res := c.api.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	select {
	case r := <-res.Result:
		return r.StatusCode, nil
	case err := <-res.Error:
		return 0, wrap("wait for container", id, err)
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// Logs copies the container's stdout and stderr; with follow it returns
// when the container stops (or ctx ends).
func (c *Client) Logs(ctx context.Context, id string, follow bool, stdout, stderr io.Writer) error {
	rc, err := c.api.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: follow})
	if err != nil {
		return wrap("logs of container", id, err)
	}
	defer rc.Close()
	if _, err := stdcopy.StdCopy(stdout, stderr, rc); err != nil && ctx.Err() == nil {
		return wrap("read logs of container", id, err)
	}
	return nil
}

// Stop stops a running container: SIGTERM, then SIGKILL after grace.
func (c *Client) Stop(ctx context.Context, id string, grace time.Duration) error {
	secs := int(grace.Seconds())
	_, err := c.api.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: &secs})
	return wrap("stop container", id, err)
}

// Remove deletes a container, stopping it first if needed.
func (c *Client) Remove(ctx context.Context, id string) error {
	_, err := c.api.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true})
	return wrap("remove container", id, err)
}
