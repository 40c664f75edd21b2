package helmsdk

import (
	"context"
	"errors"
	"fmt"

	"helm.sh/helm/v3/pkg/storage"
	"helm.sh/helm/v3/pkg/storage/driver"

	"github.com/pono-gitops/pono/internal/values"
)

// ReleaseValues returns the values the newest revision of a release was
// installed or upgraded with (what `helm get values` prints: the supplied
// values, not merged with the chart's defaults). It wraps
// driver.ErrReleaseNotFound when there is no such release.
func (c *Client) ReleaseValues(ctx context.Context, namespace, name string) (map[string]any, error) {
	store := storage.Init(driver.NewSecrets(c.cs.CoreV1().Secrets(namespace)))
	last, err := store.Last(name)
	if err != nil {
		return nil, fmt.Errorf("release %s/%s values: %w", namespace, name, err)
	}
	return values.Copy(last.Config), nil
}

// IsReleaseNotFound reports whether err says a release does not exist.
func IsReleaseNotFound(err error) bool {
	return errors.Is(err, driver.ErrReleaseNotFound)
}
