package taskrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/pono-gitops/pono/internal/dockerengine"
)

// Config holds what the runners need besides the task.
type Config struct {
	// Mode for Run and ProcessingContainer; records carry their own.
	Mode Mode
	// DockerHost is the engine address; empty uses DOCKER_HOST or the
	// default socket.
	DockerHost string
	// Network is the docker network mode for task containers (e.g. "none");
	// empty uses the engine's default.
	Network string
	// Kubeconfig and Context select the cluster; empty uses KUBECONFIG,
	// ~/.kube/config and the current context.
	Kubeconfig string
	Context    string
	// Namespace is used when the task's config.namespace is empty; empty
	// uses the kubeconfig's namespace, then "default".
	Namespace string
	// StartupTimeout bounds waiting for a pod to start (logs, reading an
	// image's processing-container.json). Default 60s.
	StartupTimeout time.Duration
	// StopGrace is how long a stopped task gets between SIGTERM and
	// SIGKILL (docker) or the pod's deletion grace period (k8s); 0 means
	// 10s in docker and the pod's own setting on Kubernetes.
	StopGrace time.Duration
	// ExtractPullSecrets are the image pull secrets of the pod that reads
	// an image's processing-container.json on Kubernetes.
	ExtractPullSecrets []string
	Logger             *slog.Logger
}

// Runner runs tasks and inspects runs.
type Runner struct {
	cfg    Config
	docker map[string]*dockerengine.Client
	kube   *kubeClient
}

// New returns a runner; connections are made on first use.
func New(cfg Config) *Runner {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.StartupTimeout == 0 {
		cfg.StartupTimeout = 60 * time.Second
	}
	return &Runner{cfg: cfg, docker: map[string]*dockerengine.Client{}}
}

// Close releases connections.
func (r *Runner) Close() error {
	for _, c := range r.docker {
		c.Close()
	}
	return nil
}

func (r *Runner) dockerClient(host string) (*dockerengine.Client, error) {
	if host == "" {
		host = r.cfg.DockerHost
	}
	if c, ok := r.docker[host]; ok {
		return c, nil
	}
	c, err := dockerengine.New(host)
	if err != nil {
		return nil, err
	}
	r.docker[host] = c
	return c, nil
}

// Run starts the planned task and returns its record; it does not wait.
func (r *Runner) Run(ctx context.Context, plan *Plan) (*Record, error) {
	rec := &Record{Kind: RecordKind, Version: RecordVersion, Mode: r.cfg.Mode, Created: time.Now().UTC(),
		Task: *plan.Instance, Computed: *plan.Computed}
	switch r.cfg.Mode {
	case ModeDocker:
		return rec, r.runDocker(ctx, rec)
	case ModeK8s:
		return rec, r.runK8s(ctx, rec)
	}
	return nil, fmt.Errorf("unknown mode %q", r.cfg.Mode)
}

// Logs copies the run's logs to w; with follow, until the task ends.
func (r *Runner) Logs(ctx context.Context, rec *Record, follow bool, w io.Writer) error {
	switch rec.Mode {
	case ModeDocker:
		return r.logsDocker(ctx, rec, follow, w)
	case ModeK8s:
		return r.logsK8s(ctx, rec, follow, w)
	}
	return fmt.Errorf("unknown mode %q", rec.Mode)
}

// Status reads the run's current state.
func (r *Runner) Status(ctx context.Context, rec *Record) (*Status, error) {
	switch rec.Mode {
	case ModeDocker:
		return r.statusDocker(ctx, rec)
	case ModeK8s:
		return r.statusK8s(ctx, rec)
	}
	return nil, fmt.Errorf("unknown mode %q", rec.Mode)
}

// Wait blocks until the run has finished and returns its final state.
func (r *Runner) Wait(ctx context.Context, rec *Record) (*Status, error) {
	switch rec.Mode {
	case ModeDocker:
		return r.waitDocker(ctx, rec)
	case ModeK8s:
		return r.waitK8s(ctx, rec)
	}
	return nil, fmt.Errorf("unknown mode %q", rec.Mode)
}

// Stop stops the run (the container is stopped and kept for its logs; the
// pod is deleted, as Kaapana does).
func (r *Runner) Stop(ctx context.Context, rec *Record) error {
	switch rec.Mode {
	case ModeDocker:
		return r.stopDocker(ctx, rec)
	case ModeK8s:
		return r.stopK8s(ctx, rec)
	}
	return fmt.Errorf("unknown mode %q", rec.Mode)
}

// ProcessingContainer returns /processing-container.json from an image.
func (r *Runner) ProcessingContainer(ctx context.Context, image string) ([]byte, error) {
	switch r.cfg.Mode {
	case ModeDocker:
		c, err := r.dockerClient("")
		if err != nil {
			return nil, err
		}
		b, err := c.ReadFile(ctx, image, "/processing-container.json")
		if errors.Is(err, dockerengine.ErrNotFound) {
			if perr := c.Pull(ctx, image, nil); perr != nil {
				return nil, fmt.Errorf("%w (and %w)", err, perr)
			}
			b, err = c.ReadFile(ctx, image, "/processing-container.json")
		}
		return b, err
	case ModeK8s:
		return r.extractK8s(ctx, image)
	}
	return nil, fmt.Errorf("unknown mode %q", r.cfg.Mode)
}
