package tempgrant.rules.unmanaged.privileged_without_grant_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.unmanaged.privileged_without_grant

check(resource) := verdicts if {
	verdicts := privileged_without_grant.deny with input as {"now": fixtures.now, "grants": [], "resources": [resource]}
}

test_owned_privileged_resource_passes if {
	count(check(fixtures.role)) == 0
}

test_standing_access_is_denied if {
	verdicts := check(fixtures.resource({"address": "aws_iam_user_policy.backdoor", "type": "aws_iam_user_policy", "owner": null}))
	verdicts == {{
		"rule": "unmanaged/privileged-without-grant",
		"grant": null,
		"address": "aws_iam_user_policy.backdoor",
		"message": "aws_iam_user_policy.backdoor (aws_iam_user_policy) gives access but belongs to no grant: declare it through a TemporaryGrant or a grants/*.yaml entry",
	}}
}

test_unprivileged_and_deleted_resources_pass if {
	count(check(fixtures.resource({"owner": null, "privileged": false}))) == 0
	count(check(fixtures.resource({"owner": null, "action": "delete"}))) == 0
}

test_moved_away_from_its_grant_is_denied if {
	moved := fixtures.resource({"address": "postgresql_role.standing", "action": "no-op", "owner": null, "previousAddress": "postgresql_role.grant_g1", "claimedBy": []})
	[v] := [v | some v in privileged_without_grant.deny with input as {"now": fixtures.now, "grants": [], "resources": [moved]}]
	v.message == "postgresql_role.standing (tempgrant_postgresql_login_role) was moved from postgresql_role.grant_g1 and belongs to no grant that stays: a moved block cannot turn a grant's access into standing access"
}

test_listed_by_two_grants_is_denied if {
	shared := fixtures.resource({"owner": null, "claimedBy": ["g2", "g1"]})
	[v] := [v | some v in privileged_without_grant.deny with input as {"now": fixtures.now, "grants": [], "resources": [shared]}]
	v.message == "tempgrant_postgresql_login_role.grant_g1 (tempgrant_postgresql_login_role) is listed by grants g1, g2: an address belongs to one grant"
}

test_forgotten_access_is_denied if {
	forgotten := fixtures.resource({"action": "forget"})
	[v] := [v | some v in privileged_without_grant.deny with input as {"now": fixtures.now, "grants": [], "resources": [forgotten]}]
	v.message == "tempgrant_postgresql_login_role.grant_g1 (tempgrant_postgresql_login_role) would be forgotten by tofu and stay in the target with nothing to revoke it: destroy it instead"
}

test_a_grants_forgotten_resource_of_any_type_is_denied if {
	forgotten := fixtures.resource({"action": "forget", "privileged": false, "type": "terraform_data", "address": "terraform_data.access"})
	[v] := [v | some v in privileged_without_grant.deny with input as {"now": fixtures.now, "grants": [], "resources": [forgotten]}]
	v.message == "terraform_data.access (terraform_data) would be forgotten by tofu and stay in the target with nothing to revoke it: destroy it instead"
}

test_an_unlisted_unprivileged_resource_may_be_forgotten if {
	forgotten := fixtures.resource({"action": "forget", "privileged": false, "owner": null, "type": "terraform_data"})
	count(privileged_without_grant.deny) == 0 with input as {"now": fixtures.now, "grants": [], "resources": [forgotten]}
}
