package main

import (
	"slices"

	"github.com/pono-gitops/pono/compiler"
)

// compileReportVersion is the version of compile's -o json|yaml shape: a
// field's meaning never changes within a version, fields may be added.
const compileReportVersion = 1

// compileJSON is what compile -o json|yaml prints (docs/platform.md).
type compileJSON struct {
	Kind     string `json:"kind"`
	Version  int    `json:"version"`
	Platform string `json:"platform"`
	// OutputDir is the directory written.
	OutputDir string `json:"outputDir"`
	// Manifests counts the manifest files written (one per release that
	// renders objects); Warnings the warnings printed on stderr.
	Manifests   int              `json:"manifests"`
	Warnings    int              `json:"warnings"`
	LockChanges []string         `json:"lockChanges"`
	Releases    []compileRelease `json:"releases"`
}

type compileRelease struct {
	Name      string   `json:"name"`
	Namespace string   `json:"namespace"`
	Chart     string   `json:"chart"`
	Version   string   `json:"version"`
	Kind      string   `json:"kind,omitempty"`
	Needs     []string `json:"needs"`
	// Manifest is the release's manifest file, relative to OutputDir.
	Manifest string `json:"manifest,omitempty"`
}

func compileView(res *compiler.Result, dir string) compileJSON {
	v := compileJSON{Kind: "CompileReport", Version: compileReportVersion, Platform: res.Platform.Name, OutputDir: dir,
		Warnings: len(res.Warnings), LockChanges: []string{}, Releases: []compileRelease{}}
	for _, c := range res.LockChanges {
		v.LockChanges = append(v.LockChanges, c)
	}
	for _, r := range res.Releases {
		x := compileRelease{Name: r.Name, Namespace: r.Namespace, Chart: r.Chart.Name, Version: r.Chart.Version,
			Kind: r.Kind, Needs: slices.Clone(r.Needs), Manifest: r.ManifestFile}
		if x.Needs == nil {
			x.Needs = []string{}
		}
		if r.ManifestFile != "" {
			v.Manifests++
		}
		v.Releases = append(v.Releases, x)
	}
	return v
}
