package ociimage

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"path"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// layerResult is what one layer says about the file looked for.
type layerResult struct {
	// found: the layer holds the file as a regular file, in content.
	found   bool
	content []byte
	// other describes a non-file at the path ("a directory", "a symbolic
	// link to x"): the lookup stops there.
	other string
	// hidden: a whiteout in this layer removes the path from the layers
	// below (".wh.<name>", or an opaque ".wh..wh..opq" of a parent).
	hidden bool
	// problems are entries that escape (check mode only): "entry x: why".
	problems []string
	// diffID is the sha256 of the uncompressed tar (check mode only).
	diffID string
}

// errLimit marks a bound that was hit.
var errLimit = errors.New("limit")

type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }
func (e *limitError) Unwrap() error { return errLimit }

// boundedReader fails once more than n bytes were read.
type boundedReader struct {
	r    io.Reader
	n    int64
	read int64
}

func (b *boundedReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read += int64(n)
	if b.read > b.n {
		return n, &limitError{fmt.Sprintf("inflates to more than %s (PONO_MAX_LAYER_BYTES; a decompression bomb?)", human(b.n))}
	}
	return n, err
}

// scanLayer reads one layer's uncompressed tar looking for target (a
// cleaned path). With check, every entry is checked for escapes and the
// stream is hashed.
func scanLayer(r io.Reader, target string, lim Limits, check bool) (layerResult, error) {
	var res layerResult
	var h hash.Hash
	br := &boundedReader{r: r, n: lim.LayerBytes}
	var src io.Reader = br
	if check {
		h = sha256.New()
		src = io.TeeReader(br, h)
	}
	tr := tar.NewReader(src)
	entries := 0
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return res, tarError(err)
		}
		entries++
		if entries > lim.Entries {
			return res, &limitError{fmt.Sprintf("has more than %d entries (PONO_MAX_TAR_ENTRIES)", lim.Entries)}
		}
		if hdr.Size > lim.LayerBytes {
			return res, &limitError{fmt.Sprintf("holds entry %q of %s, more than the layer limit %s (PONO_MAX_LAYER_BYTES)", hdr.Name, human(hdr.Size), human(lim.LayerBytes))}
		}
		if check {
			if why := escape(hdr, false); why != "" {
				res.problems = append(res.problems, fmt.Sprintf("entry %q %s", hdr.Name, why))
			}
		}
		name := cleanName(hdr.Name)
		dir, base := path.Dir(name), path.Base(name)
		switch {
		case base == ".wh..wh..opq":
			if dir == "." || strings.HasPrefix(target, dir+"/") {
				res.hidden = true
			}
			continue
		case strings.HasPrefix(base, ".wh."):
			gone := path.Join(dir, strings.TrimPrefix(base, ".wh."))
			if target == gone || strings.HasPrefix(target, gone+"/") {
				res.hidden = true
			}
			continue
		case name != target:
			continue
		}
		// A later entry of the same name replaces an earlier one.
		res.found, res.content, res.other = false, nil, ""
		switch hdr.Typeflag {
		case tar.TypeReg, tar.TypeRegA:
			if hdr.Size > lim.FileBytes {
				return res, &limitError{fmt.Sprintf("holds /%s of %s, more than the limit %s", target, human(hdr.Size), human(lim.FileBytes))}
			}
			b, err := io.ReadAll(tr)
			if err != nil {
				return res, tarError(err)
			}
			res.found, res.content = true, b
		case tar.TypeDir:
			res.other = "a directory"
		case tar.TypeSymlink:
			res.other = "a symbolic link to " + hdr.Linkname
		case tar.TypeLink:
			res.other = "a hard link to " + hdr.Linkname
		default:
			res.other = "not a regular file"
		}
	}
	if check {
		// Trailing bytes after the end marker count in the digest.
		if _, err := io.Copy(io.Discard, src); err != nil {
			return res, tarError(err)
		}
		res.diffID = "sha256:" + hex.EncodeToString(h.Sum(nil))
	}
	return res, nil
}

// tarError says what is wrong with a tar stream in words.
func tarError(err error) error {
	var le *limitError
	switch {
	case errors.As(err, &le):
		return le
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("is truncated (the tar stream ends inside an entry)")
	case errors.Is(err, tar.ErrHeader):
		return errors.New("is not a tar stream (invalid tar header)")
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader):
		return fmt.Errorf("is not valid gzip (%v)", err)
	}
	return fmt.Errorf("cannot be read: %v", err)
}

// decompress returns the uncompressed stream of a layer blob: gzip and
// zstd are recognised by their magic numbers, anything else is taken as a
// plain tar.
func decompress(r io.Reader) (io.Reader, func(), error) {
	br := bufio.NewReader(r)
	magic, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(magic, []byte{0x1f, 0x8b}):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("is not valid gzip (%v)", err)
		}
		return zr, func() { zr.Close() }, nil
	case bytes.Equal(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, nil, fmt.Errorf("is not valid zstd (%v)", err)
		}
		return zr, zr.Close, nil
	}
	return br, func() {}, nil
}

// human renders a byte count: 8 GiB, 1.5 MiB, 300 bytes.
func human(n int64) string {
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	if n < 1024 {
		return fmt.Sprintf("%d bytes", n)
	}
	f := float64(n)
	u := ""
	for _, x := range units {
		if f < 1024 {
			break
		}
		f /= 1024
		u = x
	}
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d %s", int64(f), u)
	}
	return fmt.Sprintf("%.1f %s", f, u)
}
