package cluster

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// AdminUser is the user of Cluster.Kubeconfig and Cluster.RESTConfig. The
// components run as other users (see componentUsers), so the audit log
// tells a test's own requests apart from theirs.
const AdminUser = "admin"

// componentUsers maps each API client component to the user it runs as.
// All are in system:masters, as the controller-manager must be when it does
// not use per-controller service-account credentials.
var componentUsers = map[string]string{
	"kube-controller-manager": "system:kube-controller-manager",
	"kube-scheduler":          "system:kube-scheduler",
	"kwok":                    "kwok",
}

// credentials are the secrets one cluster is started with.
type credentials struct {
	tokens    map[string]string // bearer token by user name
	saKey     string            // path of the service-account signing key (private)
	saPub     string            // path of its public half, for token verification
	tokenFile string            // path of the static token file
}

// writeCredentials generates a service-account key pair and one token per
// user in dir. Generated in Go so no openssl is needed on the machine.
func writeCredentials(dir string) (*credentials, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generate service-account key: %w", err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("encode service-account public key: %w", err)
	}
	c := &credentials{
		tokens:    map[string]string{},
		saKey:     filepath.Join(dir, "sa.key"),
		saPub:     filepath.Join(dir, "sa.pub"),
		tokenFile: filepath.Join(dir, "tokens.csv"),
	}
	var csv strings.Builder
	users := []string{AdminUser}
	for _, name := range binaryOrder {
		if u, ok := componentUsers[name]; ok {
			users = append(users, u)
		}
	}
	for _, user := range users {
		var raw [32]byte
		if _, err := rand.Read(raw[:]); err != nil {
			return nil, fmt.Errorf("generate token: %w", err)
		}
		c.tokens[user] = hex.EncodeToString(raw[:])
		// token,user,uid,"group1,group2"
		fmt.Fprintf(&csv, "%s,%s,%s,system:masters\n", c.tokens[user], user, user)
	}
	files := []struct {
		path string
		data []byte
	}{
		{c.saKey, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})},
		{c.saPub, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})},
		{c.tokenFile, []byte(csv.String())},
	}
	for _, f := range files {
		if err := os.WriteFile(f.path, f.data, 0o600); err != nil {
			return nil, fmt.Errorf("write %s: %w", f.path, err)
		}
	}
	return c, nil
}
