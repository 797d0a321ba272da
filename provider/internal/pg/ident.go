package pg

import (
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// MaxIdentifierBytes is PostgreSQL's NAMEDATALEN-1: longer names are silently
// truncated by the server, which could make two grants share one role.
const MaxIdentifierBytes = 63

// ValidateIdentifier checks a role name before it is quoted into a statement.
// Quoting makes any byte safe except NUL, which pgx would drop (changing the
// name); truncation is refused for the reason above.
func ValidateIdentifier(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("a role name must not be empty")
	case strings.ContainsRune(name, 0):
		return fmt.Errorf("role name %q contains a NUL byte", name)
	case len(name) > MaxIdentifierBytes:
		return fmt.Errorf("role name %q is %d bytes long; PostgreSQL allows at most %d", name, len(name), MaxIdentifierBytes)
	}
	return nil
}

// quoteIdent quotes a validated identifier for a utility statement.
func quoteIdent(name string) string {
	return pgx.Identifier{name}.Sanitize()
}

func validateAll(names ...string) error {
	for _, n := range names {
		if err := ValidateIdentifier(n); err != nil {
			return Refused("%v", err)
		}
	}
	return nil
}
