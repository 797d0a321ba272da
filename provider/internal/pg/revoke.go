package pg

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Revocation names the role a resource made. OID 0 means "look it up by name".
type Revocation struct {
	Name       string
	OID        uint32
	ReassignTo string // "" = the connecting user
}

// RevokeReport says what the revocation did, for logs and tests.
type RevokeReport struct {
	AlreadyGone   bool
	SessionsEnded int // sessions logged in as the role itself
	// StaleSessionsEnded counts sessions of former members (or sessions
	// locking the role's objects) that still held a lock on a relation the
	// member may no longer use: their transaction could go on reading it.
	StaleSessionsEnded int
	Databases          []string
}

// How long revocation waits for terminated backends to exit, and for locks.
const (
	sessionWait = 15 * time.Second
	lockTimeout = "10s"
)

// Revoke removes a role this provider made, in one idempotent pass:
//
//  1. remove every membership in both directions: members lose inherited
//     privileges at their next statement, and a session that did SET ROLE to
//     it keeps nothing but what PUBLIC has;
//  2. NOLOGIN, so no new session can start while we work;
//  3. terminate every backend logged in as it, and wait until none is left;
//  4. in every database that accepts connections: end the sessions still
//     using what the grant gave (see endStaleSessions), then REASSIGN OWNED
//     and DROP OWNED, so objects it made are kept (by the reassign target)
//     and its privileges go;
//  5. DROP ROLE;
//  6. confirm: no role by that name or oid, no session, no membership row.
//
// A role already gone is success (after ending any session its oid still
// has); a name that now belongs to another role is never touched.
func Revoke(ctx context.Context, c *Client, r Revocation) (*RevokeReport, error) {
	if err := validateAll(r.Name); err != nil {
		return nil, err
	}
	if r.ReassignTo != "" {
		if err := validateAll(r.ReassignTo); err != nil {
			return nil, err
		}
		if r.ReassignTo == r.Name {
			return nil, Refused("reassign_owned_to must name another role than %q", r.Name)
		}
	}
	conn, err := c.Connect(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	report := &RevokeReport{}

	role, err := resolveForRevoke(ctx, conn, r)
	if err != nil {
		return nil, err
	}
	oid := r.OID
	if role == nil {
		report.AlreadyGone = true
		if oid != 0 {
			// A dropped role's sessions outlive it; end them too.
			if report.SessionsEnded, err = terminateSessions(ctx, conn, oid); err != nil {
				return report, err
			}
			return report, confirmGone(ctx, conn, r.Name, oid)
		}
		return report, nil
	}
	oid = role.OID
	if r.ReassignTo != "" {
		var ok bool
		if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, r.ReassignTo).Scan(&ok); err != nil {
			return report, Classify(err, "looking up reassign_owned_to")
		}
		if !ok {
			return report, Refused("reassign_owned_to role %q does not exist; nothing was revoked", r.ReassignTo)
		}
	}

	memberOIDs, err := oids(ctx, conn, `SELECT member FROM pg_auth_members WHERE roleid = $1`, oid)
	if err != nil {
		return report, err
	}
	for _, member := range role.Members {
		if _, err := conn.Exec(ctx, revokeSQL(r.Name, member)); err != nil {
			return report, Classify(err, "revoking "+r.Name+" from "+member)
		}
	}
	for _, priv := range role.MemberOf {
		if _, err := conn.Exec(ctx, revokeSQL(priv, r.Name)); err != nil {
			return report, Classify(err, "revoking "+priv+" from "+r.Name)
		}
	}
	if _, err := conn.Exec(ctx, noLoginSQL(r.Name)); err != nil {
		return report, Classify(err, "setting "+r.Name+" NOLOGIN")
	}
	if report.SessionsEnded, err = terminateSessions(ctx, conn, oid); err != nil {
		return report, err
	}
	if report.Databases, err = dropOwnedEverywhere(ctx, c, conn, r.Name, oid, memberOIDs, r.ReassignTo, report); err != nil {
		return report, err
	}
	if _, err := conn.Exec(ctx, dropRoleSQL(r.Name)); err != nil {
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "2BP01" {
			return report, Classify(err, "dropping role "+r.Name)
		}
		// Something was created between the sweep of databases and the drop
		// (a member's SET ROLE session): sweep once more.
		if _, err := dropOwnedEverywhere(ctx, c, conn, r.Name, oid, memberOIDs, r.ReassignTo, report); err != nil {
			return report, err
		}
		if _, err := conn.Exec(ctx, dropRoleSQL(r.Name)); err != nil {
			return report, Classify(err, "dropping role "+r.Name)
		}
	}
	return report, confirmGone(ctx, conn, r.Name, oid)
}

// resolveForRevoke returns the role to revoke, nil when it is already gone, or
// an error when the name now belongs to a role this resource did not make.
func resolveForRevoke(ctx context.Context, conn *pgx.Conn, r Revocation) (*RoleInfo, error) {
	role, err := readRole(ctx, conn, r.Name, r.OID, "")
	if err != nil {
		return nil, err
	}
	if role != nil && role.Name != r.Name {
		return nil, Refused("role oid %d is now named %q, not %q; refresh and plan again", r.OID, role.Name, r.Name)
	}
	if role == nil && r.OID != 0 {
		var other uint32
		err := conn.QueryRow(ctx, `SELECT oid FROM pg_roles WHERE rolname = $1`, r.Name).Scan(&other)
		if err == nil {
			return nil, Refused("role %q now has oid %d, not %d: it is not the role this resource created, so it is left alone", r.Name, other, r.OID)
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return nil, Classify(err, "looking up role "+r.Name)
		}
	}
	return role, nil
}

// terminateSessions ends every backend whose session user is oid, in any
// database, and waits (bounded) until none is left.
func terminateSessions(ctx context.Context, conn *pgx.Conn, oid uint32) (int, error) {
	ended := 0
	deadline := time.Now().Add(sessionWait)
	for {
		var signalled, left int
		err := conn.QueryRow(ctx, `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)), count(*)
			FROM pg_stat_activity WHERE usesysid = $1 AND pid <> pg_backend_pid()`, oid).Scan(&signalled, &left)
		if err != nil {
			return ended, Classify(err, "terminating the role's sessions (needs superuser or pg_signal_backend)")
		}
		ended += signalled
		if left == 0 {
			return ended, nil
		}
		if time.Now().After(deadline) {
			return ended, Refused("%d session(s) of role oid %d are still open after %s", left, oid, sessionWait)
		}
		select {
		case <-ctx.Done():
			return ended, Classify(ctx.Err(), "waiting for sessions to end")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// dropOwnedEverywhere runs REASSIGN OWNED and DROP OWNED in every database
// that accepts connections: ownership and privileges are per database.
func dropOwnedEverywhere(ctx context.Context, c *Client, conn *pgx.Conn, name string, oid uint32, members []uint32, reassignTo string, report *RevokeReport) ([]string, error) {
	dbs, err := names(ctx, conn, `SELECT datname FROM pg_database WHERE datallowconn ORDER BY datname`)
	if err != nil {
		return nil, err
	}
	for _, db := range dbs {
		if err := dropOwnedIn(ctx, c, db, name, oid, members, reassignTo, report); err != nil {
			return dbs, err
		}
	}
	return dbs, nil
}

func dropOwnedIn(ctx context.Context, c *Client, db, name string, oid uint32, members []uint32, reassignTo string, report *RevokeReport) error {
	dbConn, err := c.ConnectTo(ctx, db)
	if err != nil {
		return err
	}
	defer dbConn.Close(context.Background())
	// Bound any wait for a lock we did not foresee: fail, never hang.
	if _, err := dbConn.Exec(ctx, `SET lock_timeout = '`+lockTimeout+`'`); err != nil {
		return Classify(err, "setting lock_timeout in database "+db)
	}
	ended, err := endStaleSessions(ctx, dbConn, oid, members)
	if err != nil {
		return Classify(err, "ending sessions still using the grant in database "+db)
	}
	report.StaleSessionsEnded += ended
	tx, err := dbConn.Begin(ctx)
	if err != nil {
		return Classify(err, "starting a transaction in database "+db)
	}
	defer tx.Rollback(context.Background()) //nolint:errcheck // no-op after commit
	if _, err := tx.Exec(ctx, reassignOwnedSQL(name, reassignTo)); err != nil {
		return Classify(err, fmt.Sprintf("reassigning objects owned by %s in database %s", name, db))
	}
	if _, err := tx.Exec(ctx, dropOwnedSQL(name)); err != nil {
		return Classify(err, fmt.Sprintf("dropping privileges of %s in database %s", name, db))
	}
	return Classify(tx.Commit(ctx), "committing in database "+db)
}

// confirmGone checks the end state instead of trusting the statements.
func confirmGone(ctx context.Context, conn *pgx.Conn, name string, oid uint32) error {
	var roles, sessions, memberships int
	err := conn.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM pg_roles WHERE oid = $1 OR rolname = $2),
		(SELECT count(*) FROM pg_stat_activity WHERE usesysid = $1),
		(SELECT count(*) FROM pg_auth_members WHERE member = $1 OR roleid = $1)`, oid, name).Scan(&roles, &sessions, &memberships)
	if err != nil {
		return Classify(err, "confirming the revocation of "+name)
	}
	if roles+sessions+memberships != 0 {
		return Refused("revocation of %q not confirmed: %d role(s), %d session(s), %d membership row(s) remain", name, roles, sessions, memberships)
	}
	return nil
}

// endStaleSessions ends, in the current database, the backends that can still
// use what the grant gave after its memberships are gone:
//
//   - any backend holding a lock on a relation the grant role owns (it is
//     using what the grant made, and would stall REASSIGN OWNED);
//   - any backend of a former member holding a lock on a table, view or
//     sequence that member can no longer use in any way. PostgreSQL rechecks
//     role membership only when a backend processes catalog invalidations,
//     which it skips for a relation it already has locked: a transaction that
//     read a table before the revocation (as the member, or after SET ROLE to
//     the grant role) can keep reading it until the transaction ends, and a
//     running statement runs on.
//
// A former member's other sessions are left alone: they lose the grant's
// privileges at their next statement, and their unrelated work goes on.
func endStaleSessions(ctx context.Context, conn *pgx.Conn, oid uint32, members []uint32) (int, error) {
	var ended int
	err := conn.QueryRow(ctx, `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM (
		SELECT DISTINCT l.pid
		FROM pg_locks l
		JOIN pg_class k ON k.oid = l.relation
		JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'relation'
		  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
		  AND l.pid <> pg_backend_pid()
		  AND (k.relowner = $1
		       OR (a.usesysid = ANY($2::oid[])
		           AND k.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
		           AND NOT has_table_privilege(a.usesysid, k.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER')
		           AND NOT has_any_column_privilege(a.usesysid, k.oid, 'SELECT, INSERT, UPDATE, REFERENCES')
		           AND NOT (k.relkind = 'S' AND has_sequence_privilege(a.usesysid, k.oid, 'USAGE'))))
	) stale`, oid, members).Scan(&ended)
	return ended, err
}

func oids(ctx context.Context, q querier, sql string, args ...any) ([]uint32, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, Classify(err, "reading role oids")
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[uint32])
	if err != nil {
		return nil, Classify(err, "reading role oids")
	}
	if out == nil {
		out = []uint32{}
	}
	return out, nil
}
