package pg

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// querier is what both a connection and a transaction offer.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Utility statements (CREATE/ALTER ROLE) take no bind parameters, so a value
// cannot be sent as one. Instead the server quotes it from a parameter and the
// quoted literal is placed in the statement: no value is ever spliced by Go.

// literal asks the server to quote a text value.
func literal(ctx context.Context, q querier, value string) (string, error) {
	var quoted string
	if err := q.QueryRow(ctx, `SELECT quote_literal($1::text)`, value).Scan(&quoted); err != nil {
		return "", Classify(err, "quoting a value")
	}
	return quoted, nil
}

// timestampLiteral asks the server to render and quote an instant. The text is
// in this session's own DateStyle/TimeZone, so the same session reads it back
// as the same instant.
func timestampLiteral(ctx context.Context, q querier, t time.Time) (string, error) {
	var quoted string
	if err := q.QueryRow(ctx, `SELECT quote_literal($1::timestamptz::text)`, t).Scan(&quoted); err != nil {
		return "", Classify(err, "quoting a timestamp")
	}
	return quoted, nil
}

// Flags are the role attributes a grant may set; all default to off.
type Flags struct {
	Superuser   bool
	CreateRole  bool
	CreateDB    bool
	BypassRLS   bool
	Replication bool
}

// keywords spells every flag out, on or off, so ALTER ROLE also turns off
// anything switched on by hand.
func (f Flags) keywords() string {
	pick := func(on bool, yes, no string) string {
		if on {
			return yes
		}
		return no
	}
	return strings.Join([]string{
		pick(f.Superuser, "SUPERUSER", "NOSUPERUSER"),
		pick(f.CreateDB, "CREATEDB", "NOCREATEDB"),
		pick(f.CreateRole, "CREATEROLE", "NOCREATEROLE"),
		pick(f.Replication, "REPLICATION", "NOREPLICATION"),
		pick(f.BypassRLS, "BYPASSRLS", "NOBYPASSRLS"),
	}, " ")
}

// The statement builders below take identifiers raw (they quote them) and
// values only as literals already quoted by the server.

func createLoginRoleSQL(name string, f Flags, passwordLit, validUntilLit string) string {
	return "CREATE ROLE " + quoteIdent(name) + " LOGIN " + f.keywords() + " INHERIT PASSWORD " + passwordLit + " VALID UNTIL " + validUntilLit
}

func createGroupRoleSQL(name string, f Flags) string {
	return "CREATE ROLE " + quoteIdent(name) + " NOLOGIN " + f.keywords() + " INHERIT"
}

func alterFlagsSQL(name string, f Flags) string {
	return "ALTER ROLE " + quoteIdent(name) + " " + f.keywords()
}

func alterValidUntilSQL(name, validUntilLit string) string {
	return "ALTER ROLE " + quoteIdent(name) + " VALID UNTIL " + validUntilLit
}

func alterPasswordSQL(name, passwordLit string) string {
	return "ALTER ROLE " + quoteIdent(name) + " PASSWORD " + passwordLit
}

func grantSQL(role, to string) string {
	return "GRANT " + quoteIdent(role) + " TO " + quoteIdent(to)
}

func revokeSQL(role, from string) string {
	return "REVOKE " + quoteIdent(role) + " FROM " + quoteIdent(from)
}

func noLoginSQL(name string) string {
	return "ALTER ROLE " + quoteIdent(name) + " NOLOGIN"
}

// reassignTarget "" means the connecting user.
func reassignOwnedSQL(name, reassignTarget string) string {
	to := "CURRENT_USER"
	if reassignTarget != "" {
		to = quoteIdent(reassignTarget)
	}
	return "REASSIGN OWNED BY " + quoteIdent(name) + " TO " + to
}

func dropOwnedSQL(name string) string {
	return "DROP OWNED BY " + quoteIdent(name)
}

func dropRoleSQL(name string) string {
	return "DROP ROLE " + quoteIdent(name)
}
