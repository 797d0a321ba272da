package tempgrant.rules.org.admin_two_approvers_test

import rego.v1

import data.tempgrant.rules.org.admin_two_approvers

grant(access, approvers) := {
	"id": "g1",
	"address": "tempgrant_grant.grant_g1",
	"action": "create",
	"after": {
		"id": "g1",
		"principal": "alice@example.com",
		"access": access,
		"requestedBy": "alice@example.com",
		"approvedBy": approvers,
		"breakGlass": false,
		# Names arrive folded (lower case, trimmed, aliases resolved) from the plan reader.
		"principalKey": "alice@example.com",
		"requestedByKey": "alice@example.com",
		"approverKeys": [lower(trim_space(name)) | some name in approvers],
	},
}

deny(grant) := verdicts if {
	verdicts := admin_two_approvers.deny with input as {"grants": [grant]}
}

test_admin_with_one_approver_is_denied if {
	count(deny(grant("admin", ["bob@example.com"]))) == 1
}

test_the_requester_does_not_count if {
	count(deny(grant("admin", ["bob@example.com", "Alice@Example.com"]))) == 1
}

test_admin_with_two_approvers_passes if {
	count(deny(grant("admin", ["bob@example.com", "carol@example.com"]))) == 0
}

test_other_access_is_not_concerned if {
	count(deny(grant("read", ["bob@example.com"]))) == 0
}
