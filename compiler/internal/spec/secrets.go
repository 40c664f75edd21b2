package spec

import (
	"context"
	"errors"
	"sort"
	"strconv"

	"github.com/pono-gitops/pono/compiler/diag"
	"github.com/pono-gitops/pono/compiler/mask"
	"github.com/pono-gitops/pono/internal/sopsfile"
)

type keysKey struct{}

// LoadWith is LoadContext decrypting SOPS files with keys (nil: the
// defaults sopsfile.Keys describes).
func LoadWith(ctx context.Context, dir, env string, keys *sopsfile.Keys) (*Loaded, error) {
	return LoadContext(context.WithValue(ctx, keysKey{}, keys), dir, env)
}

func keysFrom(ctx context.Context) *sopsfile.Keys {
	k, _ := ctx.Value(keysKey{}).(*sopsfile.Keys)
	return k
}

// decodeFile decodes a YAML or JSON platform file; one SOPS encrypted
// (by its name, or by the metadata SOPS writes) is decrypted, with the
// positions of the encrypted file: its keys are the cleartext's keys, so
// a message names the line a user sees in git.
func decodeFile(ctx context.Context, f *srcFile, isJSON bool) (*fileData, error) {
	enc, err := decodeData(f, isJSON)
	if err != nil {
		return nil, err
	}
	top, _ := enc.data.(map[string]any)
	if !sopsfile.IsSOPSName(f.name) && !sopsfile.HasMetadata(top) {
		return enc, nil
	}
	clear, err := sopsfile.Decrypt(f.name, f.src, isJSON, keysFrom(ctx))
	if err != nil {
		var se *sopsfile.Error
		if errors.As(err, &se) {
			// At the metadata when there is some, else at the top.
			at := enc.pos.Of(P(sopsfile.MetadataKey))
			if !at.IsValid() {
				at = f.at(0)
			}
			return nil, errAt(diag.FormatPos(at), "cannot decrypt this SOPS file: "+se.Why)
		}
		return nil, err
	}
	dec, err := decodeData(newSrcFile(f.name, clear), isJSON)
	if err != nil {
		// SOPS wrote what it read: a pono defect, said without the content.
		return nil, errAt(diag.FormatPos(f.at(0)), "the decrypted SOPS file cannot be read back")
	}
	enc.data = dec.data
	enc.secret = true
	return enc, nil
}

// secretScan is what the files of a platform say about secrets: the
// paths whose values came from SOPS files, and literal credentials
// written in plain files.
type secretScan struct {
	paths    []Path
	values   []any
	warnings diag.List
}

// scanSecrets looks at each file on its own, before the files are merged
// (merging shares maps between files).
func scanSecrets(layers []*layer) secretScan {
	var s secretScan
	for _, l := range layers {
		for _, fd := range l.data {
			walkLeaves(fd.data, nil, func(p Path, v any) {
				if fd.secret {
					s.paths = append(s.paths, p)
					s.values = append(s.values, v)
					return
				}
				if str, ok := v.(string); ok && str != "" && len(p) > 0 && mask.IsCredentialName(p[len(p)-1]) {
					s.warnings = append(s.warnings, diag.Diagnostic{Severity: diag.Warning, Pos: diag.FormatPos(fd.vals.Of(p)), Subject: p.String(),
						Message: "a literal credential in a plain platform file, that is, in git: put it in a SOPS-encrypted file (*.sops.yaml) or take it from a Secret with valuesFrom (docs/secrets.md)"})
				}
			})
		}
	}
	sort.Slice(s.paths, func(i, j int) bool { return s.paths[i].key() < s.paths[j].key() })
	return s
}

// scrubbed hides the values of SOPS files in the messages of err: a
// value that fails a check is quoted by the check.
func scrubbed(err error, layers []*layer) error {
	var de *diag.Err
	if !errors.As(err, &de) {
		return err
	}
	values := scanSecrets(layers).values
	if len(values) == 0 {
		return err
	}
	set := mask.New()
	for _, v := range values {
		set.AddSecret(v)
	}
	for i := range de.List {
		de.List[i].Message = set.Scrub(de.List[i].Message)
	}
	return err
}

// walkLeaves calls f for every value that is not a mapping; a list is a
// leaf as a whole.
func walkLeaves(v any, p Path, f func(Path, any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			walkLeaves(e, append(p[:len(p):len(p)], k), f)
		}
	case []any:
		// Lists of mappings (workflow tasks) hold fields of their own.
		for i, e := range x {
			if _, ok := e.(map[string]any); ok {
				walkLeaves(e, append(p[:len(p):len(p)], strconv.Itoa(i)), f)
			} else {
				f(p, v)
				return
			}
		}
		if len(x) == 0 {
			f(p, v)
		}
	default:
		f(p, v)
	}
}
