package cachedir

import (
	"path/filepath"
	"testing"
)

func TestDefault(t *testing.T) {
	t.Setenv("PONO_CACHE", "/srv/pono-cache")
	if got := Default(); got != "/srv/pono-cache" {
		t.Errorf("with PONO_CACHE: %q", got)
	}
	t.Setenv("PONO_CACHE", "")
	t.Setenv("XDG_CACHE_HOME", "/home/u/.xdg")
	if got, want := Default(), filepath.Join("/home/u/.xdg", "pono"); got != want {
		t.Errorf("without PONO_CACHE: %q, want %q", got, want)
	}
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "")
	if got := Default(); got != "" {
		t.Errorf("without a home: %q, want none", got)
	}
}
