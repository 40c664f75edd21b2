// Package sopsfile is pono's only importer of the SOPS library
// (github.com/getsops/sops/v3): it decrypts platform files encrypted with
// SOPS to age keys, the format Flux and helm-secrets users already have.
//
// Only age is supported. The library cannot be imported for age alone: its
// root package (Tree, Metadata), its aes cipher and its stores all import
// keyservice, which imports the AWS, GCP, Azure, Vault and Huawei Cloud key
// sources and their SDKs, and the root package imports audit (a Postgres
// driver). pono links them but never calls them: data keys are recovered
// by an in-process key service that answers only age keys, with the
// identities pono was given, so no file decrypts through ambient cloud
// credentials.
package sopsfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/getsops/sops/v3"
	"github.com/getsops/sops/v3/aes"
	sopsage "github.com/getsops/sops/v3/age"
	"github.com/getsops/sops/v3/keyservice"
	"github.com/getsops/sops/v3/logging"
	sopsjson "github.com/getsops/sops/v3/stores/json"
	sopsyaml "github.com/getsops/sops/v3/stores/yaml"
	"google.golang.org/grpc"

	"github.com/pono-gitops/pono/internal/safefs"
)

// KeyFileEnv is the variable SOPS itself reads the age key file from.
const KeyFileEnv = "SOPS_AGE_KEY_FILE"

// KeyEnv holds age identities inline, as SOPS reads them.
const KeyEnv = "SOPS_AGE_KEY"

// MetadataKey is the top-level key SOPS stores its metadata under.
const MetadataKey = "sops"

// IsSOPSName reports whether a file name says SOPS encrypted it
// (secrets.sops.yaml, values.sops.json).
func IsSOPSName(name string) bool {
	base := strings.ToLower(filepath.Base(name))
	for _, ext := range []string{".sops.yaml", ".sops.yml", ".sops.json"} {
		if strings.HasSuffix(base, ext) {
			return true
		}
	}
	return false
}

// HasMetadata reports whether decoded top-level data carries SOPS
// metadata: a sops mapping with a mac and lastmodified, as SOPS writes it.
func HasMetadata(data map[string]any) bool {
	m, ok := data[MetadataKey].(map[string]any)
	if !ok {
		return false
	}
	_, mac := m["mac"]
	_, mod := m["lastmodified"]
	return mac && mod
}

// Keys says where age identities come from. They are read once, when the
// first encrypted file needs them: a platform without SOPS files never
// reads a key.
type Keys struct {
	// File is an age identity file (--age-key-file). Empty: $SOPS_AGE_KEY_FILE,
	// then $SOPS_AGE_KEY, then SOPS's default keys.txt in the user config
	// directory, as sops looks for them.
	File string

	once   sync.Once
	ids    sopsage.ParsedIdentities
	source string // what messages name: the file, or the variable
	err    error
}

// NewKeys returns the identities of file (see Keys.File).
func NewKeys(file string) *Keys { return &Keys{File: file} }

func (k *Keys) load() {
	k.once.Do(func() {
		file, inline := k.File, ""
		if file == "" {
			file = os.Getenv(KeyFileEnv)
		}
		if file == "" {
			inline = os.Getenv(KeyEnv)
		}
		if file == "" && inline == "" {
			if d, err := os.UserConfigDir(); err == nil {
				if p := filepath.Join(d, "sops", "age", "keys.txt"); fileExists(p) {
					file = p
				}
			}
		}
		switch {
		case file != "":
			k.source = "age key file " + file
			b, err := safefs.ReadRegularFile(file, 0)
			var pe *fs.PathError
			switch {
			case errors.Is(err, fs.ErrNotExist):
				k.err = fmt.Errorf("the %s does not exist", k.source)
				return
			case errors.As(err, &pe):
				k.err = fmt.Errorf("cannot read the %s: %w", k.source, pe.Err)
				return
			case err != nil:
				k.err = fmt.Errorf("cannot read the %s: %w", k.source, err)
				return
			}
			inline = string(b)
		case inline != "":
			k.source = "age key in $" + KeyEnv
		default:
			return
		}
		if err := k.ids.Import(inline); err != nil || len(k.ids) == 0 {
			k.err = fmt.Errorf("the %s holds no age identity (a line AGE-SECRET-KEY-1...)", k.source)
		}
	})
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

// Error is a SOPS file pono cannot decrypt. It never holds a decrypted
// value.
type Error struct {
	File string
	Why  string
}

func (e *Error) Error() string { return e.File + ": cannot decrypt this SOPS file: " + e.Why }

// Decrypt returns the cleartext of a SOPS-encrypted YAML or JSON file, in
// the same format and with the same keys as the encrypted file (the
// metadata removed), so positions found in the encrypted file stay valid.
// name is how messages name the file.
func Decrypt(name string, src []byte, isJSON bool, keys *Keys) ([]byte, error) {
	quiet()
	fail := func(format string, a ...any) error { return &Error{File: name, Why: fmt.Sprintf(format, a...)} }
	var store interface {
		LoadEncryptedFile([]byte) (sops.Tree, error)
		EmitPlainFile(sops.TreeBranches) ([]byte, error)
	}
	if isJSON {
		store = &sopsjson.Store{}
	} else {
		store = &sopsyaml.Store{}
	}
	tree, err := store.LoadEncryptedFile(src)
	if err != nil {
		if errors.Is(err, sops.MetadataNotFound) {
			return nil, fail("it has no sops metadata (encrypt it with sops, or rename it without .sops)")
		}
		return nil, fail("its sops metadata cannot be read")
	}
	var recipients, others []string
	for _, g := range tree.Metadata.KeyGroups {
		for _, k := range g {
			if a, ok := k.(*sopsage.MasterKey); ok {
				recipients = append(recipients, a.Recipient)
			} else {
				others = append(others, k.TypeToIdentifier())
			}
		}
	}
	if len(recipients) == 0 {
		return nil, fail("it is encrypted only to %s keys; pono decrypts with age keys", strings.Join(unique(others), ", "))
	}
	if keys == nil {
		keys = &Keys{}
	}
	keys.load()
	switch {
	case keys.err != nil:
		return nil, fail("%v", keys.err)
	case len(keys.ids) == 0:
		return nil, fail("no age key was given (pass --age-key-file or set %s)", KeyFileEnv)
	}
	dataKey, err := tree.Metadata.GetDataKeyWithKeyServices([]keyservice.KeyServiceClient{ageOnly{keys.ids}}, nil)
	if err != nil {
		return nil, fail("no identity in the %s opens it (it is encrypted to %s)", keys.source, strings.Join(unique(recipients), ", "))
	}
	cipher := aes.NewCipher()
	computed, err := tree.Decrypt(dataKey, cipher)
	if err != nil {
		return nil, fail("a value does not decrypt with the file's data key (the file was changed after it was encrypted)")
	}
	stored, err := cipher.Decrypt(tree.Metadata.MessageAuthenticationCode, dataKey, tree.Metadata.LastModified.Format(time.RFC3339))
	if err != nil || stored != computed {
		return nil, fail("its MAC does not match its content (the file was changed after it was encrypted: re-encrypt it with sops)")
	}
	out, err := store.EmitPlainFile(tree.Branches)
	if err != nil {
		return nil, fail("the decrypted content cannot be written out")
	}
	return out, nil
}

func unique(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range s {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}

// ageOnly is a key service that decrypts data keys with the given age
// identities and refuses every other key type, so that no cloud KMS or
// GPG agent is ever asked.
type ageOnly struct{ ids sopsage.ParsedIdentities }

func (a ageOnly) Decrypt(_ context.Context, req *keyservice.DecryptRequest, _ ...grpc.CallOption) (*keyservice.DecryptResponse, error) {
	ak := req.GetKey().GetAgeKey()
	if ak == nil {
		return nil, errors.New("pono decrypts with age keys only")
	}
	mk := &sopsage.MasterKey{Recipient: ak.GetRecipient(), EncryptedKey: string(req.GetCiphertext())}
	a.ids.ApplyToMasterKey(mk)
	b, err := mk.Decrypt()
	if err != nil {
		return nil, err
	}
	return &keyservice.DecryptResponse{Plaintext: b}, nil
}

func (ageOnly) Encrypt(context.Context, *keyservice.EncryptRequest, ...grpc.CallOption) (*keyservice.EncryptResponse, error) {
	return nil, errors.New("pono never encrypts")
}

var quietOnce sync.Once

// quiet silences the library's loggers: pono reports once, at its edge.
func quiet() {
	quietOnce.Do(func() {
		for _, l := range logging.Loggers {
			l.SetOutput(io.Discard)
		}
	})
}
