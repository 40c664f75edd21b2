package ociimage

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// PCPath is where Kaapana's Task API reads a processing container's
// templates.
const PCPath = "/processing-container.json"

// Auth is a user name and password for one registry.
type Auth struct{ Username, Password string }

// RemoteOptions say how registries are reached.
type RemoteOptions struct {
	// Auth holds credentials by registry host (host[:port]), the registry
	// part of an image reference; other registries are read anonymously.
	Auth map[string]Auth
	// Insecure allows plain HTTP for every registry (loopback and private
	// addresses always may, as go-containerregistry decides).
	Insecure bool
	// Transport carries the requests (default http.DefaultTransport).
	Transport http.RoundTripper
	Limits    Limits
}

// File is a file read out of an image in a registry.
type File struct {
	// Digest is what the reference names (an image manifest or an index):
	// the digest a tag pointed at when it was read.
	Digest  string
	Content []byte
}

// keychain hands out the configured credentials.
type keychain map[string]Auth

func (k keychain) Resolve(r authn.Resource) (authn.Authenticator, error) {
	if a, ok := k[r.RegistryStr()]; ok && (a.Username != "" || a.Password != "") {
		return authn.FromConfig(authn.AuthConfig{Username: a.Username, Password: a.Password}), nil
	}
	return authn.Anonymous, nil
}

func (o RemoteOptions) parse(ref string) (name.Reference, error) {
	var opts []name.Option
	if o.Insecure {
		opts = append(opts, name.Insecure)
	}
	r, err := name.ParseReference(ref, opts...)
	if err != nil {
		return nil, fmt.Errorf("%q is not an image reference: %s", ref, strings.TrimPrefix(err.Error(), "could not parse reference: "))
	}
	return r, nil
}

func (o RemoteOptions) remote(ctx context.Context) []remote.Option {
	t := o.Transport
	if t == nil {
		t = http.DefaultTransport
	}
	return []remote.Option{
		remote.WithContext(ctx), remote.WithTransport(t), remote.WithAuthFromKeychain(keychain(o.Auth)),
		// A registry that is down is reported in well under a second.
		remote.WithRetryBackoff(remote.Backoff{Duration: 100 * time.Millisecond, Factor: 2, Steps: 2}),
	}
}

// Resolve returns the digest ref names now (one HEAD request).
func Resolve(ctx context.Context, ref string, o RemoteOptions) (string, error) {
	r, err := o.parse(ref)
	if err != nil {
		return "", err
	}
	d, err := remote.Head(r, o.remote(ctx)...)
	if err != nil {
		return "", registryError(ref, err)
	}
	return d.Digest.String(), nil
}

// ReadFile reads file (an absolute path such as PCPath) out of the image
// ref names, top layer first, as the container would see it: a whiteout
// in a higher layer removes it. An index is read for linux/amd64.
func ReadFile(ctx context.Context, ref, file string, o RemoteOptions) (*File, error) {
	lim := o.Limits.withDefaults()
	r, err := o.parse(ref)
	if err != nil {
		return nil, err
	}
	desc, err := remote.Get(r, o.remote(ctx)...)
	if err != nil {
		return nil, registryError(ref, err)
	}
	img, err := desc.Image()
	if err != nil {
		return nil, registryError(ref, err)
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, registryError(ref, err)
	}
	target := cleanName(file)
	for i := len(layers) - 1; i >= 0; i-- {
		res, err := readRemoteLayer(layers[i], target, lim)
		if err != nil {
			d, _ := layers[i].Digest()
			return nil, fmt.Errorf("image %s: layer %d (%s) %w", ref, i+1, d, registryError(ref, err))
		}
		switch {
		case res.found:
			return &File{Digest: desc.Digest.String(), Content: res.content}, nil
		case res.other != "":
			return nil, fmt.Errorf("image %s: %s is %s, not a file", ref, file, res.other)
		case res.hidden:
			i = 0 // removed by a whiteout: the layers below do not count
		}
	}
	return nil, fmt.Errorf("image %s has no %s: %w", ref, file, ErrNoFile)
}

// ErrNoFile is a file the image does not have.
var ErrNoFile = errors.New("no such file in the image")

func readRemoteLayer(l v1.Layer, target string, lim Limits) (layerResult, error) {
	if size, err := l.Size(); err == nil && size > lim.LayerBytes {
		return layerResult{}, &limitError{fmt.Sprintf("is %s compressed, more than the layer limit %s (PONO_MAX_LAYER_BYTES)", human(size), human(lim.LayerBytes))}
	}
	rc, err := l.Uncompressed()
	if err != nil {
		return layerResult{}, err
	}
	defer rc.Close()
	return scanLayer(rc, target, lim, false)
}

// registryError says what a registry answered in one sentence.
func registryError(ref string, err error) error {
	var te *transport.Error
	if errors.As(err, &te) {
		switch te.StatusCode {
		case http.StatusNotFound:
			return fmt.Errorf("image %s is not in the registry", ref)
		case http.StatusUnauthorized, http.StatusForbidden:
			return fmt.Errorf("the registry refuses image %s (%d %s): check registry.username and registry.password", ref, te.StatusCode, http.StatusText(te.StatusCode))
		}
		if len(te.Errors) > 0 {
			return fmt.Errorf("the registry refuses image %s: %s", ref, te.Errors[0].Message)
		}
		return fmt.Errorf("the registry answers %d %s for image %s", te.StatusCode, http.StatusText(te.StatusCode), ref)
	}
	var le *limitError
	if errors.As(err, &le) {
		return le
	}
	return err
}

// Pinned is ref with its tag replaced by digest (repository@digest).
func Pinned(ref, digest string) (string, error) {
	r, err := name.ParseReference(ref)
	if err != nil {
		return "", fmt.Errorf("%q is not an image reference: %v", ref, err)
	}
	return r.Context().Name() + "@" + digest, nil
}

// Registry is the registry host of ref ("index.docker.io" for Docker
// Hub's short names); "" when ref does not parse.
func Registry(ref string) string {
	r, err := name.ParseReference(ref)
	if err != nil {
		return ""
	}
	return r.Context().RegistryStr()
}

// Normalize is ref fully qualified (index.docker.io/library/busybox:latest
// for busybox), so two spellings of one image compare equal; ref itself
// when it does not parse.
func Normalize(ref string) string {
	r, err := name.ParseReference(ref)
	if err != nil {
		return ref
	}
	return r.Name()
}

// AuthFor is the credentials for the registry of url (a registry, or a
// registry with a path: registry.example.org/kaapana); nil without any.
func AuthFor(url, username, password string) map[string]Auth {
	if url == "" || (username == "" && password == "") {
		return nil
	}
	u := strings.TrimPrefix(strings.TrimPrefix(url, "https://"), "http://")
	host, _, _ := strings.Cut(u, "/")
	return map[string]Auth{host: {Username: username, Password: password}}
}
