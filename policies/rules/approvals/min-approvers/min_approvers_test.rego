package tempgrant.rules.approvals.min_approvers_test

import rego.v1

import data.tempgrant.fixtures
import data.tempgrant.rules.approvals.min_approvers

check(after) := verdicts if {
	verdicts := min_approvers.deny with input as {"now": fixtures.now, "grants": [fixtures.grant(after)]}
		with data.tempgrant.config as fixtures.config
}

test_one_approver_passes if {
	count(check({})) == 0
}

test_no_approver_is_denied if {
	[v] := [v | some v in check({"approvedBy": []})]
	v.message == "grant g1 has 0 verified approver(s) other than the requester; 1 required"
}

test_requester_does_not_count if {
	count(check({"approvedBy": ["ALICE@example.com "]})) == 1
}

test_same_person_twice_counts_once if {
	verdicts := min_approvers.deny with input as {"now": fixtures.now, "grants": [fixtures.grant({"approvedBy": ["bob@example.com", " Bob@Example.com"]})]}
		with data.tempgrant.config as object.union(fixtures.config, {"approvals": {"required": 2}})
	count(verdicts) == 1
}

test_asked_but_unverified_approvers_do_not_count if {
	[v] := [v | some v in check({"approvedBy": ["bob@example.com"], "approvers": []})]
	v.message == "grant g1 has 0 verified approver(s) other than the requester; 1 required"
}

test_break_glass_needs_no_approval if {
	count(check({"approvedBy": [], "breakGlass": true})) == 0
}
