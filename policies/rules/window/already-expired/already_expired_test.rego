package tempgrant.rules.window.already_expired_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.window.already_expired

test_future_expiry_passes if {
	count(already_expired.deny) == 0 with input as {"now": fixtures.now, "grants": [fixtures.grant({})]}
}

test_expiry_at_now_is_denied if {
	g := fixtures.grant({"expiresAt": fixtures.now})
	fixtures.rules(already_expired.deny) == {"window/already-expired"} with input as {"now": fixtures.now, "grants": [g]}
}
