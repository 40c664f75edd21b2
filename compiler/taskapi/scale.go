package taskapi

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
)

// TargetSize measures a channel for a scale rule the way Kaapana's
// compute_target_size does. fsys is the channel's host directory
// (os.DirFS(host_path)). A missing directory measures 0, as in Kaapana.
//
//   - sum: total size of the matching files below target_dir;
//   - max_file_size: the largest matching file;
//   - max_item_sum: for each direct subdirectory ("item") of the channel,
//     the total below item/target_dir; the largest item wins (0 without
//     items, where Kaapana raises).
//
// The matching files are those Path(target_dir).rglob(target_glob) yields
// (see rglob: any depth, links to files followed, links to directories not
// entered by "**") whose path relative to target_dir fully matches
// target_regex (Python's re.fullmatch).
func TargetSize(fsys fs.FS, rule *ScaleRule) (int64, error) {
	size, _, err := targetMeasure(fsys, rule)
	return size, err
}

// TargetMatches counts the files a scale rule measures (for
// max_item_sum: in all items), so that a glob matching nothing can be
// reported.
func TargetMatches(fsys fs.FS, rule *ScaleRule) (int, error) {
	_, n, err := targetMeasure(fsys, rule)
	return n, err
}

func targetMeasure(fsys fs.FS, rule *ScaleRule) (int64, int, error) {
	re, err := compileTargetRegex(rule.Regex())
	if err != nil {
		return 0, 0, fmt.Errorf("target_regex: %w", err)
	}
	m := matcher{fsys: fsys, glob: rule.Glob(), match: re.MatchString}
	dir := path.Clean(rule.Dir())
	switch rule.Mode {
	case ModeSum:
		return m.measure(dir, false)
	case ModeMaxFileSize:
		return m.measure(dir, true)
	case ModeMaxItemSum:
		items, err := fs.ReadDir(fsys, ".")
		if errors.Is(err, fs.ErrNotExist) {
			return 0, 0, nil
		}
		if err != nil {
			return 0, 0, err
		}
		var best int64
		count := 0
		for _, it := range items {
			if !it.IsDir() {
				continue
			}
			n, files, err := m.measure(path.Join(it.Name(), dir), false)
			if err != nil {
				return 0, 0, err
			}
			best, count = max(best, n), count+files
		}
		return best, count, nil
	}
	return 0, 0, fmt.Errorf("unknown scale rule mode %q", rule.Mode)
}

type matcher struct {
	fsys  fs.FS
	glob  string
	match func(string) bool
}

// measure sums (or, largest, takes the maximum of) the sizes of the
// matching files below root and counts them.
func (m matcher) measure(root string, largest bool) (int64, int, error) {
	files, err := rglob(m.fsys, root, m.glob)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, err
	}
	var total int64
	count := 0
	for _, rel := range files {
		if !m.match(rel) {
			continue
		}
		info, err := fs.Stat(m.fsys, path.Join(root, rel))
		if err != nil {
			return 0, 0, err
		}
		count++
		if largest {
			total = max(total, info.Size())
		} else {
			total += info.Size()
		}
	}
	return total, count, nil
}
