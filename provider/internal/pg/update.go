package pg

import (
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
)

// UpdateLoginRole brings the role (identified by oid) to r in one transaction.
// Memberships are diffed against the server, not against state, so anything
// added by hand is revoked too. A password is reset only when resetPassword.
func UpdateLoginRole(ctx context.Context, c *Client, oid uint32, r LoginRole, resetPassword bool, now time.Time) error {
	if !r.ValidUntil.After(now) {
		return Refused("valid_until %s is not after the provider's clock %s: refusing to change role %q for an expired grant",
			r.ValidUntil.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339), r.Name)
	}
	if err := validateAll(append([]string{r.Name}, r.MemberOf...)...); err != nil {
		return err
	}
	if resetPassword {
		if err := ValidateVerifier(r.ScramVerifier); err != nil {
			return Refused("scram_verifier %v", err)
		}
	}
	return inExistingRole(ctx, c, r.Name, oid, func(tx pgx.Tx, current *RoleInfo) error {
		until, err := timestampLiteral(ctx, tx, r.ValidUntil)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, alterFlagsSQL(r.Name, r.Flags)); err != nil {
			return Classify(err, "altering role "+r.Name)
		}
		if _, err := tx.Exec(ctx, alterValidUntilSQL(r.Name, until)); err != nil {
			return Classify(err, "altering role "+r.Name)
		}
		if resetPassword {
			pw, err := literal(ctx, tx, r.ScramVerifier)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, alterPasswordSQL(r.Name, pw)); err != nil {
				return Classify(err, "setting role "+r.Name+"'s password")
			}
		}
		return syncMemberOf(ctx, tx, r.Name, current.MemberOf, r.MemberOf)
	})
}

// UpdateMembership changes the grant role's flags and privilege roles; the
// name and member are replaced, never updated.
func UpdateMembership(ctx context.Context, c *Client, oid uint32, m Membership) error {
	if err := validateAll(append([]string{m.Name, m.Member}, m.MemberOf...)...); err != nil {
		return err
	}
	return inExistingRole(ctx, c, m.Name, oid, func(tx pgx.Tx, current *RoleInfo) error {
		if _, err := tx.Exec(ctx, alterFlagsSQL(m.Name, m.Flags)); err != nil {
			return Classify(err, "altering role "+m.Name)
		}
		return syncMemberOf(ctx, tx, m.Name, current.MemberOf, m.MemberOf)
	})
}

// inExistingRole runs change against the role only if it is still the one
// this resource made (same oid and name).
func inExistingRole(ctx context.Context, c *Client, name string, oid uint32, change func(pgx.Tx, *RoleInfo) error) error {
	conn, err := c.Connect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	tx, err := conn.Begin(ctx)
	if err != nil {
		return Classify(err, "starting a transaction")
	}
	defer tx.Rollback(context.Background()) //nolint:errcheck // no-op after commit
	current, err := readRole(ctx, tx, name, oid, "")
	if err != nil {
		return err
	}
	if current == nil || current.Name != name {
		return Refused("role %q (oid %d) is no longer the role this resource created; refresh and plan again", name, oid)
	}
	if err := change(tx, current); err != nil {
		return err
	}
	return Classify(tx.Commit(ctx), "committing the role change")
}

func syncMemberOf(ctx context.Context, tx pgx.Tx, name string, current, want []string) error {
	for _, p := range current {
		if !slices.Contains(want, p) {
			if _, err := tx.Exec(ctx, revokeSQL(p, name)); err != nil {
				return Classify(err, "revoking "+p+" from "+name)
			}
		}
	}
	var missing []string
	for _, p := range want {
		if !slices.Contains(current, p) {
			missing = append(missing, p)
		}
	}
	return grantAll(ctx, tx, missing, name)
}
