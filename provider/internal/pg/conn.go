// Package pg holds every statement the provider sends to PostgreSQL. The
// resources call these functions and nothing else touches the server, so the
// integration tests exercise exactly the SQL the provider runs.
package pg

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Settings are the provider's connection arguments. Empty fields fall back to
// the libpq environment (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE,
// PGSSLMODE), which pgx reads itself.
type Settings struct {
	Host           string
	Port           int64
	Username       string
	Password       string
	Database       string
	SSLMode        string
	ConnectTimeout int64 // seconds; 0 means the default
}

// DefaultConnectTimeout bounds how long an unreachable server can stall a plan.
const DefaultConnectTimeout = 10

// Client connects on demand: a stack with only grant records never dials.
type Client struct {
	base *pgx.ConnConfig
}

// NewClient parses the settings without connecting.
func NewClient(s Settings) (*Client, error) {
	cfg, err := pgx.ParseConfig(s.dsn())
	if err != nil {
		// pgx's parse errors can echo the connection string; keep the password out.
		return nil, &Error{Kind: KindConfig, Msg: "invalid connection settings: " + redact(err.Error(), s.Password)}
	}
	return &Client{base: cfg}, nil
}

// dsn builds a keyword/value connection string from the set fields only, so
// everything left unset is taken from the environment by pgx. Values are
// quoted per libpq's rules, never spliced raw.
func (s Settings) dsn() string {
	var parts []string
	add := func(key, value string) {
		if value == "" {
			return
		}
		escaped := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(value)
		parts = append(parts, key+"='"+escaped+"'")
	}
	add("host", s.Host)
	if s.Port != 0 {
		add("port", strconv.FormatInt(s.Port, 10))
	}
	add("user", s.Username)
	add("password", s.Password)
	db := s.Database
	if db == "" && os.Getenv("PGDATABASE") == "" {
		db = "postgres"
	}
	add("dbname", db)
	add("sslmode", s.SSLMode)
	timeout := s.ConnectTimeout
	if timeout <= 0 && os.Getenv("PGCONNECT_TIMEOUT") == "" {
		timeout = DefaultConnectTimeout
	}
	if timeout > 0 {
		add("connect_timeout", strconv.FormatInt(timeout, 10))
	}
	return strings.Join(parts, " ")
}

// User is the role the provider connects as.
func (c *Client) User() string { return c.base.User }

// Connect opens a connection to the configured database and checks that the
// user can manage roles at all, so a missing privilege is reported up front
// rather than halfway through a revocation.
func (c *Client) Connect(ctx context.Context) (*pgx.Conn, error) {
	conn, err := c.ConnectTo(ctx, "")
	if err != nil {
		return nil, err
	}
	var super, createRole bool
	err = conn.QueryRow(ctx, `SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user`).Scan(&super, &createRole)
	if err != nil {
		conn.Close(ctx)
		return nil, Classify(err, "reading the connecting user's privileges")
	}
	if !super && !createRole {
		conn.Close(ctx)
		return nil, &Error{Kind: KindPrivilege, Msg: fmt.Sprintf(
			"PostgreSQL user %q has too few privileges: it needs SUPERUSER, or CREATEROLE (plus pg_signal_backend and ownership rights for revocation)", c.base.User)}
	}
	return conn, nil
}

// ConnectTo opens a connection to one database ("" = the configured one).
func (c *Client) ConnectTo(ctx context.Context, database string) (*pgx.Conn, error) {
	cfg := c.base.Copy()
	if database != "" {
		cfg.Database = database
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, Classify(err, fmt.Sprintf("connecting to PostgreSQL at %s:%d database %q as %q", cfg.Host, cfg.Port, cfg.Database, cfg.User))
	}
	return conn, nil
}

// Kind says which of the distinct failures an operator must fix.
type Kind string

const (
	KindUnreachable Kind = "PostgreSQL server unreachable"
	KindAuth        Kind = "PostgreSQL authentication failed"
	KindPrivilege   Kind = "PostgreSQL privileges insufficient"
	KindConfig      Kind = "PostgreSQL connection settings invalid"
	KindRefused     Kind = "PostgreSQL change refused"
	KindQuery       Kind = "PostgreSQL statement failed"
)

// Error is a classified failure; Kind becomes the diagnostic's summary.
type Error struct {
	Kind Kind
	Msg  string
	Err  error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}

func (e *Error) Unwrap() error { return e.Err }

// Refused is an error for a change the provider will not make (fail closed).
func Refused(format string, args ...any) error {
	return &Error{Kind: KindRefused, Msg: fmt.Sprintf(format, args...)}
}

// Classify turns a pgx/pgconn error into one of the kinds above by SQLSTATE or
// network cause, so the diagnostic says what to fix.
func Classify(err error, doing string) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "28P01":
			return &Error{Kind: KindAuth, Msg: doing + ": wrong password or user (SQLSTATE 28P01)", Err: err}
		case "28000":
			return &Error{Kind: KindAuth, Msg: doing + ": the server rejected this user (no pg_hba.conf entry, or it cannot log in; SQLSTATE 28000)", Err: err}
		case "42501":
			return &Error{Kind: KindPrivilege, Msg: doing + ": permission denied (SQLSTATE 42501)", Err: err}
		case "3D000":
			return &Error{Kind: KindConfig, Msg: doing + ": the database does not exist (SQLSTATE 3D000)", Err: err}
		case "53300":
			return &Error{Kind: KindUnreachable, Msg: doing + ": the server has no free connection slots (SQLSTATE 53300)", Err: err}
		}
		return &Error{Kind: KindQuery, Msg: doing, Err: err}
	}
	if errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) {
		return &Error{Kind: KindUnreachable, Msg: doing + ": timed out", Err: err}
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return &Error{Kind: KindUnreachable, Msg: doing + ": connection refused (is the server running and listening there?)", Err: err}
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return &Error{Kind: KindUnreachable, Msg: doing + ": host not found", Err: err}
	}
	var netErr net.Error
	var connErr *pgconn.ConnectError
	if errors.As(err, &netErr) || errors.As(err, &connErr) {
		return &Error{Kind: KindUnreachable, Msg: doing, Err: err}
	}
	return &Error{Kind: KindQuery, Msg: doing, Err: err}
}

func redact(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "********")
}
