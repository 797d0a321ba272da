package tempgrant.rules.extension.fresh_approval_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.extension.fresh_approval

later := fixtures.record.expiresAt + (4 * fixtures.hour)

update(after) := object.union(fixtures.grant(after), {"action": "update", "before": fixtures.record})

# The input tempgrant builds: removed unexpired grants indexed by access key.
check(grants) := verdicts if {
	removed := {key: [g | some g in grants; g.action == "delete"; g.before.expiresAt > fixtures.now; g.before.accessKey == key] |
		some g0 in grants
		g0.action == "delete"
		key := g0.before.accessKey
	}
	verdicts := fresh_approval.deny with input as {"now": fixtures.now, "grants": grants, "removedUnexpired": removed}
		with data.tempgrant.config as fixtures.config
}

test_extension_by_the_same_approver_is_denied if {
	[v] := [v | some v in check([update({"expiresAt": later, "expiresAtText": "later"})])]
	v.message == "grant g1 moves its expiry from 2027-01-15T16:00:00Z to later without a new approver: an extension is a new grant"
}

test_extension_with_a_new_approver_passes if {
	count(check([update({"expiresAt": later, "approvedBy": ["bob@example.com", "dan@example.com"]})])) == 0
}

test_shortening_passes if {
	count(check([update({"expiresAt": fixtures.now + 60})])) == 0
}

test_renaming_to_restart_the_clock_is_denied if {
	removed := {"id": "g1", "address": "tempgrant_grant.grant_g1", "action": "delete", "before": fixtures.record, "after": null, "unknownExpiry": false}
	created := object.union(fixtures.grant({"id": "g1-again", "expiresAt": later}), {"address": "tempgrant_grant.grant_g1_again"})
	[v] := [v | some v in check([removed, created])]
	v.message == "grant g1-again replaces unexpired grant g1 and ends later, without a new approver: renaming does not restart the clock"
}

test_replacing_an_expired_grant_is_a_new_grant if {
	old := object.union(fixtures.record, {"expiresAt": fixtures.now - 1})
	removed := {"id": "g1", "address": "tempgrant_grant.grant_g1", "action": "delete", "before": old, "after": null, "unknownExpiry": false}
	created := fixtures.grant({"id": "g2"})
	count(check([removed, created])) == 0
}
