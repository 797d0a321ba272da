package tempgrant.rules.native_expiry.matches_record_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.native_expiry.matches_record

check(resource) := verdicts if {
	grant := object.union(fixtures.grant({}), {"owned": [0]})
	verdicts := matches_record.deny with input as {"now": fixtures.now, "grants": [grant], "resources": [resource]}
}

test_matching_valid_until_passes if {
	count(check(fixtures.role)) == 0
}

test_missing_valid_until_is_denied if {
	[v] := [v | some v in check(fixtures.resource({"nativeExpiry": null}))]
	v.message == "tempgrant_postgresql_login_role.grant_g1 of grant g1: it has no native expiry, not the record's expiry 2027-01-15T16:00:00Z"
}

test_later_valid_until_is_denied if {
	[v] := [v | some v in check(fixtures.resource({"nativeExpiry": fixtures.role.nativeExpiry + 7200}))]
	v.message == "tempgrant_postgresql_login_role.grant_g1 of grant g1: its native expiry is 2h later, not the record's expiry 2027-01-15T16:00:00Z"
}

test_earlier_valid_until_is_denied if {
	count(check(fixtures.resource({"nativeExpiry": fixtures.role.nativeExpiry - 60}))) == 1
}

test_resources_that_cannot_carry_expiry_pass if {
	count(check(fixtures.resource({"nativeExpiry": null, "expiryBearing": false}))) == 0
}

test_an_aws_or_gcp_record_saying_no_native_expiry_is_still_held_to_it if {
	some binding in ["aws-iam", "gcp-iam", "postgresql"]
	grant := object.union(fixtures.grant({"nativeExpiry": false, "binding": binding}), {"owned": [0]})
	verdicts := matches_record.deny with input as {"now": fixtures.now, "grants": [grant], "resources": [fixtures.resource({"nativeExpiry": null})]}
	count(verdicts) == 1
}

test_another_binding_may_go_without if {
	grant := object.union(fixtures.grant({"nativeExpiry": false, "binding": "kubernetes"}), {"owned": [0]})
	count(matches_record.deny) == 0 with input as {"now": fixtures.now, "grants": [grant], "resources": [fixtures.resource({"nativeExpiry": null})]}
}
