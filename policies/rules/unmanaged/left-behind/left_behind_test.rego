package tempgrant.rules.unmanaged.left_behind_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.unmanaged.left_behind

check(grant) := verdicts if {
	verdicts := left_behind.deny with input as {"now": fixtures.now, "grants": [grant], "resources": [fixtures.role]}
		with data.tempgrant.config as fixtures.config
}

test_a_record_whose_resources_go_with_it_passes if {
	count(check(object.union(fixtures.grant({}), {"action": "delete"}))) == 0
}

test_a_resource_left_behind_is_denied if {
	grant := object.union(fixtures.grant({}), {"action": "delete", "leftBehind": ["postgresql_role.grant_g1"]})
	[v] := [v | some v in check(grant)]
	v.rule == "unmanaged/left-behind"
	v.message == "grant g1 listed postgresql_role.grant_g1, which this plan neither destroys nor leaves to a grant that stays: the access would outlive its grant with nothing to revoke it; destroy it with the record"
}

test_a_forgotten_record_is_denied if {
	[v] := [v | some v in check(object.union(fixtures.grant({}), {"action": "forget"}))]
	v.message == "the record of grant g1 would be forgotten by tofu (removed with destroy = false, or replaced under lifecycle destroy = false): nothing would judge or revoke the grant after it; destroy the record instead"
}
