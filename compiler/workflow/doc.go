// Package workflow makes Kaapana v2 workflows part of the platform: the
// `workflows` field of a platform (model.go), the checks that hold a
// workflow against its processing-container.json files (check_*.go), and
// the files Kaapana needs to run it, generated deterministically:
// workflow.json as the workflow-installer posts it, the Airflow DAG with one
// KaapanaTaskOperator per task, one Task API task file per task, and the
// kaapanaworkflow-v2 chart that registers the workflow (chart.go).
//
// Everything here is pure. The caller hands in the decoded workflows, a
// function that reads the processing-container.json files they name, and a
// function that maps a field path to the file:line:col the user wrote it
// at; Compile returns the generated files and every problem at once.
package workflow
