package pg

import (
	"fmt"
	"regexp"
)

// scramVerifier is the form PostgreSQL stores for SCRAM-SHA-256. Only a
// verifier is accepted: a plain password would sit in plans and state.
var scramVerifier = regexp.MustCompile(`^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$`)

// ValidateVerifier never echoes the value: it is a secret.
func ValidateVerifier(v string) error {
	if !scramVerifier.MatchString(v) {
		return fmt.Errorf("must be a SCRAM-SHA-256 verifier (SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>), never a plain password")
	}
	return nil
}

// PasswordChangedPlaceholder is what state records when the server's password
// hash no longer matches the configured verifier; the real hash never leaves
// the server.
const PasswordChangedPlaceholder = "changed-outside-terraform"
