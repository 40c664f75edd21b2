package gitrepo

import (
	"bytes"
	"fmt"
	"path"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// allowedSigner is one line of an allowed_signers file (ssh-keygen(1),
// "ALLOWED SIGNERS"): principals [options] keytype base64-key [comment].
type allowedSigner struct {
	line          int
	principals    string // the pattern list as written, "alice@example.org,bob@example.org"
	key           ssh.PublicKey
	namespaces    []string // patterns; empty means every namespace
	certAuthority bool
	validAfter    time.Time // zero when unset
	validBefore   time.Time
}

// parseAllowedSigners reads an allowed_signers file. Blank lines and
// comments are skipped; any other line that does not parse is an error, so
// a typo cannot silently drop a trusted key.
func parseAllowedSigners(data []byte) ([]allowedSigner, error) {
	var out []allowedSigner
	for i, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		s, err := parseAllowedSigner(line)
		if err != nil {
			return nil, fmt.Errorf("allowed signers line %d: %w", i+1, err)
		}
		s.line = i + 1
		out = append(out, s)
	}
	return out, nil
}

func parseAllowedSigner(line string) (allowedSigner, error) {
	var s allowedSigner
	principals, rest, err := cutField(line)
	if err != nil {
		return s, err
	}
	if principals == "" || rest == "" {
		return s, fmt.Errorf("want: principals [options] keytype key")
	}
	s.principals = principals
	// What follows the principals has the syntax of an authorized_keys
	// line, options included.
	key, _, options, _, err := ssh.ParseAuthorizedKey([]byte(rest))
	if err != nil {
		return s, fmt.Errorf("read the key: %w", err)
	}
	s.key = key
	for _, opt := range options {
		name, value, hasValue := strings.Cut(opt, "=")
		value = strings.Trim(value, `"`)
		switch strings.ToLower(name) {
		case "cert-authority":
			s.certAuthority = true
		case "namespaces":
			s.namespaces = strings.Split(value, ",")
		case "valid-after", "valid-before":
			if !hasValue {
				return s, fmt.Errorf("option %s needs a value", name)
			}
			t, err := parseSignerTime(value)
			if err != nil {
				return s, fmt.Errorf("option %s: %w", name, err)
			}
			if strings.EqualFold(name, "valid-after") {
				s.validAfter = t
			} else {
				s.validBefore = t
			}
		default:
			return s, fmt.Errorf("unknown option %q", name)
		}
	}
	return s, nil
}

// cutField splits off the first whitespace-separated field, which may be
// double-quoted.
func cutField(line string) (field, rest string, err error) {
	if strings.HasPrefix(line, `"`) {
		end := strings.Index(line[1:], `"`)
		if end < 0 {
			return "", "", fmt.Errorf("unterminated quote")
		}
		return line[1 : end+1], strings.TrimSpace(line[end+2:]), nil
	}
	if i := strings.IndexAny(line, " \t"); i >= 0 {
		return line[:i], strings.TrimSpace(line[i:]), nil
	}
	return line, "", nil
}

// parseSignerTime reads ssh-keygen's YYYYMMDD[HHMM[SS]] with an optional
// trailing Z for UTC; without Z the time is local, as ssh-keygen reads it.
func parseSignerTime(v string) (time.Time, error) {
	loc := time.Local
	if s, ok := strings.CutSuffix(v, "Z"); ok {
		v, loc = s, time.UTC
	}
	for _, layout := range []string{"20060102", "200601021504", "20060102150405"} {
		if len(v) == len(layout) {
			if t, err := time.ParseInLocation(layout, v, loc); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("time %q: want YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, optionally ending in Z", v)
}

// matches reports whether the entry trusts key for namespace at t, and if
// not, why.
func (s allowedSigner) matches(key ssh.PublicKey, namespace string, t time.Time) (bool, string) {
	if s.certAuthority || !bytes.Equal(s.key.Marshal(), key.Marshal()) {
		return false, ""
	}
	if len(s.namespaces) > 0 && !matchAny(s.namespaces, namespace) {
		return false, fmt.Sprintf("line %d lists the key only for namespaces %s, not %q", s.line, strings.Join(s.namespaces, ","), namespace)
	}
	if !s.validAfter.IsZero() && t.Before(s.validAfter) {
		return false, fmt.Sprintf("line %d trusts the key only after %s", s.line, s.validAfter.Format(time.RFC3339))
	}
	if !s.validBefore.IsZero() && !t.Before(s.validBefore) {
		return false, fmt.Sprintf("line %d trusts the key only before %s", s.line, s.validBefore.Format(time.RFC3339))
	}
	return true, ""
}

// matchAny matches name against OpenSSH patterns (* and ?), honouring a
// leading ! as negation the way OpenSSH's pattern lists do.
func matchAny(patterns []string, name string) bool {
	matched := false
	for _, p := range patterns {
		p = strings.TrimSpace(p)
		negate := strings.HasPrefix(p, "!")
		p = strings.TrimPrefix(p, "!")
		// path.Match's wildcards are OpenSSH's, and namespaces hold no "/".
		if ok, _ := path.Match(p, name); ok {
			if negate {
				return false
			}
			matched = true
		}
	}
	return matched
}
