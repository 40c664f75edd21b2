package bootstrap

// Reconciler is how the in-cluster reconciler follows the platform
// repository: ReconcilerValues turns it into values of pono's chart.
type Reconciler struct {
	RepoURL, Ref, Path, Env string
	// Mode is apply or observe.
	Mode string
	// Interval is the time between cycles; Schedule, when set, is a cron
	// schedule used instead.
	Interval, Schedule string
	// Windows are the allow windows ("CRON +DURATION"), as given.
	Windows []string
	// Image is pono's image (repository[:tag]); "" keeps the chart's.
	Image string
}

// ReconcilerValues are the values of pono's chart that make the in-cluster
// reconciler follow the same repository the same way as r.
func ReconcilerValues(r Reconciler) map[string]any {
	git := map[string]any{"url": r.RepoURL, "ref": r.Ref, "path": r.Path}
	if r.Env != "" {
		git["env"] = r.Env
	}
	v := map[string]any{"git": git, "mode": r.Mode, "interval": r.Interval}
	if r.Schedule != "" {
		v["schedule"] = r.Schedule
	}
	if len(r.Windows) > 0 {
		ws := make([]any, len(r.Windows))
		for i, w := range r.Windows {
			ws[i] = w
		}
		v["windows"] = ws
	}
	if r.Image != "" {
		repo, tag := SplitImage(r.Image)
		img := map[string]any{"repository": repo}
		if tag != "" {
			img["tag"] = tag
		}
		v["image"] = img
	}
	return v
}

// SplitImage splits an image reference into repository and tag ("" when
// it has none). A colon followed by a slash is a registry port, not a tag.
func SplitImage(image string) (repo, tag string) {
	for i := len(image) - 1; i > 0; i-- {
		switch image[i] {
		case ':':
			return image[:i], image[i+1:]
		case '/':
			return image, ""
		}
	}
	return image, ""
}
