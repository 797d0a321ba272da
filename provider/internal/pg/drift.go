package pg

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// RoleInfo is a role as the server has it now, whoever changed it.
type RoleInfo struct {
	OID        uint32
	Name       string
	CanLogin   bool
	Flags      Flags
	ValidUntil pgtype.Timestamptz // Valid=false means no limit (NULL)
	MemberOf   []string           // roles this role is a member of
	Members    []string           // roles that are members of this role
	// PasswordKnown is false when pg_authid cannot be read (not superuser).
	PasswordKnown bool
	// PasswordMatches compares the stored hash with the expected verifier;
	// the hash itself is never returned.
	PasswordMatches bool
}

// ReadRole finds the role this resource made: by its oid when known (so a
// rename by hand is seen and the real name reported), else by name. nil means
// gone, including when the name now belongs to a different role.
func ReadRole(ctx context.Context, c *Client, name string, oid uint32, expectedVerifier string) (*RoleInfo, error) {
	conn, err := c.Connect(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	return readRole(ctx, conn, name, oid, expectedVerifier)
}

const roleColumns = `SELECT oid, rolname, rolcanlogin, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication, rolvaliduntil FROM pg_roles `

func readRole(ctx context.Context, q querier, name string, oid uint32, expectedVerifier string) (*RoleInfo, error) {
	var info RoleInfo
	scan := func(row pgx.Row) (bool, error) {
		err := row.Scan(&info.OID, &info.Name, &info.CanLogin, &info.Flags.Superuser, &info.Flags.CreateRole,
			&info.Flags.CreateDB, &info.Flags.BypassRLS, &info.Flags.Replication, &info.ValidUntil)
		if errors.Is(err, pgx.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	}
	found := false
	var err error
	if oid != 0 {
		found, err = scan(q.QueryRow(ctx, roleColumns+`WHERE oid = $1`, oid))
	} else {
		found, err = scan(q.QueryRow(ctx, roleColumns+`WHERE rolname = $1`, name))
	}
	if err != nil {
		return nil, Classify(err, "reading role "+name)
	}
	if !found {
		return nil, nil
	}
	if info.MemberOf, err = names(ctx, q, `SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid WHERE m.member = $1 ORDER BY 1`, info.OID); err != nil {
		return nil, err
	}
	if info.Members, err = names(ctx, q, `SELECT r.rolname FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE m.roleid = $1 ORDER BY 1`, info.OID); err != nil {
		return nil, err
	}
	if expectedVerifier != "" {
		// Compared on the server side of this function only; a 42501 (not a
		// superuser) just means password drift cannot be seen.
		var stored pgtype.Text
		err := q.QueryRow(ctx, `SELECT rolpassword FROM pg_authid WHERE oid = $1`, info.OID).Scan(&stored)
		var pgErr *pgconn.PgError
		switch {
		case err == nil:
			info.PasswordKnown = true
			info.PasswordMatches = stored.Valid && stored.String == expectedVerifier
		case errors.As(err, &pgErr) && pgErr.Code == "42501":
		default:
			return nil, Classify(err, "reading role "+name+"'s password hash")
		}
	}
	return &info, nil
}

func names(ctx context.Context, q querier, sql string, args ...any) ([]string, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, Classify(err, "reading role memberships")
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, Classify(err, "reading role memberships")
	}
	return out, nil
}

// Infinity is how an unlimited VALID UNTIL (infinity or NULL) is reported.
const Infinity = "infinity"

// ReportValidUntil is the value state should hold for the server's VALID
// UNTIL: the configured string when it is the same instant (so plans stay
// quiet), else the server's value in RFC 3339 UTC, or "infinity".
func ReportValidUntil(server pgtype.Timestamptz, inState string) string {
	if !server.Valid || server.InfinityModifier == pgtype.Infinity {
		return Infinity
	}
	if server.InfinityModifier == pgtype.NegativeInfinity {
		return "-infinity"
	}
	if prior, err := time.Parse(time.RFC3339Nano, inState); err == nil && prior.Round(time.Microsecond).Equal(server.Time) /* the server keeps microseconds */ {
		return inState
	}
	return server.Time.UTC().Format(time.RFC3339Nano)
}
