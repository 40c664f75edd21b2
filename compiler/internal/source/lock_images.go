package source

import (
	"fmt"
	"sort"

	yamlv4 "go.yaml.in/yaml/v4"
)

// ImageEntry pins a file read out of an image (a workflow container's
// /processing-container.json): the digest the image reference named when
// it was read, and the file's own digest, which finds it in the cache.
type ImageEntry struct {
	Image  string `json:"image"`
	File   string `json:"file"`
	Digest string `json:"digest"`
	SHA256 string `json:"sha256"`
}

func (e ImageEntry) key() string { return e.Image + "\x00" + e.File }

// FindImage returns the entry for file in image.
func (l *Lock) FindImage(image, file string) (ImageEntry, bool) {
	for _, e := range l.Images {
		if e.Image == image && e.File == file {
			return e, true
		}
	}
	return ImageEntry{}, false
}

// SetCommitted records the image entries of the lock this one replaces:
// what Diff compares l's images from, so that `pono diff` of two commits
// reports a tag that moved since the base was locked.
func (l *Lock) SetCommitted(old *Lock) {
	l.committed, l.hasCommitted = old.Images, true
}

// SortImages puts entries in the lock's canonical order, one per image
// and file (the first wins).
func SortImages(in []ImageEntry) []ImageEntry {
	seen := map[string]bool{}
	var out []ImageEntry
	for _, e := range in {
		if !seen[e.key()] {
			seen[e.key()] = true
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

// parseImages reads the images list of a version 2 lock into l.
func parseImages(l *Lock, n *yamlv4.Node, version int, display string, bad func(pos, format string, args ...any)) {
	if n == nil || (n.Kind == yamlv4.ScalarNode && n.Tag == "!!null") {
		return
	}
	if version < 2 {
		bad(nodePos(display, n), "pono.lock: images need lock version 2, and the file says version %d (a hand-edited file?)", version)
		return
	}
	if n.Kind != yamlv4.SequenceNode {
		bad(nodePos(display, n), "pono.lock: images must be a list of entries, not %s", describeNode(n))
		return
	}
	seen := map[string]int{}
	for i, item := range n.Content {
		e, ok := parseImageEntry(item, display, i+1, bad)
		if !ok {
			continue
		}
		if prev, dup := seen[e.key()]; dup {
			bad(nodePos(display, item), "pono.lock: image entry %d repeats image entry %d (%s)", i+1, prev, e.Image)
			continue
		}
		seen[e.key()] = i + 1
		l.Images = append(l.Images, e)
	}
}

func parseImageEntry(n *yamlv4.Node, display string, i int, bad func(pos, format string, args ...any)) (ImageEntry, bool) {
	if n.Kind != yamlv4.MappingNode {
		bad(nodePos(display, n), "pono.lock: image entry %d must be a mapping (image, file, digest, sha256), not %s", i, describeNode(n))
		return ImageEntry{}, false
	}
	var e ImageEntry
	fields := map[string]*string{"image": &e.Image, "file": &e.File, "digest": &e.Digest, "sha256": &e.SHA256}
	ok := true
	for j := 0; j+1 < len(n.Content); j += 2 {
		k, v := n.Content[j], n.Content[j+1]
		f, known := fields[k.Value]
		switch {
		case !known:
			bad(nodePos(display, k), "pono.lock: image entry %d has an unknown field %q", i, k.Value)
			ok = false
		case v.Kind != yamlv4.ScalarNode:
			bad(nodePos(display, v), "pono.lock: image entry %d: %s must be a string, not %s", i, k.Value, describeNode(v))
			ok = false
		default:
			*f = v.Value
		}
	}
	var missing []string
	for _, name := range []string{"image", "file", "digest", "sha256"} {
		if *fields[name] == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		bad(nodePos(display, n), "pono.lock: image entry %d lacks %s (a truncated or hand-edited file?)", i, joinAnd(missing))
		return ImageEntry{}, false
	}
	for _, f := range []string{"digest", "sha256"} {
		if !digestRE.MatchString(*fields[f]) {
			bad(keyPos(display, n, f), "pono.lock: image entry %d (%s): %s %q is not sha256: and 64 hex digits", i, e.Image, f, *fields[f])
			return ImageEntry{}, false
		}
	}
	return e, ok
}

// diffImages describes how the image entries changed, one line each; a
// tag that now names another image is "moved".
func diffImages(old, cur []ImageEntry) []string {
	was := map[string]ImageEntry{}
	for _, e := range old {
		was[e.key()] = e
	}
	var out []string
	seen := map[string]bool{}
	for _, e := range cur {
		seen[e.key()] = true
		o, ok := was[e.key()]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("add image %s %s: %s (file %s)", e.Image, e.File, e.Digest, e.SHA256))
		case o.Digest != e.Digest:
			out = append(out, fmt.Sprintf("change image %s: the tag moved from %s to %s (%s %s -> %s)", e.Image, o.Digest, e.Digest, e.File, o.SHA256, e.SHA256))
		case o.SHA256 != e.SHA256:
			out = append(out, fmt.Sprintf("change image %s %s: %s -> %s", e.Image, e.File, o.SHA256, e.SHA256))
		}
	}
	for _, e := range old {
		if !seen[e.key()] {
			out = append(out, fmt.Sprintf("remove image %s %s", e.Image, e.File))
		}
	}
	return out
}
