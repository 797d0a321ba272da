package tempgrant.rules.unmanaged.listed_in_plan_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.unmanaged.listed_in_plan

check(grant, resources) := verdicts if {
	verdicts := listed_in_plan.deny with input as {"now": fixtures.now, "grants": [grant], "resources": resources}
		with data.tempgrant.config as fixtures.config
}

test_listing_its_own_resources_passes if {
	count(check(object.union(fixtures.grant({}), {"owned": [0], "missingResources": []}), [fixtures.role])) == 0
}

test_listing_an_address_the_plan_does_not_hold_is_denied if {
	grant := object.union(fixtures.grant({"resources": ["postgresql_role.grant_g1", "postgresql_role.other[0]"]}), {"owned": [0], "missingResources": ["postgresql_role.other[0]"]})
	[v] := [v | some v in check(grant, [fixtures.role])]
	v.message == "grant g1 lists postgresql_role.other[0], which this plan does not create or keep for it: a record lists only the resources beside it"
}
