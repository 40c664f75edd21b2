package ociimage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Archive formats.
const (
	FormatDockerSave = "docker save"
	FormatOCILayout  = "OCI layout"
)

// ArchiveReport is what CheckArchive found in an image archive.
type ArchiveReport struct {
	Format string
	Images []ArchiveImage
	// Problems are what makes the archive unsafe or unusable, one sentence
	// each, without the archive's name.
	Problems []string
	// Skipped counts manifests of a multi-platform index the archive does
	// not carry (docker save keeps only the platforms pulled).
	Skipped int
}

// ArchiveImage is one image of an archive.
type ArchiveImage struct {
	// Tags are the names the archive gives the image: docker's RepoTags,
	// an OCI layout's io.containerd.image.name or
	// org.opencontainers.image.ref.name annotation.
	Tags []string
	// Digest is the manifest's digest (OCI layouts; "" for docker save,
	// which keeps no manifest); ID is the config's digest (docker's image
	// ID).
	Digest, ID string
	Platform   string
	Layers     int
	// PC is the image's /processing-container.json; nil without one.
	PC []byte
	// PCProblem says why PCPath could not be read (it is a directory, a
	// link, too large).
	PCProblem string
}

// Name is how messages name the image: its first tag, else its ID.
func (i ArchiveImage) Name() string {
	if len(i.Tags) > 0 {
		return i.Tags[0]
	}
	if i.Digest != "" {
		return i.Digest
	}
	return i.ID
}

type archiveChecker struct {
	a      *archive
	lim    Limits
	rep    *ArchiveReport
	layers map[string]*scannedLayer // by entry name
}

type scannedLayer struct {
	res layerResult
	err error
}

// CheckArchive checks a docker save or OCI layout archive: every entry of
// the archive and of its layers stays inside, manifests, configs and tags
// are readable, blobs match their digests, layers their diff_ids, and each
// image's /processing-container.json is read for the caller to validate.
// The error is an archive that cannot be read at all.
func CheckArchive(file string, lim Limits) (*ArchiveReport, error) {
	lim = lim.withDefaults()
	a, err := openArchive(file, lim)
	if err != nil {
		return nil, err
	}
	defer a.Close()
	c := &archiveChecker{a: a, lim: lim, rep: &ArchiveReport{Problems: a.problems}, layers: map[string]*scannedLayer{}}
	_, hasIndex := a.entries["index.json"]
	_, hasManifest := a.entries["manifest.json"]
	switch {
	case hasIndex:
		c.rep.Format = FormatOCILayout
		c.ociLayout(hasManifest)
	case hasManifest:
		c.rep.Format = FormatDockerSave
		c.dockerSave()
	default:
		return nil, fmt.Errorf("%s is neither a docker save archive (no manifest.json) nor an OCI layout (no index.json)", file)
	}
	return c.rep, nil
}

func (c *archiveChecker) problem(format string, args ...any) {
	c.rep.Problems = append(c.rep.Problems, fmt.Sprintf(format, args...))
}

// dockerManifest is one entry of docker save's manifest.json.
type dockerManifest struct {
	Config   string
	RepoTags []string
	Layers   []string
}

func (c *archiveChecker) readDockerManifest() ([]dockerManifest, bool) {
	b, err := c.a.readSmall("manifest.json", c.lim)
	if err != nil {
		c.problem("%s", strings.TrimPrefix(err.Error(), c.a.display+": "))
		return nil, false
	}
	var ms []dockerManifest
	if err := strictJSON(b, &ms); err != nil {
		c.problem("manifest.json is not docker's manifest (a list of Config, RepoTags and Layers): %v", err)
		return nil, false
	}
	return ms, true
}

func (c *archiveChecker) dockerSave() {
	ms, ok := c.readDockerManifest()
	if !ok {
		return
	}
	if len(ms) == 0 {
		c.problem("manifest.json lists no image")
	}
	for i, m := range ms {
		where := fmt.Sprintf("manifest.json image %d", i+1)
		img := ArchiveImage{Tags: c.checkTags(where, m.RepoTags), Layers: len(m.Layers)}
		if m.Config == "" {
			c.problem("%s has no Config", where)
			continue
		}
		cfgBytes, err := c.a.readSmall(m.Config, c.lim)
		if err != nil {
			c.problem("%s: %s", where, strings.TrimPrefix(err.Error(), c.a.display+": "))
			continue
		}
		img.ID = sha256Digest(cfgBytes)
		cfg, ok := c.parseConfig(where, m.Config, cfgBytes)
		if !ok {
			continue
		}
		img.Platform = cfg.OS + "/" + cfg.Architecture
		blobs := make([]layerBlob, len(m.Layers))
		for j, l := range m.Layers {
			blobs[j] = layerBlob{name: l}
		}
		c.scanImage(where, &img, cfg, blobs)
		c.rep.Images = append(c.rep.Images, img)
	}
}

func (c *archiveChecker) ociLayout(hasDockerManifest bool) {
	if b, err := c.a.readSmall("oci-layout", c.lim); err != nil {
		c.problem("the OCI layout has no readable oci-layout file")
	} else {
		var l struct {
			Version string `json:"imageLayoutVersion"`
		}
		if json.Unmarshal(b, &l) != nil || l.Version == "" {
			c.problem("oci-layout is not {\"imageLayoutVersion\": ...}")
		}
	}
	b, err := c.a.readSmall("index.json", c.lim)
	if err != nil {
		c.problem("%s", strings.TrimPrefix(err.Error(), c.a.display+": "))
		return
	}
	idx, err := v1.ParseIndexManifest(bytes.NewReader(b))
	if err != nil {
		c.problem("index.json is not an OCI image index: %v", err)
		return
	}
	if len(idx.Manifests) == 0 {
		c.problem("index.json lists no image")
	}
	// Docker 25 and later write both; docker's RepoTags name the images
	// when the index carries no names.
	var dockerTags map[string][]string
	if hasDockerManifest {
		if ms, ok := c.readDockerManifest(); ok {
			dockerTags = map[string][]string{}
			for _, m := range ms {
				dockerTags[m.Config] = m.RepoTags
			}
		}
	}
	for i, d := range idx.Manifests {
		c.ociDescriptor(fmt.Sprintf("index.json manifest %d", i+1), d, nil, 0, dockerTags)
	}
}

func (c *archiveChecker) ociDescriptor(where string, d v1.Descriptor, tags []string, depth int, dockerTags map[string][]string) {
	tags = append(slices.Clone(tags), annotationTags(d.Annotations)...)
	switch d.MediaType {
	case types.OCIImageIndex, types.DockerManifestList:
		if depth > 2 {
			c.problem("%s: indexes nested more than three deep", where)
			return
		}
		b, ok := c.blob(where, d, depth > 0)
		if !ok {
			return
		}
		idx, err := v1.ParseIndexManifest(bytes.NewReader(b))
		if err != nil {
			c.problem("%s (%s) is not an image index: %v", where, d.Digest, err)
			return
		}
		for i, child := range idx.Manifests {
			c.ociDescriptor(fmt.Sprintf("%s, manifest %d", where, i+1), child, tags, depth+1, dockerTags)
		}
	case types.OCIManifestSchema1, types.DockerManifestSchema2:
		b, ok := c.blob(where, d, depth > 0)
		if !ok {
			return
		}
		m, err := v1.ParseManifest(bytes.NewReader(b))
		if err != nil {
			c.problem("%s (%s) is not an image manifest: %v", where, d.Digest, err)
			return
		}
		if !m.Config.MediaType.IsConfig() {
			return // an attestation or another artifact, not an image
		}
		cfgBytes, ok := c.blob(where+" config", m.Config, false)
		if !ok {
			return
		}
		if dt, ok := dockerTags[blobName(m.Config.Digest)]; ok && len(tags) == 0 {
			tags = dt
		}
		img := ArchiveImage{Tags: c.checkTags(where, tags), Digest: d.Digest.String(), ID: m.Config.Digest.String(), Layers: len(m.Layers)}
		cfg, ok := c.parseConfig(where, blobName(m.Config.Digest), cfgBytes)
		if !ok {
			return
		}
		img.Platform = cfg.OS + "/" + cfg.Architecture
		blobs := make([]layerBlob, len(m.Layers))
		for j, l := range m.Layers {
			blobs[j] = layerBlob{name: blobName(l.Digest), desc: &m.Layers[j]}
		}
		c.scanImage(where, &img, cfg, blobs)
		c.rep.Images = append(c.rep.Images, img)
	default:
		c.problem("%s has media type %q, not an image manifest or index", where, d.MediaType)
	}
}

func annotationTags(a map[string]string) []string {
	if n := a["io.containerd.image.name"]; n != "" {
		return []string{n}
	}
	if n := a["org.opencontainers.image.ref.name"]; n != "" {
		return []string{n}
	}
	return nil
}

func blobName(d v1.Hash) string { return "blobs/" + d.Algorithm + "/" + d.Hex }

// blob reads a small blob and checks it against its descriptor; optional
// blobs (the other platforms of an index) may be missing.
func (c *archiveChecker) blob(where string, d v1.Descriptor, optional bool) ([]byte, bool) {
	if d.Digest.Algorithm != "sha256" {
		c.problem("%s: digest %s is not sha256", where, d.Digest)
		return nil, false
	}
	n := blobName(d.Digest)
	if _, ok := c.a.entries[n]; !ok {
		if optional {
			c.rep.Skipped++
		} else {
			c.problem("%s: the archive has no %s", where, n)
		}
		return nil, false
	}
	b, err := c.a.readSmall(n, c.lim)
	if err != nil {
		c.problem("%s: %s", where, strings.TrimPrefix(err.Error(), c.a.display+": "))
		return nil, false
	}
	if got := sha256Digest(b); got != d.Digest.String() || int64(len(b)) != d.Size {
		c.problem("%s: %s does not match its descriptor (%d bytes, %s; the descriptor says %d bytes)", where, n, len(b), got, d.Size)
		return nil, false
	}
	return b, true
}

func (c *archiveChecker) parseConfig(where, file string, b []byte) (*v1.ConfigFile, bool) {
	cfg, err := v1.ParseConfigFile(bytes.NewReader(b))
	if err != nil {
		c.problem("%s: config %s is not an image config: %v", where, file, err)
		return nil, false
	}
	return cfg, true
}

func (c *archiveChecker) checkTags(where string, tags []string) []string {
	var ok []string
	for _, t := range tags {
		if _, err := name.ParseReference(t, name.WithDefaultTag("")); err != nil && strings.ContainsAny(t, "/:") {
			c.problem("%s: tag %q is not an image name", where, t)
			continue
		}
		ok = append(ok, t)
	}
	return ok
}

// layerBlob is a layer of an image: its entry and, in an OCI layout, its
// descriptor.
type layerBlob struct {
	name string
	desc *v1.Descriptor
}

// scanImage checks each layer once (images share layers) and finds the
// image's /processing-container.json top layer first.
func (c *archiveChecker) scanImage(where string, img *ArchiveImage, cfg *v1.ConfigFile, blobs []layerBlob) {
	if n := len(cfg.RootFS.DiffIDs); n != len(blobs) {
		c.problem("%s: the config lists %d layers (diff_ids), the manifest %d", where, n, len(blobs))
	}
	looking := true
	for i := len(blobs) - 1; i >= 0; i-- {
		s := c.scan(blobs[i])
		lw := fmt.Sprintf("%s, layer %d (%s)", where, i+1, blobs[i].name)
		if s.err != nil {
			c.problem("%s %v", lw, s.err)
			looking = false
			continue
		}
		if i < len(cfg.RootFS.DiffIDs) && cfg.RootFS.DiffIDs[i].String() != s.res.diffID {
			c.problem("%s: its content (%s) is not the config's diff_id %s", lw, s.res.diffID, cfg.RootFS.DiffIDs[i])
		}
		if !looking {
			continue
		}
		switch {
		case s.res.found:
			img.PC, looking = s.res.content, false
		case s.res.other != "":
			img.PCProblem, looking = fmt.Sprintf("%s is %s, not a file", PCPath, s.res.other), false
		case s.res.hidden:
			looking = false
		}
	}
}

func (c *archiveChecker) scan(b layerBlob) *scannedLayer {
	if s, ok := c.layers[b.name]; ok {
		return s
	}
	s := &scannedLayer{}
	c.layers[b.name] = s
	s.res, s.err = c.scanBlob(b)
	for _, p := range s.res.problems {
		c.problem("layer %s: %s", b.name, p)
	}
	return s
}

func (c *archiveChecker) scanBlob(b layerBlob) (layerResult, error) {
	r, size, err := c.a.open(b.name)
	if err != nil {
		return layerResult{}, fmt.Errorf("is missing: %s", strings.TrimPrefix(err.Error(), c.a.display+": "))
	}
	h := sha256.New()
	tee := io.TeeReader(r, h)
	zr, done, err := decompress(tee)
	if err != nil {
		return layerResult{}, err
	}
	defer done()
	res, err := scanLayer(zr, PCPath[1:], c.lim, true)
	if err != nil {
		return res, err
	}
	// What the decompressor left unread counts in the blob's digest.
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return res, err
	}
	if b.desc != nil {
		if got := "sha256:" + hex.EncodeToString(h.Sum(nil)); got != b.desc.Digest.String() || size != b.desc.Size {
			return res, fmt.Errorf("does not match its descriptor (%d bytes, %s; the descriptor says %d bytes)", size, got, b.desc.Size)
		}
	}
	return res, nil
}

func sha256Digest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// strictJSON decodes one JSON value with nothing after it (unknown
// fields are allowed: docker adds LayerSources and Parent).
func strictJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("more than one JSON value")
	}
	return nil
}
