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
