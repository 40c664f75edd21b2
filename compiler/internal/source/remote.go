package source

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
	"sigs.k8s.io/yaml"

	"github.com/pono-gitops/pono/internal/helmchart"
)

func sortStrings(s []string) { sort.Strings(s) }

// repoIndex is the part of a Helm repository index.yaml pono needs.
type repoIndex struct {
	Entries map[string][]struct {
		Version string   `json:"version"`
		URLs    []string `json:"urls"`
		Digest  string   `json:"digest"`
	} `json:"entries"`
}

func (r *Resolver) resolveRepo(ctx context.Context, req Request, cons *semver.Constraints, locked LockEntry, hasLock bool) (*Resolved, error) {
	if res, done, err := r.fromLock(req, cons, locked, hasLock, req.Source.Repo); done {
		return res, err
	}
	base := strings.TrimSuffix(req.Source.Repo, "/") + "/"
	r.mu.Lock()
	ov, ok := r.indexes[base]
	if !ok {
		ov = &onceValue[*repoIndex]{}
		r.indexes[base] = ov
	}
	r.mu.Unlock()
	idx, err := ov.get(func() (*repoIndex, error) {
		b, err := r.get(ctx, base+"index.yaml", req.Source.InsecureSkipTLSVerify)
		if err != nil {
			return nil, err
		}
		var ix repoIndex
		if err := yaml.Unmarshal(b, &ix); err != nil {
			return nil, fmt.Errorf("%sindex.yaml: %w", base, err)
		}
		return &ix, nil
	})
	if err != nil {
		return nil, err
	}
	var cands []candidate
	for _, e := range idx.Entries[req.Chart] {
		if len(e.URLs) == 0 {
			continue
		}
		u, err := url.Parse(e.URLs[0])
		if err != nil {
			continue
		}
		b, _ := url.Parse(base)
		cands = append(cands, candidate{version: e.Version, path: b.ResolveReference(u).String(), archive: true, digest: e.Digest})
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("chart %q not found in repository %s", req.Chart, req.Source.Repo)
	}
	c, err := pick(cands, cons, locked, hasLock && !r.opts.UpdateLock)
	if err != nil {
		return nil, fmt.Errorf("chart %q in %s: %w", req.Chart, req.Source.Repo, err)
	}
	if c.digest != "" {
		if err := r.checkDigest(req, locked, hasLock, c.version, "sha256:"+strings.TrimPrefix(c.digest, "sha256:"), c.path); err != nil {
			return nil, err
		}
	}
	b, err := r.get(ctx, c.path, req.Source.InsecureSkipTLSVerify)
	if err != nil {
		return nil, err
	}
	digest := helmchart.ArchiveDigest(b)
	if c.digest != "" && "sha256:"+strings.TrimPrefix(c.digest, "sha256:") != digest {
		return nil, fmt.Errorf("chart %q %s from %s: digest %s does not match the repository index (%s)", req.Chart, c.version, c.path, digest, c.digest)
	}
	return r.finishRemote(req, b, c.path, c.version, locked, hasLock)
}

func (r *Resolver) resolveOCI(req Request, cons *semver.Constraints, locked LockEntry, hasLock bool) (*Resolved, error) {
	ref := strings.TrimSuffix(req.Source.OCI, "/") + "/" + req.Chart
	if res, done, err := r.fromLock(req, cons, locked, hasLock, ref); done {
		return res, err
	}
	opts := helmchart.OCIOptions{PlainHTTP: req.Source.PlainHTTP, InsecureSkipTLSVerify: req.Source.InsecureSkipTLSVerify}
	tags, err := helmchart.OCITags(ref, opts)
	if err != nil {
		return nil, err
	}
	var cands []candidate
	for _, t := range tags {
		cands = append(cands, candidate{version: t, path: ref, archive: true})
	}
	c, err := pick(cands, cons, locked, hasLock && !r.opts.UpdateLock)
	if err != nil {
		return nil, fmt.Errorf("chart %s: %w", ref, err)
	}
	b, err := helmchart.OCIPull(ref, c.version, opts)
	if err != nil {
		return nil, err
	}
	return r.finishRemote(req, b, ref+":"+c.version, c.version, locked, hasLock)
}

// fromLock serves a remote chart from the lock and the digest cache when
// the lock pins a version the constraint still allows; done reports that
// the answer is final (offline, nothing else may be tried).
func (r *Resolver) fromLock(req Request, cons *semver.Constraints, locked LockEntry, hasLock bool, where string) (res *Resolved, done bool, err error) {
	if hasLock && !r.opts.UpdateLock {
		v, verr := semver.NewVersion(locked.Version)
		allowed := verr == nil && cons.Check(v)
		if ch, ok := r.fromCache(locked); ok && allowed {
			return &Resolved{Chart: ch, Entry: locked}, true, nil
		}
		if r.opts.Offline {
			if !allowed {
				return nil, true, fmt.Errorf("offline: pono.lock pins chart %q %s from %s, which %q does not allow (resolve once online)", req.Chart, locked.Version, where, req.Constraint)
			}
			return nil, true, fmt.Errorf("offline: pono.lock pins chart %q %s (%s), but the chart cache %s does not hold it (compile once online to fill the cache)", req.Chart, locked.Version, locked.Digest, r.opts.CacheDir)
		}
	}
	if r.opts.Offline {
		return nil, true, fmt.Errorf("offline: chart %q %q from %s is not in the lock and cache (compile once online)", req.Chart, req.Constraint, where)
	}
	return nil, false, nil
}

func (r *Resolver) finishRemote(req Request, b []byte, location, version string, locked LockEntry, hasLock bool) (*Resolved, error) {
	ch, err := helmchart.LoadArchiveBytes(b, location)
	if err != nil {
		return nil, err
	}
	if err := checkName(ch, req.Chart, location); err != nil {
		return nil, err
	}
	if ch.Version() != version {
		return nil, fmt.Errorf("%s: chart says version %s, source says %s", location, ch.Version(), version)
	}
	if err := r.checkDigest(req, locked, hasLock, version, ch.Digest, location); err != nil {
		return nil, err
	}
	if err := r.storeCache(b); err != nil {
		return nil, err
	}
	return &Resolved{Chart: ch, Entry: LockEntry{
		Source: req.SourceName, Chart: req.Chart, Constraint: req.Constraint,
		Version: version, Location: location, Digest: ch.Digest,
	}}, nil
}

func (r *Resolver) get(ctx context.Context, u string, insecure bool) ([]byte, error) {
	client := r.opts.HTTPClient
	if insecure {
		client = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch %s: %s", u, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", u, err)
	}
	return b, nil
}
