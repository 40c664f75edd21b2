package taskapi

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
)

// TargetSize measures a channel for a scale rule. fsys is the channel's
// host directory (os.DirFS(host_path)). A missing directory measures 0, as
// in Kaapana.
//
//   - sum: total size of the matching files below target_dir;
//   - max_file_size: the largest matching file;
//   - max_item_sum: for each direct subdirectory ("item") of the channel,
//     the total below item/target_dir; the largest item wins (0 without
//     items, where Kaapana raises).
//
// A file matches when target_glob matches its name (or, if the glob has a
// slash, its path relative to target_dir) and target_regex matches that
// whole relative path (Python's re.fullmatch). Symbolic links are not
// followed.
func TargetSize(fsys fs.FS, rule *ScaleRule) (int64, error) {
	re, err := compileTargetRegex(rule.Regex())
	if err != nil {
		return 0, fmt.Errorf("target_regex: %w", err)
	}
	m := matcher{glob: rule.Glob(), match: re.MatchString}
	dir := path.Clean(rule.Dir())
	if dir == "" {
		dir = "."
	}
	switch rule.Mode {
	case ModeSum:
		return m.measure(fsys, dir, false)
	case ModeMaxFileSize:
		return m.measure(fsys, dir, true)
	case ModeMaxItemSum:
		items, err := fs.ReadDir(fsys, ".")
		if errors.Is(err, fs.ErrNotExist) {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
		var best int64
		for _, it := range items {
			if !it.IsDir() {
				continue
			}
			n, err := m.measure(fsys, path.Join(it.Name(), dir), false)
			if err != nil {
				return 0, err
			}
			best = max(best, n)
		}
		return best, nil
	}
	return 0, fmt.Errorf("unknown scale rule mode %q", rule.Mode)
}

type matcher struct {
	glob  string
	match func(string) bool
}

func (m matcher) measure(fsys fs.FS, root string, largest bool) (int64, error) {
	var total int64
	err := fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		rel := p
		if root != "." {
			rel = p[len(root)+1:]
		}
		name := d.Name()
		if containsSlash(m.glob) {
			name = rel
		}
		if ok, _ := path.Match(m.glob, name); !ok || !m.match(rel) {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if largest {
			total = max(total, info.Size())
		} else {
			total += info.Size()
		}
		return nil
	})
	return total, err
}

func containsSlash(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return true
		}
	}
	return false
}
