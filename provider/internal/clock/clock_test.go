package clock

import (
	"testing"
	"time"
)

func fixed(real time.Time, env map[string]string) Clock {
	return Clock{
		Real: func() time.Time { return real },
		Getenv: func(k string) (string, bool) {
			v, ok := env[k]
			return v, ok
		},
	}
}

func TestNowIsRealClockWithoutEnv(t *testing.T) {
	real := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	now, err := fixed(real, nil).Now()
	if err != nil || !now.Equal(real) {
		t.Fatalf("Now() = %v, %v; want %v", now, err, real)
	}
}

func TestForwardClockIsHonoured(t *testing.T) {
	real := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	c := fixed(real, map[string]string{EnvVar: "2030-01-01T13:00:00+01:00"}) // same instant: not later
	if now, _ := c.Now(); !now.Equal(real) {
		t.Fatalf("an equal TEMPGRANT_NOW should leave the real clock, got %v", now)
	}
	c = fixed(real, map[string]string{EnvVar: "2030-01-02T00:00:00Z"})
	now, err := c.Now()
	if err != nil || !now.Equal(time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("Now() = %v, %v; want the forward clock", now, err)
	}
	if !c.RealNow().Equal(real) {
		t.Fatalf("RealNow must ignore TEMPGRANT_NOW, got %v", c.RealNow())
	}
}

func TestBackwardClockIsIgnored(t *testing.T) {
	real := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	now, err := fixed(real, map[string]string{EnvVar: "2020-01-01T00:00:00Z"}).Now()
	if err != nil || !now.Equal(real) {
		t.Fatalf("a TEMPGRANT_NOW in the past must not move the clock back: %v, %v", now, err)
	}
}

func TestUnparseableClockFailsClosed(t *testing.T) {
	real := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, bad := range []string{"tomorrow", "2030-01-01", "2030-01-01 12:00:00"} {
		if _, err := fixed(real, map[string]string{EnvVar: bad}).Now(); err == nil {
			t.Errorf("TEMPGRANT_NOW=%q should be an error", bad)
		}
	}
	if now, err := fixed(real, map[string]string{EnvVar: ""}).Now(); err != nil || !now.Equal(real) {
		t.Errorf("an empty TEMPGRANT_NOW is unset: %v, %v", now, err)
	}
}
