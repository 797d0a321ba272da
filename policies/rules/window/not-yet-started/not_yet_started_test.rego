package tempgrant.rules.window.not_yet_started_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.window.not_yet_started

test_started_grant_passes if {
	g := fixtures.grant({"startsAt": fixtures.now})
	count(not_yet_started.deny) == 0 with input as {"now": fixtures.now, "grants": [g]}
}

test_future_start_is_denied if {
	g := fixtures.grant({"startsAt": fixtures.now + 7200})
	[v] := [v | some v in not_yet_started.deny] with input as {"now": fixtures.now, "grants": [g]}
	v.message == "grant g1 starts in 2h: it must not be created before its start (check the --now of the synth)"
}
