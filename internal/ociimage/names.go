package ociimage

import (
	"archive/tar"
	"fmt"
	"path"
	"strings"
)

// cleanName is a tar entry's name as a path below the root: "./a/b",
// "a//b/" and "a/b" are all "a/b"; the root itself is ".".
func cleanName(n string) string {
	return path.Clean(strings.TrimPrefix(n, "/"))
}

// climbs reports whether a cleaned relative path leaves its root.
func climbs(p string) bool { return p == ".." || strings.HasPrefix(p, "../") }

// escape says how a tar entry escapes the directory it is unpacked into,
// or "". outer is the archive itself, which is unpacked as is: there an
// absolute link target points at the host. Inside a layer an absolute
// link target is resolved in the container's root file system, where
// images keep links like /bin/sh -> /bin/busybox.
func escape(h *tar.Header, outer bool) string {
	if strings.HasPrefix(h.Name, "/") {
		return "has an absolute name"
	}
	if climbs(path.Clean(h.Name)) {
		return "climbs out with .."
	}
	switch h.Typeflag {
	case tar.TypeSymlink:
		t := h.Linkname
		if strings.HasPrefix(t, "/") {
			if outer {
				return fmt.Sprintf("is a symbolic link to %s, outside the archive", t)
			}
			return ""
		}
		if climbs(path.Clean(path.Join(path.Dir(cleanName(h.Name)), t))) {
			return fmt.Sprintf("is a symbolic link to %s, which leaves the %s", t, root(outer))
		}
	case tar.TypeLink:
		t := h.Linkname
		if strings.HasPrefix(t, "/") && outer {
			return fmt.Sprintf("is a hard link to %s, outside the archive", t)
		}
		if climbs(path.Clean(strings.TrimPrefix(t, "/"))) {
			return fmt.Sprintf("is a hard link to %s, which leaves the %s", t, root(outer))
		}
	}
	return ""
}

func root(outer bool) string {
	if outer {
		return "archive"
	}
	return "image's file system"
}
