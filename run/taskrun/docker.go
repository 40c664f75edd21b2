package taskrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"time"

	"github.com/pono-gitops/pono/compiler/taskapi"
	"github.com/pono-gitops/pono/internal/dockerengine"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Labels pono sets on every task container, besides config.labels.
const (
	LabelTask     = "pono.dev/task"
	LabelTemplate = "pono.dev/template"
)

// DockerSpec is the container a task instance runs as in docker mode:
// inputs are bind-mounted read-only, outputs read-write (an output whose
// host path is already an input stays read-only, and a mounted_path already
// used is skipped, as in Kaapana); the command replaces the image's
// entrypoint, as a Kubernetes command does; the memory limit is the
// computed limits.memory without swap, requests.memory the reservation.
func DockerSpec(in *taskapi.Instance, c *taskapi.Computed, network string) (dockerengine.RunSpec, error) {
	spec := dockerengine.RunSpec{
		Image:       in.Image,
		Entrypoint:  in.Command,
		Env:         in.EnvList(),
		Labels:      map[string]string{},
		NetworkMode: network,
		MemoryBytes: c.MemoryLimitBytes,
	}
	for k, v := range in.Config.Labels {
		spec.Labels[k] = v
	}
	spec.Labels[LabelTask] = in.Name
	spec.Labels[LabelTemplate] = in.Identifier
	res, err := dockerReservation(c)
	if err != nil {
		return spec, err
	}
	spec.MemoryReservationBytes = res
	hosts, mounts := map[string]bool{}, map[string]bool{}
	for _, ch := range in.Inputs {
		if mounts[path.Clean(ch.MountedPath)] {
			continue
		}
		hosts[path.Clean(ch.HostPath)], mounts[path.Clean(ch.MountedPath)] = true, true
		spec.Binds = append(spec.Binds, ch.HostPath+":"+ch.MountedPath+":ro")
	}
	for _, ch := range in.Outputs {
		if hosts[path.Clean(ch.HostPath)] || mounts[path.Clean(ch.MountedPath)] {
			continue
		}
		mounts[path.Clean(ch.MountedPath)] = true
		spec.Binds = append(spec.Binds, ch.HostPath+":"+ch.MountedPath+":rw")
	}
	return spec, nil
}

// DockerMinMemory is the smallest memory limit or reservation the Docker
// engine accepts ("Minimum memory reservation allowed is 6MB").
const DockerMinMemory = 6 << 20

// dockerReservation is requests.memory in bytes, or 0 (no reservation)
// when it is unset or below what the engine accepts.
func dockerReservation(c *taskapi.Computed) (int64, error) {
	q, ok := c.Resources.Requests["memory"]
	if !ok {
		return 0, nil
	}
	v, err := resource.ParseQuantity(string(q))
	if err != nil {
		return 0, fmt.Errorf("requests.memory: %w", err)
	}
	if v.Value() < DockerMinMemory {
		return 0, nil
	}
	return v.Value(), nil
}

// dockerMemoryFloor checks the computed memory against the engine's
// minimum before anything is created: a limit below it cannot run (Kaapana
// fails at container creation), a request below it is dropped with a note
// (Kaapana's Docker runner sets no reservation at all).
func dockerMemoryFloor(c *taskapi.Computed) error {
	if c.MemoryLimitBytes > 0 && c.MemoryLimitBytes < DockerMinMemory {
		return fmt.Errorf("limits.memory %s is below the Docker engine's minimum of 6Mi: the container cannot be created", c.Resources.Limits["memory"])
	}
	if q, ok := c.Resources.Requests["memory"]; ok {
		if v, err := resource.ParseQuantity(string(q)); err == nil && v.Value() > 0 && v.Value() < DockerMinMemory {
			c.Notes = append(c.Notes, fmt.Sprintf("requests.memory %s is below the Docker engine's minimum reservation of 6Mi: the container runs without a memory reservation", q))
		}
	}
	return nil
}

func (r *Runner) runDocker(ctx context.Context, rec *Record) error {
	c, err := r.dockerClient("")
	if err != nil {
		return err
	}
	spec, err := DockerSpec(&rec.Task, &rec.Computed, r.cfg.Network)
	if err != nil {
		return err
	}
	// A missing input directory would be created empty by the engine.
	for _, ch := range rec.Task.Inputs {
		if _, err := os.Stat(ch.HostPath); err != nil {
			r.cfg.Logger.Warn("input channel has no host directory; the task sees it empty", "channel", ch.Name, "host_path", ch.HostPath)
		}
	}
	// Output directories are created by pono, owned by the caller, rather
	// than by the engine as root.
	for _, ch := range rec.Task.Outputs {
		if err := os.MkdirAll(ch.HostPath, 0o755); err != nil {
			return fmt.Errorf("output channel %q: %w", ch.Name, err)
		}
	}
	id, err := c.Create(ctx, spec)
	if errors.Is(err, dockerengine.ErrNotFound) {
		// As `docker run` (and docker-py's run) do: pull a missing image, with
		// the task's registry credentials when it has them.
		r.cfg.Logger.Info("pulling image", "image", spec.Image)
		var auth *dockerengine.Auth
		if cfg := rec.Task.Config; cfg.HasRegistryCredentials() {
			auth = &dockerengine.Auth{Server: cfg.RegistryURL, Username: cfg.RegistryUsername, Password: cfg.RegistryPassword}
		}
		if perr := c.Pull(ctx, spec.Image, auth); perr != nil {
			return fmt.Errorf("%w (and %w)", err, perr)
		}
		id, err = c.Create(ctx, spec)
	}
	if err != nil {
		return err
	}
	rec.ID = id
	rec.Docker = &DockerTarget{Host: c.Host(), ContainerID: id}
	if err := c.Start(ctx, id); err != nil {
		return err
	}
	r.cfg.Logger.Info("task started", "mode", "docker", "container", id[:min(12, len(id))], "image", spec.Image, "memory_limit", spec.MemoryBytes)
	return nil
}

func (r *Runner) dockerFor(rec *Record) (*dockerengine.Client, error) {
	host := ""
	if rec.Docker != nil && r.cfg.DockerHost == "" {
		host = rec.Docker.Host
	}
	return r.dockerClient(host)
}

func (r *Runner) logsDocker(ctx context.Context, rec *Record, follow bool, w io.Writer) error {
	c, err := r.dockerFor(rec)
	if err != nil {
		return err
	}
	return c.Logs(ctx, rec.ID, follow, w, w)
}

func (r *Runner) statusDocker(ctx context.Context, rec *Record) (*Status, error) {
	c, err := r.dockerFor(rec)
	if err != nil {
		return nil, err
	}
	st, err := c.Inspect(ctx, rec.ID)
	if err != nil {
		return nil, err
	}
	// The engine may record the container's exit before the kernel's OOM
	// event (seen with cgroup v1): a 137 without OOMKilled is looked at
	// again for half a second before it is called a plain SIGKILL.
	for i := 0; i < 5 && st.Status == "exited" && st.ExitCode == OOMExitCode && !st.OOMKilled; i++ {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if st, err = c.Inspect(ctx, rec.ID); err != nil {
			return nil, err
		}
	}
	var s Status
	switch st.Status {
	case "created":
		s = Status{Phase: PhasePending}
	case "running", "paused", "restarting":
		s = Status{Phase: PhaseRunning}
	case "exited", "dead":
		s = finished(st.ExitCode, st.OOMKilled)
		if st.Error != "" {
			s.Message = st.Error
		}
	default:
		s = Status{Phase: PhaseUnknown, Reason: st.Status}
	}
	s.MemoryLimitBytes = st.MemoryBytes
	return &s, nil
}

func (r *Runner) waitDocker(ctx context.Context, rec *Record) (*Status, error) {
	c, err := r.dockerFor(rec)
	if err != nil {
		return nil, err
	}
	if _, err := c.Wait(ctx, rec.ID); err != nil {
		return nil, err
	}
	return r.statusDocker(ctx, rec)
}

func (r *Runner) stopDocker(ctx context.Context, rec *Record) error {
	c, err := r.dockerFor(rec)
	if err != nil {
		return err
	}
	grace := r.cfg.StopGrace
	if grace == 0 {
		grace = 10 * time.Second
	}
	return c.Stop(ctx, rec.ID, grace)
}
