package compiler

import "github.com/pono-gitops/pono/compiler/internal/spec"

// ServeChild must be the first call in main of a binary that compiles
// platforms. The .cue files of a platform are evaluated in a child process
// (this binary, started again) that is killed at a time limit and stops at
// a memory limit, so a hostile comprehension cannot take down a
// long-running reconciler. When this process is such a child, ServeChild
// evaluates and exits; otherwise it returns at once. A binary that never
// calls it evaluates CUE in-process, bounded in time only.
func ServeChild() { spec.ServeChild() }
