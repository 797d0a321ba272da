package tempgrant.rules.break_glass.duration_cap_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.break_glass.duration_cap

check(after) := verdicts if {
	verdicts := duration_cap.deny with input as {"now": fixtures.now, "grants": [fixtures.grant(after)]}
		with data.tempgrant.config as fixtures.config
}

test_short_break_glass_passes if {
	count(check({"breakGlass": true, "expiresAt": fixtures.now + (4 * fixtures.hour)})) == 0
}

test_long_break_glass_is_denied if {
	[v] := [v | some v in check({"breakGlass": true, "expiresAt": fixtures.now + (5 * fixtures.hour)})]
	v.message == "break-glass grant g1 lasts 5h; break-glass is capped at 4h: shorten it or get it approved"
}

test_normal_grant_is_not_capped_here if {
	count(check({"expiresAt": fixtures.now + (5 * fixtures.hour)})) == 0
}

test_back_to_back_break_glass_counts_as_one_window if {
	grant := object.union(fixtures.grant({"breakGlass": true, "expiresAt": fixtures.now + (3 * fixtures.hour)}), {"breakGlassSpan": 6 * fixtures.hour, "breakGlassWith": ["g0"]})
	[v] := [v | some v in duration_cap.deny with input as {"now": fixtures.now, "grants": [grant]} with data.tempgrant.config as fixtures.config]
	v.message == "break-glass grant g1 joins g0 of alice@example.com on orders-db into one window of 6h; break-glass is capped at 4h: get it approved"
}

test_topping_up_a_running_break_glass_without_a_start_is_denied if {
	grant := object.union(fixtures.grant({"breakGlass": true, "expiresAt": fixtures.now + (3 * fixtures.hour)}), {"breakGlassSpan": 0, "breakGlassWith": ["g0"], "breakGlassBeyond": {"seconds": 2 * fixtures.hour, "id": "g0"}})
	[v] := [v | some v in duration_cap.deny with input as {"now": fixtures.now, "grants": [grant]} with data.tempgrant.config as fixtures.config]
	v.message == "break-glass grant g1 joins g0 of alice@example.com on orders-db, running with no recorded start, and keeps the window open 2h after it ends; it may already have run for the whole cap of 4h: give the running grant its startsAt, or get this one approved"
}
