package taskapi

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
)

// rglob lists what Python's Path(root).rglob(pattern) yields that is a
// file (Path.is_file(), which follows links), relative to root. Kaapana
// measures scale rules this way, so pono must count the same files:
//
//   - rglob(p) is glob("**/" + p): p matches at any depth, and a p with a
//     "/" matches its last components (sub/*.bin is any sub/*.bin);
//   - each component is an fnmatch pattern (*, ?, [seq], [!seq]; no
//     escapes; dot files are not special; case-sensitive), matched against
//     one name;
//   - "**" is this directory and every directory below it, never entering a
//     symbolic link to a directory; other components do follow links, and
//     a link to a file is the file it points to;
//   - a trailing "**" yields everything below (Python 3.13), a trailing
//     "/" only directories, so no files;
//   - unreadable directories below root are skipped, as pathlib does.
func rglob(fsys fs.FS, root, pattern string) ([]string, error) {
	parts, err := globParts("**/" + pattern)
	if err != nil {
		return nil, err
	}
	if _, err := fs.ReadDir(fsys, root); err != nil {
		return nil, err
	}
	if strings.HasSuffix(pattern, "/") {
		return nil, nil // directories only (Python 3.11+)
	}
	g := globber{fsys: fsys, found: map[string]bool{}}
	g.sel(root, "", parts)
	out := make([]string, 0, len(g.found))
	for p := range g.found {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}

// globPart is one component: "**" (re nil) or an fnmatch pattern.
type globPart struct {
	re *regexp.Regexp
}

func globParts(pattern string) ([]globPart, error) {
	var parts []globPart
	for _, s := range strings.Split(pattern, "/") {
		switch {
		case s == "" || s == ".":
			continue
		case s == "**":
			// Adjacent "**" select the same directories.
			if len(parts) > 0 && parts[len(parts)-1].re == nil {
				continue
			}
			parts = append(parts, globPart{})
			continue
		case s == "..":
			return nil, errors.New(`".." would leave the channel`)
		}
		re, err := fnmatchRegexp(s)
		if err != nil {
			return nil, err
		}
		parts = append(parts, globPart{re: re})
	}
	return parts, nil
}

type globber struct {
	fsys  fs.FS
	found map[string]bool
}

func (g globber) sel(dir, rel string, parts []globPart) {
	if len(parts) == 0 {
		return
	}
	if parts[0].re == nil {
		rest := parts[1:]
		g.dirs(dir, rel, func(d, r string) {
			if len(rest) == 0 {
				g.files(d, r)
			} else {
				g.sel(d, r, rest)
			}
		})
		return
	}
	entries, err := fs.ReadDir(g.fsys, dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !parts[0].re.MatchString(e.Name()) {
			continue
		}
		p, r := path.Join(dir, e.Name()), path.Join(rel, e.Name())
		fi, err := fs.Stat(g.fsys, p) // follows links
		if err != nil {
			continue
		}
		switch {
		case len(parts) == 1 && fi.Mode().IsRegular():
			g.found[r] = true
		case len(parts) > 1 && fi.IsDir():
			g.sel(p, r, parts[1:])
		}
	}
}

// dirs calls f for dir and every directory below it, not entering links.
func (g globber) dirs(dir, rel string, f func(dir, rel string)) {
	f(dir, rel)
	entries, err := fs.ReadDir(g.fsys, dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() && e.Type()&fs.ModeSymlink == 0 {
			g.dirs(path.Join(dir, e.Name()), path.Join(rel, e.Name()), f)
		}
	}
}

// files records the files directly in dir (a trailing "**": the
// directories themselves come from dirs).
func (g globber) files(dir, rel string) {
	entries, err := fs.ReadDir(g.fsys, dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if fi, err := fs.Stat(g.fsys, path.Join(dir, e.Name())); err == nil && fi.Mode().IsRegular() {
			g.found[path.Join(rel, e.Name())] = true
		}
	}
}

// fnmatchRegexp translates one fnmatch pattern as Python's
// fnmatch.translate does, into an anchored Go regexp.
func fnmatchRegexp(pat string) (*regexp.Regexp, error) {
	rs := []rune(pat)
	var b strings.Builder
	b.WriteString(`^(?s:`)
	for i := 0; i < len(rs); {
		c := rs[i]
		i++
		switch c {
		case '*':
			for i < len(rs) && rs[i] == '*' {
				i++
			}
			b.WriteString(`.*`)
		case '?':
			b.WriteString(`.`)
		case '[':
			j := i
			if j < len(rs) && rs[j] == '!' {
				j++
			}
			if j < len(rs) && rs[j] == ']' {
				j++
			}
			for j < len(rs) && rs[j] != ']' {
				j++
			}
			if j >= len(rs) {
				b.WriteString(`\[`)
				continue
			}
			b.WriteString(charClass(rs[i:j]))
			i = j + 1
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString(`)$`)
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("pattern %q: %w", pat, err)
	}
	return re, nil
}

// charClass renders the inside of an fnmatch [seq] as a Go class: "!"
// first negates, a-z is a range (dropped when reversed, as Python does),
// everything else is literal.
func charClass(seq []rune) string {
	neg := len(seq) > 0 && seq[0] == '!'
	if neg {
		seq = seq[1:]
	}
	var items strings.Builder
	for k := 0; k < len(seq); k++ {
		lo, hi := seq[k], seq[k]
		if k+2 < len(seq) && seq[k+1] == '-' {
			hi = seq[k+2]
			k += 2
		}
		if lo > hi {
			continue
		}
		fmt.Fprintf(&items, `\x{%x}`, lo)
		if hi != lo {
			fmt.Fprintf(&items, `-\x{%x}`, hi)
		}
	}
	switch {
	case items.Len() == 0 && neg:
		return `.` // [!] with nothing excluded: any character
	case items.Len() == 0:
		return `[^\x00-\x{10FFFF}]` // never matches
	case neg:
		return `[^` + items.String() + `]`
	}
	return `[` + items.String() + `]`
}
