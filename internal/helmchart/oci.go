package helmchart

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"helm.sh/helm/v3/pkg/registry"
)

// OCIOptions configure access to an OCI registry.
type OCIOptions struct {
	PlainHTTP             bool
	InsecureSkipTLSVerify bool
	// CredentialsFile is a docker-style config.json with registry logins;
	// pono keeps its own so it never edits the user's.
	CredentialsFile string
}

func ociClient(opts OCIOptions) (*registry.Client, error) {
	o := []registry.ClientOption{registry.ClientOptWriter(io.Discard)}
	if opts.PlainHTTP {
		o = append(o, registry.ClientOptPlainHTTP())
	}
	if opts.CredentialsFile != "" {
		o = append(o, registry.ClientOptCredentialsFile(filepath.Clean(opts.CredentialsFile)))
	}
	if opts.InsecureSkipTLSVerify {
		c, err := registry.NewRegistryClientWithTLS(io.Discard, "", "", "", true, opts.CredentialsFile, false)
		if err != nil {
			return nil, err
		}
		return c, nil
	}
	return registry.NewClient(o...)
}

// OCITags lists the chart versions published at ref (oci://host/path/chart).
// OCI tags cannot hold '+', so Helm writes '_'; it is turned back here.
func OCITags(ref string, opts OCIOptions) ([]string, error) {
	c, err := ociClient(opts)
	if err != nil {
		return nil, fmt.Errorf("oci client: %w", err)
	}
	tags, err := c.Tags(strings.TrimPrefix(ref, "oci://"))
	if err != nil {
		return nil, fmt.Errorf("list tags of %s: %w", ref, err)
	}
	for i, t := range tags {
		tags[i] = strings.ReplaceAll(t, "_", "+")
	}
	return tags, nil
}

// OCIPull downloads the chart archive ref:version.
func OCIPull(ref, version string, opts OCIOptions) ([]byte, error) {
	c, err := ociClient(opts)
	if err != nil {
		return nil, fmt.Errorf("oci client: %w", err)
	}
	full := strings.TrimPrefix(ref, "oci://") + ":" + strings.ReplaceAll(version, "+", "_")
	res, err := c.Pull(full, registry.PullOptWithChart(true))
	if err != nil {
		return nil, fmt.Errorf("pull %s: %w", full, err)
	}
	return res.Chart.Data, nil
}
