package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/tempgrant/tempgrant/provider/internal/clock"
)

// testClock is a clock whose real time and TEMPGRANT_NOW the test moves.
type testClock struct {
	real time.Time
	env  string
}

func (c *testClock) clock() clock.Clock {
	return clock.Clock{
		Real: func() time.Time { return c.real },
		Getenv: func(k string) (string, bool) {
			if k == clock.EnvVar && c.env != "" {
				return c.env, true
			}
			return "", false
		},
	}
}

var t0 = time.Date(2030, 6, 1, 12, 0, 0, 0, time.UTC)

func grantConfig(expires string) map[string]any {
	return map[string]any{
		"grant_id": "g-123", "principal": "alice", "target": "prod-db", "access": "read",
		"reason": "incident 42", "requested_by": "alice", "binding": "login-role",
		"expires_at": expires, "approved_by": []string{"bob"}, "break_glass": false,
		"native_expiry": true, "resources": []string{"tempgrant_postgresql_login_role.g-123"},
	}
}

func with(m map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

func requireError(t *testing.T, s step, want ...string) {
	t.Helper()
	if !hasError(s.diags) {
		t.Fatalf("expected an error containing %q, got none (state %v)", want, s.state)
	}
	text := diagText(s.diags)
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Fatalf("diagnostics %q do not contain %q", text, w)
		}
	}
}

func requireOK(t *testing.T, s step) {
	t.Helper()
	if hasError(s.diags) {
		t.Fatalf("unexpected error: %s", diagText(s.diags))
	}
}

const grantType = "tempgrant_grant"

func TestGrantCreateKnowsIDAtPlan(t *testing.T) {
	c := &testClock{real: t0}
	h := newHarness(t, c.clock(), nil)
	cfg := grantConfig("2030-06-01T13:00:00Z")
	p := h.plan(grantType, nil, cfg)
	requireOK(t, p)
	if p.state["id"] != "g-123" {
		t.Fatalf("id must be known at plan time, got %v", p.state["id"])
	}
	a := h.apply(grantType, nil, p.state, cfg)
	requireOK(t, a)
	if a.state["id"] != "g-123" || a.state["expires_at"] != "2030-06-01T13:00:00Z" {
		t.Fatalf("state %v", a.state)
	}
	// Unchanged config, later run: id stays known, nothing to do.
	p2 := h.plan(grantType, a.state, cfg)
	requireOK(t, p2)
	if p2.state["id"] != "g-123" {
		t.Fatalf("id %v", p2.state["id"])
	}
}

func TestGrantExpiredConfigFailsPlan(t *testing.T) {
	c := &testClock{real: t0}
	h := newHarness(t, c.clock(), nil)
	cfg := grantConfig("2030-06-01T12:00:00Z") // exactly now: expired
	requireError(t, h.plan(grantType, nil, cfg),
		"grant g-123 expired at 2030-06-01T12:00:00Z: this configuration is stale; synthesize again at the current time")

	// Unchanged in config but now past its end: still refused.
	cfg = grantConfig("2030-06-01T13:00:00Z")
	a := h.planApply(grantType, nil, cfg)
	requireOK(t, a)
	c.env = "2030-06-01T13:00:01Z" // the runner's clock moves forward
	requireError(t, h.plan(grantType, a.state, cfg), "expired at 2030-06-01T13:00:00Z")

	// Destroy is always allowed.
	requireOK(t, h.plan(grantType, a.state, nil))
	requireOK(t, h.apply(grantType, a.state, nil, nil))
}

func TestGrantTEMPGRANT_NOWNeverExtends(t *testing.T) {
	c := &testClock{real: t0, env: "2020-01-01T00:00:00Z"}
	h := newHarness(t, c.clock(), nil)
	requireError(t, h.plan(grantType, nil, grantConfig("2030-06-01T11:00:00Z")), "expired")
}

func TestGrantBadClockFailsClosed(t *testing.T) {
	c := &testClock{real: t0, env: "next tuesday"}
	h := newHarness(t, c.clock(), nil)
	requireError(t, h.plan(grantType, nil, grantConfig("2030-06-01T13:00:00Z")), "TEMPGRANT_NOW")
}

func TestGrantSavedPlanAppliedLateCreatesNothing(t *testing.T) {
	c := &testClock{real: t0}
	h := newHarness(t, c.clock(), nil)
	cfg := grantConfig("2030-06-01T13:00:00Z")
	p := h.plan(grantType, nil, cfg)
	requireOK(t, p)
	c.real = t0.Add(2 * time.Hour)
	a := h.apply(grantType, nil, p.state, cfg)
	requireError(t, a, "expired")
	if a.state != nil {
		t.Fatalf("nothing may be written to state, got %v", a.state)
	}
}

func TestGrantNotStartedAtRealClock(t *testing.T) {
	c := &testClock{real: t0, env: "2030-06-01T12:30:00Z"} // forward clock past the start
	h := newHarness(t, c.clock(), nil)
	cfg := with(grantConfig("2030-06-01T13:00:00Z"), "starts_at", "2030-06-01T12:15:00Z")
	a := h.planApply(grantType, nil, cfg)
	requireError(t, a, "not yet started", "2030-06-01T12:15:00Z")
	if a.state != nil {
		t.Fatalf("nothing may be written to state, got %v", a.state)
	}
	c.real = t0.Add(20 * time.Minute)
	requireOK(t, h.planApply(grantType, nil, cfg))
}

func TestGrantValidation(t *testing.T) {
	h := newHarness(t, (&testClock{real: t0}).clock(), nil)
	cases := []struct {
		cfg  map[string]any
		want string
	}{
		{with(grantConfig("tomorrow"), "expires_at", "tomorrow"), "expires_at"},
		{with(grantConfig("2030-06-01T13:00:00Z"), "starts_at", "2030-06-01"), "starts_at"},
		{with(grantConfig("2030-06-01T13:00:00Z"), "starts_at", "2030-06-01T13:00:00Z"), "not before expires_at"},
		{with(grantConfig("2030-06-01T13:00:00Z"), "grant_id", "G_1"), "grant_id"},
		{with(grantConfig("2030-06-01T13:00:00Z"), "reason", ""), "reason"},
		{with(grantConfig("2030-06-01T13:00:00Z"), "principal", " "), "principal"},
		{with(grantConfig("2030-06-01T13:00:00Z"), "digest", "sha256:ABC"), "not a grant digest"},
	}
	for _, tc := range cases {
		requireError(t, h.plan(grantType, nil, tc.cfg), tc.want)
	}
	requireOK(t, h.plan(grantType, nil, with(grantConfig("2030-06-01T13:00:00Z"), "digest", "sha256:"+strings.Repeat("0a", 32))))
	// Unknown values are left to apply.
	requireOK(t, h.plan(grantType, nil, with(grantConfig("2030-06-01T13:00:00Z"), "expires_at", unknown)))
}

func TestGrantUpdateChecksClockAgain(t *testing.T) {
	c := &testClock{real: t0}
	h := newHarness(t, c.clock(), nil)
	a := h.planApply(grantType, nil, grantConfig("2030-06-01T13:00:00Z"))
	requireOK(t, a)
	cfg := with(grantConfig("2030-06-01T14:00:00Z"), "reason", "extended")
	p := h.plan(grantType, a.state, cfg)
	requireOK(t, p)
	c.real = t0.Add(3 * time.Hour)
	requireError(t, h.apply(grantType, a.state, p.state, cfg), "expired")
}
