// Package workflowrun runs a whole workflow on this machine, task by task
// through run/taskrun, as Kaapana's KaapanaTaskOperator runs it in
// Airflow: in dependency order (independent branches in parallel, bounded),
// each output channel at <run dir>/<task>/<channel> and mounted as the input
// channels bound to it, stale output directories removed before a task
// starts (so a rerun of the same run directory is idempotent), user input
// in Kaapana's conf shape on top of the platform's env, and Kaapana's
// outcomes: exit 0 done, 126 skipped (and everything downstream skipped,
// Airflow's default trigger rule), an OOM kill reported as such, any other
// failure failing the task and skipping its dependents. The run is
// described by a Record (workflow_run.json in the run directory) beside one
// taskrun record per task (task_run-<task>.json, where KaapanaTaskOperator
// writes task_run-<task>.pkl).
package workflowrun
