package pg

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
)

// TestDatabaseURLEnv names the superuser connection URL integration tests use.
const TestDatabaseURLEnv = "TEMPGRANT_TEST_DATABASE_URL"

// server is a live PostgreSQL for one test: the provider's client, built the
// way the provider builds it, and an admin connection for setup and checks.
type server struct {
	t      *testing.T
	url    *pgx.ConnConfig
	client *Client
	admin  *pgx.Conn
	suffix string
}

func liveServer(t *testing.T) *server {
	t.Helper()
	raw := os.Getenv(TestDatabaseURLEnv)
	if raw == "" {
		t.Skipf("set %s to a postgres:// URL of a superuser to run the PostgreSQL integration tests", TestDatabaseURLEnv)
	}
	cfg, err := pgx.ParseConfig(raw)
	if err != nil {
		t.Fatalf("%s: %v", TestDatabaseURLEnv, err)
	}
	client, err := NewClient(Settings{
		Host: cfg.Host, Port: int64(cfg.Port), Username: cfg.User, Password: cfg.Password,
		Database: cfg.Database, SSLMode: "disable",
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	admin, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connecting to %s: %v", TestDatabaseURLEnv, err)
	}
	t.Cleanup(func() { admin.Close(context.Background()) })
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return &server{t: t, url: cfg, client: client, admin: admin, suffix: hex.EncodeToString(b)}
}

// name is a role or database name unique to this test run.
func (s *server) name(base string) string {
	return fmt.Sprintf("tg_go_%s_%s", base, s.suffix)
}

func (s *server) exec(sql string, args ...any) {
	s.t.Helper()
	if _, err := s.admin.Exec(context.Background(), sql, args...); err != nil {
		s.t.Fatalf("%s: %v", sql, err)
	}
}

// dropRoleLater removes a role the test made, whatever state it ended in.
func (s *server) dropRoleLater(names ...string) {
	s.t.Cleanup(func() {
		ctx := context.Background()
		for _, n := range names {
			var exists bool
			_ = s.admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, n).Scan(&exists)
			if !exists {
				continue
			}
			_, _ = s.admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, n)
			_, _ = s.admin.Exec(ctx, reassignOwnedSQL(n, ""))
			_, _ = s.admin.Exec(ctx, dropOwnedSQL(n))
			_, _ = s.admin.Exec(ctx, dropRoleSQL(n))
		}
	})
}

func (s *server) roleExists(name string) bool {
	var exists bool
	if err := s.admin.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, name).Scan(&exists); err != nil {
		s.t.Fatal(err)
	}
	return exists
}

// login opens a session as user with a password, in db ("" = the test's).
func (s *server) login(user, password, db string) (*pgx.Conn, error) {
	cfg := s.url.Copy()
	cfg.User, cfg.Password = user, password
	if db != "" {
		cfg.Database = db
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return pgx.ConnectConfig(ctx, cfg)
}

func (s *server) mustLogin(user, password, db string) *pgx.Conn {
	s.t.Helper()
	conn, err := s.login(user, password, db)
	if err != nil {
		s.t.Fatalf("login as %s: %v", user, err)
	}
	s.t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// scramVerifier computes a SCRAM-SHA-256 verifier as RFC 5802 and RFC 7677
// define it, in the form PostgreSQL stores.
func scramVerifierFor(password string) string {
	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	const iterations = 4096
	salted, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		panic(err)
	}
	mac := func(key []byte, msg string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	storedKey := sha256.Sum256(mac(salted, "Client Key"))
	serverKey := mac(salted, "Server Key")
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", iterations, b64(salt), b64(storedKey[:]), b64(serverKey))
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
