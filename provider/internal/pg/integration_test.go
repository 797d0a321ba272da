package pg

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// privilegeRole makes a NOLOGIN role with SELECT on a fresh table holding 42.
func (s *server) privilegeRole(base string) (role, table string) {
	role, table = s.name(base), s.name(base+"_t")
	s.exec(`CREATE ROLE ` + quoteIdent(role) + ` NOLOGIN`)
	s.exec(`CREATE TABLE ` + quoteIdent(table) + ` (x int)`)
	s.exec(`INSERT INTO ` + quoteIdent(table) + ` VALUES (42)`)
	s.exec(`GRANT SELECT ON ` + quoteIdent(table) + ` TO ` + quoteIdent(role))
	s.t.Cleanup(func() { _, _ = s.admin.Exec(context.Background(), `DROP TABLE IF EXISTS `+quoteIdent(table)) })
	s.dropRoleLater(role)
	return role, table
}

func selectX(conn *pgx.Conn, table string) (int, error) {
	var x int
	err := conn.QueryRow(context.Background(), `SELECT x FROM `+quoteIdent(table)).Scan(&x)
	return x, err
}

func wantKind(t *testing.T, err error, kind Kind, contains string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Kind != kind {
		t.Fatalf("want a %q error, got %v", kind, err)
	}
	if !strings.Contains(err.Error(), contains) {
		t.Fatalf("error %q does not mention %q", err, contains)
	}
}

func TestLoginRoleCreateUseAndRevokeWithOpenSession(t *testing.T) {
	s := liveServer(t)
	ctx := ctxT(t)
	priv, table := s.privilegeRole("read")
	// A name that needs quoting: the statements must quote it, not break on it.
	name := s.name(`login "q"; x`)
	s.dropRoleLater(name)
	password := "correct horse battery staple"
	oid, err := CreateLoginRole(ctx, s.client, LoginRole{
		Name: name, ValidUntil: time.Now().Add(time.Hour), ScramVerifier: scramVerifierFor(password), MemberOf: []string{priv},
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if oid == 0 {
		t.Fatal("no oid")
	}
	session := s.mustLogin(name, password, "")
	if x, err := selectX(session, table); err != nil || x != 42 {
		t.Fatalf("the grantee should read the table: %v %v", x, err)
	}
	if _, err := s.login(name, "wrong password", ""); err == nil {
		t.Fatal("a wrong password must be refused")
	}

	report, err := Revoke(ctx, s.client, Revocation{Name: name, OID: oid})
	if err != nil {
		t.Fatal(err)
	}
	if report.AlreadyGone || report.SessionsEnded < 1 {
		t.Fatalf("report %+v", report)
	}
	if _, err := selectX(session, table); err == nil {
		t.Fatal("the open session's next query must fail after revocation")
	}
	if _, err := s.login(name, password, ""); err == nil {
		t.Fatal("logging in must fail after revocation")
	}
	if s.roleExists(name) {
		t.Fatal("role still exists")
	}
	// Idempotent: a second revocation of a role already gone is fine.
	report, err = Revoke(ctx, s.client, Revocation{Name: name, OID: oid})
	if err != nil || !report.AlreadyGone {
		t.Fatalf("second revoke: %+v %v", report, err)
	}
}

func TestGranteeObjectsDoNotBlockDropInAnyDatabase(t *testing.T) {
	s := liveServer(t)
	ctx := ctxT(t)
	second := s.name("db2")
	s.exec(`CREATE DATABASE ` + quoteIdent(second))
	t.Cleanup(func() {
		_, _ = s.admin.Exec(context.Background(), `DROP DATABASE IF EXISTS `+quoteIdent(second)+` WITH (FORCE)`)
	})
	name := s.name("maker")
	s.dropRoleLater(name)
	password := "maker-password"
	oid, err := CreateLoginRole(ctx, s.client, LoginRole{
		Name: name, ValidUntil: time.Now().Add(time.Hour), ScramVerifier: scramVerifierFor(password), MemberOf: nil,
	}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	// Let the grantee create objects in both databases (PostgreSQL 15 no longer
	// lets PUBLIC create in schema public).
	for _, db := range []string{s.url.Database, second} {
		conn := s.adminIn(db)
		if _, err := conn.Exec(ctx, `GRANT CREATE ON SCHEMA public TO `+quoteIdent(name)); err != nil {
			t.Fatal(err)
		}
		session := s.mustLogin(name, password, db)
		for _, sql := range []string{`CREATE TABLE tg_go_made_` + s.suffix + ` (note text)`, `INSERT INTO tg_go_made_` + s.suffix + ` VALUES ('kept')`} {
			if _, err := session.Exec(ctx, sql); err != nil {
				t.Fatalf("%s in %s: %v", sql, db, err)
			}
		}
	}
	report, err := Revoke(ctx, s.client, Revocation{Name: name, OID: oid})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(report.Databases, second) {
		t.Fatalf("the second database was not visited: %v", report.Databases)
	}
	for _, db := range []string{s.url.Database, second} {
		conn := s.adminIn(db)
		var note, owner string
		err := conn.QueryRow(ctx, `SELECT note, (SELECT tableowner FROM pg_tables WHERE tablename = $1) FROM `+quoteIdent("tg_go_made_"+s.suffix), "tg_go_made_"+s.suffix).Scan(&note, &owner)
		if err != nil || note != "kept" || owner != s.url.User {
			t.Fatalf("in %s the grantee's table should be kept and owned by %s: %q %q %v", db, s.url.User, note, owner, err)
		}
		_, _ = conn.Exec(ctx, `DROP TABLE `+quoteIdent("tg_go_made_"+s.suffix))
	}
	if s.roleExists(name) {
		t.Fatal("role still exists")
	}
}

// adminIn is an admin connection to another database of the same server.
func (s *server) adminIn(db string) *pgx.Conn {
	s.t.Helper()
	cfg := s.url.Copy()
	cfg.Database = db
	conn, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestExistingRoleIsNotAdopted(t *testing.T) {
	s := liveServer(t)
	ctx := ctxT(t)
	priv, _ := s.privilegeRole("adopt")
	name := s.name("someone")
	s.dropRoleLater(name)
	s.exec(`CREATE ROLE ` + quoteIdent(name) + ` LOGIN PASSWORD 'theirs'`)
	_, err := CreateLoginRole(ctx, s.client, LoginRole{
		Name: name, ValidUntil: time.Now().Add(time.Hour), ScramVerifier: scramVerifierFor("mine"), MemberOf: []string{priv},
	}, time.Now())
	wantKind(t, err, KindRefused, "never adopts")
	_, err = CreateMembership(ctx, s.client, Membership{Name: name, Member: priv, MemberOf: []string{priv}})
	wantKind(t, err, KindRefused, "never adopts")
	info, err := ReadRole(ctx, s.client, name, 0, "")
	// Nothing about the existing role changed: no membership, no VALID UNTIL.
	if err != nil || info == nil || len(info.MemberOf) != 0 || info.ValidUntil.Valid {
		t.Fatalf("the existing role was changed: %+v %v", info, err)
	}
}

func TestClockRefusesCreate(t *testing.T) {
	s := liveServer(t)
	ctx := ctxT(t)
	name := s.name("late")
	s.dropRoleLater(name)
	now := time.Now().Add(2 * time.Hour) // a forward clock, as TEMPGRANT_NOW can set
	_, err := CreateLoginRole(ctx, s.client, LoginRole{
		Name: name, ValidUntil: time.Now().Add(time.Hour), ScramVerifier: scramVerifierFor("x"),
	}, now)
	wantKind(t, err, KindRefused, "valid_until")
	if s.roleExists(name) {
		t.Fatal("a role was created for an expired grant")
	}
}

func TestDriftIsRead(t *testing.T) {
	s := liveServer(t)
	ctx := ctxT(t)
	priv, _ := s.privilegeRole("drift")
	extra, _ := s.privilegeRole("extra")
	name := s.name("drifter")
	s.dropRoleLater(name)
	verifier := scramVerifierFor("pw")
	until := time.Now().Add(time.Hour).Truncate(time.Second)
	oid, err := CreateLoginRole(ctx, s.client, LoginRole{Name: name, ValidUntil: until, ScramVerifier: verifier, MemberOf: []string{priv}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	info, err := ReadRole(ctx, s.client, name, oid, verifier)
	if err != nil || info == nil {
		t.Fatal(err)
	}
	state := until.In(time.FixedZone("x", 3600)).Format(time.RFC3339)
	if got := ReportValidUntil(info.ValidUntil, state); got != state {
		t.Fatalf("same instant must keep the state's string: %q vs %q", got, state)
	}
	if !info.PasswordKnown || !info.PasswordMatches || info.Flags != (Flags{}) || !slices.Equal(info.MemberOf, []string{priv}) {
		t.Fatalf("fresh role read wrong: %+v", info)
	}

	s.exec(`ALTER ROLE ` + quoteIdent(name) + ` SUPERUSER VALID UNTIL 'infinity' PASSWORD 'changed by hand'`)
	s.exec(grantSQL(extra, name))
	info, err = ReadRole(ctx, s.client, name, oid, verifier)
	if err != nil || info == nil {
		t.Fatal(err)
	}
	if got := ReportValidUntil(info.ValidUntil, state); got != Infinity {
		t.Fatalf("valid_until %q", got)
	}
	if !info.Flags.Superuser || !info.PasswordKnown || info.PasswordMatches {
		t.Fatalf("drift not seen: %+v", info)
	}
	want := []string{priv, extra}
	slices.Sort(want)
	if !slices.Equal(info.MemberOf, want) {
		t.Fatalf("member_of %v, want %v", info.MemberOf, want)
	}
	// ALTER ROLE cannot set NULL (no limit) back; a superuser can in the catalog.
	s.exec(`UPDATE pg_authid SET rolvaliduntil = NULL WHERE oid = $1`, oid)
	info, _ = ReadRole(ctx, s.client, name, oid, verifier)
	if got := ReportValidUntil(info.ValidUntil, state); got != Infinity {
		t.Fatalf("NULL valid_until reported as %q", got)
	}

	// Update puts it all back, memberships diffed against the server.
	if err := UpdateLoginRole(ctx, s.client, oid, LoginRole{Name: name, ValidUntil: until, ScramVerifier: verifier, MemberOf: []string{priv}}, true, time.Now()); err != nil {
		t.Fatal(err)
	}
	info, _ = ReadRole(ctx, s.client, name, oid, verifier)
	if info.Flags.Superuser || !info.PasswordMatches || !slices.Equal(info.MemberOf, []string{priv}) || ReportValidUntil(info.ValidUntil, state) != state {
		t.Fatalf("update did not restore: %+v", info)
	}
	if _, err := s.login(name, "pw", ""); err != nil {
		t.Fatalf("password not restored: %v", err)
	}
	// Update checks the clock first.
	err = UpdateLoginRole(ctx, s.client, oid, LoginRole{Name: name, ValidUntil: until, ScramVerifier: verifier, MemberOf: []string{priv}}, false, until.Add(time.Second))
	wantKind(t, err, KindRefused, "valid_until")

	// Gone, or replaced by someone else's role of the same name: Read says gone,
	// and Revoke leaves the other role alone.
	s.exec(dropRoleSQL(name))
	if info, err := ReadRole(ctx, s.client, name, oid, verifier); err != nil || info != nil {
		t.Fatalf("gone role read as %+v %v", info, err)
	}
	s.exec(`CREATE ROLE ` + quoteIdent(name) + ` NOLOGIN`)
	if info, err := ReadRole(ctx, s.client, name, oid, verifier); err != nil || info != nil {
		t.Fatalf("someone else's role read as ours: %+v %v", info, err)
	}
	_, err = Revoke(ctx, s.client, Revocation{Name: name, OID: oid})
	wantKind(t, err, KindRefused, "not the role this resource created")
	if !s.roleExists(name) {
		t.Fatal("someone else's role was dropped")
	}
}

func TestRevokeOfRoleAlreadyGoneEndsItsSessions(t *testing.T) {
	s := liveServer(t)
	ctx := ctxT(t)
	name := s.name("orphan")
	s.dropRoleLater(name)
	oid, err := CreateLoginRole(ctx, s.client, LoginRole{Name: name, ValidUntil: time.Now().Add(time.Hour), ScramVerifier: scramVerifierFor("pw")}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	session := s.mustLogin(name, "pw", "")
	s.exec(dropRoleSQL(name)) // dropped by hand: its session survives
	if _, err := session.Exec(ctx, "SELECT 1"); err != nil {
		t.Fatalf("expected the orphan session to survive a plain DROP ROLE: %v", err)
	}
	report, err := Revoke(ctx, s.client, Revocation{Name: name, OID: oid})
	if err != nil || !report.AlreadyGone || report.SessionsEnded != 1 {
		t.Fatalf("%+v %v", report, err)
	}
	if _, err := session.Exec(ctx, "SELECT 1"); err == nil {
		t.Fatal("the orphan session must be ended")
	}
	// Never existed at all: fine too.
	if _, err := Revoke(ctx, s.client, Revocation{Name: s.name("never")}); err != nil {
		t.Fatal(err)
	}
}

func TestConnectionFailuresAreClassified(t *testing.T) {
	s := liveServer(t)
	ctx := ctxT(t)
	base := Settings{Host: s.url.Host, Port: int64(s.url.Port), Username: s.url.User, Database: s.url.Database, SSLMode: "disable", ConnectTimeout: 3}

	bad := base
	bad.Password = "definitely-wrong-password"
	c, _ := NewClient(bad)
	_, err := c.Connect(ctx)
	wantKind(t, err, KindAuth, "28P01")
	if strings.Contains(err.Error(), bad.Password) {
		t.Fatal("the password must not appear in errors")
	}

	closed := base
	closed.Password = s.url.Password
	closed.Host, closed.Port = "127.0.0.1", 1
	c, _ = NewClient(closed)
	_, err = c.Connect(ctx)
	wantKind(t, err, KindUnreachable, "refused")

	weak := s.name("weak")
	s.dropRoleLater(weak)
	s.exec(`CREATE ROLE ` + quoteIdent(weak) + ` LOGIN PASSWORD 'weakpw'`)
	low := base
	low.Username, low.Password = weak, "weakpw"
	c, _ = NewClient(low)
	_, err = c.Connect(ctx)
	wantKind(t, err, KindPrivilege, "too few privileges")
	_, err = CreateLoginRole(ctx, c, LoginRole{Name: s.name("nope"), ValidUntil: time.Now().Add(time.Hour), ScramVerifier: scramVerifierFor("x")}, time.Now())
	wantKind(t, err, KindPrivilege, weak)
}

func TestValuesReachTheServerOnlyQuotedByIt(t *testing.T) {
	s := liveServer(t)
	ctx := ctxT(t)
	var lit string
	for _, v := range []string{`it's`, `back\slash`, `'); DROP ROLE x; --`} {
		var err error
		if lit, err = literal(ctx, s.admin, v); err != nil {
			t.Fatal(err)
		}
		var back string
		if err := s.admin.QueryRow(ctx, `SELECT `+lit).Scan(&back); err != nil || back != v {
			t.Fatalf("literal %s read back as %q (%v)", lit, back, err)
		}
	}
	at := time.Date(2031, 2, 3, 4, 5, 6, 789000, time.UTC)
	if lit, err := timestampLiteral(ctx, s.admin, at); err != nil {
		t.Fatal(err)
	} else {
		var back pgtype.Timestamptz
		if err := s.admin.QueryRow(ctx, `SELECT `+lit+`::timestamptz`).Scan(&back); err != nil || !back.Time.Equal(at) {
			t.Fatalf("timestamp %s read back as %v (%v)", lit, back.Time, err)
		}
	}
}
