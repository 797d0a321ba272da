package pg

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// person makes an existing login role, as a principal has in membership mode.
func (s *server) person(base string) (name, password string) {
	name, password = s.name(base), base+"-password"
	s.dropRoleLater(name)
	s.exec(`CREATE ROLE ` + quoteIdent(name) + ` LOGIN`)
	pw, err := literal(context.Background(), s.admin, password)
	if err != nil {
		s.t.Fatal(err)
	}
	s.exec(alterPasswordSQL(name, pw))
	return name, password
}

func TestMembershipOverlappingGrantsRevokeIndependently(t *testing.T) {
	s := liveServer(t)
	ctx := ctxT(t)
	priv, table := s.privilegeRole("shared")
	alice, pw := s.person("alice")
	g1, g2 := s.name("grant1"), s.name("grant2")
	s.dropRoleLater(g1, g2)
	oid1, err := CreateMembership(ctx, s.client, Membership{Name: g1, Member: alice, MemberOf: []string{priv}})
	if err != nil {
		t.Fatal(err)
	}
	oid2, err := CreateMembership(ctx, s.client, Membership{Name: g2, Member: alice, MemberOf: []string{priv}})
	if err != nil {
		t.Fatal(err)
	}
	session := s.mustLogin(alice, pw, "")
	if _, err := selectX(session, table); err != nil {
		t.Fatalf("alice should read through either grant: %v", err)
	}
	if _, err := Revoke(ctx, s.client, Revocation{Name: g1, OID: oid1}); err != nil {
		t.Fatal(err)
	}
	if x, err := selectX(session, table); err != nil || x != 42 {
		t.Fatalf("the other grant must keep working: %v %v", x, err)
	}
	if !s.roleExists(alice) || !s.roleExists(priv) {
		t.Fatal("revocation must never drop the member or the privilege role")
	}
	if _, err := Revoke(ctx, s.client, Revocation{Name: g2, OID: oid2}); err != nil {
		t.Fatal(err)
	}
	if _, err := selectX(session, table); err == nil {
		t.Fatal("with both grants revoked, alice must lose access")
	}
	if _, err := session.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatalf("alice's own session must survive: %v", err)
	}
}

// TestMembershipRevocationAndOpenSessions records what PostgreSQL does to a
// member's already-open sessions, and proves the provider's choice: nothing
// the grant gave survives the next statement, and the member's session (their
// unrelated work) is not terminated.
func TestMembershipRevocationAndOpenSessions(t *testing.T) {
	s := liveServer(t)
	ctx := ctxT(t)
	priv, table := s.privilegeRole("secret")
	bob, pw := s.person("bob")
	g := s.name("bobgrant")
	s.dropRoleLater(g)

	// Finding 1 (plain PostgreSQL): REVOKE g FROM member ends inherited
	// privileges at the member's next statement, but a session that ran
	// SET ROLE g keeps every privilege of g, even inside an open transaction.
	oid, err := CreateMembership(ctx, s.client, Membership{Name: g, Member: bob, MemberOf: []string{priv}})
	if err != nil {
		t.Fatal(err)
	}
	inherited, setRole := s.mustLogin(bob, pw, ""), s.mustLogin(bob, pw, "")
	if _, err := setRole.Exec(ctx, `SET ROLE `+quoteIdent(g)); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*pgx.Conn{inherited, setRole} {
		if _, err := selectX(c, table); err != nil {
			t.Fatalf("before revocation: %v", err)
		}
	}
	s.exec(revokeSQL(g, bob))
	if _, err := selectX(inherited, table); err == nil {
		t.Fatal("expected: an inheriting session loses the privilege at its next statement")
	}
	if _, err := selectX(setRole, table); err != nil {
		t.Fatalf("expected: a SET ROLE session keeps the grant role's privileges after REVOKE alone: %v", err)
	}
	s.exec(grantSQL(g, bob)) // back as the provider made it
	if _, err := Revoke(ctx, s.client, Revocation{Name: g, OID: oid}); err != nil {
		t.Fatal(err)
	}
	s.dropRoleLater(g)

	// The provider's revocation: both kinds of session lose the grant's
	// privileges at their next statement, and neither is terminated.
	oid, err = CreateMembership(ctx, s.client, Membership{Name: g, Member: bob, MemberOf: []string{priv}})
	if err != nil {
		t.Fatal(err)
	}
	inherited, setRole, inTx := s.mustLogin(bob, pw, ""), s.mustLogin(bob, pw, ""), s.mustLogin(bob, pw, "")
	for _, c := range []*pgx.Conn{setRole, inTx} {
		if _, err := c.Exec(ctx, `SET ROLE `+quoteIdent(g)); err != nil {
			t.Fatal(err)
		}
	}
	tx, err := inTx.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var x int
	if err := tx.QueryRow(ctx, `SELECT x FROM `+quoteIdent(table)).Scan(&x); err != nil {
		t.Fatal(err)
	}
	report, err := Revoke(ctx, s.client, Revocation{Name: g, OID: oid})
	if err != nil {
		t.Fatal(err)
	}
	// Only the session whose open transaction had already locked the table
	// is ended: PostgreSQL would let it go on reading (see endStaleSessions).
	if report.SessionsEnded != 0 || report.StaleSessionsEnded != 1 {
		t.Fatalf("want no login session and one stale session ended: %+v", report)
	}
	if _, err := selectX(inherited, table); err == nil {
		t.Fatal("inheriting session kept access")
	}
	if _, err := selectX(setRole, table); err == nil {
		t.Fatal("SET ROLE session kept access")
	}
	if err := tx.QueryRow(ctx, `SELECT x FROM `+quoteIdent(table)).Scan(&x); err == nil {
		t.Fatal("a SET ROLE session inside an open transaction kept access")
	}
	if !inTx.IsClosed() {
		if _, err := inTx.Exec(ctx, "SELECT 1"); err == nil {
			t.Fatal("the session that held the table locked should have been ended")
		}
	}
	// The member's other sessions are alive: unrelated work goes on as bob.
	if _, err := setRole.Exec(ctx, `RESET ROLE`); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*pgx.Conn{inherited, setRole} {
		var who string
		if err := c.QueryRow(ctx, `SELECT current_user`).Scan(&who); err != nil && !strings.Contains(err.Error(), "invalid role OID") {
			t.Fatalf("member session was broken: %v", err)
		}
	}
	if _, err := setRole.Exec(ctx, `SET ROLE `+quoteIdent(g)); err == nil {
		t.Fatal("SET ROLE to the dropped grant role must fail")
	}
	if s.roleExists(g) {
		t.Fatal("grant role still exists")
	}
}

func TestMembershipObjectsAndLockHolders(t *testing.T) {
	s := liveServer(t)
	ctx := ctxT(t)
	carol, pw := s.person("carol")
	g := s.name("carolgrant")
	s.dropRoleLater(g)
	oid, err := CreateMembership(ctx, s.client, Membership{Name: g, Member: carol})
	if err != nil {
		t.Fatal(err)
	}
	s.exec(`GRANT CREATE ON SCHEMA public TO ` + quoteIdent(g))
	table := s.name("carol_t")
	t.Cleanup(func() { _, _ = s.admin.Exec(context.Background(), `DROP TABLE IF EXISTS `+quoteIdent(table)) })
	// A session that made a table as the grant role and still holds a lock on
	// it (idle in transaction) would stall REASSIGN OWNED: it is ended, since
	// it is using what the grant made; other sessions of carol are not.
	holder, other := s.mustLogin(carol, pw, ""), s.mustLogin(carol, pw, "")
	if _, err := holder.Exec(ctx, `SET ROLE `+quoteIdent(g)); err != nil {
		t.Fatal(err)
	}
	if _, err := holder.Exec(ctx, `CREATE TABLE `+quoteIdent(table)+` (v int)`); err != nil {
		t.Fatal(err)
	}
	if _, err := holder.Exec(ctx, `BEGIN; LOCK TABLE `+quoteIdent(table)+` IN ACCESS SHARE MODE`); err != nil {
		t.Fatal(err)
	}
	if _, err := Revoke(ctx, s.client, Revocation{Name: g, OID: oid}); err != nil {
		t.Fatal(err)
	}
	if _, err := holder.Exec(ctx, `SELECT 1`); err == nil {
		t.Fatal("the session locking the grant role's table should be ended")
	}
	if _, err := other.Exec(ctx, `SELECT 1`); err != nil {
		t.Fatalf("carol's other session must survive: %v", err)
	}
	var owner string
	if err := s.admin.QueryRow(ctx, `SELECT tableowner FROM pg_tables WHERE tablename = $1`, table).Scan(&owner); err != nil || owner != s.url.User {
		t.Fatalf("table should be kept, owned by %s: %q %v", s.url.User, owner, err)
	}
}
