package gitrepo

import (
	"fmt"
	"strings"

	"github.com/Masterminds/semver/v3"
)

// RefKind says how a Ref's Name is to be resolved.
type RefKind string

const (
	// KindAuto is a bare name: the branch of that name if the remote has
	// one, else the tag. Resolve reports which one it was.
	KindAuto RefKind = ""
	// KindBranch follows a branch.
	KindBranch RefKind = "branch"
	// KindTag pins a tag.
	KindTag RefKind = "tag"
	// KindSemver follows the highest tag matching a semver constraint.
	KindSemver RefKind = "semver"
	// KindCommit pins a commit by its full hash.
	KindCommit RefKind = "commit"
)

// Ref names what to follow in a remote repository.
type Ref struct {
	Kind RefKind
	// Name is the branch or tag name, the semver constraint, or the
	// 40-character commit hash.
	Name string
}

// String gives the form ParseRef reads back: "branch:main", or just the
// name for KindAuto.
func (r Ref) String() string {
	if r.Kind == KindAuto {
		return r.Name
	}
	return string(r.Kind) + ":" + r.Name
}

// ParseRef reads a ref as a user writes it:
//
//	branch:main               a branch
//	tag:v1.2.0                a tag
//	semver:>=1.2 <2           the highest tag matching the constraint ("v" prefix optional)
//	commit:<40 hex digits>    a commit
//	refs/heads/main           a branch
//	refs/tags/v1.2.0          a tag
//	<40 hex digits>           a commit
//	main                      the branch main if the remote has it, else the tag main
//	HEAD                      the remote's default branch
//
// Errors in the semver constraint or the hash are reported here, before
// any network access.
func ParseRef(s string) (Ref, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Ref{}, fmt.Errorf("empty git ref: want a branch, tag, semver:<range> or commit")
	}
	if kind, name, ok := strings.Cut(s, ":"); ok {
		switch k := RefKind(kind); k {
		case KindBranch, KindTag:
			if err := checkRefName(name); err != nil {
				return Ref{}, fmt.Errorf("git ref %q: %w", s, err)
			}
			return Ref{Kind: k, Name: name}, nil
		case KindSemver:
			name = strings.TrimSpace(name)
			if _, err := semver.NewConstraint(name); err != nil {
				return Ref{}, fmt.Errorf("git ref %q: invalid semver constraint: %w", s, err)
			}
			return Ref{Kind: k, Name: name}, nil
		case KindCommit:
			if !isFullHash(name) {
				return Ref{}, fmt.Errorf("git ref %q: a commit must be given as its full 40-character hash", s)
			}
			return Ref{Kind: k, Name: strings.ToLower(name)}, nil
		default:
			return Ref{}, fmt.Errorf("git ref %q: unknown kind %q (want branch, tag, semver or commit)", s, kind)
		}
	}
	if name, ok := strings.CutPrefix(s, "refs/heads/"); ok {
		return ParseRef("branch:" + name)
	}
	if name, ok := strings.CutPrefix(s, "refs/tags/"); ok {
		return ParseRef("tag:" + name)
	}
	if strings.HasPrefix(s, "refs/") {
		return Ref{}, fmt.Errorf("git ref %q: only refs/heads/ and refs/tags/ can be followed", s)
	}
	if isFullHash(s) {
		return Ref{Kind: KindCommit, Name: strings.ToLower(s)}, nil
	}
	if err := checkRefName(s); err != nil {
		return Ref{}, fmt.Errorf("git ref %q: %w", s, err)
	}
	return Ref{Kind: KindAuto, Name: s}, nil
}

func isFullHash(s string) bool {
	if len(s) != 40 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// checkRefName applies the rules of git check-ref-format that a user can
// plausibly break, so a typo fails at parse time instead of as "not found".
func checkRefName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty name")
	case strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || strings.Contains(name, "//"):
		return fmt.Errorf("a name cannot start or end with / or contain //")
	case strings.HasPrefix(name, "-"):
		return fmt.Errorf("a name cannot start with -")
	case strings.Contains(name, ".."), strings.Contains(name, "@{"), strings.HasSuffix(name, "."),
		strings.HasSuffix(name, ".lock"), name == "@":
		return fmt.Errorf("not a valid git ref name")
	}
	for _, c := range name {
		if c < 0x20 || c == 0x7f || strings.ContainsRune(" ~^:?*[\\", c) {
			return fmt.Errorf("a name cannot contain %q", c)
		}
	}
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") {
			return fmt.Errorf("a path component cannot start with .")
		}
	}
	return nil
}
