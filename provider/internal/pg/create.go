package pg

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// LoginRole is one grant's own login role (login-role mode).
type LoginRole struct {
	Name          string
	ValidUntil    time.Time
	ScramVerifier string
	MemberOf      []string
	Flags         Flags
}

// Membership is one grant's NOLOGIN role, granted to the principal's existing
// role (membership mode).
type Membership struct {
	Name     string
	Member   string
	MemberOf []string
	Flags    Flags
}

// CreateLoginRole creates the role and its memberships in one transaction and
// returns its oid. now is the provider's clock: a role whose end is not in the
// future is never created.
func CreateLoginRole(ctx context.Context, c *Client, r LoginRole, now time.Time) (uint32, error) {
	if !r.ValidUntil.After(now) {
		return 0, Refused("valid_until %s is not after the provider's clock %s: refusing to create role %q for an expired grant",
			r.ValidUntil.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), r.Name)
	}
	if err := validateAll(append([]string{r.Name}, r.MemberOf...)...); err != nil {
		return 0, err
	}
	if err := ValidateVerifier(r.ScramVerifier); err != nil {
		return 0, Refused("scram_verifier %v", err)
	}
	return inNewRole(ctx, c, r.Name, func(tx pgx.Tx) error {
		pw, err := literal(ctx, tx, r.ScramVerifier)
		if err != nil {
			return err
		}
		until, err := timestampLiteral(ctx, tx, r.ValidUntil)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, createLoginRoleSQL(r.Name, r.Flags, pw, until)); err != nil {
			return createError(err, r.Name)
		}
		return grantAll(ctx, tx, r.MemberOf, r.Name)
	})
}

// CreateMembership creates the per-grant NOLOGIN role, gives it the privilege
// roles, then grants it to the member, in one transaction.
func CreateMembership(ctx context.Context, c *Client, m Membership) (uint32, error) {
	if err := validateAll(append([]string{m.Name, m.Member}, m.MemberOf...)...); err != nil {
		return 0, err
	}
	if m.Member == m.Name {
		return 0, Refused("member %q cannot be the grant role itself", m.Member)
	}
	return inNewRole(ctx, c, m.Name, func(tx pgx.Tx) error {
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, m.Member).Scan(&exists); err != nil {
			return Classify(err, "looking up the member role")
		}
		if !exists {
			return Refused("member role %q does not exist", m.Member)
		}
		if _, err := tx.Exec(ctx, createGroupRoleSQL(m.Name, m.Flags)); err != nil {
			return createError(err, m.Name)
		}
		if err := grantAll(ctx, tx, m.MemberOf, m.Name); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, grantSQL(m.Name, m.Member)); err != nil {
			return Classify(err, "granting "+m.Name+" to "+m.Member)
		}
		return nil
	})
}

// inNewRole refuses an existing name (never adopt someone's role), runs the
// creation and reads back the oid, all in one transaction.
func inNewRole(ctx context.Context, c *Client, name string, create func(pgx.Tx) error) (uint32, error) {
	conn, err := c.Connect(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Close(context.Background())
	tx, err := conn.Begin(ctx)
	if err != nil {
		return 0, Classify(err, "starting a transaction")
	}
	defer tx.Rollback(context.Background()) //nolint:errcheck // no-op after commit
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, name).Scan(&exists); err != nil {
		return 0, Classify(err, "looking up role "+name)
	}
	if exists {
		return 0, alreadyExists(name)
	}
	if err := create(tx); err != nil {
		return 0, err
	}
	var oid uint32
	if err := tx.QueryRow(ctx, `SELECT oid FROM pg_roles WHERE rolname = $1`, name).Scan(&oid); err != nil {
		return 0, Classify(err, "reading the new role's oid")
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, Classify(err, "committing the new role")
	}
	return oid, nil
}

func grantAll(ctx context.Context, tx pgx.Tx, roles []string, to string) error {
	for _, p := range roles {
		if _, err := tx.Exec(ctx, grantSQL(p, to)); err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && pgErr.Code == "42704" {
				return Refused("privilege role %q does not exist", p)
			}
			return Classify(err, "granting "+p+" to "+to)
		}
	}
	return nil
}

func alreadyExists(name string) error {
	return Refused("role %q already exists: tempgrant never adopts an existing role; pick another name or drop that role first", name)
}

func createError(err error, name string) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42710" {
		return alreadyExists(name)
	}
	return Classify(err, "creating role "+name)
}
