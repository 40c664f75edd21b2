// Package imagecheck is `pono image check`: an image archive checked
// before it is side-loaded into a platform (Kaapana's upload page imports
// any .tar into containerd unchecked), and, given the platform, which of
// its extensions and workflows run the images and whether they would pull
// them instead.
package imagecheck

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/pono-gitops/pono/compiler"
	"github.com/pono-gitops/pono/compiler/taskapi"
	"github.com/pono-gitops/pono/internal/ociimage"
)

// Options are what Run checks.
type Options struct {
	Archive string
	// Platform is a platform directory to find references in; "" for none.
	Platform string
	// Compile compiles Platform (its flags: environment, offline...).
	Compile *compiler.Compile
	Limits  ociimage.Limits
}

// Report is what Run found.
type Report struct {
	Archive string
	Format  string
	Images  []Image
	// Skipped counts manifests of an index the archive does not carry.
	Skipped int
	// Problems make the archive unfit to load, one sentence each, naming
	// the archive (or the platform).
	Problems []string
	// Warnings are processing-container.json warnings.
	Warnings []string
}

// Image is one image of the archive.
type Image struct {
	ociimage.ArchiveImage
	// PC is "none", "valid" or "invalid".
	PC        string
	Templates []string
	Refs      []Ref
}

// Ref is a place in the platform that runs the image.
type Ref struct {
	// Kind is "extension" or "workflow", Name its name in the platform.
	Kind, Name string
	// Where is the release, object and container (or the workflow's
	// container).
	Where string
	Image string
	// PullPolicy is as rendered, with Kubernetes' default said when empty;
	// "" for workflows (KaapanaTaskOperator decides).
	PullPolicy string
}

// Failed reports whether the archive should not be loaded.
func (r *Report) Failed() bool { return len(r.Problems) > 0 }

// Run checks the archive and, with a platform, the references to it.
func Run(ctx context.Context, o Options) (*Report, error) {
	ar, err := ociimage.CheckArchive(o.Archive, o.Limits)
	if err != nil {
		return nil, err
	}
	rep := &Report{Archive: o.Archive, Format: ar.Format, Skipped: ar.Skipped}
	for _, p := range ar.Problems {
		rep.Problems = append(rep.Problems, o.Archive+": "+p)
	}
	for _, ai := range ar.Images {
		img := Image{ArchiveImage: ai, PC: "none"}
		where := fmt.Sprintf("%s: image %s", o.Archive, ai.Name())
		switch {
		case ai.PCProblem != "":
			img.PC = "invalid"
			rep.Problems = append(rep.Problems, where+": "+ai.PCProblem)
		case ai.PC != nil:
			img.PC = "valid"
			r, v := taskapi.Validate(where+": "+ociimage.PCPath, ai.PC, taskapi.ValidateOptions{Kind: taskapi.KindProcessingContainer})
			for _, d := range r.Diagnostics {
				if d.Severity == taskapi.SeverityWarning {
					rep.Warnings = append(rep.Warnings, d.String())
				} else {
					rep.Problems = append(rep.Problems, d.String())
				}
			}
			if pc, ok := v.(*taskapi.ProcessingContainer); ok && pc != nil {
				img.Templates = pc.Identifiers()
			} else {
				img.PC = "invalid"
			}
		}
		rep.Images = append(rep.Images, img)
	}
	if o.Platform != "" {
		res, err := o.Compile.Run(ctx, o.Platform)
		if err != nil {
			return nil, err
		}
		references(rep, res, o.Platform)
	}
	return rep, nil
}

// references fills each image's Refs from the compiled platform and
// reports charts that would pull a side-loaded image.
func references(rep *Report, res *compiler.Result, dir string) {
	for i := range rep.Images {
		img := &rep.Images[i]
		names := map[string]bool{}
		for _, t := range img.Tags {
			names[ociimage.Normalize(t)] = true
		}
		matches := func(ref string) bool {
			n := ociimage.Normalize(ref)
			if names[n] {
				return true
			}
			_, digest, ok := strings.Cut(n, "@")
			return ok && digest == img.Digest && img.Digest != ""
		}
		for _, w := range res.Workflows {
			for _, c := range w.Containers {
				if matches(c.Image) {
					img.Refs = append(img.Refs, Ref{Kind: "workflow", Name: w.Name, Where: "container " + c.Name, Image: c.Image})
				}
			}
		}
		for _, r := range res.ImageRefs() {
			if !matches(r.Image) {
				continue
			}
			kind := "extension"
			if slices.ContainsFunc(res.Workflows, func(w compiler.WorkflowInfo) bool { return w.Release == r.Release }) {
				kind = "workflow"
			}
			pp, ok := pullPolicy(r)
			ref := Ref{Kind: kind, Name: r.Extension, Where: fmt.Sprintf("release %s, %s container %s", r.Release, r.Object, r.Container), Image: r.Image, PullPolicy: pp}
			img.Refs = append(img.Refs, ref)
			if !ok {
				rep.Problems = append(rep.Problems, fmt.Sprintf("%s: %s %s (%s) runs the side-loaded image %s with imagePullPolicy %s: it would be pulled from the registry; set imagePullPolicy: IfNotPresent",
					dir, kind, r.Extension, ref.Where, r.Image, pp))
			}
		}
	}
}

// pullPolicy is the policy in force and whether a side-loaded image
// survives it: Kubernetes defaults to Always for :latest and untagged
// images, IfNotPresent otherwise.
func pullPolicy(r compiler.ImageRef) (string, bool) {
	switch r.PullPolicy {
	case "IfNotPresent", "Never":
		return r.PullPolicy, true
	case "":
		n := ociimage.Normalize(r.Image)
		if strings.Contains(n, "@") {
			return "IfNotPresent (Kubernetes' default)", true
		}
		if strings.HasSuffix(n, ":latest") {
			return "Always (Kubernetes' default for :latest)", false
		}
		return "IfNotPresent (Kubernetes' default)", true
	}
	return r.PullPolicy, false
}
