// Package clock is the provider's single notion of "now".
//
// The rule: the real clock, except that TEMPGRANT_NOW (RFC 3339), when set, is
// honoured only when it is later than the real clock. A caller can therefore move
// time forward (the TypeScript runner sets it to the run's clock, tests move it
// ahead to expire grants) but never backward: it can shorten an access window,
// never extend one. An unparseable TEMPGRANT_NOW is an error, because guessing
// would mean granting access on a clock nobody asked for.
//
// Start times are different: a forward clock must not start a grant early, so
// "has this started yet?" is answered by the real clock alone (RealNow).
package clock

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// EnvVar is the variable that may move the provider's clock forward.
const EnvVar = "TEMPGRANT_NOW"

// Clock reads the real time and the environment; both are swappable for tests.
type Clock struct {
	Real   func() time.Time
	Getenv func(string) (string, bool)
}

// System is the clock the provider runs with.
func System() Clock {
	return Clock{Real: time.Now, Getenv: os.LookupEnv}
}

// RealNow is the real clock, never moved by TEMPGRANT_NOW. Use it for start times.
func (c Clock) RealNow() time.Time {
	return c.Real()
}

// Now is the later of the real clock and TEMPGRANT_NOW. Use it for end times.
func (c Clock) Now() (time.Time, error) {
	real := c.Real()
	raw, ok := c.Getenv(EnvVar)
	if !ok || strings.TrimSpace(raw) == "" {
		return real, nil
	}
	forward, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(raw))
	if err != nil {
		return time.Time{}, fmt.Errorf("%s=%q is not an RFC 3339 timestamp; refusing to guess the time", EnvVar, raw)
	}
	if forward.After(real) {
		return forward, nil
	}
	return real, nil
}

// ParseTimestamp parses an RFC 3339 timestamp as every time attribute must be written.
func ParseTimestamp(value string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, value)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 timestamp (e.g. 2030-01-02T15:04:05Z)", value)
	}
	return t, nil
}
