package taskapi

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNeedProcessingContainer is returned by Resolve when the task names its
// template by identifier and no processing-container.json was given: the
// caller must read it from the image.
var ErrNeedProcessingContainer = errors.New("the task names its template by identifier; the image's processing-container.json is needed")

// Resolve finds the task's template (inline, or by identifier in pc) and
// merges the two into an instance.
func Resolve(task *Task, pc *ProcessingContainer) (*Instance, error) {
	tmpl := task.TaskTemplate.Inline
	if tmpl == nil {
		if pc == nil {
			return nil, ErrNeedProcessingContainer
		}
		var ok bool
		if tmpl, ok = pc.Template(task.TaskTemplate.Identifier); !ok {
			return nil, fmt.Errorf("no template %q in processing-container %q (templates: %s)",
				task.TaskTemplate.Identifier, pc.Name, strings.Join(pc.Identifiers(), ", "))
		}
	}
	return NewInstance(tmpl, task)
}
