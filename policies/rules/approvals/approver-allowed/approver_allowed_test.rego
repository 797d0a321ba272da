package tempgrant.rules.approvals.approver_allowed_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.approvals.approver_allowed

check(after, allowed) := verdicts if {
	verdicts := approver_allowed.deny with input as {"now": fixtures.now, "grants": [fixtures.grant(after)]}
		with data.tempgrant.config as object.union(fixtures.config, {"approvals": {"allowed": allowed}})
}

test_allowed_approver_passes if {
	count(check({}, ["*@example.com"])) == 0
	count(check({"approvedBy": ["Bob@Example.com"]}, ["bob@example.com"])) == 0
}

test_outsider_is_denied if {
	[v] := [v | some v in check({"approvedBy": ["mallory@evil.test"]}, ["*@example.com"])]
	v.message == "grant g1: \"mallory@evil.test\" may not approve grants (allowed: *@example.com)"
}

test_no_list_allows_anyone if {
	count(check({"approvedBy": ["mallory@evil.test"]}, [])) == 0
}
