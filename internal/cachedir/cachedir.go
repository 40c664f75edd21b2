// Package cachedir names pono's cache directory, the one rule every
// command and the helper programs share.
package cachedir

import (
	"os"
	"path/filepath"
)

// Default is $PONO_CACHE, else the user cache directory's pono, else ""
// (no home: callers then do without a cache).
func Default() string {
	if d := os.Getenv("PONO_CACHE"); d != "" {
		return d
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "pono")
	}
	return ""
}
