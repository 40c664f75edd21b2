// Package taskapi implements pono's side of Kaapana's Task API contract:
// the processing-container.json and task formats, their validation against
// pono's CUE schemas (cue/processing_container.cue, cue/task.cue), the
// merge of a task with its template into a task instance, scale rules, and
// the Kubernetes objects a task runs as.
//
// Everything here is pure: the only I/O is reading files the caller names
// (task files, and the channel directories a scale rule measures). Running
// containers is run/taskrun's job.
package taskapi
