package taskrun

import (
	"context"
	"fmt"
	"os"

	"github.com/pono-gitops/pono/compiler/taskapi"
	"github.com/pono-gitops/pono/internal/safefs"
)

// PrepareOptions say where a task's template comes from.
type PrepareOptions struct {
	// ProcessingContainerFile is a processing-container.json to take the
	// template from instead of reading it from the image.
	ProcessingContainerFile string
	// FromRegistry reads the image's /processing-container.json from its
	// registry instead of through a container (docker, or an extract pod).
	FromRegistry bool
	Strict       bool
	// Lookup resolves {{ env.NAME }}; nil uses the process environment.
	Lookup taskapi.LookupFunc
	// Measure sizes channels for scale rules; nil measures host paths.
	Measure taskapi.MeasureFunc
}

// Plan is a task ready to run.
type Plan struct {
	Instance *taskapi.Instance
	Computed *taskapi.Computed
	// Warnings from validation, for the caller to show.
	Warnings []taskapi.Diagnostic
}

// Prepare validates the task file, finds its template (inline, the given
// processing-container.json, or /processing-container.json in the image via
// the runner) and computes its resources.
func (r *Runner) Prepare(ctx context.Context, taskFile string, opts PrepareOptions) (*Plan, error) {
	src, err := safefs.ReadRegularFile(taskFile, 0)
	if err != nil {
		return nil, err
	}
	lookup := opts.Lookup
	if lookup == nil {
		lookup = os.LookupEnv
	}
	vopts := taskapi.ValidateOptions{Strict: opts.Strict, Lookup: lookup}
	var pc *taskapi.ProcessingContainer
	if opts.ProcessingContainerFile != "" {
		if pc, err = loadPC(opts.ProcessingContainerFile, opts.Strict); err != nil {
			return nil, err
		}
		vopts.ProcessingContainer = pc
	}
	task, rep, err := taskapi.LoadTask(taskFile, src, vopts)
	if err != nil {
		return nil, err
	}
	plan := &Plan{Warnings: rep.Warnings()}
	if task.TaskTemplate.Inline == nil && pc == nil {
		var b []byte
		if opts.FromRegistry {
			b, err = processingContainerFromRegistry(ctx, task)
		} else {
			b, err = r.ProcessingContainer(ctx, task.Image)
		}
		if err != nil {
			return nil, fmt.Errorf("read the template %q from image %s: %w", task.TaskTemplate.Identifier, task.Image, err)
		}
		if pc, _, err = taskapi.LoadProcessingContainer(task.Image+":/processing-container.json", b, taskapi.ValidateOptions{}); err != nil {
			return nil, err
		}
		// Channel names can be checked now that the template is known.
		vopts.ProcessingContainer = pc
		if task, rep, err = taskapi.LoadTask(taskFile, src, vopts); err != nil {
			return nil, err
		}
		plan.Warnings = rep.Warnings()
	}
	if plan.Instance, err = taskapi.Resolve(task, pc); err != nil {
		return nil, err
	}
	measure := opts.Measure
	if measure == nil {
		measure = taskapi.MeasureHostPath
	}
	if plan.Computed, err = taskapi.ComputeResources(plan.Instance, measure); err != nil {
		return nil, err
	}
	if r.cfg.Mode == ModeDocker {
		if err := dockerMemoryFloor(plan.Computed); err != nil {
			return nil, err
		}
	}
	plan.Instance.Resources = &plan.Computed.Resources
	return plan, nil
}

func loadPC(file string, strict bool) (*taskapi.ProcessingContainer, error) {
	b, err := safefs.ReadRegularFile(file, 0)
	if err != nil {
		return nil, err
	}
	pc, _, err := taskapi.LoadProcessingContainer(file, b, taskapi.ValidateOptions{Strict: strict})
	return pc, err
}
