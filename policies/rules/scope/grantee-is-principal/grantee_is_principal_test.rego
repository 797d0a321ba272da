package tempgrant.rules.scope.grantee_is_principal_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.scope.grantee_is_principal

check(resource) := verdicts if {
	grant := object.union(fixtures.grant({"resources": [resource.address]}), {"owned": [0]})
	verdicts := grantee_is_principal.deny with input as {"now": fixtures.now, "grants": [grant], "resources": [resource]}
		with data.tempgrant.config as fixtures.config
}

membership(grantees) := fixtures.resource({
	"address": "tempgrant_postgresql_membership.grant_g1",
	"type": "tempgrant_postgresql_membership",
	"grantees": grantees,
})

test_the_principal_passes_in_any_case_and_spacing if {
	count(check(membership(["alice@example.com"]))) == 0
	count(check(membership([" Alice@Example.COM "]))) == 0
}

test_no_grantees_passes if {
	count(check(fixtures.role)) == 0
	count(check(membership([]))) == 0
}

test_someone_else_is_denied if {
	[v] := [v | some v in check(membership(["alice@example.com", "mallory"]))]
	v.rule == "scope/grantee-is-principal"
	v.grant == "g1"
	v.address == "tempgrant_postgresql_membership.grant_g1"
	v.message == "tempgrant_postgresql_membership.grant_g1 of grant g1 gives access to \"mallory\", not to the grant's principal alice@example.com: a grant's access goes to the person approved"
}

test_a_group_is_denied if {
	count(check(membership(["group:everyone@example.com"]))) == 1
}

test_a_deleted_resource_is_not_judged if {
	count(check(object.union(membership(["mallory"]), {"action": "delete"}))) == 0
}

test_a_grant_being_deleted_is_not_judged if {
	r := membership(["mallory"])
	grant := object.union(fixtures.grant({}), {"owned": [0], "action": "delete", "after": null})
	verdicts := grantee_is_principal.deny with input as {"now": fixtures.now, "grants": [grant], "resources": [r]}
		with data.tempgrant.config as fixtures.config
	count(verdicts) == 0
}
