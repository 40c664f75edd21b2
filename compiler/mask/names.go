package mask

import "strings"

// IsCredentialName reports whether a value's key names a credential by
// Kaapana's naming: credentials_* (credentials_minio_password), *_password,
// *_secret (oidc_client_secret), and password itself (registry.password).
// User names are not secret: credentials_*_username and *_user are left
// out, as they appear in logins, URLs and object names.
func IsCredentialName(key string) bool {
	k := strings.ToLower(key)
	switch {
	case strings.HasSuffix(k, "_username"), strings.HasSuffix(k, "_user"):
		return false
	case k == "password", k == "secret":
		return true
	case strings.HasPrefix(k, "credentials_"), strings.HasSuffix(k, "_password"), strings.HasSuffix(k, "_secret"):
		return true
	}
	return false
}
