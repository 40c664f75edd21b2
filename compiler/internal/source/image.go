package source

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/pono-gitops/pono/internal/ociimage"
)

// ImageRequest asks for a file in an image: a workflow container's
// /processing-container.json.
type ImageRequest struct {
	Image string
	File  string
	// Auth holds the platform's registry credentials by registry host.
	Auth map[string]ociimage.Auth
}

// ResolveImage returns the file's content and pins it in the lock, as a
// remote chart is pinned: online the tag is looked up (one HEAD request)
// and the file read from the registry unless the cache already holds it
// for that digest; offline it comes from the lock and the cache. A tag
// that moved since the lock was written is a lock change (pono diff and
// --locked see it).
func (r *Resolver) ResolveImage(ctx context.Context, req ImageRequest) ([]byte, error) {
	locked, hasLock := r.opts.Lock.FindImage(req.Image, req.File)
	if r.opts.Offline {
		if !hasLock {
			return nil, fmt.Errorf("offline: image %s is not in pono.lock (compile once online to read its %s)", req.Image, req.File)
		}
		b, ok := r.cachedFile(locked.SHA256)
		if !ok {
			return nil, fmt.Errorf("offline: pono.lock pins image %s at %s, but the cache %s does not hold its %s (compile once online to fill the cache)", req.Image, locked.Digest, r.opts.CacheDir, req.File)
		}
		r.addImage(locked)
		return b, nil
	}
	ro := ociimage.RemoteOptions{Auth: req.Auth}
	digest, err := ociimage.Resolve(ctx, req.Image, ro)
	if err != nil {
		return nil, err
	}
	if hasLock && locked.Digest == digest {
		if b, ok := r.cachedFile(locked.SHA256); ok {
			r.addImage(locked)
			return b, nil
		}
	}
	// Read what the tag named a moment ago, not what it names by now.
	pinned, err := ociimage.Pinned(req.Image, digest)
	if err != nil {
		return nil, err
	}
	f, err := ociimage.ReadFile(ctx, pinned, req.File, ro)
	if err != nil {
		return nil, errors.New(strings.Replace(err.Error(), pinned, req.Image, 1)) // named as the user wrote it
	}
	sum := sha256.Sum256(f.Content)
	e := ImageEntry{Image: req.Image, File: req.File, Digest: digest, SHA256: "sha256:" + hex.EncodeToString(sum[:])}
	if r.opts.CacheDir != "" {
		if err := writeCacheFile(r.filePath(e.SHA256), f.Content, "image file cache"); err != nil {
			return nil, err
		}
	}
	r.addImage(e)
	return f.Content, nil
}

// ImageEntries are the image files this resolver pinned, sorted.
func (r *Resolver) ImageEntries() []ImageEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	return SortImages(r.images)
}

func (r *Resolver) addImage(e ImageEntry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.images = append(r.images, e)
}

func (r *Resolver) filePath(digest string) string {
	return filepath.Join(r.opts.CacheDir, "files", "sha256", strings.TrimPrefix(digest, "sha256:"))
}

// cachedFile is a cached file whose content still has its digest.
func (r *Resolver) cachedFile(digest string) ([]byte, bool) {
	if r.opts.CacheDir == "" {
		return nil, false
	}
	b, err := os.ReadFile(r.filePath(digest))
	if err != nil {
		return nil, false
	}
	sum := sha256.Sum256(b)
	return b, "sha256:"+hex.EncodeToString(sum[:]) == digest
}
