// Package sopstest encrypts files as the sops CLI does (age recipients,
// AES256-GCM values, an encrypted MAC), so tests can make SOPS files with
// keys they generate instead of shelling out to sops.
package sopstest

import (
	"fmt"
	"time"

	"filippo.io/age"
	"github.com/getsops/sops/v3"
	"github.com/getsops/sops/v3/aes"
	sopsage "github.com/getsops/sops/v3/age"
	sopsjson "github.com/getsops/sops/v3/stores/json"
	sopsyaml "github.com/getsops/sops/v3/stores/yaml"
)

// NewIdentity returns a fresh age identity: its key file content
// (AGE-SECRET-KEY-1...) and its recipient (age1...).
func NewIdentity() (keyFile, recipient string) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		panic(err)
	}
	return "# a key made for a test\n" + id.String() + "\n", id.Recipient().String()
}

// Encrypt encrypts a YAML (or JSON) document to the age recipients, with
// sops's defaults (values of keys ending _unencrypted stay clear).
func Encrypt(plain []byte, isJSON bool, recipients ...string) ([]byte, error) {
	var store interface {
		LoadPlainFile([]byte) (sops.TreeBranches, error)
		EmitEncryptedFile(sops.Tree) ([]byte, error)
	}
	if isJSON {
		store = &sopsjson.Store{}
	} else {
		store = &sopsyaml.Store{}
	}
	branches, err := store.LoadPlainFile(plain)
	if err != nil {
		return nil, fmt.Errorf("sopstest: %w", err)
	}
	var group sops.KeyGroup
	for _, r := range recipients {
		mk, err := sopsage.MasterKeyFromRecipient(r)
		if err != nil {
			return nil, fmt.Errorf("sopstest: %w", err)
		}
		group = append(group, mk)
	}
	tree := sops.Tree{Branches: branches, Metadata: sops.Metadata{
		KeyGroups:         []sops.KeyGroup{group},
		UnencryptedSuffix: "_unencrypted",
		Version:           "3.9.0",
	}}
	dataKey, errs := tree.GenerateDataKey()
	if len(errs) > 0 {
		return nil, fmt.Errorf("sopstest: %v", errs)
	}
	tree.Metadata.LastModified = time.Now().UTC()
	cipher := aes.NewCipher()
	mac, err := tree.Encrypt(dataKey, cipher)
	if err != nil {
		return nil, fmt.Errorf("sopstest: %w", err)
	}
	tree.Metadata.MessageAuthenticationCode, err = cipher.Encrypt(mac, dataKey, tree.Metadata.LastModified.Format(time.RFC3339))
	if err != nil {
		return nil, fmt.Errorf("sopstest: %w", err)
	}
	return store.EmitEncryptedFile(tree)
}
