package gitrepo

import "testing"

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:secret@git.example/org/platform.git": "https://user:xxxxx@git.example/org/platform.git",
		"https://token@git.example/org/platform.git":       "https://token@git.example/org/platform.git",
		"https://git.example/org/platform.git":             "https://git.example/org/platform.git",
		"ssh://git:pw@git.example:2222/platform.git":       "ssh://git:xxxxx@git.example:2222/platform.git",
		"git@git.example:org/platform.git":                 "git@git.example:org/platform.git",
		"deploy:pw@git.example:org/platform.git":           "deploy:xxxxx@git.example:org/platform.git",
		"/srv/git/platform":                                "/srv/git/platform",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
