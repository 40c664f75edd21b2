package ociimage

import (
	"os"
	"strconv"
)

// Limits bound what is read from an image or an archive.
type Limits struct {
	// FileBytes bounds the file read out of an image (default 4 MiB; a
	// processing-container.json is a few KB).
	FileBytes int64
	// LayerBytes bounds the uncompressed bytes of one layer: a gzip bomb
	// stops here (default 8 GiB, PONO_MAX_LAYER_BYTES).
	LayerBytes int64
	// Entries bounds the entries of one tar, the archive or a layer
	// (default 1,000,000, PONO_MAX_TAR_ENTRIES).
	Entries int
	// MetaBytes bounds a manifest, index or config (default 4 MiB).
	MetaBytes int64
}

// Defaults of Limits.
const (
	DefaultFileBytes  = 4 << 20
	DefaultLayerBytes = 8 << 30
	DefaultEntries    = 1_000_000
	DefaultMetaBytes  = 4 << 20
)

// withDefaults fills unset limits from the environment or the defaults.
func (l Limits) withDefaults() Limits {
	if l.FileBytes <= 0 {
		l.FileBytes = DefaultFileBytes
	}
	if l.LayerBytes <= 0 {
		l.LayerBytes = envInt("PONO_MAX_LAYER_BYTES", DefaultLayerBytes)
	}
	if l.Entries <= 0 {
		l.Entries = int(envInt("PONO_MAX_TAR_ENTRIES", DefaultEntries))
	}
	if l.MetaBytes <= 0 {
		l.MetaBytes = DefaultMetaBytes
	}
	return l
}

func envInt(name string, def int64) int64 {
	if n, err := strconv.ParseInt(os.Getenv(name), 10, 64); err == nil && n > 0 {
		return n
	}
	return def
}
