package ociimage

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"path"

	"github.com/pono-gitops/pono/internal/safefs"
)

// archive is an image archive's outer tar, indexed: where each regular
// file's data lies, so blobs are read in place, never unpacked to disk.
type archive struct {
	f       *os.File
	display string
	entries map[string]*tar.Header // by cleaned name
	offsets map[string]int64
	// problems are entries that escape or are not files, links or
	// directories.
	problems []string
}

// seekCounter tracks the offset of a tar stream; Seek lets archive/tar
// skip entry data instead of reading it.
type seekCounter struct {
	f   *os.File
	pos int64
}

func (s *seekCounter) Read(p []byte) (int, error) {
	n, err := s.f.Read(p)
	s.pos += int64(n)
	return n, err
}

func (s *seekCounter) Seek(off int64, whence int) (int64, error) {
	n, err := s.f.Seek(off, whence)
	if err == nil {
		s.pos = n
	}
	return n, err
}

func openArchive(file string, lim Limits) (*archive, error) {
	f, fi, err := safefs.OpenRegularFile(file)
	if err != nil {
		return nil, err
	}
	a := &archive{f: f, display: file, entries: map[string]*tar.Header{}, offsets: map[string]int64{}}
	sc := &seekCounter{f: f}
	tr := tar.NewReader(sc)
	n := 0
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			f.Close()
			if n == 0 {
				return nil, fmt.Errorf("%s is not a tar archive (docker save and OCI layout archives are tar files)", file)
			}
			return nil, fmt.Errorf("%s %v", file, tarError(err))
		}
		n++
		if n > lim.Entries {
			f.Close()
			return nil, fmt.Errorf("%s has more than %d entries (PONO_MAX_TAR_ENTRIES)", file, lim.Entries)
		}
		if hdr.Size > fi.Size() {
			f.Close()
			return nil, fmt.Errorf("%s: entry %q declares %s, more than the whole archive (%s): the archive is truncated or forged", file, hdr.Name, human(hdr.Size), human(fi.Size()))
		}
		if why := escape(hdr, true); why != "" {
			a.problems = append(a.problems, fmt.Sprintf("entry %q %s", hdr.Name, why))
			continue
		}
		switch hdr.Typeflag {
		case tar.TypeReg, tar.TypeRegA, tar.TypeDir, tar.TypeSymlink, tar.TypeLink:
		default:
			a.problems = append(a.problems, fmt.Sprintf("entry %q is %s; an image archive holds only files, directories and links", hdr.Name, typeName(hdr.Typeflag)))
			continue
		}
		name := cleanName(hdr.Name)
		if prev, dup := a.entries[name]; dup && !(prev.Typeflag == tar.TypeDir && hdr.Typeflag == tar.TypeDir) {
			a.problems = append(a.problems, fmt.Sprintf("entry %q appears twice (which one a tool reads depends on the tool)", hdr.Name))
			continue
		}
		a.entries[name] = hdr
		a.offsets[name] = sc.pos
	}
	if n == 0 {
		f.Close()
		return nil, fmt.Errorf("%s is an empty tar archive", file)
	}
	return a, nil
}

func (a *archive) Close() error { return a.f.Close() }

func typeName(t byte) string {
	switch t {
	case tar.TypeChar:
		return "a character device"
	case tar.TypeBlock:
		return "a block device"
	case tar.TypeFifo:
		return "a named pipe"
	}
	return fmt.Sprintf("of tar type %q", t)
}

// lookup follows links inside the archive to a regular file.
func (a *archive) lookup(name string) (*tar.Header, string, error) {
	name = cleanName(name)
	for range 16 {
		h, ok := a.entries[name]
		if !ok {
			return nil, "", fmt.Errorf("%s has no %s", a.display, name)
		}
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeRegA:
			return h, name, nil
		case tar.TypeSymlink:
			name = path.Clean(path.Join(path.Dir(name), h.Linkname))
		case tar.TypeLink:
			name = cleanName(h.Linkname)
		default:
			return nil, "", fmt.Errorf("%s: %s is not a file", a.display, name)
		}
	}
	return nil, "", fmt.Errorf("%s: %s: too many levels of links", a.display, name)
}

// open returns a reader of a regular file's data in the archive.
func (a *archive) open(name string) (*io.SectionReader, int64, error) {
	h, real, err := a.lookup(name)
	if err != nil {
		return nil, 0, err
	}
	return io.NewSectionReader(a.f, a.offsets[real], h.Size), h.Size, nil
}

// readSmall reads a manifest, index or config, bounded.
func (a *archive) readSmall(name string, lim Limits) ([]byte, error) {
	r, size, err := a.open(name)
	if err != nil {
		return nil, err
	}
	if size > lim.MetaBytes {
		return nil, fmt.Errorf("%s: %s is %s, more than the limit %s for a manifest or config", a.display, name, human(size), human(lim.MetaBytes))
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		return nil, fmt.Errorf("%s: %s is truncated", a.display, name)
	}
	return b, nil
}
