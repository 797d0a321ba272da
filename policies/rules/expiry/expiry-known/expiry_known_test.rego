package tempgrant.rules.expiry.expiry_known_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.expiry.expiry_known

test_known_expiry_passes if {
	count(expiry_known.deny) == 0 with input as {"now": fixtures.now, "grants": [fixtures.grant({})]}
}

test_unknown_expiry_is_denied if {
	g := object.union(fixtures.grant({}), {"unknownExpiry": true})
	verdicts := expiry_known.deny with input as {"now": fixtures.now, "grants": [g]}
	verdicts == {{
		"rule": "expiry/expiry-known",
		"grant": "g1",
		"address": "tempgrant_grant.grant_g1",
		"message": "grant g1: its expiry is unknown at plan time; set expiresAt to a literal RFC 3339 time",
	}}
}

test_invalid_expiry_is_denied if {
	g := fixtures.grant({"expiresAt": null, "expiresAtText": "tomorrow"})
	verdicts := expiry_known.deny with input as {"now": fixtures.now, "grants": [g]}
	fixtures.rules(verdicts) == {"expiry/expiry-known"}
}

test_deleting_a_grant_is_never_checked if {
	g := object.union(fixtures.grant({}), {"action": "delete", "after": null, "unknownExpiry": true})
	count(expiry_known.deny) == 0 with input as {"now": fixtures.now, "grants": [g]}
}
