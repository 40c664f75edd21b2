// Package kaapanadir checks a Kaapana v2 workflow directory as Kaapana
// lays it out (workflow-chart/ with Chart.yaml, values.yaml, files/ holding
// workflow.json and the Airflow DAG; processing-containers/<dir>/ with a
// Dockerfile and processing-container.json), and converts it into pono's
// workflow format.
//
// It checks what Kaapana's workflow CLI `validate` checks, and then reads
// the DAG with pydag, builds pono's workflow model from workflow.json, the
// DAG and the processing-container.json files, and runs compiler/workflow's
// checks on it with every position mapped back to the Kaapana file the
// value came from. Checks Kaapana's CLI does not have (docs/workflows.md,
// "Kaapana workflow directories"): parameters naming tasks the DAG lacks,
// env names and channels the templates do not declare, IOMappings without
// a dependency, images whose LABEL IMAGE differs from their directory,
// values KaapanaTaskOperator rejects.
//
// Everything is read through internal/safefs; nothing is executed.
package kaapanadir
