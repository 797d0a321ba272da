package provider

import (
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tempgrant/tempgrant/provider/internal/pg"
)

// liveProvider serves the provider configured for the server in
// TEMPGRANT_TEST_DATABASE_URL, with an admin connection for checks.
func liveProvider(t *testing.T, c *testClock) (*harness, *pgx.Conn, string) {
	t.Helper()
	raw := os.Getenv("TEMPGRANT_TEST_DATABASE_URL")
	if raw == "" {
		t.Skip("set TEMPGRANT_TEST_DATABASE_URL to a postgres:// URL of a superuser to run the PostgreSQL resource tests")
	}
	cfg, err := pgx.ParseConfig(raw)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close(context.Background()) })
	h := newHarness(t, c.clock(), map[string]any{
		"host": cfg.Host, "port": int64(cfg.Port), "username": cfg.User, "password": cfg.Password,
		"database": cfg.Database, "sslmode": "disable",
	})
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return h, admin, hex.EncodeToString(b)
}

func adminExec(t *testing.T, admin *pgx.Conn, sql string) {
	t.Helper()
	if _, err := admin.Exec(context.Background(), sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

func verifier(password string) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	salted, _ := pbkdf2.Key(sha256.New, password, salt, 4096, sha256.Size)
	mac := func(msg string) []byte {
		h := hmac.New(sha256.New, salted)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	stored := sha256.Sum256(mac("Client Key"))
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$4096:%s$%s:%s", b64(salt), b64(stored[:]), b64(mac("Server Key")))
}

const loginType = "tempgrant_postgresql_login_role"

func TestLoginRoleLifecycleThroughTheProtocol(t *testing.T) {
	c := &testClock{real: time.Now()}
	h, admin, sfx := liveProvider(t, c)
	priv := "tg_go_p_" + sfx
	name := "tg_go_lr_" + sfx
	adminExec(t, admin, `CREATE ROLE `+priv+` NOLOGIN`)
	t.Cleanup(func() {
		_, _ = admin.Exec(context.Background(), `DROP ROLE IF EXISTS `+name)
		_, _ = admin.Exec(context.Background(), `DROP ROLE IF EXISTS `+priv)
	})
	until := time.Now().Add(time.Hour).Truncate(time.Second).In(time.FixedZone("plus2", 7200)).Format(time.RFC3339)
	cfg := map[string]any{"name": name, "valid_until": until, "scram_verifier": verifier("pw"), "member_of": []string{priv}}

	// Validation names the attribute.
	requireError(t, h.plan(loginType, nil, with(cfg, "scram_verifier", "plain-password")), "scram_verifier")
	requireError(t, h.plan(loginType, nil, with(cfg, "member_of", []string{"a\x00b"})), "member_of")
	requireError(t, h.plan(loginType, nil, with(cfg, "name", "x123456789x123456789x123456789x123456789x123456789x123456789xxxx")), "name")
	requireError(t, h.plan(loginType, nil, with(cfg, "reassign_owned_to", "")), "reassign_owned_to")

	created := h.planApply(loginType, nil, cfg)
	requireOK(t, created)
	if created.state["oid"].(int64) <= 0 || created.state["superuser"] != false {
		t.Fatalf("state %v", created.state)
	}
	// No drift: Read keeps the exact strings, the plan is empty.
	read := h.read(loginType, created.state)
	requireOK(t, read)
	if read.state["valid_until"] != until || read.state["scram_verifier"] != cfg["scram_verifier"] {
		t.Fatalf("read changed state: %v", read.state)
	}
	// Drift by hand shows, and the plan puts it back.
	adminExec(t, admin, `ALTER ROLE `+name+` SUPERUSER VALID UNTIL 'infinity' PASSWORD 'hand-set'`)
	adminExec(t, admin, `REVOKE `+priv+` FROM `+name)
	read = h.read(loginType, created.state)
	requireOK(t, read)
	if read.state["superuser"] != true || read.state["valid_until"] != "infinity" ||
		read.state["scram_verifier"] != pg.PasswordChangedPlaceholder || len(read.state["member_of"].([]string)) != 0 {
		t.Fatalf("drift not reported: %v", read.state)
	}
	fixed := h.planApply(loginType, read.state, cfg)
	requireOK(t, fixed)
	read = h.read(loginType, fixed.state)
	if read.state["superuser"] != false || read.state["valid_until"] != until || read.state["scram_verifier"] != cfg["scram_verifier"] {
		t.Fatalf("not restored: %v", read.state)
	}
	// A forward clock past valid_until refuses changes.
	c2 := *c
	c2.env = time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)
	h2, _, _ := liveProvider(t, &c2)
	requireError(t, h2.planApply(loginType, read.state, with(cfg, "superuser", true)), "valid_until")

	// Destroy revokes; a second destroy of a role already gone is fine.
	requireOK(t, h.apply(loginType, read.state, nil, nil))
	var n int
	_ = admin.QueryRow(context.Background(), `SELECT count(*) FROM pg_roles WHERE rolname = $1`, name).Scan(&n)
	if n != 0 {
		t.Fatal("role not dropped")
	}
	requireOK(t, h.apply(loginType, read.state, nil, nil))
	// Read of a role that is gone removes it from state.
	if gone := h.read(loginType, read.state); gone.state != nil {
		t.Fatalf("gone role kept in state: %v", gone.state)
	}
}

func TestMembershipDriftThroughTheProtocol(t *testing.T) {
	c := &testClock{real: time.Now()}
	h, admin, sfx := liveProvider(t, c)
	priv, member, name := "tg_go_mp_"+sfx, "tg_go_mm_"+sfx, "tg_go_mg_"+sfx
	adminExec(t, admin, `CREATE ROLE `+priv+` NOLOGIN`)
	adminExec(t, admin, `CREATE ROLE `+member+` LOGIN`)
	t.Cleanup(func() {
		for _, r := range []string{name, member, priv} {
			_, _ = admin.Exec(context.Background(), `DROP ROLE IF EXISTS `+r)
		}
	})
	cfg := map[string]any{"name": name, "member": member, "member_of": []string{priv}}
	created := h.planApply("tempgrant_postgresql_membership", nil, cfg)
	requireOK(t, created)
	adminExec(t, admin, `REVOKE `+name+` FROM `+member)
	read := h.read("tempgrant_postgresql_membership", created.state)
	requireOK(t, read)
	if read.state["member"] != "" {
		t.Fatalf("a membership removed by hand must show: %v", read.state)
	}
	// The plan replaces it (delete, then create), which rebuilds the access.
	plan := h.plan("tempgrant_postgresql_membership", read.state, cfg)
	requireOK(t, plan)
	if fmt.Sprint(plan.replace) != `[AttributeName("member")]` {
		t.Fatalf("want a replacement forced by member, got %v", plan.replace)
	}
	requireOK(t, h.apply("tempgrant_postgresql_membership", read.state, nil, nil))
	again := h.planApply("tempgrant_postgresql_membership", nil, cfg)
	requireOK(t, again)
	var ok bool
	_ = admin.QueryRow(context.Background(), `SELECT pg_has_role($1, $2, 'MEMBER')`, member, name).Scan(&ok)
	if !ok {
		t.Fatal("membership not rebuilt")
	}
	requireOK(t, h.apply("tempgrant_postgresql_membership", again.state, nil, nil))
}
