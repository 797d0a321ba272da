package tempgrant.rules.duration.max_duration_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.duration.max_duration

check(after) := verdicts if {
	verdicts := max_duration.deny with input as {"now": fixtures.now, "grants": [fixtures.grant(after)]}
		with data.tempgrant.config as fixtures.config
}

test_within_access_limit_passes if {
	count(check({"access": "read", "expiresAt": fixtures.now + ((7 * 24) * fixtures.hour)})) == 0
}

test_over_access_limit_is_denied if {
	verdicts := check({"access": "write", "expiresAt": fixtures.now + (25 * fixtures.hour)})
	[v] := [v | some v in verdicts]
	v.message == "grant g1: write access to orders-db for 1d1h is longer than the 1d allowed; shorten expiresAt or split the work"
}

test_target_limit_wins_over_access_limit if {
	count(check({"access": "admin", "expiresAt": fixtures.now + (90 * 60)})) == 1
	count(check({"access": "admin", "target": "billing-db", "expiresAt": fixtures.now + (90 * 60)})) == 0
}

test_default_limit_for_unknown_access if {
	count(check({"access": "operate", "expiresAt": fixtures.now + (25 * fixtures.hour)})) == 1
}

test_counted_from_a_future_start if {
	count(check({"access": "admin", "target": "x", "startsAt": fixtures.now + (10 * fixtures.hour), "expiresAt": fixtures.now + (11 * fixtures.hour)})) == 0
}

test_break_glass_has_its_own_cap if {
	count(check({"breakGlass": true, "access": "admin", "target": "x", "expiresAt": fixtures.now + (3 * fixtures.hour)})) == 0
}
