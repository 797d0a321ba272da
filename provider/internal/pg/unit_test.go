package pg

import (
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

func TestValidateIdentifier(t *testing.T) {
	ok := []string{"a", `we"ird; drop role x --`, "ünïcødé", strings.Repeat("x", 63)}
	for _, n := range ok {
		if err := ValidateIdentifier(n); err != nil {
			t.Errorf("%q: %v", n, err)
		}
	}
	bad := []string{"", "a\x00b", strings.Repeat("x", 64), strings.Repeat("é", 32)}
	for _, n := range bad {
		if err := ValidateIdentifier(n); err == nil {
			t.Errorf("%q should be refused", n)
		}
	}
}

func TestStatementsQuoteIdentifiers(t *testing.T) {
	name := `a"b'; DROP ROLE x; --`
	want := `"a""b'; DROP ROLE x; --"`
	cases := map[string]string{
		createLoginRoleSQL(name, Flags{}, "'pw'", "'2030-01-01 00:00:00+00'"): "CREATE ROLE " + want + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD 'pw' VALID UNTIL '2030-01-01 00:00:00+00'",
		createGroupRoleSQL(name, Flags{Superuser: true, BypassRLS: true}):     "CREATE ROLE " + want + " NOLOGIN SUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION BYPASSRLS INHERIT",
		grantSQL("priv", name):           `GRANT "priv" TO ` + want,
		revokeSQL(name, "alice"):         "REVOKE " + want + ` FROM "alice"`,
		reassignOwnedSQL(name, ""):       "REASSIGN OWNED BY " + want + " TO CURRENT_USER",
		reassignOwnedSQL(name, `o"wner`): "REASSIGN OWNED BY " + want + ` TO "o""wner"`,
		dropOwnedSQL(name):               "DROP OWNED BY " + want,
		dropRoleSQL(name):                "DROP ROLE " + want,
		noLoginSQL(name):                 "ALTER ROLE " + want + " NOLOGIN",
		alterValidUntilSQL(name, "'x'"):  "ALTER ROLE " + want + " VALID UNTIL 'x'",
		alterPasswordSQL(name, "'v'"):    "ALTER ROLE " + want + " PASSWORD 'v'",
		alterFlagsSQL(name, Flags{CreateDB: true, CreateRole: true, Replication: true}): "ALTER ROLE " + want + " NOSUPERUSER CREATEDB CREATEROLE REPLICATION NOBYPASSRLS",
	}
	for got, want := range cases {
		if got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}

func TestValidateVerifier(t *testing.T) {
	good := "SCRAM-SHA-256$4096:c2FsdHNhbHQ=$c3RvcmVka2V5c3RvcmVka2V5c3RvcmVka2V5c3Q=:c2VydmVya2V5c2VydmVya2V5c2VydmVya2V5c2U="
	if err := ValidateVerifier(good); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"hunter2", "md5abcdef", good + "'", "SCRAM-SHA-256$x:a$b:c", good + "\n"} {
		err := ValidateVerifier(bad)
		if err == nil {
			t.Errorf("%q should be refused", bad)
		} else if strings.Contains(err.Error(), bad) {
			t.Errorf("the error must not echo the secret: %v", err)
		}
	}
}

func TestReportValidUntil(t *testing.T) {
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	finite := pgtype.Timestamptz{Time: at, Valid: true}
	cases := []struct {
		server pgtype.Timestamptz
		state  string
		want   string
	}{
		{finite, "2030-01-02T04:04:05+01:00", "2030-01-02T04:04:05+01:00"}, // same instant: keep the string
		{finite, "2030-01-02T03:04:05Z", "2030-01-02T03:04:05Z"},
		{finite, "2030-01-02T03:04:05.0000001Z", "2030-01-02T03:04:05.0000001Z"}, // below the server's microseconds
		{finite, "2030-01-02T03:04:06Z", "2030-01-02T03:04:05Z"},                 // changed: the server's value, UTC
		{finite, "garbage", "2030-01-02T03:04:05Z"},
		{pgtype.Timestamptz{Valid: true, InfinityModifier: pgtype.Infinity}, "2030-01-02T03:04:05Z", "infinity"},
		{pgtype.Timestamptz{}, "2030-01-02T03:04:05Z", "infinity"}, // NULL: no limit
	}
	for _, tc := range cases {
		if got := ReportValidUntil(tc.server, tc.state); got != tc.want {
			t.Errorf("ReportValidUntil(%v, %q) = %q, want %q", tc.server.Time, tc.state, got, tc.want)
		}
	}
}

func TestDSNQuotesValuesAndDefaults(t *testing.T) {
	t.Setenv("PGDATABASE", "")
	t.Setenv("PGCONNECT_TIMEOUT", "")
	s := Settings{Host: "db.example", Port: 5433, Username: "ad'min", Password: `p a\ss'`}
	got := s.dsn()
	want := `host='db.example' port='5433' user='ad\'min' password='p a\\ss\'' dbname='postgres' connect_timeout='10'`
	if got != want {
		t.Fatalf("dsn\n got %s\nwant %s", got, want)
	}
	c, err := NewClient(s)
	if err != nil {
		t.Fatal(err)
	}
	if c.base.Password != `p a\ss'` || c.base.User != "ad'min" || c.base.Database != "postgres" || c.base.Port != 5433 {
		t.Fatalf("parsed %+v", c.base.Config)
	}
	if c.base.ConnectTimeout != 10*time.Second {
		t.Fatalf("connect timeout %v", c.base.ConnectTimeout)
	}
}

func TestSettingsFallBackToEnvironment(t *testing.T) {
	t.Setenv("PGHOST", "envhost")
	t.Setenv("PGPORT", "6543")
	t.Setenv("PGUSER", "envuser")
	t.Setenv("PGPASSWORD", "envpw")
	t.Setenv("PGDATABASE", "envdb")
	t.Setenv("PGSSLMODE", "disable")
	c, err := NewClient(Settings{})
	if err != nil {
		t.Fatal(err)
	}
	b := c.base
	if b.Host != "envhost" || b.Port != 6543 || b.User != "envuser" || b.Password != "envpw" || b.Database != "envdb" || b.TLSConfig != nil {
		t.Fatalf("env not used: %s %d %s %s", b.Host, b.Port, b.User, b.Database)
	}
	c, err = NewClient(Settings{Host: "cfg", Database: "cfgdb"})
	if err != nil || c.base.Host != "cfg" || c.base.Database != "cfgdb" || c.base.User != "envuser" {
		t.Fatalf("config must win over env: %v", err)
	}
}

func TestBadSettingsDoNotEchoPassword(t *testing.T) {
	_, err := NewClient(Settings{Host: "localhost", Password: "s3cr3t-pw", SSLMode: "bogus"})
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.Contains(err.Error(), "s3cr3t-pw") {
		t.Fatalf("password leaked: %v", err)
	}
}
