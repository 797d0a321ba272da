package tempgrant.rules.drift.outside_tempgrant_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.drift.outside_tempgrant

check(resource) := verdicts if {
	verdicts := outside_tempgrant.deny with input as {"now": fixtures.now, "grants": [], "resources": [resource]}
}

test_no_drift_passes if {
	count(check(fixtures.resource({"drift": []}))) == 0
}

test_superuser_added_by_hand_is_denied if {
	verdicts := check(fixtures.resource({"action": "update", "drift": ["superuser", "valid_until"]}))
	verdicts == {{
		"rule": "drift/outside-tempgrant",
		"grant": "g1",
		"address": "tempgrant_postgresql_login_role.grant_g1",
		"message": "tempgrant_postgresql_login_role.grant_g1: superuser, valid_until changed outside tempgrant since the last apply; find out who changed it and why, then revoke the grant or restore the access it declares",
	}}
}

test_revocation_and_unprivileged_drift_pass if {
	count(check(fixtures.resource({"action": "delete", "drift": ["superuser"]}))) == 0
	count(check(fixtures.resource({"privileged": false, "drift": ["tags"]}))) == 0
}
