// Package spec loads a platform description: it reads the CUE, YAML and JSON
// files of a platform directory (and of an environment overlay), validates
// them against the embedded CUE schema, merges the overlay on top, and keeps
// the source position of every value so later checks can point at the line
// a user wrote.
package spec
